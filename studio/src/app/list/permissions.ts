/**
 * What the caller may do with an object's records, as far as the screens need to know to
 * offer an action at all (the server checks every record anyway). Admins may do everything;
 * others what one of their roles allows — `own`, `team`, `all`, `true` or a filter all mean
 * "some records". The metadata lists the caller's own roles; a role it does not list is
 * treated as allowing, so the server's answer decides.
 */
import type { RoleDef } from '../../api/types.ts';

export type RecordAction = 'create' | 'update' | 'delete';

export function mayDo(userRoles: readonly string[], roles: readonly RoleDef[], object: string, action: RecordAction): boolean {
  if (userRoles.includes('admin')) return true;
  const mine = roles.filter((r) => userRoles.includes(r.name));
  if (mine.length < userRoles.length) return true;
  return mine.some((r) => {
    const v = r.objects[object]?.[action];
    return v !== undefined && v !== false;
  });
}
