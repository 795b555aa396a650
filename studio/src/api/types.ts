/**
 * Shapes the API returns (CONTRACT §2). The platform shapes come from openapi-types.ts, generated
 * from the OpenAPI document the server serves; where the studio knows more than the document
 * says (the metadata format's own types), its type extends the generated one, so tsc proves the
 * two agree. Records stay generic: their schemas depend on what is deployed.
 */
import type { FieldDef, LayoutDef, ObjectDef, ReportDef, RoleDef, ViewDef, DashboardDef } from '../../../metadata/types.ts';
import type {
  CurrentUser, Metadata as ApiMetadata, ObjectDefinition, User as ApiUser,
} from './openapi-types.ts';

export type { FieldDef, LayoutDef, ObjectDef, ViewDef, RoleDef, ReportDef, DashboardDef };
export type { FieldProblem, HistoryEntry, ObjectRights, Problem } from './openapi-types.ts';

export type DeployedField = FieldDef & { id: string; package: string };
export interface DeployedObject extends Omit<ObjectDef, 'fields'>, ObjectDefinition {
  id: string;
  package: string;
  fields: DeployedField[];
}

export type DeployedPackage = ApiMetadata['packages'][number];

export interface Metadata extends ApiMetadata {
  objects: DeployedObject[];
  layouts: LayoutDef[];
  views: ViewDef[];
  roles: RoleDef[];
  reports: ReportDef[];
  dashboards: DashboardDef[];
}

/**
 * A user as GET /api/users and sign-in send them; GET /api/auth/me adds the caller's
 * abilities (a user taken from the sign-in answer has none yet).
 */
export type User = ApiUser & Partial<Pick<CurrentUser, 'abilities'>>;

export type RecordValue = string | number | boolean | null | string[] | Record<string, unknown>;
export interface CrmRecord {
  id: string;
  version: number;
  ownerId: string | null;
  createdAt: string;
  createdBy: string | null;
  updatedAt: string;
  updatedBy: string | null;
  [field: string]: unknown;
}

/** A page of a list (each object's `<Object>List` in the document). */
export interface Page<T> { data: T[]; nextCursor: string | null }
