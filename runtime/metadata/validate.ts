/**
 * Validation of a package bundle: first its JSON Schema (shape), then the semantic checks a
 * schema cannot express (names that must exist, duplicates, rollup wiring …). Every problem is
 * reported, never just the first: a package author fixes them all in one round.
 *
 * The semantic checks run on data that may have failed the schema, so they read it defensively
 * (`str`, `arr`, `objs`) and stay silent where the schema already complained.
 *
 * Problem codes: invalid_type, invalid_value, invalid_name, invalid_format, reserved_name,
 * required, unknown_property, not_allowed, empty, too_short, too_long, too_few, too_many,
 * out_of_range, duplicate_item (schema); duplicate_name, duplicate_option, duplicate_field,
 * duplicate_endpoint, unknown_object, unknown_field, unknown_report, unknown_operator,
 * invalid_path, invalid_filter, invalid_rollup, invalid_related_list, invalid_default,
 * invalid_scale, invalid_range, invalid_autonumber_format, invalid_bucket, invalid_aggregate,
 * not_a_picklist, read_only_field, rename_collision, formula_cycle, missing_function,
 * invalid_dependency (semantic). load.ts adds file-level codes.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { ObjectDef, ReportDef, SystemField } from '../../metadata/types.ts';
import { METADATA_SCHEMAS, schemaValidator } from './schemas.ts';
import type { SchemaName } from './schemas.ts';

export interface Problem {
  /** The file the problem is in, relative to the package folder (folder and bundle-file loads). */
  file?: string;
  /** JSON pointer into the bundle (or, with `file`, into that file), e.g. /objects/2/fields/0/type */
  path: string;
  code: string;
  message: string;
}

export interface ValidationContext {
  /** Objects already deployed (from other packages): references may point at them. */
  deployedObjects?: ObjectDef[];
  /** Reports already deployed: dashboards may show them. */
  deployedReports?: Array<Pick<ReportDef, 'name'>>;
  /**
   * For checking a package before the deployed state is at hand (loading it from disk): an
   * object or report found nowhere is assumed to come from the packages in `dependsOn`, if the
   * package lists any. The deploy validates again with what is really deployed.
   */
  assumeDependencies?: boolean;
}

/** Validates a whole package bundle; an empty list means it may be deployed. */
export function validateBundle(bundle: unknown, context: ValidationContext = {}): Problem[] {
  if (!isObj(bundle)) {
    return [{
      path: '', code: 'invalid_type',
      message: `a package bundle must be a JSON object like {"package": {...}, "objects": [...]}, not ${describe(bundle)}`,
    }];
  }
  const problems = schemaProblems('bundle', bundle);
  problems.push(...semanticProblems(bundle, context));
  return unique(problems);
}

/** Schema validation alone, of one kind of document; paths are prefixed with `basePath`. */
export function schemaProblems(name: SchemaName, value: unknown, basePath = ''): Problem[] {
  const validate = schemaValidator(name);
  if (validate(value)) return [];
  const problems: Problem[] = [];
  for (const error of validate.errors ?? []) {
    const problem = fromAjvError(error, value);
    if (problem) problems.push({ ...problem, path: basePath + problem.path });
  }
  return unique(problems);
}

/** One line for a terminal: `objects/account.json /fields/0/type: … [invalid_value]`. */
export function formatProblem(problem: Problem): string {
  const where = [problem.file, problem.path || (problem.file ? '' : '/')].filter(Boolean).join(' ');
  return `${where}: ${problem.message} [${problem.code}]`;
}

