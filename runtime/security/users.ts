/** Users: creation with a checked password, lookup, and the first admin of a new install. */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { SYSTEM_SCHEMA } from '../db/names.ts';
import { StrataError, type FieldProblem } from '../errors.ts';
import { hashPassword, passwordProblems } from './passwords.ts';

export interface User {
  id: string;
  email: string;
  name: string | null;
  roles: string[];
  managerId: string | null;
  active: boolean;
  mfaEnabled: boolean;
}

interface UserRow {
  id: string; email: string; name: string | null; roles: string[]; manager_id: string | null;
  active: boolean; mfa_enabled: boolean; password_hash: string;
}

const T = `${SYSTEM_SCHEMA}.users`;
const EMAIL_RE = /^[^@\s]+@[^@\s]+$/;

export function toUser(r: UserRow): User {
  return { id: r.id, email: r.email, name: r.name, roles: r.roles, managerId: r.manager_id, active: r.active, mfaEnabled: r.mfa_enabled };
}

export interface NewUser { email: unknown; password: unknown; role?: unknown; roles?: unknown; name?: unknown; manager?: unknown }

export async function createUser(knex: Knex, input: NewUser, knownRoles: string[]): Promise<User> {
  const problems: FieldProblem[] = [];
  if (typeof input.email !== 'string' || !EMAIL_RE.test(input.email) || input.email.length > 254) {
    problems.push({ field: 'email', code: 'email', message: 'Give a valid email address' });
  }
  problems.push(...passwordProblems(input.password));
  const roles = input.roles ?? (input.role === undefined ? ['admin'] : [input.role]);
  if (!Array.isArray(roles) || roles.some((r) => typeof r !== 'string' || !knownRoles.includes(r))) {
    problems.push({ field: 'role', code: 'unknown_role', message: `Role must be one of: ${knownRoles.join(', ')}` });
  }
  if (input.name !== undefined && input.name !== null && (typeof input.name !== 'string' || input.name.length > 200)) {
    problems.push({ field: 'name', code: 'type', message: 'Name must be text of at most 200 characters' });
  }
  if (input.manager !== undefined && input.manager !== null && typeof input.manager !== 'string') {
    problems.push({ field: 'manager', code: 'type', message: 'Manager must be a user id' });
  }
  if (problems.length) throw new StrataError(400, 'invalid_user', 'The user is not valid', problems);
  const email = (input.email as string).trim();
  let managerId: string | null = null;
  if (typeof input.manager === 'string') {
    const m = await knex.raw(`SELECT id FROM ${T} WHERE id::text = ? OR lower(email) = lower(?)`, [input.manager, input.manager]);
    if (!m.rows.length) throw new StrataError(422, 'unknown_manager', 'No such manager', [{ field: 'manager', code: 'not_found', message: 'No user with that id or email' }]);
    managerId = m.rows[0].id;
  }
  const hash = await hashPassword(input.password as string);
  try {
    const { rows } = await knex.raw(
      `INSERT INTO ${T} (email, name, password_hash, roles, manager_id) VALUES (?, ?, ?, ?::text[], ?) RETURNING *`,
      [email, (input.name as string | undefined) ?? null, hash, `{${(roles as string[]).join(',')}}`, managerId],
    );
    return toUser(rows[0] as UserRow);
  } catch (err) {
    if ((err as { code?: string }).code === '23505') {
      throw new StrataError(409, 'email_taken', 'A user with this email exists', [{ field: 'email', code: 'unique', message: 'This email is taken' }]);
    }
    throw err;
  }
}

export async function findUserByEmail(knex: Knex, email: string): Promise<(User & { passwordHash: string }) | undefined> {
  const { rows } = await knex.raw(`SELECT * FROM ${T} WHERE lower(email) = lower(?)`, [email]);
  const r = rows[0] as UserRow | undefined;
  return r ? { ...toUser(r), passwordHash: r.password_hash } : undefined;
}

export async function listUsers(knex: Knex): Promise<User[]> {
  const { rows } = await knex.raw(`SELECT * FROM ${T} ORDER BY created_at, email`);
  return (rows as UserRow[]).map(toUser);
}

export async function countUsers(knex: Knex): Promise<number> {
  const { rows } = await knex.raw(`SELECT count(*)::int AS n FROM ${T}`);
  return rows[0].n as number;
}

/**
 * On an empty install, creates the first admin from STRATA_ADMIN_EMAIL / STRATA_ADMIN_PASSWORD,
 * or admin@localhost with a random password that is returned so it can be printed once.
 */
export async function ensureFirstAdmin(knex: Knex, env: NodeJS.ProcessEnv): Promise<{ email: string; password?: string } | undefined> {
  if ((await countUsers(knex)) > 0) return undefined;
  const email = env.STRATA_ADMIN_EMAIL || 'admin@localhost';
  const given = env.STRATA_ADMIN_PASSWORD;
  const password = given || randomBytes(12).toString('base64url');
  await createUser(knex, { email, password, roles: ['admin'], name: 'Administrator' }, ['admin']);
  return { email, password: given ? undefined : password };
}
