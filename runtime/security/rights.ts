/**
 * What a caller may do beyond records (CONTRACT §5 abilities): use the studio (deploy, export,
 * the recycle bin), manage users, manage roles, read the audit log. The built-in admin may do
 * all of it; `policyFor` answers the abilities a role grants.
 */
import { forbidden } from '../errors.ts';
import type { RegistryDoc } from '../metadata/deployed.ts';
import { policyFor, type PolicySubject } from './policy.ts';
import { isAdmin } from './roles.ts';

export function mayUseStudio(registry: RegistryDoc, subject: PolicySubject): boolean {
  return policyFor(registry, subject).hasAbility('studio');
}

export function mayManageUsers(registry: RegistryDoc, subject: PolicySubject): boolean {
  return policyFor(registry, subject).hasAbility('manageUsers');
}

/**
 * Managing roles (a role's record or field access, its abilities), in the roles editor or any
 * deploy: the admin, or a holder of `manageUsers`, who hands roles out already (never `admin`).
 */
export function mayManageRoles(registry: RegistryDoc, subject: PolicySubject): boolean {
  return isAdmin(subject) || mayManageUsers(registry, subject);
}

export function requireStudio<T extends PolicySubject>(registry: RegistryDoc, subject: T): T {
  if (!mayUseStudio(registry, subject)) throw forbidden('This needs the studio ability');
  return subject;
}

export function requireUserManager<T extends PolicySubject>(registry: RegistryDoc, subject: T): T {
  if (!mayManageUsers(registry, subject)) throw forbidden('Managing users needs the manageUsers ability');
  return subject;
}

export function requireAdmin<T extends PolicySubject>(subject: T): T {
  if (!isAdmin(subject)) throw forbidden('Only an admin may do this');
  return subject;
}
