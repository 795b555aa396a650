/**
 * Runs a rule in the browser the way the server does: Strata's one expression engine
 * (metadata/expressions, in its eval-free form) over the record's values, with `$previous`
 * (the stored record, on update) and `$user`.
 */
import { getInterpreted, isTruthy } from '../../../metadata/expressions/index.ts';
import type { JsonLogic } from '../../../metadata/types.ts';

export interface TestOutcome { fires: boolean; error?: string }

export function testRule(when: JsonLogic, values: Record<string, unknown>, opts: { previous?: Record<string, unknown>; userId?: string } = {}): TestOutcome {
  const data: Record<string, unknown> = { ...values, $user: { id: opts.userId ?? null } };
  if (opts.previous) data.$previous = opts.previous;
  try {
    return { fires: isTruthy(getInterpreted(when)(data)) };
  } catch (e) {
    return { fires: false, error: (e as Error).message };
  }
}
