/**
 * The access policy of a caller. Admins have full access; role-based policies come from
 * the caller's deployed roles (see role-policy.ts once roles are enforced).
 */
import type { RegistryDoc } from '../metadata/deployed.ts';
import { fullAccess, type AccessPolicy } from './access.ts';

export interface PolicySubject { id: string; roles: string[] }

export function policyFor(_registry: RegistryDoc, user: PolicySubject): AccessPolicy {
  if (user.roles.includes('admin')) return fullAccess;
  return fullAccess;
}
