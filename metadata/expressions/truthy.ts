/** JSON Logic's truthiness: like JavaScript's, except that an empty array is false. */
export function isTruthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length !== 0 : !!value;
}
