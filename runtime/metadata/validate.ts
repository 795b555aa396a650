/**
 * Validation of a package bundle: first its JSON Schema (shape), then the semantic checks a
 * schema cannot express (names that must exist, duplicates, rollup wiring …). Every problem is
 * reported, never just the first: a package author fixes them all in one round.
 *
 * The semantic checks run on data that may have failed the schema, so they read it defensively
 * (`str`, `arr`, `objs`) and stay silent where the schema already complained.
 *
 * This file runs the checks in order; they live in validate/, one file per kind of metadata
 * (objects.ts, fields.ts, elements.ts for layouts and views, workflows.ts, roles.ts,
 * reports.ts, extensions.ts …), with the schema half in validate/schema-problems.ts.
 *
 * Problem codes: invalid_type, invalid_value, invalid_name, invalid_format, reserved_name,
 * required, unknown_property, not_allowed, empty, too_short, too_long, too_few, too_many,
 * out_of_range, duplicate_item (schema); invalid_character (a NUL in any text); duplicate_name, duplicate_option, duplicate_field,
 * duplicate_endpoint, unknown_object, unknown_field, unknown_report, unknown_operator,
 * invalid_path, invalid_filter, invalid_rollup, invalid_related_list, invalid_default,
 * invalid_scale, invalid_range, invalid_autonumber_format, invalid_bucket, invalid_aggregate,
 * not_a_picklist, read_only_field, rename_collision, formula_cycle, missing_function,
 * too_deep and invalid_expression (an expression the engine would refuse),
 * invalid_dependency (semantic). load.ts adds file-level codes.
 */
import { Checker } from './validate/checker.ts';
import type { ValidationContext } from './validate/checker.ts';
import { checkLayouts, checkViews } from './validate/elements.ts';
import { checkExtensions } from './validate/extensions.ts';
import { isObj } from './validate/json.ts';
import type { Json } from './validate/json.ts';
import { checkObjects } from './validate/objects.ts';
import { checkPackage } from './validate/package.ts';
import { describe, unique } from './validate/problems.ts';
import type { Problem } from './validate/problems.ts';
import { checkDashboards, checkReports } from './validate/reports.ts';
import { checkRoles } from './validate/roles.ts';
import { schemaProblems } from './validate/schema-problems.ts';
import { nulProblems } from './validate/text.ts';
import { checkWorkflows } from './validate/workflows.ts';

export { formatProblem, pointer } from './validate/problems.ts';
export type { Problem } from './validate/problems.ts';
export type { ValidationContext } from './validate/checker.ts';
export { schemaProblems } from './validate/schema-problems.ts';

/** Validates a whole package bundle; an empty list means it may be deployed. */
export function validateBundle(bundle: unknown, context: ValidationContext = {}): Problem[] {
  if (!isObj(bundle)) {
    return [{
      path: '', code: 'invalid_type',
      message: `a package bundle must be a JSON object like {"package": {...}, "objects": [...]}, not ${describe(bundle)}`,
    }];
  }
  const problems = schemaProblems('bundle', bundle);
  problems.push(...nulProblems(bundle));
  problems.push(...semanticProblems(bundle, context));
  return unique(problems);
}

function semanticProblems(bundle: Json, context: ValidationContext): Problem[] {
  const c = new Checker(bundle, context);
  checkPackage(c);
  checkObjects(c);
  checkLayouts(c);
  checkViews(c);
  checkWorkflows(c);
  checkRoles(c);
  checkReports(c);
  checkDashboards(c);
  checkExtensions(c);
  return c.problems;
}
