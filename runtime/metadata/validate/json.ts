/**
 * Reading bundle data defensively: the semantic checks run on data that may have failed the
 * schema, so they stay silent where the schema already complained.
 */

export type Json = Record<string, unknown>;

export function isObj(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
/** The object items of a list with their original index (paths must keep pointing right). */
export function objs(value: unknown): Array<[Json, number]> {
  const out: Array<[Json, number]> = [];
  arr(value).forEach((item, i) => { if (isObj(item)) out.push([item, i]); });
  return out;
}