/** A JSON pointer from segments (RFC 6901 escaping). */
export function pointer(base: string, ...segments: Array<string | number>): string {
  return base + segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

// ───────────────────────────── schema errors → problems ─────────────────────────────

/** Patterns that define names: their failures are `invalid_name`, others `invalid_format`. */
const NAME_PATTERNS = new Set(
  ['name', 'fieldRef', 'fieldPath', 'sortKey', 'packageName', 'functionName'].map((def) => {
    const defs = (METADATA_SCHEMAS.common as { $defs: Record<string, { pattern?: string }> }).$defs;
    return defs[def]?.pattern;
  }),
);

function fromAjvError(e: ErrorObject, root: unknown): Problem | undefined {
  let path = e.instancePath;
  // Errors inside `propertyNames` are about a key: point at that key.
  if (e.propertyName !== undefined) path = pointer(path, e.propertyName);
  const params = e.params as Record<string, unknown>;
  const parent: Record<string, unknown> = isObj(e.parentSchema) ? e.parentSchema : {};
  const data: unknown = e.data;
  const typeNote = isObj(data) && typeof data.type === 'string' ? ` for type '${data.type}'` : '';

  switch (e.keyword) {
    // Summaries of errors reported on their own.
    case 'if': case 'propertyNames': case 'allOf': case 'anyOf': case 'oneOf':
      return undefined;
    case 'required': {
      const missing = String(params.missingProperty);
      return { path: pointer(path, missing), code: 'required', message: `'${missing}' is required${typeNote}` };
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const hint = suggestion(extra, allowedProperties(parent));
      return {
        path: pointer(path, extra), code: 'unknown_property',
        message: `unknown property '${extra}'${typeNote}${hint ? ` (did you mean '${hint}'?)` : ''}`,
      };
    }
    case 'false schema': {
      // The only false schemas are type-specific bans, like a default on a formula field.
      const owner = at(root, path.slice(0, path.lastIndexOf('/')));
      const type = isObj(owner) && typeof owner.type === 'string' ? ` for type '${owner.type}'` : ' here';
      return { path, code: 'not_allowed', message: `'${lastSegment(path)}' is not allowed${type}` };
    }
    case 'type': {
      const types = ([] as unknown[]).concat(params.type).map(String);
      return { path, code: 'invalid_type', message: `must be ${orList(types.map(article))}, not ${describe(data)}` };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      return { path, code: 'invalid_value', message: `${show(data)} is not one of ${allowed.join(', ')}` };
    }
    case 'const':
      return { path, code: 'invalid_value', message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'pattern': {
      const isName = NAME_PATTERNS.has(String(params.pattern));
      const what = typeof parent.description === 'string' ? parent.description : `matching ${String(params.pattern)}`;
      return { path, code: isName ? 'invalid_name' : 'invalid_format', message: `${show(data)} is not ${what}` };
    }
    case 'not':
      return { path, code: 'reserved_name', message: `${show(data)} is reserved: every record already has it` };
    case 'minItems':
      return { path, code: 'too_few', message: `needs at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}` };
    case 'maxItems':
      return { path, code: 'too_many', message: `takes at most ${String(params.limit)} items` };
    case 'minLength':
      return params.limit === 1
        ? { path, code: 'empty', message: 'must not be empty' }
        : { path, code: 'too_short', message: `must be at least ${String(params.limit)} characters` };
    case 'maxLength':
      return { path, code: 'too_long', message: `must be at most ${String(params.limit)} characters` };
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
      return { path, code: 'out_of_range', message: `must be ${String(params.comparison)} ${String(params.limit)}, not ${show(data)}` };
    case 'uniqueItems': {
      const later = Math.max(Number(params.i), Number(params.j));
      return { path: pointer(path, later), code: 'duplicate_item', message: `the same value appears twice (items ${String(params.j)} and ${String(params.i)})` };
    }
    default:
      return { path, code: `schema_${e.keyword}`, message: e.message ?? 'is invalid' };
  }
}

/** The property names a schema object allows: `properties` and names spelled out in `^(?:a|b)$`. */
function allowedProperties(schema: Record<string, unknown>): string[] {
  const names = isObj(schema.properties) ? Object.keys(schema.properties) : [];
  if (isObj(schema.patternProperties)) {
    for (const pattern of Object.keys(schema.patternProperties)) {
      const m = /^\^\(\?:([A-Za-z0-9_$|]+)\)\$$/.exec(pattern);
      if (m) names.push(...m[1].split('|'));
    }
  }
  return names.filter((n) => n !== '$schema');
}

/** The closest allowed name to a misspelling, if it is close enough to be a typo. */
function suggestion(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) { best = c; bestDistance = d; }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

// ───────────────────────────── semantic checks ─────────────────────────────

type Json = Record<string, unknown>;

const NUMERIC_TYPES = new Set(['integer', 'decimal', 'currency', 'percent']);
const DATE_TYPES = new Set(['date', 'datetime']);
/** Computed by Strata: a workflow cannot set them. */
const COMPUTED_TYPES = new Set(['formula', 'rollup', 'autonumber']);
/** The system fields every record carries, by the type the checks treat them as. */
const SYSTEM_FIELD_TYPES = new Map<string, string>(Object.entries({
  id: 'id', ownerId: 'user', createdAt: 'datetime', createdBy: 'user',
  updatedAt: 'datetime', updatedBy: 'user', version: 'integer',
} satisfies Record<SystemField, string>));
const FILTER_OPERATORS = new Set(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'contains', 'startsWith', 'isNull']);
/** JSON Logic operators whose later arguments run over array items, not the record. */
const SCOPED_OPERATORS = new Set(['map', 'filter', 'reduce', 'all', 'none', 'some']);

/** Everything the checks look names up in. */
class Checker {
  readonly problems: Problem[] = [];
  /** Bundle objects first (they replace deployed ones of the same name), then deployed ones. */
  readonly objects = new Map<string, Json>();
  readonly reports = new Set<string>();
  /** Names found nowhere are trusted to come from a dependency (see assumeDependencies). */
  readonly trustUnknown: boolean;
  private readonly fieldMaps = new WeakMap<Json, Map<string, Json>>();

  constructor(readonly bundle: Json, context: ValidationContext) {
    const manifest = isObj(bundle.package) ? bundle.package : {};
    this.trustUnknown = !!context.assumeDependencies && isObj(manifest.dependsOn) && Object.keys(manifest.dependsOn).length > 0;
    for (const [object] of objs(bundle.objects)) {
      const name = str(object.name);
      if (name !== undefined && !this.objects.has(name)) this.objects.set(name, object);
    }
    for (const deployed of context.deployedObjects ?? []) {
      // ObjectDef is an interface without an index signature; the checks read it as plain JSON.
      const object = deployed as unknown as Json;
      const name = str(object.name);
      if (name !== undefined && !this.objects.has(name)) this.objects.set(name, object);
    }
    for (const [report] of objs(bundle.reports)) {
      const name = str(report.name);
      if (name !== undefined) this.reports.add(name);
    }
    for (const report of context.deployedReports ?? []) this.reports.add(report.name);
  }

  report(path: string, code: string, message: string): void {
    this.problems.push({ path, code, message });
  }

  fields(object: Json): Map<string, Json> {
    let map = this.fieldMaps.get(object);
    if (!map) {
      map = new Map();
      for (const [field] of objs(object.fields)) {
        const name = str(field.name);
        if (name !== undefined && !map.has(name)) map.set(name, field);
      }
      this.fieldMaps.set(object, map);
    }
    return map;
  }

  /** The type of a field or system field of `object`, or undefined if it has none by that name. */
  fieldType(object: Json, name: string): string | undefined {
    const field = this.fields(object).get(name);
    if (field) return str(field.type) ?? '?';
    return SYSTEM_FIELD_TYPES.get(name);
  }

  /**
   * Follows `account.industry` through reference fields and reports a broken path at `path`.
   * Returns the final field's type when it could be checked, undefined otherwise.
   */
  resolvePath(object: Json, fieldPath: string, path: string, options: { system?: boolean } = {}): string | undefined {
    const allowSystem = options.system ?? true;
    const segments = fieldPath.split('.');
    let current = object;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i];
      const field = this.fields(current).get(segment);
      const systemType = allowSystem ? SYSTEM_FIELD_TYPES.get(segment) : undefined;
      if (!field && !systemType) {
        const via = i > 0 ? ` (in '${fieldPath}')` : '';
        this.report(path, 'unknown_field', `'${segment}' is not a field of '${str(current.name) ?? '?'}'${via}`);
        return undefined;
      }
      const type = field ? str(field.type) : systemType;
      if (i === segments.length - 1) return type;
      // Users are not metadata objects: paths through owner/creator are left to the query layer.
      if (type === 'user') return undefined;
      if (type !== 'reference') {
        this.report(path, 'invalid_path', `'${segment}' is not a reference field, so '${fieldPath}' leads nowhere`);
        return undefined;
      }
      const target = field ? this.objects.get(str(field.to) ?? '') : undefined;
      // An unknown target is reported on the reference field itself.
      if (!target) return undefined;
      current = target;
    }
    return undefined;
  }

  /** A plain field of `object` (no paths); system fields when `system` is true. */
  checkField(object: Json, name: unknown, path: string, system: boolean): string | undefined {
    if (typeof name !== 'string') return undefined;
    if (name.includes('.')) {
      this.report(path, 'invalid_path', `'${name}' must be a field of '${str(object.name) ?? '?'}', not a path`);
      return undefined;
    }
    return this.resolvePath(object, name, path, { system });
  }

  /** The object a metadata element names, reported when unknown. */
  objectNamed(name: unknown, path: string, what: string): Json | undefined {
    if (typeof name !== 'string') return undefined;
    const object = this.objects.get(name);
    if (!object && !this.trustUnknown) this.report(path, 'unknown_object', `${what} names object '${name}', which is neither in this package nor deployed`);
    return object;
  }

  /** Later occurrences of a key that appeared before are reported as duplicates. */
  duplicates(entries: Array<[key: string | undefined, path: string]>, what: (key: string) => string, code = 'duplicate_name'): void {
    const seen = new Set<string>();
    for (const [key, path] of entries) {
      if (key === undefined) continue;
      if (seen.has(key)) this.report(path, code, `${what(key)} is defined more than once`);
      seen.add(key);
    }
  }
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

