/**
 * POST /api/records/:object/:id/restore links back what the delete emptied: a crm-core account
 * restored has its contacts, cases and sub-accounts again (setNull references), as lists show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { create, del, get, list, uniq, type Rec } from './fixtures.ts';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t?.close(); });

const ids = (recs: Rec[]) => recs.map((r) => r.id).sort();

describe('restore over HTTP', () => {
  it('brings back the contacts, cases and sub-accounts the delete detached', async () => {
    const acc = await create(t, 'account', { name: uniq('Acme ') });
    const contacts = [
      await create(t, 'contact', { last_name: 'Lovelace', account: acc.id }),
      await create(t, 'contact', { last_name: 'Hopper', account: acc.id }),
    ];
    const kase = await create(t, 'case', { subject: 'Broken', account: acc.id });
    const sub = await create(t, 'account', { name: uniq('Acme sub '), parent_account: acc.id });
    const withCase = await get(t, 'account', acc.id);
    expect(withCase.open_case_count).toBe(1);

    expect((await t.api('DELETE', `/api/records/account/${acc.id}`)).statusCode).toBe(204);
    expect((await list(t, 'contact', { filter: { account: acc.id } })).data).toEqual([]);
    expect((await get(t, 'case', kase.id)).account).toBeNull();

    const res = await t.api('POST', `/api/records/account/${acc.id}/restore`);
    expect(res.statusCode, res.body).toBe(200);
    // The answer already counts the case that came back.
    expect((res.json() as Rec).open_case_count).toBe(withCase.open_case_count);
    expect(res.headers.etag).toBe(`"${acc.version}"`);

    const linked = (await list(t, 'contact', { filter: { account: acc.id } })).data;
    expect(ids(linked)).toEqual(ids(contacts));
    for (const c of linked) expect(c.version).toBe(contacts.find((x) => x.id === c.id)!.version + 2);
    expect((await list(t, 'case', { filter: { account: acc.id } })).data.map((c) => c.id)).toEqual([kase.id]);
    expect((await list(t, 'account', { filter: { parent_account: acc.id } })).data.map((a) => a.id)).toEqual([sub.id]);

    // case and account keep history: the unlink and the relink are both there.
    const history = (await t.api('GET', `/api/records/case/${kase.id}/history`)).json() as Array<{ field: string; from: unknown; to: unknown }>;
    expect(history.map(({ field, from, to }) => ({ field, from, to }))).toEqual([
      { field: 'account', from: null, to: acc.id },
      { field: 'account', from: acc.id, to: null },
    ]);
  });

  it('leaves a contact moved to another account meanwhile where it is', async () => {
    const acc = await create(t, 'account', { name: uniq('Old ') });
    const other = await create(t, 'account', { name: uniq('New ') });
    const moved = await create(t, 'contact', { last_name: 'Moved', account: acc.id });
    const stays = await create(t, 'contact', { last_name: 'Stays', account: acc.id });
    await del(t, 'account', acc.id);
    expect((await t.api('PATCH', `/api/records/contact/${moved.id}`, { account: other.id })).statusCode).toBe(200);
    expect((await t.api('POST', `/api/records/account/${acc.id}/restore`)).statusCode).toBe(200);
    expect((await list(t, 'contact', { filter: { account: acc.id } })).data.map((c) => c.id)).toEqual([stays.id]);
    expect((await list(t, 'contact', { filter: { account: other.id } })).data.map((c) => c.id)).toEqual([moved.id]);
  });
});
