/** API keys: act as their user with (optionally) one role; shown once, stored hashed, revocable. */
import type { Knex } from 'knex';
import { SYSTEM_SCHEMA } from '../db/names.ts';
import { StrataError, notFound } from '../errors.ts';
import { isUuid } from '../../metadata/record-schema.ts';
import type { RegistryDoc } from '../metadata/deployed.ts';
import { auditAs, type UserActor } from './actor.ts';
import { assignableRoles, isAdmin } from './roles.ts';
import { hashToken, newToken } from './tokens.ts';
import { toUser, type User } from './users.ts';

const T = `${SYSTEM_SCHEMA}.api_keys`;
export const API_KEY_PREFIX = 'sk_';

export interface ApiKeyInfo { id: string; name: string; prefix: string; role: string | null; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }

/**
 * `owner` is the caller as authenticated: through a key with a role, `owner.roles` is that one
 * role, and `viaKeyRole` makes a key made with it carry the same role (else a restricted key
 * could mint an unrestricted one).
 */
export async function createApiKey(knex: Knex, owner: User, input: { name?: unknown; role?: unknown }, knownRoles: string[], viaKeyRole: string | null = null): Promise<{ id: string; key: string }> {
  if (viaKeyRole !== null && (input.role === undefined || input.role === null)) input = { ...input, role: viaKeyRole };
  const problems = [];
  if (typeof input.name !== 'string' || !input.name.trim() || input.name.length > 100) problems.push({ field: 'name', code: 'required', message: 'Name the key (at most 100 characters)' });
  if (input.role !== undefined && input.role !== null) {
    if (typeof input.role !== 'string' || !knownRoles.includes(input.role)) problems.push({ field: 'role', code: 'unknown_role', message: 'Unknown role' });
    // A key never carries more than its owner holds.
    else if (!isAdmin(owner) && !owner.roles.includes(input.role)) problems.push({ field: 'role', code: 'forbidden', message: 'You do not hold this role' });
  }
  if (problems.length) throw new StrataError(400, 'invalid_api_key', 'The API key request is not valid', problems);
  const key = newToken(API_KEY_PREFIX);
  const { rows } = await knex.raw(
    `INSERT INTO ${T} (name, key_hash, prefix, user_id, role) VALUES (?, ?, ?, ?, ?) RETURNING id`,
    [(input.name as string).trim(), hashToken(key), key.slice(0, 10), owner.id, (input.role as string | undefined) ?? null],
  );
  return { id: rows[0].id as string, key };
}

export interface ResolvedApiKey { user: User; keyId: string; role: string | null }

export function isApiKey(key: string): boolean {
  return key.startsWith(API_KEY_PREFIX) && key.length <= 200;
}

export async function resolveApiKey(knex: Knex, key: string): Promise<ResolvedApiKey | undefined> {
  if (!isApiKey(key)) return undefined;
  return findApiKey(knex, hashToken(key));
}

/** A live key by its hash, marking it used; undefined when revoked or its user inactive. */
export async function findApiKey(knex: Knex, keyHash: string): Promise<ResolvedApiKey | undefined> {
  const { rows } = await knex.raw(
    `UPDATE ${T} k SET last_used_at = now() FROM ${SYSTEM_SCHEMA}.users u
      WHERE k.key_hash = ? AND k.revoked_at IS NULL AND u.id = k.user_id AND u.active
      RETURNING u.*, k.role AS key_role, k.id AS key_id`,
    [keyHash],
  );
  const r = rows[0];
  if (!r) return undefined;
  const user = toUser(r);
  return { user: { ...user, roles: keyRoles(user.roles, r.key_role as string | null) }, keyId: r.key_id as string, role: (r.key_role as string | null) ?? null };
}

/** Marks many keys used in one statement (the in-process cache's batch). */
export async function touchApiKeys(knex: Knex, used: ReadonlyMap<string, number>): Promise<void> {
  if (!used.size) return;
  await knex.raw(
    `UPDATE ${T} k SET last_used_at = v.used
       FROM unnest(?::text[], ?::timestamptz[]) AS v(key_hash, used)
      WHERE k.key_hash = v.key_hash AND (k.last_used_at IS NULL OR k.last_used_at < v.used)`,
    [[...used.keys()], [...used.values()].map((ms) => new Date(ms).toISOString())],
  );
}

/**
 * What a key may do: its role, but never more than its owner holds now (a key made while the
 * owner was an admin stops acting as admin when they are demoted); without a role, the owner's.
 */
export function keyRoles(ownerRoles: string[], keyRole: string | null): string[] {
  if (!keyRole) return ownerRoles;
  return ownerRoles.includes(keyRole) || isAdmin({ roles: ownerRoles }) ? [keyRole] : [];
}

export async function revokeApiKey(knex: Knex, actor: User, id: string): Promise<void> {
  if (!isUuid(id)) throw notFound('No such API key');
  const { rowCount } = await knex.raw(
    `UPDATE ${T} SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL AND (user_id = ? OR ?)`,
    [id, actor.id, isAdmin(actor)],
  );
  if (!rowCount) throw notFound('No such API key');
}

export async function listApiKeys(knex: Knex, userId: string): Promise<ApiKeyInfo[]> {
  const { rows } = await knex.raw(`SELECT id, name, prefix, role, created_at, last_used_at, revoked_at FROM ${T} WHERE user_id = ? ORDER BY created_at`, [userId]);
  return (rows as Array<Record<string, string | null>>).map((r) => ({ id: r.id!, name: r.name!, prefix: r.prefix!, role: r.role, createdAt: r.created_at!, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
}

/** A key for the caller (never more than they hold now, nor than the key they call with), audited. */
export async function createApiKeyAs(knex: Knex, registry: RegistryDoc, actor: UserActor, input: { name?: unknown; role?: unknown }): Promise<{ id: string; key: string }> {
  const created = await createApiKey(knex, actor.user, input, assignableRoles(registry), actor.apiKeyRole ?? null);
  await auditAs(knex, actor, 'api_key.create', created.id);
  return created;
}

/** Revokes one of the caller's keys (an admin: anyone's), audited. */
export async function revokeApiKeyAs(knex: Knex, actor: UserActor, id: string): Promise<void> {
  await revokeApiKey(knex, actor.user, id);
  await auditAs(knex, actor, 'api_key.revoke', id);
}

/** Revokes one key of a given user (a user manager's act; the owner uses revokeApiKey). */
export async function revokeUserApiKey(knex: Knex, userId: string, id: string): Promise<void> {
  if (!isUuid(id)) throw notFound('No such API key');
  const { rowCount } = await knex.raw(`UPDATE ${T} SET revoked_at = now() WHERE id = ? AND user_id = ? AND revoked_at IS NULL`, [id, userId]);
  if (!rowCount) throw notFound('No such API key');
}
