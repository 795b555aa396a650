/**
 * Managing users as someone: who may list, create and change users, the checks against
 * promoting oneself, and the audit of every change. Called by the users API and by
 * `strata user create` alike.
 *
 * - Listing, creating and changing users needs the `manageUsers` ability (admins have it).
 * - Only an admin may hand out the admin role, change anyone's roles, or change an admin
 *   (else a user manager could set an admin's password, sign in as them and be admin).
 * - The command line acts as the system (it could change the database itself) and is audited
 *   as `cli`.
 */
import type { Knex } from 'knex';
import { forbidden } from '../errors.ts';
import type { RegistryDoc } from '../metadata/deployed.ts';
import { auditAs, type Actor, type UserActor } from './actor.ts';
import { requireUserManager } from './rights.ts';
import { assignableRoles, isAdmin, ADMIN_ROLE } from './roles.ts';
import { createUser, findUserById, listUsers, updateUser, type NewUser, type User } from './users.ts';

export async function listUsersAs(knex: Knex, registry: RegistryDoc, actor: UserActor): Promise<User[]> {
  requireUserManager(registry, actor.user);
  return listUsers(knex);
}

export async function createUserAs(knex: Knex, registry: RegistryDoc, actor: Actor, input: NewUser): Promise<User> {
  if (actor.kind === 'user') {
    requireUserManager(registry, actor.user);
    const wantsAdmin = input.role === ADMIN_ROLE || (Array.isArray(input.roles) && input.roles.includes(ADMIN_ROLE));
    if (wantsAdmin && !isAdmin(actor.user)) throw forbidden('Only an admin may create admins');
  }
  const user = await createUser(knex, input, assignableRoles(registry));
  await auditAs(knex, actor, 'user.create', user.email, { roles: user.roles });
  return user;
}

export async function updateUserAs(knex: Knex, registry: RegistryDoc, actor: Actor, id: string, input: Record<string, unknown>): Promise<User> {
  if (actor.kind === 'user') {
    requireUserManager(registry, actor.user);
    if (!isAdmin(actor.user)) {
      if (input.roles !== undefined || input.role !== undefined) throw forbidden('Only an admin may change roles');
      const target = await findUserById(knex, id);
      if (target && isAdmin(target)) throw forbidden('Only an admin may change an admin');
    }
  }
  const user = await updateUser(knex, id, input, assignableRoles(registry));
  await auditAs(knex, actor, 'user.update', user.email, input.password === undefined ? input : { ...input, password: '***' });
  return user;
}
