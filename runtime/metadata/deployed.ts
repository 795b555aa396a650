/**
 * The deployed registry: what is live in the database, with a stable id per object and field
 * and the package each element came from (so admin customizations can be layered over packages).
 */
import type {
  DashboardDef, ExtensionDef, FieldDef, IndexDef, LayoutDef, ObjectDef, ReportDef, RoleDef,
  ValidationRule, ViewDef, WorkflowDef,
} from '../../metadata/types.ts';

export interface Owned {
  package: string;
  /**
   * Another package (usually the studio's `custom`) that changed this element: its version is
   * kept when the owning package is upgraded, so admin customizations survive upgrades.
   */
  customizedBy?: string;
}

export type DeployedField = FieldDef & { id: string; package: string; customizedBy?: string };
export type DeployedRule = ValidationRule & Owned;
export type DeployedIndex = IndexDef & Owned & { indexName: string };

export interface DeployedObject extends Omit<ObjectDef, 'fields' | 'validationRules' | 'indexes' | 'renamedFrom'> {
  id: string;
  package: string;
  fields: DeployedField[];
  validationRules: DeployedRule[];
  indexes: DeployedIndex[];
}

export interface DeployedPackage { name: string; version: string; label?: string; deployedAt: string }

export interface RegistryDoc {
  /** Increases by one on every applied deploy. */
  version: number;
  packages: DeployedPackage[];
  objects: DeployedObject[];
  layouts: Array<LayoutDef & Owned>;
  views: Array<ViewDef & Owned>;
  workflows: Array<WorkflowDef & Owned>;
  roles: Array<RoleDef & Owned>;
  reports: Array<ReportDef & Owned>;
  dashboards: Array<DashboardDef & Owned>;
  extensions: Array<ExtensionDef & Owned>;
}

export function emptyRegistry(): RegistryDoc {
  return { version: 0, packages: [], objects: [], layouts: [], views: [], workflows: [], roles: [], reports: [], dashboards: [], extensions: [] };
}
