/** TOTP multi-factor sign-in (RFC 6238, via otpauth): each code is accepted once. */
import { Secret, TOTP } from 'otpauth';
import type { Knex } from 'knex';
import { SYSTEM_SCHEMA } from '../db/names.ts';
import { StrataError } from '../errors.ts';
import type { User } from './users.ts';

const T = `${SYSTEM_SCHEMA}.users`;

function totpFor(secret: string, email: string): TOTP {
  return new TOTP({ issuer: 'Strata', label: email, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}

export async function setupMfa(knex: Knex, user: User): Promise<{ secret: string; otpauthUrl: string }> {
  if (user.mfaEnabled) throw new StrataError(409, 'mfa_enabled', 'Multi-factor sign-in is already on');
  const secret = new Secret({ size: 20 }).base32;
  await knex.raw(`UPDATE ${T} SET mfa_secret = ?, updated_at = now() WHERE id = ?`, [secret, user.id]);
  return { secret, otpauthUrl: totpFor(secret, user.email).toString() };
}

/**
 * Checks a code against the user's secret, allowing one step of clock drift, and remembers
 * the step it matched so the same code cannot be replayed.
 */
export async function consumeTotp(knex: Knex, userId: string, code: unknown): Promise<boolean> {
  if (typeof code !== 'string' || !/^\d{6}$/.test(code)) return false;
  const { rows } = await knex.raw(`SELECT email, mfa_secret, mfa_last_step FROM ${T} WHERE id = ?`, [userId]);
  const r = rows[0] as { email: string; mfa_secret: string | null; mfa_last_step: number | null } | undefined;
  if (!r?.mfa_secret) return false;
  const totp = totpFor(r.mfa_secret, r.email);
  const delta = totp.validate({ token: code, window: 1 });
  if (delta === null) return false;
  const step = Math.floor(Date.now() / 1000 / 30) + delta;
  const { rowCount } = await knex.raw(
    `UPDATE ${T} SET mfa_last_step = ? WHERE id = ? AND (mfa_last_step IS NULL OR mfa_last_step < ?)`,
    [step, userId, step],
  );
  return rowCount === 1;
}

export async function enableMfa(knex: Knex, user: User, code: unknown): Promise<void> {
  if (!(await consumeTotp(knex, user.id, code))) {
    throw new StrataError(422, 'invalid_totp', 'That code is not valid; check the time on your device', [{ field: 'totp', code: 'invalid', message: 'Wrong or reused code' }]);
  }
  await knex.raw(`UPDATE ${T} SET mfa_enabled = true, updated_at = now() WHERE id = ?`, [user.id]);
}

/**
 * Turns multi-factor sign-in off for someone who lost their device (an admin's act): the secret
 * is forgotten, so they set up a new authenticator after signing in with their password.
 */
export async function resetMfa(knex: Knex, userId: string): Promise<boolean> {
  const { rowCount } = await knex.raw(
    `UPDATE ${T} SET mfa_enabled = false, mfa_secret = NULL, mfa_last_step = NULL, updated_at = now() WHERE id = ? AND (mfa_enabled OR mfa_secret IS NOT NULL)`,
    [userId],
  );
  return rowCount === 1;
}