function checkPackage(c: Checker): void {
  const manifest = c.bundle.package;
  if (!isObj(manifest) || !isObj(manifest.dependsOn)) return;
  const name = str(manifest.name);
  if (name !== undefined && name in manifest.dependsOn) {
    c.report(pointer('/package/dependsOn', name), 'invalid_dependency', `package '${name}' cannot depend on itself`);
  }
}

// ── objects ──

function checkObjects(c: Checker): void {
  const objects = objs(c.bundle.objects);
  c.duplicates(objects.map(([o, i]) => [str(o.name), `/objects/${i}/name`]), (n) => `object '${n}'`);
  const names = new Set(objects.map(([o]) => str(o.name)));
  for (const [object, i] of objects) {
    const renamedFrom = str(object.renamedFrom);
    if (renamedFrom !== undefined && renamedFrom !== object.name && names.has(renamedFrom)) {
      c.report(`/objects/${i}/renamedFrom`, 'rename_collision', `'${renamedFrom}' is renamed to '${str(object.name) ?? '?'}' but the package still defines an object '${renamedFrom}'`);
    }
    checkObject(c, object, `/objects/${i}`);
  }
}

function checkObject(c: Checker, object: Json, base: string): void {
  const objectName = str(object.name) ?? '?';
  const fields = objs(object.fields);
  c.duplicates(fields.map(([f, j]) => [str(f.name), `${base}/fields/${j}/name`]), (n) => `field '${n}' of '${objectName}'`);

  // A rename must not land on, or come from, a name another field uses.
  const fieldNames = new Set(fields.map(([f]) => str(f.name)));
  const renamedFroms = new Set<string>();
  for (const [field, j] of fields) {
    const from = str(field.renamedFrom);
    if (from === undefined || from === field.name) continue;
    if (fieldNames.has(from)) {
      c.report(`${base}/fields/${j}/renamedFrom`, 'rename_collision', `'${from}' is renamed to '${str(field.name) ?? '?'}' but '${objectName}' still has a field '${from}'`);
    } else if (renamedFroms.has(from)) {
      c.report(`${base}/fields/${j}/renamedFrom`, 'rename_collision', `two fields of '${objectName}' are renamed from '${from}'`);
    }
    renamedFroms.add(from);
  }

  if (typeof object.nameField === 'string') c.checkField(object, object.nameField, `${base}/nameField`, false);

  for (const [field, j] of fields) checkFieldDef(c, object, field, `${base}/fields/${j}`);
  checkFormulaCycles(c, fields, base);

  const rules = objs(object.validationRules);
  c.duplicates(rules.map(([r, k]) => [str(r.name), `${base}/validationRules/${k}/name`]), (n) => `validation rule '${n}' of '${objectName}'`);
  for (const [rule, k] of rules) {
    if (typeof rule.field === 'string') c.checkField(object, rule.field, `${base}/validationRules/${k}/field`, false);
    checkExpression(c, object, rule.when, `${base}/validationRules/${k}/when`);
  }

  for (const [index, k] of objs(object.indexes)) {
    arr(index.fields).forEach((name, m) => c.checkField(object, name, `${base}/indexes/${k}/fields/${m}`, true));
  }
}

