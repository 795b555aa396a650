/**
 * The deployed registry carries each rollup's result type (`returns`, absent for a number), so
 * that the column, the record schema, filters and the studio all know a max of order dates is
 * a date. The planner derives it from the objects as the deploy leaves them: a child field that
 * changes type changes the rollups over it. Pure.
 */
import { rollupType, type FieldLookup } from '../../metadata/rollup-type.ts';
import type { FieldDef } from '../../metadata/types.ts';

/** Looks fields up in `objects` (the first object of a name wins). */
export function fieldLookup(objects: ReadonlyArray<{ name: string; fields: readonly FieldDef[] }>): FieldLookup {
  const byObject = new Map<string, Map<string, FieldDef>>();
  for (const o of objects) {
    if (byObject.has(o.name)) continue;
    const fields = new Map<string, FieldDef>();
    for (const f of o.fields) if (!fields.has(f.name)) fields.set(f.name, f);
    byObject.set(o.name, fields);
  }
  return (object, field) => byObject.get(object)?.get(field);
}

/**
 * The field with its rollup result type as `lookup` derives it; the same object when nothing
 * changes. A number is stored as no `returns` at all, so registries deployed before rollups
 * had a type (and every rollup of numbers) compare equal and re-deploy as no change.
 */
export function withRollupType<T extends FieldDef>(field: T, lookup: FieldLookup): T {
  if (field.type !== 'rollup') return field;
  const returns = rollupType(field, lookup);
  if (returns === 'number' ? field.returns === undefined : field.returns === returns) return field;
  const { returns: _stated, ...rest } = field;
  return (returns === 'number' ? rest : { ...rest, returns }) as T;
}
