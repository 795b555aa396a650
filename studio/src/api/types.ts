/** Shapes the API returns (CONTRACT §2), over the metadata format's own types. */
import type { FieldDef, LayoutDef, ObjectDef, ReportDef, RoleDef, ViewDef, DashboardDef } from '../../../metadata/types.ts';

export type { FieldDef, LayoutDef, ObjectDef, ViewDef, RoleDef, ReportDef, DashboardDef };

export type DeployedField = FieldDef & { id: string; package: string };
export interface DeployedObject extends Omit<ObjectDef, 'fields'> {
  id: string;
  package: string;
  fields: DeployedField[];
}

export interface DeployedPackage { name: string; version: string; label?: string; deployedAt: string }

export interface Metadata {
  version: number;
  packages: DeployedPackage[];
  objects: DeployedObject[];
  layouts: LayoutDef[];
  views: ViewDef[];
  roles: RoleDef[];
  reports: ReportDef[];
  dashboards: DashboardDef[];
}

export interface User { id: string; email: string; name: string | null; roles: string[]; mfaEnabled: boolean; abilities?: string[] }

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

export interface Page<T> { data: T[]; nextCursor: string | null }
export interface HistoryEntry { at: string; by: string | null; field: string; from: unknown; to: unknown }
