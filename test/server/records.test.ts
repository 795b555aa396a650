/**
 * The records API (CONTRACT §2) as a user meets it: CRUD on crm-core objects and on a test
 * object holding every field type, the values as they come back, and every error path with its
 * status and problem+json `errors[]`. Lists, rollups, deletes and deploys have their own files
 * under test/server/records/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT } from '../../server/app.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { create, del, expectProblem, get, list, patch, problem, TYPES_PACKAGE, uniq, type Rec } from './records/fixtures.ts';

let t: TestApp;
let adminId: string;

beforeAll(async () => {
  t = await startTestApp();
  const d = await t.engine.deploy(TYPES_PACKAGE);
  expect(d.applied).toBe(true);
  adminId = (await create(t, 'account', { name: 'Who am I' })).createdBy as string;
});
afterAll(async () => { await t?.close(); });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

async function account(extra: Record<string, unknown> = {}): Promise<Rec> {
  return create(t, 'account', { name: uniq('Acme '), ...extra });
}

async function order(accountId: string, extra: Record<string, unknown> = {}): Promise<Rec> {
  return create(t, 'order', { order_number: uniq('CA-'), account: accountId, order_date: '2024-01-02', ...extra });
}

describe('CRUD round trip', () => {
  it('creates, reads, updates, lists and deletes an order (an object named after a SQL keyword)', async () => {
    const acc = await account();
    const res = await t.api('POST', '/api/records/order', { order_number: 'CA-2017-152156', account: acc.id, order_date: '2017-11-08', ship_mode: 'Second Class', postal_code: '04101' });
    expect(res.statusCode).toBe(201);
    const created = res.json() as Rec;
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers.location).toBe(`/api/records/order/${created.id}`);
    expect(created).toMatchObject({
      order_number: 'CA-2017-152156', account: acc.id, order_date: '2017-11-08', ship_mode: 'Second Class',
      postal_code: '04101', status: 'confirmed', returned: false, total: 0, line_count: 0, version: 1,
      ownerId: adminId, createdBy: adminId, updatedBy: adminId,
    });
    expect(created.id).toMatch(UUID);
    expect(created.createdAt).toMatch(ISO_UTC);
    expect(created.updatedAt).toMatch(ISO_UTC);

    const read = await t.api('GET', `/api/records/order/${created.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.headers.etag).toBe('"1"');
    expect(read.json()).toEqual(created);

    const updated = await t.api('PATCH', `/api/records/order/${created.id}`, { status: 'shipped', ship_date: '2017-11-11' });
    expect(updated.statusCode).toBe(200);
    expect(updated.headers.etag).toBe('"2"');
    expect(updated.json()).toMatchObject({ status: 'shipped', ship_date: '2017-11-11', version: 2, order_number: 'CA-2017-152156' });
    expect(Date.parse(updated.json().updatedAt as string)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt as string));

    const found = await list(t, 'order', { filter: { order_number: 'CA-2017-152156' } });
    expect(found.data.map((r) => r.id)).toEqual([created.id]);
    expect(found.data[0]).toEqual(updated.json());

    await del(t, 'order', created.id);
    expectProblem(await t.api('GET', `/api/records/order/${created.id}`), 404);
  });

  it('round-trips every field type with the JSON types of CONTRACT §2', async () => {
    const acc = await account();
    const input = {
      title: 'Full', notes: 'line 1\nline 2', body: '<p>Hello <b>world</b></p>', email: `${uniq('a')}@example.com`,
      phone: '+1 (555) 010-9999', site: 'https://example.com/a?b=c', qty: 3, ratio: 1.125, price: 9.99, pct: 12.5,
      active: false, day: '2024-02-29', at: '2024-03-01T10:00:00+02:00', color: 'green', tags: ['a', 'c'],
      account: acc.id, meta: { nested: { list: [1, 'two', null, true] } },
    };
    const rec = await create(t, 'specimen', input);
    expect(rec).toMatchObject({ ...input, at: '2024-03-01T08:00:00.000Z' });
    // Numbers are JSON numbers, never strings.
    for (const f of ['qty', 'ratio', 'price', 'pct', 'total', 'item_sum']) expect(typeof rec[f], f).toBe('number');
    expect(rec.total).toBe(29.97);
    expect(rec.item_sum).toBe(0);
    expect(rec.code).toMatch(/^T-\d{4}$/);
    expect(Object.keys(rec).sort()).toEqual([...TYPES_PACKAGE.objects[0].fields.map((f) => f.name),
      'id', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'ownerId', 'version'].sort());

    // The same record from GET and from a list.
    expect(await get(t, 'specimen', rec.id)).toEqual(rec);
    expect((await list(t, 'specimen', { filter: { id: rec.id } })).data).toEqual([rec]);
  });

  it('returns null for every empty field, defaults for the rest; empty strings and lists are empty', async () => {
    const rec = await create(t, 'specimen', { title: 'Sparse', notes: '', email: '', tags: [], day: '', meta: null });
    expect(rec).toMatchObject({
      notes: null, body: null, email: null, phone: null, site: null, qty: null, ratio: null, price: null, pct: null,
      day: null, at: null, tags: null, account: null, total: null, meta: null,
      active: true, color: 'red', item_sum: 0,
    });
    // A stored empty value is found by isNull.
    const found = await list(t, 'specimen', { filter: { and: [{ id: rec.id }, { meta: { isNull: true } }, { tags: { isNull: true } }, { email: null }] } });
    expect(found.data).toHaveLength(1);
  });

  it('updates every field type and clears them again with null', async () => {
    const rec = await create(t, 'specimen', { title: 'Changing' });
    const acc = await account();
    const set = {
      notes: 'n', body: '<i>b</i>', phone: '555 0101', site: 'http://a.example', qty: 7, ratio: -0.5, price: 1000000.01,
      pct: 99.99, active: false, day: '1999-12-31', at: '2030-01-01T00:00:00Z', color: 'blue', tags: ['b'], account: acc.id,
      meta: [1, { a: 'b' }],
    };
    const after = await patch(t, 'specimen', rec.id, set);
    expect(after).toMatchObject({ ...set, at: '2030-01-01T00:00:00.000Z', total: 7000000.07, version: 2 });
    const cleared = await patch(t, 'specimen', rec.id, Object.fromEntries(Object.keys(set).filter((k) => k !== 'qty').map((k) => [k, null])));
    expect(cleared).toMatchObject({ ...Object.fromEntries(Object.keys(set).filter((k) => k !== 'qty').map((k) => [k, null])), total: null, version: 3 });
    expect(await get(t, 'specimen', rec.id)).toEqual(cleared);
  });

  it('numbers autonumbers with the format, one after the other', async () => {
    const a = await create(t, 'specimen', { title: 'n1' });
    const b = await create(t, 'specimen', { title: 'n2' });
    expect(Number((b.code as string).slice(2))).toBe(Number((a.code as string).slice(2)) + 1);
    const c1 = await create(t, 'case', { subject: 'Broken chair' });
    expect(c1.case_number).toMatch(/^CS-\d{6}$/);
  });

  it('sets the owner to the caller, or to another active user when asked', async () => {
    const mine = await create(t, 'account', { name: uniq('Mine ') });
    expect(mine.ownerId).toBe(adminId);
    const explicit = await create(t, 'account', { name: uniq('Explicit '), ownerId: adminId });
    expect(explicit.ownerId).toBe(adminId);
    expectProblem(await t.api('POST', '/api/records/account', { name: 'x', ownerId: '00000000-0000-4000-8000-000000000000' }), 422, 'ownerId', 'reference');
    expectProblem(await t.api('PATCH', `/api/records/account/${mine.id}`, { ownerId: '00000000-0000-4000-8000-000000000000' }), 422, 'ownerId', 'reference');
  });
});

describe('ETag, If-Match and versions', () => {
  it('increments the version on each change, not on an update that changes nothing', async () => {
    const acc = await account({ industry: 'retail' });
    expect(acc.version).toBe(1);
    const same = await t.api('PATCH', `/api/records/account/${acc.id}`, { industry: 'retail', name: acc.name });
    expect(same.statusCode).toBe(200);
    expect(same.json().version).toBe(1);
    expect(same.headers.etag).toBe('"1"');
    expect((await patch(t, 'account', acc.id, { industry: 'banking' })).version).toBe(2);
    expect((await patch(t, 'account', acc.id, { industry: 'media' })).version).toBe(3);
    const read = await t.api('GET', `/api/records/account/${acc.id}`);
    expect(read.headers.etag).toBe('"3"');
  });

  it('answers 412 to a stale If-Match and 200 to the current one', async () => {
    const acc = await account();
    await patch(t, 'account', acc.id, { industry: 'banking' }); // now version 2
    const stale = await t.api('PATCH', `/api/records/account/${acc.id}`, { industry: 'media' }, { headers: { 'if-match': '"1"' } });
    expectProblem(stale, 412);
    expect(stale.json().currentVersion).toBe(2);
    expect((await get(t, 'account', acc.id)).industry).toBe('banking'); // nothing changed

    const ok = await t.api('PATCH', `/api/records/account/${acc.id}`, { industry: 'media' }, { headers: { 'if-match': '"2"' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ industry: 'media', version: 3 });
    expect(ok.headers.etag).toBe('"3"');
    // The ETag as sent back, weak or bare, and `*` are understood too.
    expect((await t.api('PATCH', `/api/records/account/${acc.id}`, { industry: 'energy' }, { headers: { 'if-match': 'W/"3"' } })).statusCode).toBe(200);
    expect((await t.api('PATCH', `/api/records/account/${acc.id}`, { industry: 'retail' }, { headers: { 'if-match': '4' } })).statusCode).toBe(200);
    expect((await t.api('PATCH', `/api/records/account/${acc.id}`, { industry: 'banking' }, { headers: { 'if-match': '*' } })).statusCode).toBe(200);
    expectProblem(await t.api('PATCH', `/api/records/account/${acc.id}`, { industry: 'retail' }, { headers: { 'if-match': 'yesterday' } }), 400, 'If-Match');
  });

  it('does not delete a record that changed since it was read (If-Match on DELETE, and version in a bulk delete)', async () => {
    const acc = await account();
    await patch(t, 'account', acc.id, { industry: 'banking' }); // now version 2
    const stale = await t.api('DELETE', `/api/records/account/${acc.id}`, undefined, { headers: { 'if-match': '"1"' } });
    expectProblem(stale, 412);
    expect((await get(t, 'account', acc.id)).industry).toBe('banking'); // still there
    const bulk = await t.api('POST', '/api/records/account/bulk', { operation: 'delete', records: [{ id: acc.id, version: 1 }] });
    expect(bulk.json().results[0]).toMatchObject({ status: 'error', error: { status: 412, code: 'version_mismatch' } });
    expect((await t.api('DELETE', `/api/records/account/${acc.id}`, undefined, { headers: { 'if-match': '"2"' } })).statusCode).toBe(204);
    expect((await t.api('GET', `/api/records/account/${acc.id}`)).statusCode).toBe(404);
  });

  it('lets only one of two concurrent editors holding the same version win', async () => {
    const acc = await account();
    const [a, b] = await Promise.all([
      t.api('PATCH', `/api/records/account/${acc.id}`, { industry: 'banking' }, { headers: { 'if-match': '"1"' } }),
      t.api('PATCH', `/api/records/account/${acc.id}`, { industry: 'media' }, { headers: { 'if-match': '"1"' } }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 412]);
    expect((await get(t, 'account', acc.id)).version).toBe(2);
  });
});

describe('malformed requests: 400', () => {
  it('refuses a body that is not JSON, or not an object', async () => {
    expectProblem(await t.api('POST', '/api/records/account', '{"name": "x"'), 400);
    for (const body of ['[1, 2]', '"text"', '42', 'null', 'true']) {
      const res = await t.api('POST', '/api/records/account', body);
      expectProblem(res, 400);
    }
    const id = (await account()).id;
    expectProblem(await t.api('PATCH', `/api/records/account/${id}`, '{oops'), 400);
    expectProblem(await t.api('PATCH', `/api/records/account/${id}`, '[]'), 400);
  });

  it('refuses unknown fields', async () => {
    const res = await t.api('POST', '/api/records/account', { name: 'x', nmae: 'typo', _deletedAt: null });
    expectProblem(res, 400, 'nmae', 'unknown_field');
    expectProblem(res, 400, '_deletedAt', 'unknown_field');
    const id = (await account()).id;
    expectProblem(await t.api('PATCH', `/api/records/account/${id}`, { colour: 'red' }), 400, 'colour', 'unknown_field');
  });

  it('refuses system fields and computed fields in the body', async () => {
    const id = (await account()).id;
    for (const field of ['id', 'version', 'createdBy', 'createdAt', 'updatedAt', 'updatedBy']) {
      const value = field === 'version' ? 7 : field.endsWith('At') ? '2024-01-01T00:00:00Z' : id;
      expectProblem(await t.api('POST', '/api/records/account', { name: 'x', [field]: value }), 400, field, 'read_only');
      expectProblem(await t.api('PATCH', `/api/records/account/${id}`, { [field]: value }), 400, field, 'read_only');
    }
    for (const field of ['code', 'total', 'item_sum']) {
      expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', [field]: field === 'code' ? 'T-1' : 1 }), 400, field, 'read_only');
    }
    expect((await get(t, 'account', id)).version).toBe(1);
  });

  it('refuses values of the wrong JSON type', async () => {
    const wrong: Array<[string, unknown]> = [
      ['title', 5], ['qty', '3'], ['qty', 1.5], ['price', '9.99'], ['active', 'yes'], ['active', 1], ['day', 20240101],
      ['tags', 'a'], ['tags', [1]], ['account', 'not-a-uuid'], ['color', 3], ['at', true], ['notes', { a: 1 }],
    ];
    for (const [field, value] of wrong) {
      const res = await t.api('POST', '/api/records/specimen', { title: 'x', [field]: value });
      expectProblem(res, 400, field === 'tags' && Array.isArray(value) ? 'tags[0]' : field, 'type');
    }
    expectProblem(await t.api('POST', '/api/records/account', { name: 'x', ownerId: 'me' }), 400, 'ownerId', 'type');
  });

  it('refuses text PostgreSQL cannot store and json nested too deep', async () => {
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'nul\u0000byte' }), 400, 'title', 'invalid_character');
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', meta: { k: 'a\u0000' } }), 400, 'meta.k', 'invalid_character');
    const deep = `{"title":"x","meta":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expectProblem(await t.api('POST', '/api/records/specimen', deep), 400, 'meta', 'too_deep');
  });

  it('answers 413 to a body over 1 MB', async () => {
    const res = await t.api('POST', '/api/records/account', { name: 'x', description: 'y'.repeat(BODY_LIMIT) });
    expectProblem(res, 413);
  });
});

describe('invalid values: 422', () => {
  it('reports required fields missing, on create and when cleared', async () => {
    const res = await t.api('POST', '/api/records/order', { status: 'draft' });
    expectProblem(res, 422);
    const errors = problem(res).errors ?? [];
    expect(errors.filter((e) => e.code === 'required').map((e) => e.field).sort()).toEqual(['account', 'order_date', 'order_number']);
    expectProblem(await t.api('POST', '/api/records/specimen', {}), 422, 'title', 'required');
    expectProblem(await t.api('POST', '/api/records/specimen', { title: '' }), 422, 'title', 'required');
    const id = (await account()).id;
    expectProblem(await t.api('PATCH', `/api/records/account/${id}`, { name: null }), 422, 'name', 'required');
  });

  it('checks email, url and phone formats', async () => {
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', email: 'not-an-email' }), 422, 'email', 'email');
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', site: 'not a url' }), 422, 'site', 'url');
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', site: 'javascript:alert(1)' }), 422, 'site', 'url');
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', phone: 'call me maybe' }), 422, 'phone', 'phone');
    expectProblem(await t.api('POST', '/api/records/contact', { last_name: 'Doe', email: 'doe@' }), 422, 'email', 'email');
  });

  it('checks dates and datetimes', async () => {
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', day: '2023-02-29' }), 422, 'day', 'date');
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', day: '0000-01-01' }), 422, 'day', 'date');
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', day: '01/02/2024' }), 422, 'day', 'date');
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', at: '2024-01-01T10:00:00' }), 422, 'at', 'datetime');
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', at: '0000-01-01T00:00:00Z' }), 422, 'at', 'datetime');
  });

  it('checks picklist options', async () => {
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', color: 'purple' }), 422, 'color', 'picklist');
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', tags: ['a', 'z'] }), 422, 'tags[1]', 'picklist');
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', tags: ['a', 'a'] }), 422, 'tags', 'duplicate');
    expectProblem(await t.api('POST', '/api/records/opportunity', { name: 'x', account: (await account()).id, stage: 'won' }), 422, 'stage', 'picklist');
  });

  it('checks maxLength, min, max and decimal places', async () => {
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x'.repeat(21) }), 422, 'title', 'maxLength');
    expect((await t.api('POST', '/api/records/specimen', { title: 'x'.repeat(20) })).statusCode).toBe(201);
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', qty: -1 }), 422, 'qty', 'min');
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', qty: 1001 }), 422, 'qty', 'max');
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', price: 1.234 }), 422, 'price', 'scale');
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', ratio: 1.2345 }), 422, 'ratio', 'scale');
    expectProblem(await t.api('POST', '/api/records/specimen', { title: 'x', price: 1e300 }), 422, 'price', 'max');
    expectProblem(await t.api('POST', '/api/records/account', { name: 'x', annual_revenue: -5 }), 422, 'annual_revenue', 'min');
  });

  it('reports a failing validation rule with the rule name as code', async () => {
    const acc = await account();
    const res = await t.api('POST', '/api/records/opportunity', { name: 'Big deal', account: acc.id, stage: 'closed_won', amount: 5000 });
    expectProblem(res, 422, 'close_date', 'won_needs_close_date');
    expect(problem(res).errors?.find((e) => e.code === 'won_needs_close_date')?.message).toBe('A won deal needs a close date');
    const ok = await create(t, 'opportunity', { name: 'Big deal', account: acc.id, stage: 'closed_won', amount: 5000, close_date: '2024-06-30' });
    // On update the rule sees the whole record: clearing the close date of a won deal fails.
    expectProblem(await t.api('PATCH', `/api/records/opportunity/${ok.id}`, { close_date: null }), 422, 'close_date', 'won_needs_close_date');
    // Rules see the record's own id on update (crm-core: an account is not its own parent).
    const self = await account();
    expectProblem(await t.api('PATCH', `/api/records/account/${self.id}`, { parent_account: self.id }), 422, 'parent_account', 'not_own_parent');
    expect((await patch(t, 'account', self.id, { parent_account: acc.id })).parent_account).toBe(acc.id);
    // Several rules at once.
    const two = await t.api('POST', '/api/records/opportunity', { name: 'x', account: acc.id, stage: 'closed_won' });
    expect(problem(two).errors?.map((e) => e.code).sort()).toEqual(['won_needs_amount', 'won_needs_close_date']);
  });

  it('gives rules the stored values as $previous on update', async () => {
    const rec = await create(t, 'specimen', { title: 'prev', qty: 5 });
    expectProblem(await t.api('PATCH', `/api/records/specimen/${rec.id}`, { qty: 3 }), 422, 'qty', 'qty_never_decreases');
    expect((await patch(t, 'specimen', rec.id, { qty: 8 })).qty).toBe(8);
    expectProblem(await t.api('PATCH', `/api/records/specimen/${rec.id}`, { qty: 7 }), 422, 'qty', 'qty_never_decreases');
  });

  it('answers 422 `reference` to a reference to a missing or deleted record', async () => {
    const missing = '6f1c1d2e-0000-4000-8000-000000000000';
    expectProblem(await t.api('POST', '/api/records/order', { order_number: uniq('R-'), account: missing, order_date: '2024-01-01' }), 422, 'account', 'reference');
    const gone = await account();
    await del(t, 'account', gone.id);
    expectProblem(await t.api('POST', '/api/records/order', { order_number: uniq('R-'), account: gone.id, order_date: '2024-01-01' }), 422, 'account', 'reference');
    const o = await order((await account()).id);
    expectProblem(await t.api('PATCH', `/api/records/order/${o.id}`, { account: missing }), 422, 'account', 'reference');
  });

  it('does not block edits of other fields on a value stored under older metadata', async () => {
    // A value that no longer fits (as after a deploy shortened maxLength) stays editable around.
    const rec = await create(t, 'specimen', { title: 'short' });
    await t.db.knex.raw(`UPDATE crm.specimen SET title = ? WHERE id = ?`, ['x'.repeat(30), rec.id]);
    expect((await patch(t, 'specimen', rec.id, { notes: 'still editable' })).notes).toBe('still editable');
    expectProblem(await t.api('PATCH', `/api/records/specimen/${rec.id}`, { title: 'y'.repeat(30) }), 422, 'title', 'maxLength');
  });
});

describe('conflicts and not found', () => {
  it('answers 409 `unique` to a duplicate unique value, on create and update; a deleted record frees it', async () => {
    const code = uniq('CG-');
    const first = await account({ customer_code: code });
    expectProblem(await t.api('POST', '/api/records/account', { name: 'Dup', customer_code: code }), 409, 'customer_code', 'unique');
    const other = await account();
    expectProblem(await t.api('PATCH', `/api/records/account/${other.id}`, { customer_code: code }), 409, 'customer_code', 'unique');
    await del(t, 'account', first.id);
    expect((await patch(t, 'account', other.id, { customer_code: code })).customer_code).toBe(code);
    // The first cannot come back while its value is taken.
    expectProblem(await t.api('POST', `/api/records/account/${first.id}/restore`), 409, 'customer_code', 'unique');
  });

  it('answers 409 to a delete that a restrict reference blocks', async () => {
    const acc = await account();
    const o = await order(acc.id);
    const res = await t.api('DELETE', `/api/records/account/${acc.id}`);
    expectProblem(res, 409, 'order.account', 'restrict');
    expect((await get(t, 'account', acc.id)).id).toBe(acc.id);
    await del(t, 'order', o.id);
    await del(t, 'account', acc.id);
  });

  it('answers 404 to an unknown object on every route', async () => {
    const id = (await account()).id;
    for (const [method, url] of [
      ['GET', '/api/records/nope'], ['POST', '/api/records/nope'], ['GET', `/api/records/nope/${id}`],
      ['PATCH', `/api/records/nope/${id}`], ['DELETE', `/api/records/nope/${id}`], ['POST', `/api/records/nope/${id}/restore`],
      ['GET', `/api/records/nope/${id}/history`], ['GET', '/api/records/__proto__'], ['GET', '/api/records/constructor'],
    ] as const) {
      expectProblem(await t.api(method, url, method === 'POST' || method === 'PATCH' ? { name: 'x' } : undefined), 404);
    }
  });

  it('answers 404 to an unknown or invalid id', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'abc', '1', "1' or '1'='1", '%00']) {
      const enc = encodeURIComponent(id);
      expectProblem(await t.api('GET', `/api/records/account/${enc}`), 404);
      expectProblem(await t.api('PATCH', `/api/records/account/${enc}`, { name: 'x' }), 404);
      expectProblem(await t.api('DELETE', `/api/records/account/${enc}`), 404);
      expectProblem(await t.api('POST', `/api/records/account/${enc}/restore`), 404);
      expectProblem(await t.api('GET', `/api/records/account/${enc}/history`), 404);
    }
    // An id of another object is unknown here.
    const acc = await account();
    expectProblem(await t.api('GET', `/api/records/contact/${acc.id}`), 404);
  });
});

describe('never a 500 for bad input', () => {
  it('answers 201, 400, 409 or 422 to any value in any field', async () => {
    const values: unknown[] = [null, true, false, 0, -1, 1.5, 1e308, -1e308, '', ' ', 'x', 'ÜñÍ©ødé ✓', '\u0000', '2024-02-30',
      '9999-12-31T23:59:59Z', '00000000-0000-0000-0000-000000000000', [], [null], ['a'], [1, 2], {}, { a: [1] }, 'x'.repeat(5000)];
    const fields = TYPES_PACKAGE.objects[0].fields.map((f) => f.name);
    const seen = new Set<number>();
    for (const field of fields) {
      for (const value of values) {
        const res = await t.api('POST', '/api/records/specimen', { title: 'fuzz', [field]: value });
        seen.add(res.statusCode);
        expect([201, 400, 409, 422], `${field} = ${JSON.stringify(value).slice(0, 40)}: ${res.body.slice(0, 200)}`).toContain(res.statusCode);
        if (res.statusCode !== 201) problem(res);
      }
    }
    expect([...seen]).toEqual(expect.arrayContaining([201, 400, 422]));
  });
});
