/** The roles editor's model: record access as a choice (none/own/team/all/filter) and back (pure). */
import type { FieldAccess, ObjectPermission, RecordAccess, RecordFilter, RoleDef } from '../../../metadata/types.ts';

export type AccessKind = 'none' | 'own' | 'team' | 'all' | 'filter';
export type RecordAction = 'read' | 'update' | 'delete';

export const ACCESS_LABELS: Record<AccessKind, string> = {
  none: 'None', own: 'Own records', team: 'Team records', all: 'All records', filter: 'Records matching a filter',
};

export function accessKind(a: RecordAccess | undefined): AccessKind {
  if (a === undefined || a === false) return 'none';
  if (a === true || a === 'all') return 'all';
  if (a === 'own' || a === 'team') return a;
  return typeof a === 'object' && a !== null ? 'filter' : 'none';
}

export function accessValue(kind: AccessKind, filter?: RecordFilter): RecordAccess {
  switch (kind) {
    case 'none': return false;
    case 'all': return 'all';
    case 'own': case 'team': return kind;
    case 'filter': return filter && Object.keys(filter).length ? filter : { ownerId: '$user.id' };
  }
}

/** Sets one action of one object; an object with no access at all leaves the role. */
export function setAccess(role: RoleDef, object: string, action: RecordAction | 'create', value: RecordAccess | boolean): RoleDef {
  const perm: ObjectPermission = { ...role.objects[object] };
  if (action === 'create') perm.create = !!value;
  else perm[action] = value as RecordAccess;
  const objects = { ...role.objects, [object]: perm };
  const none = !perm.create && accessKind(perm.read) === 'none' && accessKind(perm.update) === 'none' && accessKind(perm.delete) === 'none';
  if (none) delete objects[object];
  return { ...role, objects };
}

/** Sets a field's access; `edit` is the default and is not written. */
export function setFieldAccess(role: RoleDef, object: string, field: string, access: FieldAccess): RoleDef {
  const fields = { ...role.fields };
  const key = `${object}.${field}`;
  if (access === 'edit') delete fields[key];
  else fields[key] = access;
  const next: RoleDef = { ...role, fields };
  if (!Object.keys(fields).length) delete next.fields;
  return next;
}

export function fieldAccess(role: RoleDef, object: string, field: string): FieldAccess {
  return role.fields?.[`${object}.${field}`] ?? 'edit';
}

/** A one-line summary of an object's permission ("read all · create · update own"). */
export function summarize(perm: ObjectPermission | undefined): string {
  if (!perm) return 'no access';
  const parts: string[] = [];
  const word = (a: RecordAccess | undefined) => {
    const k = accessKind(a);
    return k === 'filter' ? 'by filter' : k;
  };
  if (accessKind(perm.read) !== 'none') parts.push(`read ${word(perm.read)}`);
  if (perm.create) parts.push('create');
  if (accessKind(perm.update) !== 'none') parts.push(`update ${word(perm.update)}`);
  if (accessKind(perm.delete) !== 'none') parts.push(`delete ${word(perm.delete)}`);
  return parts.length ? parts.join(' · ') : 'no access';
}
