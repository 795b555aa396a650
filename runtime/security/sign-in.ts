/**
 * Signing in with email and password (and a TOTP code once MFA is on): throttled per account
 * and address (login-throttle.ts), every outcome audited, a new session on success. The same
 * answer and the same time for an unknown email as for a wrong password.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { StrataError, badRequest, unauthorized, type FieldProblem } from '../errors.ts';
import { audit } from './audit.ts';
import { loginRetryAfter } from './login-throttle.ts';
import { consumeTotp } from './mfa.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { createSession } from './sessions.ts';
import { findUserByEmail, type User } from './users.ts';

export interface SignInRequest {
  email: unknown;
  password: unknown;
  totp?: unknown;
  /** The client's address (the throttle's key and the audit's "from where"). */
  ip: string;
  userAgent?: string;
}

/** 429 with how long to wait (the Retry-After header). */
export class SignInThrottled extends StrataError {
  constructor(readonly retryAfter: number) {
    super(429, 'too_many_attempts', `Too many failed sign-ins for this account; try again in ${retryAfter} s`);
  }
}

// Verifying against a real hash when the user is unknown keeps timing the same either way.
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));

/** The session token and the signed-in user; throws 400, 401 (wrong, or MFA code needed) or 429. */
export async function signIn(knex: Knex, req: SignInRequest): Promise<{ token: string; user: User }> {
  const problems: FieldProblem[] = [];
  if (typeof req.email !== 'string' || req.email.length > 254) problems.push({ field: 'email', code: 'required', message: 'Give your email' });
  if (typeof req.password !== 'string' || req.password.length > 1024) problems.push({ field: 'password', code: 'required', message: 'Give your password' });
  if (problems.length) throw badRequest('Email and password are required', problems);
  const email = req.email as string;
  const wait = await loginRetryAfter(knex, email, req.ip);
  if (wait > 0) throw new SignInThrottled(wait);
  const found = await findUserByEmail(knex, email);
  const ok = await verifyPassword(found?.passwordHash ?? await dummy(), req.password as string);
  if (!found || !ok || !found.active) {
    await audit(knex, { action: 'login.failed', actorEmail: email, ip: req.ip });
    throw unauthorized('Wrong email or password');
  }
  const { passwordHash: _h, ...user } = found;
  if (user.mfaEnabled) {
    if (req.totp === undefined) {
      throw new StrataError(401, 'mfa_required', 'Enter the code from your authenticator app', [{ field: 'totp', code: 'required', message: 'A 6-digit code is required' }]);
    }
    if (!(await consumeTotp(knex, user.id, req.totp))) {
      await audit(knex, { action: 'login.failed', actorId: user.id, actorEmail: email, ip: req.ip, detail: { reason: 'totp' } });
      throw new StrataError(401, 'invalid_totp', 'That code is not valid', [{ field: 'totp', code: 'invalid', message: 'Wrong or reused code' }]);
    }
  }
  const token = await createSession(knex, user.id, { ip: req.ip, userAgent: req.userAgent });
  await audit(knex, { action: 'login', actorId: user.id, actorEmail: user.email, ip: req.ip });
  return { token, user };
}
