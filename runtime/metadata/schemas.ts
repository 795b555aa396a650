/**
 * The JSON Schemas of the metadata format (metadata/schema/*.json), compiled once with ajv.
 * The schemas are the single source for the shape of every file; validate.ts turns their
 * errors into Problems and adds the checks a schema cannot express (names that must exist…).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type {
  DashboardDef, ExtensionManifest, FieldDef, LayoutDef, ObjectDef, PackageBundle, PackageManifest,
  ReportDef, RoleDef, ViewDef, WorkflowDef,
} from '../../metadata/types.ts';
import bundleSchema from '../../metadata/schema/bundle.schema.json' with { type: 'json' };
import commonSchema from '../../metadata/schema/common.schema.json' with { type: 'json' };
import dashboardSchema from '../../metadata/schema/dashboard.schema.json' with { type: 'json' };
import extensionSchema from '../../metadata/schema/extension.schema.json' with { type: 'json' };
import fieldSchema from '../../metadata/schema/field.schema.json' with { type: 'json' };
import layoutSchema from '../../metadata/schema/layout.schema.json' with { type: 'json' };
import objectSchema from '../../metadata/schema/object.schema.json' with { type: 'json' };
import packageSchema from '../../metadata/schema/package.schema.json' with { type: 'json' };
import reportSchema from '../../metadata/schema/report.schema.json' with { type: 'json' };
import roleSchema from '../../metadata/schema/role.schema.json' with { type: 'json' };
import viewSchema from '../../metadata/schema/view.schema.json' with { type: 'json' };
import workflowSchema from '../../metadata/schema/workflow.schema.json' with { type: 'json' };

/** What each schema describes, so a passing validator narrows to the right type. */
export interface SchemaTypes {
  package: PackageManifest;
  object: ObjectDef;
  field: FieldDef;
  layout: LayoutDef;
  view: ViewDef;
  workflow: WorkflowDef;
  role: RoleDef;
  report: ReportDef;
  dashboard: DashboardDef;
  extension: ExtensionManifest;
  bundle: PackageBundle;
}
export type SchemaName = keyof SchemaTypes;

export const SCHEMA_BASE_URL = 'https://strata.dev/schema/';

/** The raw schema documents, e.g. for the studio's editors or the OpenAPI document. */
export const METADATA_SCHEMAS: Readonly<Record<SchemaName | 'common', object>> = {
  common: commonSchema,
  package: packageSchema,
  object: objectSchema,
  field: fieldSchema,
  layout: layoutSchema,
  view: viewSchema,
  workflow: workflowSchema,
  role: roleSchema,
  report: reportSchema,
  dashboard: dashboardSchema,
  extension: extensionSchema,
  bundle: bundleSchema,
};

export function schemaId(name: SchemaName | 'common'): string {
  return `${SCHEMA_BASE_URL}${name}.schema.json`;
}

let ajv: Ajv2020 | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();

/** One ajv for all schemas: they $ref each other by id. Built on first use, not at import. */
function instance(): Ajv2020 {
  if (!ajv) {
    // allErrors: a package author wants every mistake at once. verbose: errors carry the
    // offending data and schema, which the messages quote. Strict about unknown keywords, but
    // if/then branches legitimately omit `type` and require what their parent declares.
    ajv = new Ajv2020({
      allErrors: true, verbose: true,
      strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true,
    });
    for (const schema of Object.values(METADATA_SCHEMAS)) ajv.addSchema(schema);
  }
  return ajv;
}

/** The compiled validator of one schema (compiled once, then cached). */
export function schemaValidator<K extends SchemaName>(name: K): ValidateFunction<SchemaTypes[K]> {
  let validate = compiled.get(name);
  if (!validate) {
    const found = instance().getSchema(schemaId(name));
    if (!found) throw new Error(`metadata schema ${name} is not registered`);
    validate = found;
    compiled.set(name, validate);
  }
  // The schema describes SchemaTypes[K]; ajv cannot infer that from a JSON file.
  return validate as ValidateFunction<SchemaTypes[K]>;
}
