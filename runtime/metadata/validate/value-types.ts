/**
 * The type of a field's values, as the checks compare them: a formula holds what it returns, a
 * min or max rollup of dates holds a date, any other rollup a number (reported as 'rollup', which
 * the checks count as numeric). Aggregates, buckets and rollups over rollups all ask this.
 */
import { rollupType, type FieldLookup } from '../../../metadata/rollup-type.ts';
import type { FieldDef } from '../../../metadata/types.ts';
import type { Checker } from './checker.ts';
import { str } from './json.ts';
import type { Json } from './json.ts';

/** Fields of the bundle's and the deployed objects, for deriving rollup types. */
export function checkerLookup(c: Checker): FieldLookup {
  return (object, field) => {
    const o = c.objects.get(object);
    // The checks read metadata as plain JSON; rollupType reads the few properties it needs defensively.
    return o ? (c.fields(o).get(field) as unknown as FieldDef | undefined) : undefined;
  };
}

/** The value type of `field` (a field of some object), or undefined when it has no type. */
export function valueType(c: Checker, field: Json): string | undefined {
  const type = str(field.type);
  if (type === 'formula') return str(field.returns);
  if (type === 'rollup') {
    const returns = rollupType(field, checkerLookup(c));
    return returns === 'number' ? 'rollup' : returns;
  }
  return type;
}

/**
 * The value type at the end of a path like `account.last_order_date`, when it can be known
 * (broken paths are reported by Checker.resolvePath). System fields have their own types.
 */
export function valueTypeAt(c: Checker, object: Json, fieldPath: string, resolvedType: string | undefined): string | undefined {
  if (resolvedType !== 'formula' && resolvedType !== 'rollup') return resolvedType;
  let current: Json | undefined = object;
  const segments = fieldPath.split('.');
  for (const segment of segments.slice(0, -1)) {
    const ref: Json | undefined = current ? c.fields(current).get(segment) : undefined;
    current = ref ? c.objects.get(str(ref.to) ?? '') : undefined;
  }
  const field = current ? c.fields(current).get(segments[segments.length - 1]) : undefined;
  return field ? valueType(c, field) : undefined;
}
