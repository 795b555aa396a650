/**
 * A restore links back the setNull references its delete emptied: as ordinary updates
 * (version, history, event, rollups, formulas), only for children still live and still empty,
 * through cascades, and once per delete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageBundle } from '../../../metadata/types.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

let t: TestApp;

// team ←(cascade) project ←(setNull) project.parent; team ←(setNull) member →(setNull) project;
// team ←(cascade) seat →(setNull) project: emptied by the project's delete, then deleted itself.
const PACKAGE: PackageBundle = {
  package: { name: 'relink', version: '1.0.0' },
  objects: [
    {
      name: 'team', label: 'Team', nameField: 'name',
      fields: [
        { name: 'name', type: 'text' },
        { name: 'members', type: 'rollup', of: 'member.team', aggregate: 'count' },
      ],
    },
    {
      name: 'project', label: 'Project', nameField: 'name',
      fields: [
        { name: 'name', type: 'text' },
        { name: 'team', type: 'reference', to: 'team', onDelete: 'cascade' },
        { name: 'parent', type: 'reference', to: 'project', onDelete: 'setNull' },
      ],
    },
    {
      name: 'member', label: 'Member', nameField: 'name', trackHistory: true,
      fields: [
        { name: 'name', type: 'text' },
        { name: 'team', type: 'reference', to: 'team', onDelete: 'setNull' },
        { name: 'project', type: 'reference', to: 'project', onDelete: 'setNull' },
        // Reads the reference: a relink must refresh it as the unlink did.
        { name: 'placed', type: 'formula', returns: 'boolean', expression: { '!=': [{ var: 'team' }, null] } },
      ],
    },
    {
      name: 'seat', label: 'Seat',
      fields: [
        { name: 'team', type: 'reference', to: 'team', onDelete: 'cascade' },
        { name: 'project', type: 'reference', to: 'project', onDelete: 'setNull' },
      ],
    },
    {
      name: 'pin', label: 'Pin',
      fields: [{ name: 'team', type: 'reference', to: 'team', onDelete: 'setNull' }],
    },
  ],
};

type Rec = Record<string, unknown> & { id: string; version: number };

beforeAll(async () => {
  t = await startTestApp({ standardPackage: false });
  expect((await t.engine.deploy(PACKAGE)).applied).toBe(true);
});
afterAll(async () => { await t?.close(); });

async function create(object: string, body: Record<string, unknown>): Promise<Rec> {
  const res = await t.api('POST', `/api/records/${object}`, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Rec;
}
async function get(object: string, id: string): Promise<Rec> {
  const res = await t.api('GET', `/api/records/${object}/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Rec;
}
async function del(object: string, id: string): Promise<void> {
  const res = await t.api('DELETE', `/api/records/${object}/${id}`);
  expect(res.statusCode, res.body).toBe(204);
}
async function restore(object: string, id: string): Promise<Rec> {
  const res = await t.api('POST', `/api/records/${object}/${id}/restore`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Rec;
}
async function history(object: string, id: string): Promise<Array<{ field: string; from: unknown; to: unknown }>> {
  const res = await t.api('GET', `/api/records/${object}/${id}/history`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as Array<{ field: string; from: unknown; to: unknown }>).map(({ field, from, to }) => ({ field, from, to }));
}
async function updatedEvents(recordId: string): Promise<Array<{ data: { changed: string[] } }>> {
  const { rows } = await t.db.knex.raw(`SELECT data FROM strata.events WHERE record_id = ? AND type = 'record.updated' ORDER BY id`, [recordId]);
  return rows as Array<{ data: { changed: string[] } }>;
}
async function pendingRows(recordId: string): Promise<number> {
  const { rows } = await t.db.knex.raw(`SELECT count(*)::int AS n FROM strata.unlinked_references WHERE record_id = ?`, [recordId]);
  return (rows as Array<{ n: number }>)[0].n;
}

describe('restore relinks setNull children', () => {
  it('empties the children on delete and links them back on restore, as ordinary updates', async () => {
    const team = await create('team', { name: 'Core' });
    const m1 = await create('member', { name: 'Ada', team: team.id });
    const m2 = await create('member', { name: 'Bob', team: team.id });
    expect(m1.placed).toBe(true);
    expect((await get('team', team.id)).members).toBe(2);

    await del('team', team.id);
    for (const m of [m1, m2]) expect(await get('member', m.id)).toMatchObject({ team: null, placed: false, version: m.version + 1 });
    expect(await pendingRows(team.id)).toBe(2);

    const restored = await restore('team', team.id);
    expect(restored.members).toBe(2); // the restore's answer already counts them
    expect((await get('team', team.id)).members).toBe(2);
    for (const m of [m1, m2]) {
      const after = await get('member', m.id);
      expect(after).toMatchObject({ team: team.id, placed: true, version: m.version + 2 });
      expect(Date.parse(after.updatedAt as string)).toBeGreaterThanOrEqual(Date.parse(m.updatedAt as string));
      expect(await history('member', m.id)).toEqual([
        { field: 'team', from: null, to: team.id },
        { field: 'team', from: team.id, to: null },
      ]);
      expect((await updatedEvents(m.id)).map((e) => e.data.changed)).toEqual([['team'], ['team']]);
    }
    // The rows were used up.
    expect(await pendingRows(team.id)).toBe(0);
  });

  it('leaves alone a child re-pointed meanwhile, and one deleted meanwhile', async () => {
    const team = await create('team', { name: 'Old' });
    const other = await create('team', { name: 'New' });
    const moved = await create('member', { name: 'Moved', team: team.id });
    const gone = await create('member', { name: 'Gone', team: team.id });
    const stays = await create('member', { name: 'Stays', team: team.id });
    await del('team', team.id);

    const patched = await t.api('PATCH', `/api/records/member/${moved.id}`, { team: other.id });
    expect(patched.statusCode, patched.body).toBe(200);
    await del('member', gone.id);

    await restore('team', team.id);
    const movedAfter = await get('member', moved.id);
    expect(movedAfter).toMatchObject({ team: other.id, version: (patched.json() as Rec).version });
    expect(await history('member', moved.id)).toHaveLength(2); // emptied, then re-pointed: no relink
    expect((await get('member', stays.id)).team).toBe(team.id);
    expect((await get('team', team.id)).members).toBe(1);
    expect((await get('team', other.id)).members).toBe(1);

    // Still in the bin, untouched; restored later, it stays empty (its parent's restore is done).
    expect((await t.api('GET', `/api/records/member/${gone.id}`)).statusCode).toBe(404);
    const { rows } = await t.db.knex.raw(`SELECT team, version FROM crm.member WHERE id = ?`, [gone.id]);
    expect(rows[0]).toEqual({ team: null, version: gone.version + 1 });
    expect((await restore('member', gone.id)).team).toBeNull();
    expect(await pendingRows(team.id)).toBe(0);
  });

  it('restores a cascade and relinks setNull references into it, including between records of the cascade', async () => {
    const team = await create('team', { name: 'Platform' });
    const root = await create('project', { name: 'Root', team: team.id });
    const sub = await create('project', { name: 'Sub', team: team.id, parent: root.id });
    const outside = await create('project', { name: 'Outside', parent: root.id }); // not in the cascade
    const m = await create('member', { name: 'Cy', team: team.id, project: sub.id });
    // Emptied when Root goes (its project), then deleted by the team's cascade after it.
    const seat = await create('seat', { team: team.id, project: root.id });

    await del('team', team.id);
    expect((await t.api('GET', `/api/records/project/${sub.id}`)).statusCode).toBe(404);
    expect(await get('project', outside.id)).toMatchObject({ parent: null });
    expect(await get('member', m.id)).toMatchObject({ team: null, project: null, version: m.version + 2 });

    await restore('team', team.id);
    expect(await get('project', root.id)).toMatchObject({ team: team.id, parent: null });
    // Sub was emptied by Root's delete before both went to the bin: linked back once both are live.
    expect(await get('project', sub.id)).toMatchObject({ team: team.id, parent: root.id, version: sub.version + 2 });
    expect(await get('project', outside.id)).toMatchObject({ parent: root.id, version: outside.version + 2 });
    expect(await get('member', m.id)).toMatchObject({ team: team.id, project: sub.id, placed: true, version: m.version + 4 });
    const h = await history('member', m.id);
    expect(h).toHaveLength(4);
    expect(h.slice(0, 2)).toEqual(expect.arrayContaining([
      { field: 'team', from: null, to: team.id },
      { field: 'project', from: null, to: sub.id },
    ]));
    // Live again only after the projects, so linked back once the whole cascade is restored.
    expect(await get('seat', seat.id)).toMatchObject({ team: team.id, project: root.id, version: seat.version + 2 });
    for (const id of [team.id, root.id, sub.id]) expect(await pendingRows(id)).toBe(0);
  });

  it('relinks again after a second delete and restore', async () => {
    const team = await create('team', { name: 'Twice' });
    const m = await create('member', { name: 'Dee', team: team.id });
    for (let round = 1; round <= 2; round++) {
      await del('team', team.id);
      expect((await get('member', m.id)).team).toBeNull();
      await restore('team', team.id);
      expect(await get('member', m.id)).toMatchObject({ team: team.id, version: m.version + 2 * round });
      expect(await pendingRows(team.id)).toBe(0);
    }
    expect(await history('member', m.id)).toHaveLength(4);
  });

  it('relinks only the restored parent\'s children when parents were deleted together (one bulk, one instant)', async () => {
    const a = await create('team', { name: 'A' });
    const b = await create('team', { name: 'B' });
    const ma = await create('member', { name: 'Ma', team: a.id });
    const mb = await create('member', { name: 'Mb', team: b.id });
    const res = await t.api('POST', '/api/records/team/bulk', { operation: 'delete', records: [{ id: a.id }, { id: b.id }] });
    expect(res.statusCode, res.body).toBe(200);
    const { rows } = await t.db.knex.raw(`SELECT count(DISTINCT deleted_at)::int AS n FROM strata.unlinked_references WHERE record_id IN (?, ?)`, [a.id, b.id]);
    expect(rows[0].n).toBe(1);

    await restore('team', a.id);
    expect((await get('member', ma.id)).team).toBe(a.id);
    expect((await get('member', mb.id)).team).toBeNull();
    expect(await pendingRows(b.id)).toBe(1);
    await restore('team', b.id);
    expect((await get('member', mb.id)).team).toBe(b.id);
  });

  it('records nothing for a delete that rolls back', async () => {
    const bundle: PackageBundle = JSON.parse(JSON.stringify(PACKAGE));
    bundle.package.version = '1.1.0';
    bundle.objects!.push({ name: 'badge', label: 'Badge', fields: [{ name: 'project', type: 'reference', to: 'project', onDelete: 'restrict' }] });
    expect((await t.engine.deploy(bundle)).applied).toBe(true);
    const team = await create('team', { name: 'Kept' });
    const p = await create('project', { name: 'Held', team: team.id });
    // Deleting the team cascades to the project: member.project is emptied, then the badge's
    // restrict reference (after it in the registry) refuses, and everything rolls back.
    const m = await create('member', { name: 'Eve', team: team.id, project: p.id });
    await create('badge', { project: p.id });
    expect((await t.api('DELETE', `/api/records/team/${team.id}`)).statusCode).toBe(409);
    expect(await get('member', m.id)).toMatchObject({ team: team.id, project: p.id, version: m.version });
    expect(await pendingRows(team.id)).toBe(0);
    expect(await pendingRows(p.id)).toBe(0);
  });

  it('skips a reference field removed since the delete, and still clears its rows', async () => {
    const team = await create('team', { name: 'Pinned' });
    const pin = await create('pin', { team: team.id });
    await del('team', team.id);
    expect(await pendingRows(team.id)).toBe(1);
    const bundle: PackageBundle = JSON.parse(JSON.stringify(PACKAGE));
    bundle.package.version = '1.2.0';
    bundle.objects!.push({ name: 'badge', label: 'Badge', fields: [{ name: 'project', type: 'reference', to: 'project', onDelete: 'restrict' }] });
    bundle.objects!.find((o) => o.name === 'pin')!.fields = [{ name: 'label', type: 'text' }];
    expect((await t.engine.deploy(bundle)).applied).toBe(true);
    await restore('team', team.id);
    expect(await get('pin', pin.id)).not.toHaveProperty('team');
    expect(await pendingRows(team.id)).toBe(0);
  });
});
