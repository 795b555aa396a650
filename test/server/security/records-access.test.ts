/**
 * Record-level access (the issue's "done when"): two reps in the same role see only their own
 * records in every list, single read, expand, search and history; a manager sees the team's
 * (everyone below them, at any depth); a role filter becomes a condition; a record the caller
 * may not read answers 404, exactly like one that does not exist; ownerId is the server's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { SseClient } from '../sse-client.ts';
import { create, json, listIds, makeUsers, problem, q, type Rec, type TestUser } from './helpers.ts';

let t: TestApp;
let u: Record<'mgr' | 'repA' | 'repB' | 'repA2' | 'mgr2' | 'repC' | 'support', TestUser>;
let account: Rec;      // the admin's
let accountA: Rec;     // rep A's
let accountB: Rec;     // rep B's
const opp: Record<string, Rec> = {};
const lead: Record<string, Rec> = {};
let caseOnA: Rec;
let caseOnB: Rec;
const MISSING = '00000000-0000-4000-8000-000000000000';
const ZEPHYR = `&filter=${q({ name: { startsWith: 'Zephyr deal' } })}`;

beforeAll(async () => {
  t = await startTestApp();
  const managers = await makeUsers(t, {
    mgr: { email: 'mgr@example.com', role: 'sales_manager' },
    mgr2: { email: 'mgr2@example.com', role: 'sales_manager' },
    support: { email: 'support@example.com', role: 'support_agent' },
  });
  const reps = await makeUsers(t, {
    repA: { email: 'rep.a@example.com', role: 'sales_rep', manager: managers.mgr.id },
    repB: { email: 'rep.b@example.com', role: 'sales_rep', manager: managers.mgr.id },
    repC: { email: 'rep.c@example.com', role: 'sales_rep', manager: managers.mgr2.id },
  });
  // Two levels down: rep A2 reports to rep A, who reports to the manager.
  const deep = await makeUsers(t, { repA2: { email: 'rep.a2@example.com', role: 'sales_rep', manager: reps.repA.id } });
  u = { ...managers, ...reps, ...deep };

  account = await create(t, 'account', { name: 'Admin Industries' });
  accountA = await create(t, 'account', { name: 'Alpha Account' }, u.repA.token);
  accountB = await create(t, 'account', { name: 'Beta Account' }, u.repB.token);
  for (const who of ['repA', 'repB', 'repA2', 'repC', 'mgr'] as const) {
    opp[who] = await create(t, 'opportunity', { name: `Zephyr deal ${who}`, account: account.id, amount: 1000 }, u[who].token);
    lead[who] = await create(t, 'lead', { last_name: `Zephyr ${who}`, company: 'Zephyr', email: `${who}@lead.test` }, u[who].token);
  }
  caseOnA = await create(t, 'case', { subject: 'Broken widget', account: accountA.id });
  caseOnB = await create(t, 'case', { subject: 'Broken gadget', account: accountB.id });
});
afterAll(async () => { await t?.close(); });

describe('two reps in the same role', () => {
  it('each lists only their own opportunities and leads', async () => {
    expect(await listIds(t, 'opportunity', u.repA.token)).toEqual([opp.repA.id]);
    expect(await listIds(t, 'opportunity', u.repB.token)).toEqual([opp.repB.id]);
    expect(await listIds(t, 'lead', u.repA.token)).toEqual([lead.repA.id]);
    expect(await listIds(t, 'lead', u.repB.token)).toEqual([lead.repB.id]);
  });

  it('cannot widen the list with a filter, a search or paging', async () => {
    const wide = { or: [{ ownerId: u.repB.id }, { name: { contains: 'zephyr' } }] };
    expect(await listIds(t, 'opportunity', u.repA.token, `&filter=${q(wide)}`)).toEqual([opp.repA.id]);
    expect(await listIds(t, 'opportunity', u.repA.token, `&filter=${q({ ownerId: u.repB.id })}`)).toEqual([]);
    expect(await listIds(t, 'opportunity', u.repA.token, `&q=${q('Zephyr deal')}`)).toEqual([opp.repA.id]);
    expect(await listIds(t, 'lead', u.repB.token, `&q=zephyr`)).toEqual([lead.repB.id]);
    // Walk every page of a one-per-page listing: still only the caller's record.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Rec[]; nextCursor: string | null } = json(await t.api('GET', `/api/records/opportunity?limit=1${cursor ? `&cursor=${q(cursor)}` : ''}`, undefined, { token: u.repA.token }), 200);
      seen.push(...page.data.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([opp.repA.id]);
  });

  it("gets 404 for the other's record, exactly as for a record that does not exist", async () => {
    const other = await t.api('GET', `/api/records/opportunity/${opp.repB.id}`, undefined, { token: u.repA.token });
    const missing = await t.api('GET', `/api/records/opportunity/${MISSING}`, undefined, { token: u.repA.token });
    expect(other.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(problem(other).type).toBe(problem(missing).type);
    expect(other.body).not.toContain('Zephyr');
    expect(json<Rec>(await t.api('GET', `/api/records/opportunity/${opp.repA.id}`, undefined, { token: u.repA.token }), 200).name).toBe('Zephyr deal repA');
  });

  it("cannot update, delete, restore or read the history of the other's records (404)", async () => {
    const tok = { token: u.repA.token };
    expect((await t.api('PATCH', `/api/records/opportunity/${opp.repB.id}`, { name: 'mine now' }, tok)).statusCode).toBe(404);
    expect((await t.api('DELETE', `/api/records/lead/${lead.repB.id}`, undefined, tok)).statusCode).toBe(404);
    expect((await t.api('GET', `/api/records/opportunity/${opp.repB.id}/history`, undefined, tok)).statusCode).toBe(404);
    // B deletes their own lead; A cannot bring it back, B can.
    const doomed = await create(t, 'lead', { last_name: 'Doomed', phone: '555-0100' }, u.repB.token);
    expect((await t.api('DELETE', `/api/records/lead/${doomed.id}`, undefined, { token: u.repB.token })).statusCode).toBe(204);
    expect((await t.api('POST', `/api/records/lead/${doomed.id}/restore`, undefined, tok)).statusCode).toBe(404);
    expect((await t.api('POST', `/api/records/lead/${doomed.id}/restore`, undefined, { token: u.repB.token })).statusCode).toBe(200);
    // Nothing changed on B's opportunity.
    expect(json<Rec>(await t.api('GET', `/api/records/opportunity/${opp.repB.id}`), 200).name).toBe('Zephyr deal repB');
  });

  it('reads and changes their own records, with history', async () => {
    const tok = { token: u.repA.token };
    const mine = await create(t, 'opportunity', { name: 'Own deal', account: account.id }, u.repA.token);
    expect(json<Rec>(await t.api('PATCH', `/api/records/opportunity/${mine.id}`, { stage: 'proposal' }, tok), 200).stage).toBe('proposal');
    const history = json<Array<{ field: string; to: unknown; by: string }>>(await t.api('GET', `/api/records/opportunity/${mine.id}/history`, undefined, tok), 200);
    expect(history).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'stage', to: 'proposal', by: u.repA.id })]));
  });

  it("gets 403 (not 404) changing a record they may read but not write (account: read all, update own)", async () => {
    const res = await t.api('PATCH', `/api/records/account/${accountB.id}`, { name: 'Taken over' }, { token: u.repA.token });
    expect(res.statusCode).toBe(403);
    expect(problem(res).status).toBe(403);
    expect(json<Rec>(await t.api('GET', `/api/records/account/${accountB.id}`, undefined, { token: u.repA.token }), 200).name).toBe('Beta Account');
  });
});

describe('record events (GET /api/events)', () => {
  it("reach only the reps who may read the record", async () => {
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const streamA = await SseClient.open(`${base}/api/events?objects=opportunity`, { authorization: `Bearer ${u.repA.token}` });
    const streamMgr = await SseClient.open(`${base}/api/events?objects=opportunity`, { authorization: `Bearer ${u.mgr.token}` });
    try {
      const ofB = await create(t, 'opportunity', { name: 'Event B', account: account.id }, u.repB.token);
      const ofA = await create(t, 'opportunity', { name: 'Event A', account: account.id }, u.repA.token);
      await streamA.waitForEvents(1, (e) => e.recordId === ofA.id);
      await streamMgr.waitForEvents(2, (e) => e.recordId === ofA.id || e.recordId === ofB.id);
      // B's event was published first: had it been sent to A, it would be there by now.
      expect(streamA.events((e) => e.recordId === ofB.id)).toEqual([]);
    } finally {
      streamA.close();
      streamMgr.close();
    }
  });
});

describe('expand follows the caller\'s read access', () => {
  let noteA: Rec;
  let noteOnA: Rec;
  beforeAll(async () => {
    // The admin files a note for rep A that points at rep B's opportunity, and one at A's own.
    noteA = await create(t, 'note', { title: 'Points at B', opportunity: opp.repB.id, ownerId: u.repA.id });
    noteOnA = await create(t, 'note', { title: 'Points at A', opportunity: opp.repA.id, ownerId: u.repA.id });
  });

  it("expands the caller's own target and gives null for a target they may not read", async () => {
    const page = json<{ data: Rec[] }>(await t.api('GET', '/api/records/note?expand=opportunity&sort=title', undefined, { token: u.repA.token }), 200);
    expect(page.data.map((n) => n.title)).toEqual(['Points at A', 'Points at B']);
    expect((page.data[0].opportunity as Rec).name).toBe('Zephyr deal repA');
    expect(page.data[1].opportunity).toBeNull();
    expect(JSON.stringify(page)).not.toContain('Zephyr deal repB');
    const one = json<Rec>(await t.api('GET', `/api/records/note/${noteA.id}?expand=opportunity`, undefined, { token: u.repA.token }), 200);
    expect(one.opportunity).toBeNull();
  });

  it('the manager, whose team includes rep B, sees the expanded target', async () => {
    // The note is rep A's (in the manager's team), the target rep B's (also in it).
    const one = json<Rec>(await t.api('GET', `/api/records/note/${noteA.id}?expand=opportunity`, undefined, { token: u.mgr.token }), 200);
    expect((one.opportunity as Rec).name).toBe('Zephyr deal repB');
  });

  // KNOWN BUG (runtime/query, reported): a filter through a reference path joins the target
  // without the caller's read access, so its values can be probed one comparison at a time.
  it('a filter through a reference cannot probe a record the caller may not read', async () => {
    // Like expand, the path must treat a target the caller may not read as empty: else
    // bisecting `gte` tells rep A the amount of rep B's deal.
    const hits = await listIds(t, 'note', u.repA.token, `&filter=${q({ 'opportunity.amount': { gte: 0 } })}`);
    expect(hits).toEqual([noteOnA.id]);
  });
});

describe('references to records the caller may not read', () => {
  // KNOWN BUG (runtime/records/references.ts, reported): the reference check does not apply
  // the caller's read access, so 201 vs 422 tells whether another rep's record exists.
  it('refuses a reference to a record the caller may not read, as if it did not exist', async () => {
    const toHidden = await t.api('POST', '/api/records/task', { subject: 'Probe', opportunity: opp.repB.id }, { token: u.repA.token });
    const toMissing = await t.api('POST', '/api/records/task', { subject: 'Probe', opportunity: MISSING }, { token: u.repA.token });
    expect(toMissing.statusCode).toBe(422);
    expect(toHidden.statusCode).toBe(422);
  });
});

describe('a manager and the team below them', () => {
  it('sees the records of everyone under them, at any depth, and their own; not another team', async () => {
    const ids = await listIds(t, 'opportunity', u.mgr.token, ZEPHYR);
    expect(ids.sort()).toEqual([opp.repA.id, opp.repB.id, opp.repA2.id, opp.mgr.id].sort());
    expect((await t.api('GET', `/api/records/opportunity/${opp.repC.id}`, undefined, { token: u.mgr.token })).statusCode).toBe(404);
    expect(await listIds(t, 'opportunity', u.mgr2.token, ZEPHYR)).toEqual([opp.repC.id]);
    expect((await listIds(t, 'lead', u.mgr.token, `&filter=${q({ company: 'Zephyr' })}`)).sort()).toEqual([lead.repA.id, lead.repB.id, lead.repA2.id, lead.mgr.id].sort());
  });

  it('a rep with someone under them sees that person\'s records only if the role grants team (sales_rep: own)', async () => {
    expect(await listIds(t, 'opportunity', u.repA.token, ZEPHYR)).toEqual([opp.repA.id]);
  });

  it("updates a team member's record (update: team) but not another team's (404)", async () => {
    expect(json<Rec>(await t.api('PATCH', `/api/records/opportunity/${opp.repA2.id}`, { next_step: 'Call back' }, { token: u.mgr.token }), 200).next_step).toBe('Call back');
    expect((await t.api('PATCH', `/api/records/opportunity/${opp.repC.id}`, { next_step: 'x' }, { token: u.mgr.token })).statusCode).toBe(404);
  });
});

describe('a role filter as record access (sales_rep: case read {"account.ownerId": "$user.id"})', () => {
  it('lists and reads the cases of accounts the rep owns, and 404 for the others', async () => {
    expect(await listIds(t, 'case', u.repA.token)).toEqual([caseOnA.id]);
    expect(await listIds(t, 'case', u.repB.token)).toEqual([caseOnB.id]);
    expect((await t.api('GET', `/api/records/case/${caseOnB.id}`, undefined, { token: u.repA.token })).statusCode).toBe(404);
    // A filter of the caller's is ANDed with the role's, never ORed.
    expect(await listIds(t, 'case', u.repA.token, `&filter=${q({ or: [{ subject: 'Broken gadget' }, { subject: 'Broken widget' }] })}`)).toEqual([caseOnA.id]);
  });

  it('follows the account when it changes hands', async () => {
    const moved = await create(t, 'account', { name: 'Gamma' }, u.repB.token);
    const c = await create(t, 'case', { subject: 'Moving case', account: moved.id });
    expect(await listIds(t, 'case', u.repA.token, `&filter=${q({ subject: 'Moving case' })}`)).toEqual([]);
    json(await t.api('PATCH', `/api/records/account/${moved.id}`, { ownerId: u.repA.id }), 200);
    expect(await listIds(t, 'case', u.repA.token, `&filter=${q({ subject: 'Moving case' })}`)).toEqual([c.id]);
  });
});

describe('ownerId is set by the server', () => {
  it('is the creator by default', async () => {
    const r = await create(t, 'lead', { last_name: 'Owned', phone: '555-0100' }, u.repB.token);
    expect(r.ownerId).toBe(u.repB.id);
    expect(r.createdBy).toBe(u.repB.id);
  });

  it('a rep cannot create a record owned by someone else, nor give theirs away (403)', async () => {
    const res = await t.api('POST', '/api/records/lead', { last_name: 'Gift', phone: '555-0100', ownerId: u.repB.id }, { token: u.repA.token });
    expect(res.statusCode).toBe(403);
    expect(await listIds(t, 'lead', u.repB.token, `&filter=${q({ last_name: 'Gift' })}`)).toEqual([]);
    const mine = await create(t, 'lead', { last_name: 'Keep', phone: '555-0100', ownerId: u.repA.id }, u.repA.token);
    expect((await t.api('PATCH', `/api/records/lead/${mine.id}`, { ownerId: u.repB.id }, { token: u.repA.token })).statusCode).toBe(403);
    expect(json<Rec>(await t.api('GET', `/api/records/lead/${mine.id}`), 200).ownerId).toBe(u.repA.id);
  });

  it('a manager with update: team cannot reassign either (needs update: all)', async () => {
    const res = await t.api('PATCH', `/api/records/opportunity/${opp.repA.id}`, { ownerId: u.repB.id }, { token: u.mgr.token });
    expect(res.statusCode).toBe(403);
  });

  it('the admin reassigns, and the record moves from one rep\'s lists to the other\'s', async () => {
    const r = await create(t, 'lead', { last_name: 'Handover', phone: '555-0100', ownerId: u.repA.id });
    expect(await listIds(t, 'lead', u.repA.token, `&filter=${q({ last_name: 'Handover' })}`)).toEqual([r.id]);
    json(await t.api('PATCH', `/api/records/lead/${r.id}`, { ownerId: u.repB.id }), 200);
    expect(await listIds(t, 'lead', u.repA.token, `&filter=${q({ last_name: 'Handover' })}`)).toEqual([]);
    expect(await listIds(t, 'lead', u.repB.token, `&filter=${q({ last_name: 'Handover' })}`)).toEqual([r.id]);
  });

  it('a wrong-typed ownerId is a 400', async () => {
    const res = await t.api('POST', '/api/records/lead', { last_name: 'X', phone: '555-0100', ownerId: 42 });
    expect(res.statusCode).toBe(400);
    expect(problem(res).errors?.map((e) => e.field)).toContain('ownerId');
  });
});

describe('objects outside the role', () => {
  it('are 404 for list, read and create (support_agent has no opportunity access)', async () => {
    const tok = { token: u.support.token };
    expect((await t.api('GET', '/api/records/opportunity', undefined, tok)).statusCode).toBe(404);
    expect((await t.api('GET', `/api/records/opportunity/${opp.repA.id}`, undefined, tok)).statusCode).toBe(404);
    expect((await t.api('POST', '/api/records/opportunity', { name: 'x', account: account.id }, tok)).statusCode).toBe(404);
    // …and a path through them is as unknown as a missing field.
    const res = await t.api('GET', `/api/records/task?filter=${q({ 'opportunity.name': 'x' })}`, undefined, tok);
    expect(res.statusCode).toBe(400);
  });
});
