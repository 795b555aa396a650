/**
 * Runs a rule in the browser the way the server does: json-logic-js over the record's values,
 * with `$previous` (the stored record, on update) and `$user`, plus Strata's additions that
 * json-logic-js lacks (today, now, lower, upper, trim, length, coalesce, abs).
 */
import jsonLogic from 'json-logic-js';
import type { JsonLogic } from '../../../metadata/types.ts';

let ready = false;
function addOperations(): void {
  if (ready) return;
  ready = true;
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  jsonLogic.add_operation('today', () => new Date().toISOString().slice(0, 10));
  jsonLogic.add_operation('now', () => new Date().toISOString());
  jsonLogic.add_operation('lower', (s: unknown) => str(s)?.toLowerCase() ?? null);
  jsonLogic.add_operation('upper', (s: unknown) => str(s)?.toUpperCase() ?? null);
  jsonLogic.add_operation('trim', (s: unknown) => str(s)?.trim() ?? null);
  jsonLogic.add_operation('length', (s: unknown) => (typeof s === 'string' || Array.isArray(s) ? s.length : 0));
  jsonLogic.add_operation('coalesce', (...xs: unknown[]) => xs.find((x) => x !== null && x !== undefined) ?? null);
  jsonLogic.add_operation('abs', (n: unknown) => (typeof n === 'number' ? Math.abs(n) : null));
}

export interface TestOutcome { fires: boolean; error?: string }

/** JSON Logic's truthiness: JavaScript's, except that an empty array is false. */
function truthy(v: unknown): boolean {
  return Array.isArray(v) ? v.length > 0 : !!v;
}

export function testRule(when: JsonLogic, values: Record<string, unknown>, opts: { previous?: Record<string, unknown>; userId?: string } = {}): TestOutcome {
  addOperations();
  const data: Record<string, unknown> = { ...values, $user: { id: opts.userId ?? null } };
  if (opts.previous) data.$previous = opts.previous;
  try {
    return { fires: truthy(jsonLogic.apply(when as jsonLogic.RulesLogic, data)) };
  } catch (e) {
    return { fires: false, error: (e as Error).message };
  }
}
