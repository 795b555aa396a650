/**
 * Per-account sign-in throttling (ASVS 2.2.1): after too many failures for one email in the
 * window, further attempts get 429 until the window passes. Counted from the audit log, so
 * every server process agrees.
 */
import type { Knex } from 'knex';
import { SYSTEM_SCHEMA } from '../db/names.ts';

export const MAX_FAILURES = 10;
export const WINDOW_MINUTES = 15;

/** Seconds to wait before trying again, or 0 when sign-in may be attempted. */
export async function loginRetryAfter(knex: Knex, email: string): Promise<number> {
  const { rows } = await knex.raw(
    `SELECT count(*)::int AS n, min(at) AS first FROM (
       SELECT at FROM ${SYSTEM_SCHEMA}.audit_log
        WHERE action = 'login.failed' AND lower(actor_email) = lower(?) AND at > now() - make_interval(mins => ?)
        ORDER BY at DESC LIMIT ?
     ) recent`,
    [email, WINDOW_MINUTES, MAX_FAILURES],
  );
  const { n, first } = rows[0] as { n: number; first: string | null };
  if (n < MAX_FAILURES || !first) return 0;
  return Math.max(1, Math.ceil((new Date(first).getTime() + WINDOW_MINUTES * 60_000 - Date.now()) / 1000));
}
