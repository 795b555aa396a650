import { describe, expect, it } from 'vitest';
import type { RoleDef } from '../../../metadata/types.ts';
import { mayDo } from '../../../studio/src/app/list/permissions.ts';

const roles: RoleDef[] = [
  { name: 'read_only', objects: { opportunity: { read: 'all', create: false, update: false, delete: false } } },
  { name: 'sales_rep', objects: { opportunity: { read: 'all', create: true, update: 'own', delete: false }, case: { read: { ownerId: '$user.id' } } } },
  { name: 'manager', objects: { opportunity: { delete: { stage: 'prospecting' } } } },
];

describe('mayDo', () => {
  it('lets admins do everything', () => {
    expect(mayDo(['admin'], [], 'anything', 'delete')).toBe(true);
  });

  it('reads the caller\'s roles: false means no, own/team/all/true/a filter mean some records', () => {
    expect(mayDo(['read_only'], roles, 'opportunity', 'create')).toBe(false);
    expect(mayDo(['read_only'], roles, 'opportunity', 'update')).toBe(false);
    expect(mayDo(['sales_rep'], roles, 'opportunity', 'create')).toBe(true);
    expect(mayDo(['sales_rep'], roles, 'opportunity', 'update')).toBe(true);
    expect(mayDo(['sales_rep'], roles, 'opportunity', 'delete')).toBe(false);
    expect(mayDo(['manager'], roles, 'opportunity', 'delete')).toBe(true);
    expect(mayDo(['sales_rep'], roles, 'case', 'update')).toBe(false);
  });

  it('any role of several is enough, and an unlisted role leaves it to the server', () => {
    expect(mayDo(['read_only', 'sales_rep'], roles, 'opportunity', 'create')).toBe(true);
    expect(mayDo(['read_only', 'unknown'], roles, 'opportunity', 'create')).toBe(true);
  });
});
