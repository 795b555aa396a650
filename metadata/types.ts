/**
 * The TypeScript types of Strata's metadata format (CONTRACT §3, §5, §8).
 * The JSON Schemas in metadata/schema/ describe the same shapes; test/metadata checks
 * that the standard packages satisfy both.
 */

/** A JSON Logic expression: `{"var": "amount"}`, `{"==": [a, b]}`, or a literal. */
export type JsonLogic = JsonValue;
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Record filter (CONTRACT §4): `{"field": value}`, `{"field": {"gt": 3}}`, `{"and": [...]}` … */
export type RecordFilter = { [key: string]: JsonValue };

export const FIELD_TYPES = [
  'text', 'longtext', 'richtext', 'email', 'phone', 'url',
  'integer', 'decimal', 'currency', 'percent', 'boolean', 'date', 'datetime',
  'picklist', 'multipicklist', 'reference', 'autonumber', 'formula', 'rollup', 'json',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Types a formula may return. */
export const FORMULA_RETURN_TYPES = ['text', 'integer', 'decimal', 'currency', 'percent', 'boolean', 'date', 'datetime'] as const;
export type FormulaReturnType = (typeof FORMULA_RETURN_TYPES)[number];

export const NAME_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
/** Names no field may take: every record carries these. */
export const RESERVED_FIELD_NAMES = ['id', 'version'] as const;
/** PostgreSQL's system columns: every table has them, so no field may be named after one. */
export const POSTGRES_SYSTEM_COLUMNS = ['oid', 'tableoid', 'xmin', 'xmax', 'cmin', 'cmax', 'ctid'] as const;
/** System columns every record carries, usable in filters and sorts. */
export const SYSTEM_FIELDS = ['id', 'ownerId', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'version'] as const;
export type SystemField = (typeof SYSTEM_FIELDS)[number];

interface FieldCommon {
  name: string;
  label?: string;
  helpText?: string;
  required?: boolean;
  unique?: boolean;
  default?: JsonValue;
  externalId?: boolean;
  /** Personal data: erased by a GDPR erase. */
  pii?: boolean;
  /** The field's previous name: a deploy renames the column and keeps its data. */
  renamedFrom?: string;
}

export interface TextField extends FieldCommon {
  type: 'text' | 'longtext' | 'richtext' | 'email' | 'phone' | 'url';
  maxLength?: number;
  /** Whether text search (`q`) looks into it; by default only name, email, phone and code fields. */
  searchable?: boolean;
}
export interface IntegerField extends FieldCommon { type: 'integer'; min?: number; max?: number }
export interface NumberField extends FieldCommon {
  type: 'decimal' | 'currency' | 'percent';
  /** Total digits (default 18). */
  precision?: number;
  /** Digits after the point (default 2). */
  scale?: number;
  min?: number;
  max?: number;
}
export interface BooleanField extends FieldCommon { type: 'boolean' }
export interface DateField extends FieldCommon { type: 'date' | 'datetime' }
export interface PicklistOption { value: string; label?: string; color?: string }
export interface PicklistField extends FieldCommon {
  type: 'picklist' | 'multipicklist';
  options: PicklistOption[];
}
export type OnDelete = 'restrict' | 'setNull' | 'cascade';
export interface ReferenceField extends FieldCommon {
  type: 'reference';
  /** Target object name. */
  to: string;
  onDelete?: OnDelete;
}
export interface AutonumberField extends FieldCommon {
  type: 'autonumber';
  /** e.g. `ORD-{0000}`: the braces hold the zero-padded counter. */
  format?: string;
  startAt?: number;
}
export interface FormulaField extends FieldCommon {
  type: 'formula';
  returns: FormulaReturnType;
  expression: JsonLogic;
  scale?: number;
}
export type RollupAggregate = 'sum' | 'count' | 'min' | 'max' | 'avg';
/** What a rollup holds: min and max of dates are dates (see metadata/rollup-type.ts). */
export const ROLLUP_RETURN_TYPES = ['number', 'date', 'datetime'] as const;
export type RollupReturnType = (typeof ROLLUP_RETURN_TYPES)[number];
export interface RollupField extends FieldCommon {
  type: 'rollup';
  /** `<child object>.<reference field on the child pointing here>` */
  of: string;
  aggregate: RollupAggregate;
  /** The child field aggregated (not needed for count). */
  field?: string;
  filter?: RecordFilter;
  scale?: number;
  /**
   * The type of its value, derived from the child field on deploy: the deployed registry
   * carries it for date and datetime results (absent means a number). A package may state
   * it; it must then be what the child field gives.
   */
  returns?: RollupReturnType;
}
export interface JsonField extends FieldCommon { type: 'json' }

export type FieldDef =
  | TextField | IntegerField | NumberField | BooleanField | DateField | PicklistField
  | ReferenceField | AutonumberField | FormulaField | RollupField | JsonField;

export interface ValidationRule {
  name: string;
  /** The field the error is reported on (optional: else the record as a whole). */
  field?: string;
  /** JSON Logic: the rule FAILS when this is truthy. */
  when: JsonLogic;
  message: string;
  /** Only on create / update; default both. */
  on?: Array<'create' | 'update'>;
}

export interface IndexDef {
  fields: string[];
  unique?: boolean;
}

export type AppName = 'sales' | 'service' | 'marketing' | 'commerce' | 'other';

export interface ObjectDef {
  name: string;
  label: string;
  pluralLabel?: string;
  description?: string;
  /** The field shown as the record's title (lookups, references, breadcrumbs). */
  nameField?: string;
  trackHistory?: boolean;
  /** The app (navigation group) the object belongs to. */
  app?: AppName;
  icon?: string;
  renamedFrom?: string;
  fields: FieldDef[];
  validationRules?: ValidationRule[];
  indexes?: IndexDef[];
}

/** Record page: sections → columns → fields. */
export interface LayoutSection {
  label: string;
  /** Collapsed by default. */
  collapsed?: boolean;
  columns: Array<{ fields: string[] }>;
}
export interface RelatedList {
  /** Child object and its reference field pointing at this object. */
  object: string;
  field: string;
  label?: string;
  columns?: string[];
}
export interface LayoutDef {
  name: string;
  object: string;
  label?: string;
  sections: LayoutSection[];
  relatedLists?: RelatedList[];
}

export interface ViewDef {
  name: string;
  object: string;
  label?: string;
  type?: 'table' | 'kanban';
  columns: string[];
  filter?: RecordFilter;
  /** `["-amount", "name"]` */
  sort?: string[];
  /** For kanban: the picklist whose values are the columns. */
  groupBy?: string;
}

export type TriggerEvent = 'create' | 'update' | 'delete' | 'schedule' | 'webhook' | 'manual';
export interface WorkflowAction {
  type: 'updateRecord' | 'createRecord' | 'sendEmail' | 'webhook' | 'extension' | 'wait';
  [key: string]: JsonValue;
}
export interface WorkflowDef {
  name: string;
  label?: string;
  object?: string;
  active?: boolean;
  trigger: {
    on: TriggerEvent;
    when?: JsonLogic;
    changed?: string[];
    cron?: string;
    secret?: string;
  };
  actions: WorkflowAction[];
}

export type RecordAccess = 'own' | 'team' | 'all' | boolean | RecordFilter;
export interface ObjectPermission {
  read?: RecordAccess;
  create?: boolean;
  update?: RecordAccess;
  delete?: RecordAccess;
}
export type FieldAccess = 'edit' | 'read' | 'none';
export type Ability = 'import' | 'export' | 'studio' | 'manageUsers';
export interface RoleDef {
  name: string;
  label?: string;
  objects: Record<string, ObjectPermission>;
  /** `"object.field": access` */
  fields?: Record<string, FieldAccess>;
  abilities?: Ability[];
}

export interface ReportDef {
  name: string;
  label?: string;
  object: string;
  filter?: RecordFilter;
  groupBy?: Array<string | { field: string; bucket: 'year' | 'quarter' | 'month' | 'week' | 'day' }>;
  aggregates?: Array<{ fn: 'sum' | 'avg' | 'min' | 'max' | 'count' | 'countDistinct'; field?: string; as: string }>;
  sort?: string[];
  limit?: number;
}

export interface DashboardDef {
  name: string;
  label?: string;
  widgets: Array<{ report: string; title?: string; chart?: 'bar' | 'line' | 'pie' | 'number' | 'table' }>;
}

export interface ExtensionManifest {
  name: string;
  version: string;
  hooks?: Array<{ object: string; event: 'beforeSave' | 'afterSave' | 'beforeDelete'; function: string }>;
  endpoints?: Array<{ method: string; path: string; function: string }>;
  schedules?: Array<{ cron: string; function: string }>;
  limits?: { timeoutMs?: number; memoryMb?: number };
  allowHosts?: string[];
  role?: string;
}
export interface ExtensionDef { manifest: ExtensionManifest; source: string }

export interface PackageManifest {
  name: string;
  version: string;
  label?: string;
  description?: string;
  dependsOn?: Record<string, string>;
}

/** A package as one JSON document (CONTRACT §3). */
export interface PackageBundle {
  package: PackageManifest;
  objects?: ObjectDef[];
  layouts?: LayoutDef[];
  views?: ViewDef[];
  workflows?: WorkflowDef[];
  roles?: RoleDef[];
  reports?: ReportDef[];
  dashboards?: DashboardDef[];
  extensions?: ExtensionDef[];
}

/** The kinds of named, non-object metadata a package carries. */
export const ELEMENT_KINDS = ['layouts', 'views', 'workflows', 'roles', 'reports', 'dashboards', 'extensions'] as const;
export type ElementKind = (typeof ELEMENT_KINDS)[number];