function checkFieldDef(c: Checker, object: Json, field: Json, path: string): void {
  const type = str(field.type);
  switch (type) {
    case 'picklist': case 'multipicklist': {
      const options = objs(field.options);
      c.duplicates(options.map(([o, m]) => [str(o.value), `${path}/options/${m}/value`]), (v) => `option '${v}'`, 'duplicate_option');
      const values = new Set(options.map(([o]) => str(o.value)));
      if (type === 'picklist' && typeof field.default === 'string' && !values.has(field.default)) {
        c.report(`${path}/default`, 'invalid_default', `default '${field.default}' is not one of the options`);
      }
      if (type === 'multipicklist') {
        arr(field.default).forEach((v, m) => {
          if (typeof v === 'string' && !values.has(v)) c.report(`${path}/default/${m}`, 'invalid_default', `default '${v}' is not one of the options`);
        });
      }
      break;
    }
    case 'reference':
      c.objectNamed(field.to, `${path}/to`, `reference '${str(field.name) ?? '?'}'`);
      break;
    case 'rollup':
      checkRollup(c, object, field, path);
      break;
    case 'formula':
      checkExpression(c, object, field.expression, `${path}/expression`);
      break;
    case 'autonumber':
      if (typeof field.format === 'string') {
        const counters = field.format.match(/\{0+\}/g) ?? [];
        const stray = /[{}]/.test(field.format.replace(/\{0+\}/g, ''));
        if (counters.length !== 1 || stray) {
          c.report(`${path}/format`, 'invalid_autonumber_format', `'${field.format}' must hold exactly one counter like {0000} (and no other braces)`);
        }
      }
      break;
    case 'decimal': case 'currency': case 'percent': {
      const precision = typeof field.precision === 'number' ? field.precision : 18;
      if (typeof field.scale === 'number' && field.scale > precision) {
        c.report(`${path}/scale`, 'invalid_scale', `scale ${field.scale} is larger than the precision ${precision}`);
      }
      checkRange(c, field, path);
      break;
    }
    case 'integer':
      checkRange(c, field, path);
      break;
    case 'text': case 'longtext': case 'richtext': case 'email': case 'phone': case 'url':
      if (typeof field.default === 'string' && typeof field.maxLength === 'number' && field.default.length > field.maxLength) {
        c.report(`${path}/default`, 'invalid_default', `the default is longer than maxLength ${field.maxLength}`);
      }
      break;
  }
}

function checkRange(c: Checker, field: Json, path: string): void {
  if (typeof field.min === 'number' && typeof field.max === 'number' && field.min > field.max) {
    c.report(`${path}/min`, 'invalid_range', `min ${field.min} is larger than max ${field.max}`);
  }
  const d = field.default;
  if (typeof d === 'number' && ((typeof field.min === 'number' && d < field.min) || (typeof field.max === 'number' && d > field.max))) {
    c.report(`${path}/default`, 'invalid_default', `the default ${d} is outside min/max`);
  }
}

