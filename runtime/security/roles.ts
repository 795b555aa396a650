/**
 * The built-in role and the role names a user or key may hold. `admin` is not metadata: it is
 * the one role no package defines, and it may do everything (runtime/security/policy.ts).
 */
import type { RegistryDoc } from '../metadata/deployed.ts';

export const ADMIN_ROLE = 'admin';

export function isAdmin(subject: { roles: readonly string[] }): boolean {
  return subject.roles.includes(ADMIN_ROLE);
}

/** Every role a user, or an API key, may be given: `admin` and the deployed roles. */
export function assignableRoles(registry: Pick<RegistryDoc, 'roles'>): string[] {
  return [ADMIN_ROLE, ...registry.roles.map((r) => r.name)];
}
