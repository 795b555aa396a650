import { describe, expect, it } from 'vitest';
import { parseView } from '../../../studio/src/app/list/savedViews.ts';
import { mergeRecord } from '../../../studio/src/app/list/listApi.ts';

describe('saved views from the server', () => {
  it('are read as sent, and a damaged one is skipped instead of failing the list', () => {
    expect(parseView({ id: 'y', name: 'Ok', columns: ['a'], sort: [], type: 'weird', shared: true, mine: false }))
      .toEqual(expect.objectContaining({ id: 'y', name: 'Ok', type: 'table', shared: true, mine: false }));
    expect(parseView({ id: 'x' })).toBeUndefined();
    expect(parseView(null)).toBeUndefined();
  });
});

describe('mergeRecord', () => {
  it('keeps expanded references the server sent back as ids, and takes picked ones', () => {
    const old = { id: 'r', version: 1, ownerId: null, createdAt: '', createdBy: null, updatedAt: '', updatedBy: null, account: { id: 'a1', name: 'Acme' }, contact: { id: 'c1' }, amount: 1 };
    const fresh = { ...old, version: 2, account: 'a1', contact: 'c2', amount: 5 };
    const merged = mergeRecord(old, fresh, { contact: { id: 'c2', full_name: 'Ada' } });
    expect(merged).toMatchObject({ version: 2, amount: 5, account: { id: 'a1', name: 'Acme' }, contact: { id: 'c2', full_name: 'Ada' } });
    expect(mergeRecord(old, { ...fresh, account: 'a2' }).account).toBe('a2');
  });
});
