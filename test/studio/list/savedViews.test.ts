import { describe, expect, it } from 'vitest';
import { deleteView, loadViews, saveView, storageKey } from '../../../studio/src/app/list/savedViews.ts';
import { mergeRecord } from '../../../studio/src/app/list/listApi.ts';

function memoryStore() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => { m.set(k, v); }, m };
}

describe('personal views', () => {
  it('saves per user and object, replaces by name, and deletes', () => {
    const s = memoryStore();
    const a = saveView(s, 'u1', 'opportunity', { name: 'Big deals', columns: ['name', 'amount'], sort: ['-amount'], filter: { amount: { gt: 1000 } }, type: 'table' });
    saveView(s, 'u2', 'opportunity', { name: 'Other user', columns: ['name'], sort: [], type: 'table' });
    saveView(s, 'u1', 'account', { name: 'Other object', columns: ['name'], sort: [], type: 'table' });
    expect(loadViews(s, 'u1', 'opportunity').map((v) => v.name)).toEqual(['Big deals']);
    const b = saveView(s, 'u1', 'opportunity', { name: ' big DEALS ', columns: ['name'], sort: ['name'], type: 'kanban', groupBy: 'stage' });
    expect(b.id).toBe(a.id);
    expect(loadViews(s, 'u1', 'opportunity')).toEqual([expect.objectContaining({ id: a.id, name: 'big DEALS', type: 'kanban', groupBy: 'stage', filter: undefined })]);
    deleteView(s, 'u1', 'opportunity', a.id);
    expect(loadViews(s, 'u1', 'opportunity')).toEqual([]);
    expect(loadViews(s, 'u2', 'opportunity')).toHaveLength(1);
  });

  it('skips damaged entries instead of failing', () => {
    const s = memoryStore();
    s.setItem(storageKey('u1', 'lead'), 'not json');
    expect(loadViews(s, 'u1', 'lead')).toEqual([]);
    s.setItem(storageKey('u1', 'lead'), JSON.stringify([{ id: 'x' }, { id: 'y', name: 'Ok', columns: ['a'], sort: [], type: 'weird' }]));
    expect(loadViews(s, 'u1', 'lead')).toEqual([expect.objectContaining({ id: 'y', name: 'Ok', type: 'table' })]);
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
