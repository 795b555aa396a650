/**
 * Which deployed metadata a caller may see: the objects they may read (without the fields
 * hidden from them) and what hangs off those objects; workflows, every role and extensions
 * only for admins (a role's grants and a workflow's conditions tell how the system is guarded),
 * otherwise only the roles the caller holds.
 */
import type { DeployedObject, RegistryDoc } from '../metadata/deployed.ts';
import type { AccessPolicy } from './access.ts';
import { policyFor, type PolicySubject } from './policy.ts';
import { objectRights } from './object-rights.ts';
import { isAdmin } from './roles.ts';

/** Objects the caller may read, without the fields hidden from them. */
export function visibleObjects(objects: DeployedObject[], access: AccessPolicy): DeployedObject[] {
  return objects
    .filter((o) => access.canSeeObject(o))
    .map((o) => ({ ...o, fields: o.fields.filter((f) => access.field(o, f.name) !== 'none') }));
}

/** One object as the caller may see it, or undefined when they may not. */
export function visibleObject(registry: RegistryDoc, subject: PolicySubject, name: string): DeployedObject | undefined {
  return visibleObjects(registry.objects.filter((o) => o.name === name), policyFor(registry, subject))[0];
}

/** Which package brought an element is the studio's business, not the caller's. */
function stripOwnership<T extends { package?: string }>(items: T[]): Array<Omit<T, 'package'>> {
  return items.map(({ package: _p, ...rest }) => rest);
}

/** `access`: what the caller may do with each object, so screens offer only that (object-rights.ts). */
export function visibleMetadata(registry: RegistryDoc, subject: PolicySubject) {
  const policy = policyFor(registry, subject);
  const objects = visibleObjects(registry.objects, policy);
  const seen = new Set(objects.map((o) => o.name));
  const admin = isAdmin(subject);
  return {
    version: registry.version,
    packages: registry.packages,
    objects,
    layouts: stripOwnership(registry.layouts.filter((l) => seen.has(l.object))),
    views: stripOwnership(registry.views.filter((v) => seen.has(v.object))),
    workflows: admin ? stripOwnership(registry.workflows) : [],
    roles: stripOwnership(admin ? registry.roles : registry.roles.filter((r) => subject.roles.includes(r.name))),
    reports: stripOwnership(registry.reports.filter((r) => seen.has(r.object))),
    dashboards: stripOwnership(registry.dashboards),
    extensions: admin ? registry.extensions.map((e) => e.manifest) : [],
    access: Object.fromEntries(objects.map((o) => [o.name, objectRights(policy, o)])),
  };
}