function checkRollup(c: Checker, parent: Json, field: Json, path: string): void {
  if (typeof field.of !== 'string' || !field.of.includes('.')) return;
  const [childName, refName] = field.of.split('.');
  const parentName = str(parent.name) ?? '?';
  const child = c.objectNamed(childName, `${path}/of`, `rollup '${str(field.name) ?? '?'}'`);
  if (!child) return;
  const ref = c.fields(child).get(refName);
  if (!ref) {
    c.report(`${path}/of`, 'unknown_field', `'${refName}' is not a field of '${childName}'`);
  } else if (!pointsAt(ref, parentName)) {
    c.report(`${path}/of`, 'invalid_rollup', `'${field.of}' must be a reference field of '${childName}' pointing at '${parentName}'`);
  }
  if (typeof field.field === 'string') {
    const type = c.checkField(child, field.field, `${path}/field`, true);
    const aggregate = str(field.aggregate);
    const effective = type === 'formula' ? str(c.fields(child).get(field.field)?.returns) : type;
    if (type !== undefined && aggregate !== 'count' && effective !== undefined) {
      const numeric = NUMERIC_TYPES.has(effective) || effective === 'rollup';
      const ok = aggregate === 'sum' || aggregate === 'avg' ? numeric : numeric || DATE_TYPES.has(effective);
      if (!ok) {
        const needs = aggregate === 'sum' || aggregate === 'avg' ? 'a number field' : 'a number or date field';
        c.report(`${path}/field`, 'invalid_rollup', `${aggregate ?? '?'} needs ${needs}; '${field.field}' of '${childName}' is ${effective}`);
      }
    }
  }
  if (field.filter !== undefined) checkFilter(c, child, field.filter, `${path}/filter`);
}

/** Whether a field is a reference to `object`; a reference missing its `to` counts (reported already). */
function pointsAt(field: Json, object: string | undefined): boolean {
  return field.type === 'reference' && (typeof field.to !== 'string' || field.to === object);
}

/** Formulas computed from formulas must not go round in a circle. */
function checkFormulaCycles(c: Checker, fields: Array<[Json, number]>, base: string): void {
  const formulas = new Map<string, { deps: Set<string>; index: number }>();
  for (const [field, j] of fields) {
    const name = str(field.name);
    if (field.type !== 'formula' || name === undefined || formulas.has(name)) continue;
    const deps = new Set<string>();
    for (const { name: v } of expressionVars(field.expression, '')) {
      if (!v.startsWith('$')) deps.add(v.split('.')[0]);
    }
    formulas.set(name, { deps, index: j });
  }
  for (const [name, { index }] of formulas) {
    const cycle = findCycle(name, formulas);
    if (cycle) {
      c.report(`${base}/fields/${index}/expression`, 'formula_cycle', `formula '${name}' depends on itself: ${cycle.join(' → ')}`);
    }
  }
}

function findCycle(start: string, graph: Map<string, { deps: Set<string> }>): string[] | undefined {
  const visit = (node: string, trail: string[], seen: Set<string>): string[] | undefined => {
    for (const dep of graph.get(node)?.deps ?? []) {
      if (dep === start) return [...trail, dep];
      if (!graph.has(dep) || seen.has(dep)) continue;
      seen.add(dep);
      const found = visit(dep, [...trail, dep], seen);
      if (found) return found;
    }
    return undefined;
  };
  return visit(start, [start], new Set());
}

/** `{"var": …}` uses in a JSON Logic expression, with their JSON pointers. */
function expressionVars(expr: unknown, path: string): Array<{ name: string; path: string }> {
  const found: Array<{ name: string; path: string }> = [];
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) { node.forEach((item, i) => walk(item, pointer(at, i))); return; }
    if (!isObj(node)) return;
    const keys = Object.keys(node);
    if (keys.length === 1 && keys[0] === 'var') {
      const arg = node.var;
      if (typeof arg === 'string') found.push({ name: arg, path: pointer(at, 'var') });
      else if (Array.isArray(arg) && typeof arg[0] === 'string') found.push({ name: arg[0], path: pointer(at, 'var', 0) });
      else walk(arg, pointer(at, 'var'));
      return;
    }
    for (const key of keys) {
      const args = node[key];
      // In {"map": [list, logic]} the logic reads the list's items: only the list is the record's.
      if (SCOPED_OPERATORS.has(key) && Array.isArray(args)) walk(args[0], pointer(at, key, 0));
      else walk(args, pointer(at, key));
    }
  };
  walk(expr, path);
  return found;
}

/** Every `{"var": "field"}` names a field (or system field) of the object. */
function checkExpression(c: Checker, object: Json, expr: unknown, path: string): void {
  for (const use of expressionVars(expr, path)) {
    // `$previous.field` is the stored value of a field on update (CONTRACT §3).
    const name = use.name.startsWith('$previous.') ? use.name.slice('$previous.'.length) : use.name;
    // `$user…` and other `$` variables belong to the expression engine, not the object.
    if (name === '' || name.startsWith('$')) continue;
    const first = name.split('.')[0];
    if (c.fieldType(object, first) === undefined) {
      c.report(use.path, 'unknown_field', `'${first}' is not a field of '${str(object.name) ?? '?'}'`);
    }
  }
}

