/**
 * Roles: the objects and fields their permissions name, their row filters, and no role named
 * like the built-in `admin`.
 */
import type { Checker } from './checker.ts';
import { checkFilter } from './filters.ts';
import { isObj, objs, str } from './json.ts';
import { pointer } from './problems.ts';
import { ADMIN_ROLE } from '../../security/roles.ts';

export function checkRoles(c: Checker): void {
  const roles = objs(c.bundle.roles);
  c.duplicates(roles.map(([r, i]) => [str(r.name), `/roles/${i}/name`]), (n) => `role '${n}'`);
  for (const [role, i] of roles) {
    const base = `/roles/${i}`;
    // `admin` is built in and may do everything: a package's role of that name would either be
    // ignored or, worse, be mistaken for it by whoever hands roles out.
    if (role.name === ADMIN_ROLE) c.report(`${base}/name`, 'reserved_name', `'${ADMIN_ROLE}' is the built-in role that may do everything; name this role otherwise`);
    if (isObj(role.objects)) {
      for (const [name, permission] of Object.entries(role.objects)) {
        const at = pointer(`${base}/objects`, name);
        const object = c.objectNamed(name, at, `role '${str(role.name) ?? '?'}'`);
        if (!object || !isObj(permission)) continue;
        for (const access of ['read', 'update', 'delete'] as const) {
          if (isObj(permission[access])) checkFilter(c, object, permission[access], pointer(at, access));
        }
      }
    }
    if (isObj(role.fields)) {
      for (const key of Object.keys(role.fields)) {
        if (!/^[^.]+\.[^.]+$/.test(key)) continue;
        const [objectName, fieldName] = key.split('.');
        const at = pointer(`${base}/fields`, key);
        const object = c.objectNamed(objectName, at, `role '${str(role.name) ?? '?'}'`);
        if (object) c.checkField(object, fieldName, at, false);
      }
    }
  }
}
