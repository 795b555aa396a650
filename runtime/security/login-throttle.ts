/**
 * Sign-in throttling (ASVS 2.2.1), counted from the audit log so every server process agrees.
 * Two limits, so that guessing stays slow while an attacker cannot lock the real user out:
 *
 * - per account and address: 10 failures in 15 minutes lock that account from that address
 *   only, for the rest of the 15 minutes;
 * - per account from everywhere: beyond 50 failures in an hour (a guesser spreading over many
 *   addresses), the account is closed to addresses it has not signed in from in the last 30
 *   days; the addresses the user signed in from before still get in.
 *
 * So a distributed guesser gets at most 50 guesses an hour on one account; the user, from a
 * known address, is not locked out by them.
 */
import type { Knex } from 'knex';
import { SYSTEM_SCHEMA } from '../db/names.ts';

export const MAX_FAILURES = 10;
export const WINDOW_MINUTES = 15;
export const ACCOUNT_MAX_FAILURES = 50;
export const ACCOUNT_WINDOW_MINUTES = 60;
export const KNOWN_ADDRESS_DAYS = 30;

const LOG = `${SYSTEM_SCHEMA}.audit_log`;

/** The time of the oldest of the latest `limit` failures, when there are `limit` of them. */
async function limitReachedAt(knex: Knex, email: string, ip: string | null, minutes: number, limit: number): Promise<Date | undefined> {
  const { rows } = await knex.raw(
    `SELECT count(*)::int AS n, min(at) AS first FROM (
       SELECT at FROM ${LOG}
        WHERE action = 'login.failed' AND lower(actor_email) = lower(?) AND (?::text IS NULL OR ip = ?::text)
          AND at > now() - make_interval(mins => ?)
        ORDER BY at DESC LIMIT ?
     ) recent`,
    [email, ip, ip, minutes, limit],
  );
  const { n, first } = rows[0] as { n: number; first: string | null };
  return n >= limit && first ? new Date(first) : undefined;
}

async function knownAddress(knex: Knex, email: string, ip: string): Promise<boolean> {
  const { rows } = await knex.raw(
    `SELECT 1 FROM ${LOG} WHERE action = 'login' AND lower(actor_email) = lower(?) AND ip = ? AND at > now() - make_interval(days => ?) LIMIT 1`,
    [email, ip, KNOWN_ADDRESS_DAYS],
  );
  return rows.length > 0;
}

const secondsUntil = (from: Date, minutes: number): number =>
  Math.max(1, Math.ceil((from.getTime() + minutes * 60_000 - Date.now()) / 1000));

/** Seconds to wait before `email` may try to sign in again from `ip`, or 0 when it may now. */
export async function loginRetryAfter(knex: Knex, email: string, ip: string): Promise<number> {
  const here = await limitReachedAt(knex, email, ip, WINDOW_MINUTES, MAX_FAILURES);
  if (here) return secondsUntil(here, WINDOW_MINUTES);
  const everywhere = await limitReachedAt(knex, email, null, ACCOUNT_WINDOW_MINUTES, ACCOUNT_MAX_FAILURES);
  if (everywhere && !(await knownAddress(knex, email, ip))) return secondsUntil(everywhere, ACCOUNT_WINDOW_MINUTES);
  return 0;
}
