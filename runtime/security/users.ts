/** Users: creation with a checked password, lookup, and the first admin of a new install. */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { SYSTEM_SCHEMA } from '../db/names.ts';
import { StrataError, type FieldProblem } from '../errors.ts';
import { hashPassword, passwordProblems } from './passwords.ts';
import { ADMIN_ROLE } from './roles.ts';
import { isUuid } from '../../metadata/record-schema.ts';

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
  const roles = input.roles ?? (input.role === undefined ? [ADMIN_ROLE] : [input.role]);
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

export async function findUserById(knex: Knex, id: string): Promise<User | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await knex.raw(`SELECT * FROM ${T} WHERE id = ?`, [id]);
  return rows[0] ? toUser(rows[0] as UserRow) : undefined;
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
  await createUser(knex, { email, password, roles: [ADMIN_ROLE], name: 'Administrator' }, [ADMIN_ROLE]);
  return { email, password: given ? undefined : password };
}

/**
 * Changes a user: name, roles, manager, password, active. Deactivating or a new password ends
 * the user's sessions and revokes their API keys at once.
 */
export async function updateUser(knex: Knex, id: string, input: Record<string, unknown>, knownRoles: string[]): Promise<User> {
  if (!isUuid(id)) throw new StrataError(404, 'not_found', 'No such user');
  const allowed = new Set(['name', 'role', 'roles', 'manager', 'active', 'password']);
  const problems: FieldProblem[] = [];
  for (const k of Object.keys(input)) if (!allowed.has(k)) problems.push({ field: k, code: 'unknown_field', message: `Users have no field ${k}` });
  const set: Record<string, unknown> = {};
  if (input.name !== undefined) {
    if (input.name !== null && (typeof input.name !== 'string' || input.name.length > 200)) problems.push({ field: 'name', code: 'type', message: 'Name must be text' });
    else set.name = input.name;
  }
  const roles = input.roles ?? (input.role !== undefined ? [input.role] : undefined);
  if (roles !== undefined) {
    if (!Array.isArray(roles) || !roles.length || roles.some((r) => typeof r !== 'string' || !knownRoles.includes(r))) problems.push({ field: 'roles', code: 'unknown_role', message: `Roles must be among: ${knownRoles.join(', ')}` });
    else set.roles = `{${(roles as string[]).join(',')}}`;
  }
  if (input.active !== undefined) {
    if (typeof input.active !== 'boolean') problems.push({ field: 'active', code: 'type', message: 'active is true or false' });
    else set.active = input.active;
  }
  if (input.manager !== undefined) {
    if (input.manager !== null && (typeof input.manager !== 'string' || !isUuid(input.manager))) problems.push({ field: 'manager', code: 'type', message: 'manager is a user id or null' });
    else if (input.manager === id) problems.push({ field: 'manager', code: 'cycle', message: 'A user cannot manage themselves' });
    else set.manager_id = input.manager;
  }
  if (input.password !== undefined) {
    const p = passwordProblems(input.password);
    if (p.length) problems.push(...p);
    else set.password_hash = await hashPassword(input.password as string);
  }
  if (problems.length) throw new StrataError(400, 'invalid_user', 'The change is not valid', problems);
  return knex.transaction(async (trx) => {
    if (set.manager_id) {
      const { rows: found } = await trx.raw(`SELECT 1 FROM ${T} WHERE id = ?`, [set.manager_id as string]);
      if (!found.length) throw new StrataError(422, 'unknown_manager', 'No such manager', [{ field: 'manager', code: 'not_found', message: 'No user with that id' }]);
      // The hierarchy must stay a tree: the new manager may not be under this user.
      const { rows } = await trx.raw(
        `WITH RECURSIVE up AS (SELECT id, manager_id, 0 AS d FROM ${T} WHERE id = ? UNION SELECT u.id, u.manager_id, up.d + 1 FROM ${T} u JOIN up ON u.id = up.manager_id WHERE up.d < 64)
         SELECT 1 FROM up WHERE id = ?`, [set.manager_id as string, id]);
      if (rows.length) throw new StrataError(422, 'manager_cycle', 'That manager reports to this user', [{ field: 'manager', code: 'cycle', message: 'The hierarchy would loop' }]);
    }
    const sets = Object.keys(set);
    const { rows } = await trx.raw(
      `UPDATE ${T} SET ${sets.map((k) => (k === 'roles' ? '?? = ?::text[]' : '?? = ?')).join(', ')}${sets.length ? ', ' : ''}updated_at = now() WHERE id = ? RETURNING *`,
      [...sets.flatMap((k) => [k, set[k]]), id] as Array<string | number | boolean | null>,
    );
    if (!rows.length) throw new StrataError(404, 'not_found', 'No such user');
    if (set.active === false || set.password_hash) {
      await trx.raw(`DELETE FROM ${SYSTEM_SCHEMA}.sessions WHERE user_id = ?`, [id]);
    }
    // A new password is how an admin takes an account back from whoever knew the old one: the
    // keys they may have made go with the old sessions (the owner makes new ones).
    if (set.active === false || set.password_hash) {
      await trx.raw(`UPDATE ${SYSTEM_SCHEMA}.api_keys SET revoked_at = now() WHERE user_id = ? AND revoked_at IS NULL`, [id]);
    }
    return toUser(rows[0] as UserRow);
  });
}
