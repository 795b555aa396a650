/**
 * Sessions: a new random token on every sign-in, only its hash stored; idle and absolute
 * timeouts (ASVS 3.3); a deactivated user's sessions stop working at once.
 */
import type { Knex } from 'knex';
import { SYSTEM_SCHEMA } from '../db/names.ts';
import { hashToken, newToken } from './tokens.ts';
import { toUser, type User } from './users.ts';

export const SESSION_IDLE_MINUTES = 120;
export const SESSION_ABSOLUTE_HOURS = 12;

const T = `${SYSTEM_SCHEMA}.sessions`;

export async function createSession(knex: Knex, userId: string, meta: { ip?: string; userAgent?: string }): Promise<string> {
  const token = newToken('sst_');
  await knex.raw(
    `INSERT INTO ${T} (token_hash, user_id, expires_at, ip, user_agent)
     VALUES (?, ?, now() + make_interval(hours => ?), ?, ?)`,
    [hashToken(token), userId, SESSION_ABSOLUTE_HOURS, meta.ip ?? null, (meta.userAgent ?? '').slice(0, 300)],
  );
  return token;
}

/** The signed-in user of a session token, touching its idle clock; undefined when invalid. */
export async function resolveSession(knex: Knex, token: string): Promise<User | undefined> {
  if (!isSessionToken(token)) return undefined;
  return (await findSession(knex, hashToken(token)))?.user;
}

export function isSessionToken(token: string): boolean {
  return token.startsWith('sst_') && token.length <= 200;
}

export interface FoundSession { user: User; expiresAt: number; lastSeenAt: number }

/**
 * A live session by its token's hash, with its clocks (ms since the epoch, the database's),
 * touching the idle clock; undefined when ended, expired, idle too long or its user inactive.
 */
export async function findSession(knex: Knex, tokenHash: string): Promise<FoundSession | undefined> {
  // The idle clock is touched at most once a minute: a read then writes nothing.
  const { rows } = await knex.raw(
    `WITH s AS (
       SELECT s.id AS session_id, s.last_seen_at AS session_seen, s.expires_at AS session_expires, u.*
         FROM ${T} s JOIN ${SYSTEM_SCHEMA}.users u ON u.id = s.user_id
        WHERE s.token_hash = ? AND u.active AND s.expires_at > now()
          AND s.last_seen_at > now() - make_interval(mins => ?)
     ), touch AS (
       UPDATE ${T} t SET last_seen_at = now() FROM s
        WHERE t.id = s.session_id AND s.session_seen < now() - interval '1 minute'
     )
     SELECT * FROM s`,
    [tokenHash, SESSION_IDLE_MINUTES],
  );
  const r = rows[0];
  if (!r) return undefined;
  return { user: toUser(r), expiresAt: new Date(r.session_expires).getTime(), lastSeenAt: new Date(r.session_seen).getTime() };
}

/** Writes the idle clocks of many sessions in one statement (the in-process cache's batch). */
export async function touchSessions(knex: Knex, seen: ReadonlyMap<string, number>): Promise<void> {
  if (!seen.size) return;
  await knex.raw(
    `UPDATE ${T} t SET last_seen_at = v.seen
       FROM unnest(?::text[], ?::timestamptz[]) AS v(token_hash, seen)
      WHERE t.token_hash = v.token_hash AND t.last_seen_at < v.seen`,
    [[...seen.keys()], [...seen.values()].map((ms) => new Date(ms).toISOString())],
  );
}

export async function endSession(knex: Knex, token: string): Promise<void> {
  await knex.raw(`DELETE FROM ${T} WHERE token_hash = ?`, [hashToken(token)]);
}
