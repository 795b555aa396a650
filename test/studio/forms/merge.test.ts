/** Putting someone's edits on a newer stored version: what merges by itself and what clashes. */
import { describe, expect, it } from 'vitest';
import { rebase } from '../../../studio/src/forms/merge.ts';

const editable = ['name', 'phone', 'website', 'tags'];

describe('rebase', () => {
  it('keeps my changes and takes theirs when we changed different fields', () => {
    const base = { name: 'Acme', phone: '1' };
    const fresh = { name: 'Acme', phone: '1', website: 'https://theirs.example' };
    const mine = { name: 'Acme', phone: '2' };
    expect(rebase(editable, base, fresh, mine)).toEqual({
      values: { name: 'Acme', phone: '2', website: 'https://theirs.example' }, mine: ['phone'], conflicts: [],
    });
  });

  it('reports a field both changed to different values, keeping mine in the form until chosen', () => {
    const r = rebase(editable, { name: 'Acme' }, { name: 'Acme (theirs)' }, { name: 'Acme (mine)', phone: '9' });
    expect(r.conflicts).toEqual([{ field: 'name', mine: 'Acme (mine)', theirs: 'Acme (theirs)' }]);
    expect(r.values).toEqual({ name: 'Acme (mine)', phone: '9' });
  });

  it('is no clash when both made the same change, or when I cleared a field they left alone', () => {
    expect(rebase(editable, { name: 'A' }, { name: 'B' }, { name: 'B' }).conflicts).toEqual([]);
    const cleared = rebase(editable, { name: 'A', phone: '1' }, { name: 'A', phone: '1', website: 'w' }, { name: 'A', phone: '' });
    expect(cleared.conflicts).toEqual([]);
    expect(cleared.values).toMatchObject({ phone: '', website: 'w' });
  });

  it('compares lists by content', () => {
    expect(rebase(editable, { tags: ['a'] }, { tags: ['a', 'b'] }, { tags: ['a'] })).toMatchObject({ mine: [], conflicts: [], values: { tags: ['a', 'b'] } });
  });
});
