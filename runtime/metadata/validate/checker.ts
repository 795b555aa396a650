/**
 * The state the semantic checks share: the problems found so far and the objects and reports
 * names may point at (the bundle's own, then the deployed ones).
 */
import type { ObjectDef, ReportDef } from '../../../metadata/types.ts';
import { SYSTEM_FIELD_TYPES } from './field-types.ts';
import { isObj, objs, str } from './json.ts';
import type { Json } from './json.ts';
import type { Problem } from './problems.ts';

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

/** Everything the checks look names up in. */
export class Checker {
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
