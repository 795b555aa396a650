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
  if (!token.startsWith('sst_') || token.length > 200) return undefined;
  // The idle clock is touched at most once a minute: a read then writes nothing.
  const { rows } = await knex.raw(
    `WITH s AS (
       SELECT s.id AS session_id, s.last_seen_at AS session_seen, u.*
         FROM ${T} s JOIN ${SYSTEM_SCHEMA}.users u ON u.id = s.user_id
        WHERE s.token_hash = ? AND u.active AND s.expires_at > now()
          AND s.last_seen_at > now() - make_interval(mins => ?)
     ), touch AS (
       UPDATE ${T} t SET last_seen_at = now() FROM s
        WHERE t.id = s.session_id AND s.session_seen < now() - interval '1 minute'
     )
     SELECT * FROM s`,
    [hashToken(token), SESSION_IDLE_MINUTES],
  );
  return rows[0] ? toUser(rows[0]) : undefined;
}

export async function endSession(knex: Knex, token: string): Promise<void> {
  await knex.raw(`DELETE FROM ${T} WHERE token_hash = ?`, [hashToken(token)]);
}