/** Record filters (CONTRACT §4): field paths and operators must exist. */
function checkFilter(c: Checker, object: Json, filter: unknown, path: string): void {
  if (!isObj(filter)) {
    c.report(path, 'invalid_filter', `a filter must be an object like {"field": value}, not ${describe(filter)}`);
    return;
  }
  for (const [key, value] of Object.entries(filter)) {
    const at = pointer(path, key);
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value)) c.report(at, 'invalid_filter', `'${key}' takes a list of filters`);
      else value.forEach((item, i) => checkFilter(c, object, item, pointer(at, i)));
      continue;
    }
    if (key === 'not') { checkFilter(c, object, value, at); continue; }
    c.resolvePath(object, key, at);
    if (!isObj(value)) continue;
    for (const [op, operand] of Object.entries(value)) {
      const opAt = pointer(at, op);
      if (!FILTER_OPERATORS.has(op)) {
        c.report(opAt, 'unknown_operator', `unknown filter operator '${op}' (use ${[...FILTER_OPERATORS].join(', ')})`);
      } else if ((op === 'in' || op === 'nin') && !Array.isArray(operand)) {
        c.report(opAt, 'invalid_filter', `'${op}' takes a list of values`);
      } else if (op === 'isNull' && typeof operand !== 'boolean') {
        c.report(opAt, 'invalid_filter', `'isNull' takes true or false`);
      }
    }
  }
}

// ── layouts and views ──

function checkLayouts(c: Checker): void {
  const layouts = objs(c.bundle.layouts);
  c.duplicates(layouts.map(([l, i]) => [elementKey(l), `/layouts/${i}/name`]), (k) => `layout '${k}'`);
  for (const [layout, i] of layouts) {
    const base = `/layouts/${i}`;
    const object = c.objectNamed(layout.object, `${base}/object`, `layout '${str(layout.name) ?? '?'}'`);
    if (!object) continue;
    const placed = new Set<string>();
    for (const [section, s] of objs(layout.sections)) {
      for (const [column, k] of objs(section.columns)) {
        arr(column.fields).forEach((name, f) => {
          const at = `${base}/sections/${s}/columns/${k}/fields/${f}`;
          c.checkField(object, name, at, true);
          if (typeof name !== 'string') return;
          if (placed.has(name)) c.report(at, 'duplicate_field', `field '${name}' is placed twice on this layout`);
          placed.add(name);
        });
      }
    }
    for (const [related, r] of objs(layout.relatedLists)) {
      const at = `${base}/relatedLists/${r}`;
      const child = c.objectNamed(related.object, `${at}/object`, 'related list');
      if (!child || typeof related.field !== 'string') continue;
      const ref = c.fields(child).get(related.field);
      if (!ref) c.report(`${at}/field`, 'unknown_field', `'${related.field}' is not a field of '${str(child.name) ?? '?'}'`);
      else if (!pointsAt(ref, str(layout.object))) {
        c.report(`${at}/field`, 'invalid_related_list', `'${related.field}' of '${str(child.name) ?? '?'}' is not a reference to '${str(layout.object) ?? '?'}'`);
      }
      arr(related.columns).forEach((col, k) => { if (typeof col === 'string') c.resolvePath(child, col, `${at}/columns/${k}`); });
    }
  }
}

function checkViews(c: Checker): void {
  const views = objs(c.bundle.views);
  c.duplicates(views.map(([v, i]) => [elementKey(v), `/views/${i}/name`]), (k) => `view '${k}'`);
  for (const [view, i] of views) {
    const base = `/views/${i}`;
    const object = c.objectNamed(view.object, `${base}/object`, `view '${str(view.name) ?? '?'}'`);
    if (!object) continue;
    arr(view.columns).forEach((col, k) => { if (typeof col === 'string') c.resolvePath(object, col, `${base}/columns/${k}`); });
    arr(view.sort).forEach((key, k) => { if (typeof key === 'string') c.resolvePath(object, key.replace(/^-/, ''), `${base}/sort/${k}`); });
    if (typeof view.groupBy === 'string') {
      const type = c.checkField(object, view.groupBy, `${base}/groupBy`, true);
      if (view.type === 'kanban' && type !== undefined && type !== 'picklist') {
        c.report(`${base}/groupBy`, 'not_a_picklist', `a kanban groups by a picklist; '${view.groupBy}' is ${type}`);
      }
    }
    if (view.filter !== undefined) checkFilter(c, object, view.filter, `${base}/filter`);
  }
}

/** Layouts and views are named per object. */
function elementKey(element: Json): string | undefined {
  const object = str(element.object);
  const name = str(element.name);
  return object !== undefined && name !== undefined ? `${object}.${name}` : undefined;
}

// ── workflows ──

