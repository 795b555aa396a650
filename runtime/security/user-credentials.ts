/**
 * Someone else's sign-in credentials, for the people who manage users: the roles they may
 * give, a user's API keys (listed, revoked) and multi-factor sign-in (reset after a lost
 * device). Needs `manageUsers`; only an admin may touch an admin's (else a user manager could
 * take over an admin's account, and so become admin). Every change is audited.
 */
import type { Knex } from 'knex';
import { forbidden, notFound } from '../errors.ts';
import type { RegistryDoc } from '../metadata/deployed.ts';
import { auditAs, type UserActor } from './actor.ts';
import { listApiKeys, revokeUserApiKey } from './api-keys.ts';
import { resetMfa } from './mfa.ts';
import { requireUserManager } from './rights.ts';
import { ADMIN_ROLE, isAdmin } from './roles.ts';
import { findUserById, type User } from './users.ts';

/** The roles the actor may hand out, with their labels (admins also `admin`). */
export function givableRolesAs(registry: RegistryDoc, actor: UserActor): Array<{ name: string; label: string }> {
  requireUserManager(registry, actor.user);
  const roles = registry.roles.map((r) => ({ name: r.name, label: r.label ?? r.name }));
  return isAdmin(actor.user) ? [{ name: ADMIN_ROLE, label: 'Admin' }, ...roles] : roles;
}

async function managedUser(knex: Knex, registry: RegistryDoc, actor: UserActor, id: string): Promise<User> {
  requireUserManager(registry, actor.user);
  const user = await findUserById(knex, id);
  if (!user) throw notFound('No such user');
  if (isAdmin(user) && !isAdmin(actor.user)) throw forbidden('Only an admin may change an admin');
  return user;
}

export async function listUserApiKeysAs(knex: Knex, registry: RegistryDoc, actor: UserActor, userId: string) {
  const user = await managedUser(knex, registry, actor, userId);
  return listApiKeys(knex, user.id);
}

export async function revokeUserApiKeyAs(knex: Knex, registry: RegistryDoc, actor: UserActor, userId: string, keyId: string): Promise<void> {
  const user = await managedUser(knex, registry, actor, userId);
  await revokeUserApiKey(knex, user.id, keyId);
  await auditAs(knex, actor, 'api_key.revoke', user.email, { key: keyId });
}

export async function resetMfaAs(knex: Knex, registry: RegistryDoc, actor: UserActor, userId: string): Promise<void> {
  const user = await managedUser(knex, registry, actor, userId);
  if (await resetMfa(knex, user.id)) await auditAs(knex, actor, 'mfa.reset', user.email);
}
