/**
 * What the studio reads from GET /api/metadata: the deployed registry, with the package that
 * owns each object, field, validation rule and index (so the studio knows what is an admin
 * customization and what came with an installed package).
 */
import type {
  FieldDef, IndexDef, LayoutDef, PackageManifest, RoleDef, ValidationRule, ViewDef, ObjectDef,
} from '../../../metadata/types.ts';

export type { FieldDef, LayoutDef, RoleDef, ValidationRule, ViewDef, ObjectDef };

/** The package every studio change is deployed as. */
export const CUSTOM_PACKAGE = 'custom';

export type StudioField = FieldDef & { id: string; package: string };
export type StudioRule = ValidationRule & { package: string };
export type StudioIndex = IndexDef & { package: string; indexName?: string };

export interface StudioObject extends Omit<ObjectDef, 'fields' | 'validationRules' | 'indexes' | 'renamedFrom'> {
  id: string;
  package: string;
  fields: StudioField[];
  validationRules?: StudioRule[];
  indexes?: StudioIndex[];
}

export interface InstalledPackage extends PackageManifest { deployedAt?: string }

export interface StudioMetadata {
  version: number;
  packages?: InstalledPackage[];
  objects: StudioObject[];
  layouts: LayoutDef[];
  views: ViewDef[];
  roles: RoleDef[];
}

/** A deploy's answer and its plan steps, as the OpenAPI document describes them (CONTRACT §2). */
export type { DeployResult, PlanStep } from '../api/openapi-types.ts';

/** A recycle bin entry (GET /api/metadata/recycle-bin). */
export interface BinEntry {
  id: string;
  kind: 'field' | 'object';
  object: string;
  name: string;
  package: string;
  removedAt: string;
  removedBy?: string | null;
  definition?: { label?: string; type?: string; fields?: unknown[] };
}