function checkWorkflows(c: Checker): void {
  const workflows = objs(c.bundle.workflows);
  c.duplicates(workflows.map(([w, i]) => [str(w.name), `/workflows/${i}/name`]), (n) => `workflow '${n}'`);
  for (const [workflow, i] of workflows) {
    const base = `/workflows/${i}`;
    const object = workflow.object === undefined ? undefined
      : c.objectNamed(workflow.object, `${base}/object`, `workflow '${str(workflow.name) ?? '?'}'`);
    const trigger = isObj(workflow.trigger) ? workflow.trigger : {};
    if (object) {
      arr(trigger.changed).forEach((name, k) => c.checkField(object, name, `${base}/trigger/changed/${k}`, false));
      // A webhook's condition reads the payload, not a record.
      if (trigger.on !== 'webhook') checkExpression(c, object, trigger.when, `${base}/trigger/when`);
    }
    for (const [action, a] of objs(workflow.actions)) {
      const at = `${base}/actions/${a}`;
      if (action.type === 'updateRecord') {
        const target = action.object === undefined ? object : c.objectNamed(action.object, `${at}/object`, 'updateRecord');
        if (target) {
          checkValues(c, target, action.set, `${at}/set`);
          if (action.filter !== undefined) checkFilter(c, target, action.filter, `${at}/filter`);
        }
      } else if (action.type === 'createRecord') {
        const target = c.objectNamed(action.object, `${at}/object`, 'createRecord');
        if (target) checkValues(c, target, action.values, `${at}/values`);
      }
    }
  }
}

/** Values a workflow writes: real, writable fields. */
function checkValues(c: Checker, object: Json, values: unknown, path: string): void {
  if (!isObj(values)) return;
  for (const name of Object.keys(values)) {
    const at = pointer(path, name);
    const type = c.checkField(object, name, at, false);
    if (type !== undefined && COMPUTED_TYPES.has(type)) {
      c.report(at, 'read_only_field', `'${name}' is a ${type} field: Strata computes it`);
    }
  }
}

// ── roles, reports, dashboards ──

function checkRoles(c: Checker): void {
  const roles = objs(c.bundle.roles);
  c.duplicates(roles.map(([r, i]) => [str(r.name), `/roles/${i}/name`]), (n) => `role '${n}'`);
  for (const [role, i] of roles) {
    const base = `/roles/${i}`;
    if (isObj(role.objects)) {
      for (const [name, permission] of Object.entries(role.objects)) {
        const at = pointer(`${base}/objects`, name);
        const object = c.objectNamed(name, at, `role '${str(role.name) ?? '?'}'`);
        if (!object || !isObj(permission)) continue;
        for (const access of ['read', 'update', 'delete'] as const) {
          if (isObj(permission[access])) checkFilter(c, object, permission[access], pointer(at, access));
        }
      }
    }
    if (isObj(role.fields)) {
      for (const key of Object.keys(role.fields)) {
        if (!/^[^.]+\.[^.]+$/.test(key)) continue;
        const [objectName, fieldName] = key.split('.');
        const at = pointer(`${base}/fields`, key);
        const object = c.objectNamed(objectName, at, `role '${str(role.name) ?? '?'}'`);
        if (object) c.checkField(object, fieldName, at, false);
      }
    }
  }
}

function checkReports(c: Checker): void {
  const reports = objs(c.bundle.reports);
  c.duplicates(reports.map(([r, i]) => [str(r.name), `/reports/${i}/name`]), (n) => `report '${n}'`);
  for (const [report, i] of reports) {
    const base = `/reports/${i}`;
    const object = c.objectNamed(report.object, `${base}/object`, `report '${str(report.name) ?? '?'}'`);
    if (!object) continue;
    if (report.filter !== undefined) checkFilter(c, object, report.filter, `${base}/filter`);

    const keys = new Set<string>();
    arr(report.groupBy).forEach((group, g) => {
      const at = `${base}/groupBy/${g}`;
      if (typeof group === 'string') {
        keys.add(group);
        c.resolvePath(object, group, at);
      } else if (isObj(group) && typeof group.field === 'string') {
        keys.add(group.field);
        const type = c.resolvePath(object, group.field, `${at}/field`);
        if (type !== undefined && group.bucket !== undefined && !DATE_TYPES.has(type)) {
          c.report(`${at}/bucket`, 'invalid_bucket', `a ${String(group.bucket)} bucket needs a date field; '${group.field}' is ${type}`);
        }
      }
    });

    const aggregates = objs(report.aggregates);
    for (const [aggregate, a] of aggregates) {
      const at = `${base}/aggregates/${a}`;
      if (typeof aggregate.field === 'string') {
        const type = c.resolvePath(object, aggregate.field, `${at}/field`);
        const effective = type === 'formula' ? formulaReturns(c, object, aggregate.field) : type;
        if (effective !== undefined && (aggregate.fn === 'sum' || aggregate.fn === 'avg') && !NUMERIC_TYPES.has(effective) && effective !== 'rollup') {
          c.report(`${at}/field`, 'invalid_aggregate', `${aggregate.fn} needs a number field; '${aggregate.field}' is ${effective}`);
        }
      }
      const alias = str(aggregate.as);
      if (alias !== undefined && keys.has(alias)) {
        c.report(`${at}/as`, 'duplicate_name', `'${alias}' is already a group key of this report`);
      }
    }
    c.duplicates(aggregates.map(([agg, a]) => [str(agg.as), `${base}/aggregates/${a}/as`]), (n) => `aggregate '${n}'`);
    for (const [agg] of aggregates) { const alias = str(agg.as); if (alias !== undefined) keys.add(alias); }

    const grouped = arr(report.groupBy).length > 0 || aggregates.length > 0;
    arr(report.sort).forEach((key, k) => {
      if (typeof key !== 'string') return;
      const name = key.replace(/^-/, '');
      if (!grouped) c.resolvePath(object, name, `${base}/sort/${k}`);
      else if (!keys.has(name)) c.report(`${base}/sort/${k}`, 'unknown_field', `'${name}' is neither a group key nor an aggregate of this report`);
    });
  }
}

