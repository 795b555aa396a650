/**
 * Passwords (OWASP ASVS 2.1 / 2.4): argon2id with 19 MiB and two passes, at least 12
 * characters, no composition rules, long passphrases welcome, common passwords refused.
 */
import argon2 from 'argon2';
import type { FieldProblem } from '../errors.ts';
import { COMMON_PASSWORDS } from './common-passwords.ts';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** Problems with a new password, empty when it is acceptable. */
export function passwordProblems(password: unknown, field = 'password'): FieldProblem[] {
  if (typeof password !== 'string') return [{ field, code: 'type', message: 'The password must be text' }];
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    return [{ field, code: 'too_short', message: `Use at least ${MIN_PASSWORD_LENGTH} characters` }];
  }
  if (length > MAX_PASSWORD_LENGTH) {
    return [{ field, code: 'too_long', message: `Use at most ${MAX_PASSWORD_LENGTH} characters` }];
  }
  if (COMMON_PASSWORDS.has(password.toLowerCase())) {
    return [{ field, code: 'common', message: 'This password is too common; choose another' }];
  }
  return [];
}