/** The `returns` of a formula at the end of a path, when it can be known. */
function formulaReturns(c: Checker, object: Json, fieldPath: string): string | undefined {
  let current: Json | undefined = object;
  const segments = fieldPath.split('.');
  for (const segment of segments.slice(0, -1)) {
    const ref: Json | undefined = current ? c.fields(current).get(segment) : undefined;
    current = ref ? c.objects.get(str(ref.to) ?? '') : undefined;
  }
  return current ? str(c.fields(current).get(segments[segments.length - 1])?.returns) : undefined;
}

function checkDashboards(c: Checker): void {
  const dashboards = objs(c.bundle.dashboards);
  c.duplicates(dashboards.map(([d, i]) => [str(d.name), `/dashboards/${i}/name`]), (n) => `dashboard '${n}'`);
  for (const [dashboard, i] of dashboards) {
    for (const [widget, w] of objs(dashboard.widgets)) {
      if (typeof widget.report === 'string' && !c.reports.has(widget.report) && !c.trustUnknown) {
        c.report(`/dashboards/${i}/widgets/${w}/report`, 'unknown_report', `report '${widget.report}' is neither in this package nor deployed`);
      }
    }
  }
}

// ── extensions ──

function checkExtensions(c: Checker): void {
  const extensions = objs(c.bundle.extensions);
  c.duplicates(
    extensions.map(([e, i]) => [isObj(e.manifest) ? str(e.manifest.name) : undefined, `/extensions/${i}/manifest/name`]),
    (n) => `extension '${n}'`,
  );
  for (const [extension, i] of extensions) {
    const manifest = extension.manifest;
    if (!isObj(manifest)) continue;
    const base = `/extensions/${i}/manifest`;
    const source = str(extension.source);
    const needs = (fn: unknown, at: string): void => {
      // A cheap guard, not a parse: a name that never occurs in index.ts is surely not exported.
      if (typeof fn !== 'string' || source === undefined) return;
      const escaped = fn.replace(/\$/g, '\\$');
      if (!new RegExp(`(?<![A-Za-z0-9_$])${escaped}(?![A-Za-z0-9_$])`).test(source)) {
        c.report(at, 'missing_function', `index.ts does not define '${fn}'`);
      }
    };
    for (const [hook, h] of objs(manifest.hooks)) {
      c.objectNamed(hook.object, `${base}/hooks/${h}/object`, `hook of extension '${str(manifest.name) ?? '?'}'`);
      needs(hook.function, `${base}/hooks/${h}/function`);
    }
    const endpoints = objs(manifest.endpoints);
    c.duplicates(
      endpoints.map(([e, k]) => [typeof e.path === 'string' ? `${String(e.method)} /${e.path.replace(/^\//, '')}` : undefined, `${base}/endpoints/${k}/path`]),
      (key) => `endpoint ${key}`, 'duplicate_endpoint',
    );
    for (const [endpoint, k] of endpoints) needs(endpoint.function, `${base}/endpoints/${k}/function`);
    for (const [schedule, k] of objs(manifest.schedules)) needs(schedule.function, `${base}/schedules/${k}/function`);
  }
}

// ───────────────────────────── small helpers ─────────────────────────────

function isObj(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
/** The object items of a list with their original index (paths must keep pointing right). */
function objs(value: unknown): Array<[Json, number]> {
  const out: Array<[Json, number]> = [];
  arr(value).forEach((item, i) => { if (isObj(item)) out.push([item, i]); });
  return out;
}

function unique(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file ?? ''}\u0000${p.path}\u0000${p.code}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The value at a JSON pointer, if there is one. */
function at(root: unknown, path: string): unknown {
  let node = root;
  for (const raw of path.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isObj(node)) node = node[key];
    else return undefined;
  }
  return node;
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
}

/** A value quoted for a message, kept short: names may be hostile or huge. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'object': return 'an object';
    case 'string': return `the text ${show(value)}`;
    case 'undefined': return 'nothing';
    default: return `${typeof value} ${show(value)}`;
  }
}

function article(type: string): string {
  switch (type) {
    case 'object': return 'an object';
    case 'array': return 'a list';
    case 'integer': return 'an integer';
    case 'null': return 'null';
    default: return `a ${type}`;
  }
}

function orList(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
