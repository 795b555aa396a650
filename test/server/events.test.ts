import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.ts';
import { buildApp } from '../../server/app.ts';
import { registerAuth } from '../../server/plugins/auth.ts';
import { registerProblemHandler } from '../../server/plugins/problem.ts';
import { eventRoutes, formatEvent } from '../../server/routes/events.ts';
import { openEngine, type Engine } from '../../runtime/engine.ts';
import { eventsAfter } from '../../runtime/events/outbox.ts';
import { readableEvents } from '../../runtime/events/readable.ts';
import type { DeployedObject } from '../../runtime/metadata/deployed.ts';
import type { RecordEvent } from '../../runtime/records/events.ts';
import type { AccessPolicy } from '../../runtime/security/access.ts';
import { createUser } from '../../runtime/security/users.ts';
import { eventually, SseClient } from './sse-client.ts';

let t: TestApp;
let base: string;
const open: SseClient[] = [];

beforeAll(async () => {
  t = await startTestApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  for (const c of open) c.close();
  await t?.close();
});

async function stream(path: string, opts: { token?: string; base?: string; headers?: Record<string, string> } = {}): Promise<SseClient> {
  const c = await SseClient.open(`${opts.base ?? base}${path}`, { authorization: `Bearer ${opts.token ?? t.adminToken}`, ...opts.headers });
  open.push(c);
  return c;
}

async function create(object: string, values: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await t.api('POST', `/api/records/${object}`, values);
  if (res.statusCode !== 201) throw new Error(`create ${object}: ${res.statusCode} ${res.body}`);
  return res.json() as Record<string, unknown>;
}

async function outboxIds(recordId: string): Promise<number[]> {
  const rows = await t.engine.knex('strata.events').where('record_id', recordId).orderBy('id').select('id');
  return (rows as Array<{ id: number }>).map((r) => Number(r.id));
}

describe('GET /api/events', () => {
  it('needs credentials, and refuses unknown objects and bad Last-Event-IDs with a problem', async () => {
    expect((await t.api('GET', '/api/events', undefined, { token: null })).statusCode).toBe(401);
    const bad = await t.api('GET', '/api/events?objects=account,nope');
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors[0]).toMatchObject({ field: 'objects', code: 'unknown_object' });
    const badId = await t.api('GET', '/api/events', undefined, { headers: { 'last-event-id': 'abc' } });
    expect(badId.statusCode).toBe(400);
  });

  it('streams created, updated, deleted and restored events in order, as text/event-stream', async () => {
    const c = await stream('/api/events?objects=account');
    expect(c.response.status).toBe(200);
    expect(c.response.headers.get('content-type')).toContain('text/event-stream');
    expect(c.response.headers.get('cache-control')).toContain('no-cache');

    const acc = await create('account', { name: 'Streamed', industry: 'retail' });
    await create('product', { name: 'Not asked for', sku: 'SKU-SSE-1' }); // filtered out by ?objects
    expect((await t.api('PATCH', `/api/records/account/${acc.id as string}`, { industry: 'banking' })).statusCode).toBe(200);
    expect((await t.api('DELETE', `/api/records/account/${acc.id as string}`)).statusCode).toBe(204);
    expect((await t.api('POST', `/api/records/account/${acc.id as string}/restore`)).statusCode).toBe(200);

    const events = await c.waitForEvents(4, (e) => e.recordId === acc.id);
    expect(events.map((e) => e.event)).toEqual(['record.created', 'record.updated', 'record.deleted', 'record.restored']);
    expect(events.map((e) => e.type)).toEqual(events.map((e) => e.event));
    expect(events.every((e) => e.object === 'account' && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect(events[1].changed).toContain('industry');
    expect(events[0].changed).toBeUndefined();
    const ids = events.map((e) => e.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(ids).toEqual(await outboxIds(acc.id as string)); // `id:` is the outbox event id
    expect(c.events((e) => e.object !== 'account')).toEqual([]);
    expect(Object.keys(JSON.parse(c.messages[0].data!) as object).sort()).toEqual(['at', 'object', 'recordId', 'type']);
  });

  it('replays missed events after Last-Event-ID from the outbox, then goes on live', async () => {
    const a = await create('account', { name: 'Missed 1' });
    const b = await create('account', { name: 'Missed 2' });
    const [first] = await outboxIds(a.id as string);
    const c = await stream('/api/events?objects=account', { headers: { 'last-event-id': String(first) } });
    const replayed = await c.waitForEvents(1, (e) => e.recordId === b.id);
    expect(replayed[0].event).toBe('record.created');
    expect(c.events((e) => e.recordId === a.id && e.event === 'record.created')).toEqual([]); // not the one it had
    const live = await create('account', { name: 'Live after replay' });
    await c.waitForEvents(1, (e) => e.recordId === live.id);
    const ids = c.events().map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length); // nothing twice
    expect(ids.every((id) => id > first)).toBe(true);
  });

  it('cleans up a stream when its client goes away', async () => {
    const hub = t.app.eventHub;
    const before = hub.subscriberCount;
    const c = await stream('/api/events');
    await eventually(() => hub.subscriberCount === before + 1, 5000, 'the subscription');
    c.close();
    await eventually(() => hub.subscriberCount === before, 5000, 'the unsubscription');
  });

  it('sends a restricted caller only the events of records they may read (a real role)', async () => {
    const knownRoles = ['admin', ...t.engine.registry.current.roles.map((r) => r.name)];
    const rep = await createUser(t.engine.knex, { email: 'rep.sse@example.com', password: 'a long sse passphrase 42', role: 'sales_rep' }, knownRoles);
    const repToken = await t.login('rep.sse@example.com', 'a long sse passphrase 42');
    const c = await stream('/api/events?objects=opportunity', { token: repToken });
    const acc = await create('account', { name: 'Rep customer' });
    const adminOwned = await create('opportunity', { name: 'Not yours', account: acc.id });
    const repOwned = await create('opportunity', { name: 'Yours', account: acc.id, ownerId: rep.id });
    await c.waitForEvents(1, (e) => e.recordId === repOwned.id);
    // Events are sent in order, so the earlier one was checked and withheld, not delayed.
    expect(c.events((e) => e.recordId === adminOwned.id)).toEqual([]);
    // the rep may not even ask for objects they cannot see
    const notVisible = await t.api('GET', '/api/events?objects=nope', undefined, { token: repToken });
    expect(notVisible.statusCode).toBe(400);
  });
});

describe('readableEvents (the fan-out filter)', () => {
  it('keeps what the policy may read: all, none, or a row condition checked in one query per object', async () => {
    const visible = await create('account', { name: 'Visible account', industry: 'retail' });
    const hidden = await create('account', { name: 'Hidden account' });
    await t.api('PATCH', `/api/records/account/${visible.id as string}`, { industry: 'banking', description: 'x' });
    const product = await create('product', { name: 'Hidden product', sku: 'SKU-RD-1' });
    const contact = await create('contact', { last_name: 'Invisible' });
    const task = await create('task', { subject: 'Seen by all' });
    const ids = new Set([visible.id, hidden.id, product.id, contact.id, task.id]);
    const events = (await eventsAfter(t.engine.knex, 0, { limit: 1000 })).filter((e) => ids.has(e.recordId));
    expect(events.length).toBe(6);

    const name = (o: DeployedObject) => o.name;
    const stub: AccessPolicy = {
      canSeeObject: (o) => name(o) !== 'contact',
      canCreate: () => false,
      rows: (o) => (name(o) === 'account' ? (qb, alias) => { qb.where(`${alias}.name`, 'like', 'Visible%'); } : name(o) === 'product' ? 'none' : 'all'),
      field: (o, f) => (name(o) === 'account' && f === 'industry' ? 'none' : 'read'),
      canReassign: () => false,
      hasAbility: () => false,
    };
    const queries: string[] = [];
    const onQuery = (q: { sql: string }) => queries.push(q.sql);
    t.engine.knex.on('query', onQuery);
    let kept: RecordEvent[];
    try {
      kept = await readableEvents(t.engine.knex, t.engine.registry.current, stub, events);
    } finally {
      t.engine.knex.off('query', onQuery);
    }
    expect(kept.map((e) => [e.type, e.recordId])).toEqual([
      ['record.created', visible.id],
      ['record.updated', visible.id],
      ['record.created', task.id],
    ]);
    expect(kept[1].changed).toEqual(['description']); // a field the caller may not read is not named
    expect(queries.length).toBe(1); // one query for both account events; 'all' and 'none' need none

    expect(await readableEvents(t.engine.knex, t.engine.registry.current, { ...stub, rows: () => 'none' }, events)).toEqual([]);
  });

  it('formats an event as SSE id, event and data lines', () => {
    const e: RecordEvent = { id: 7, type: 'record.updated', object: 'account', recordId: 'r1', ownerId: 'u', actor: 'u', at: '2024-01-01T00:00:00.000Z', changed: ['name'] };
    expect(formatEvent(e)).toBe('id: 7\nevent: record.updated\ndata: {"type":"record.updated","object":"account","recordId":"r1","changed":["name"],"at":"2024-01-01T00:00:00.000Z"}\n\n');
  });
});

describe('several server processes', () => {
  let engineB: Engine;
  let appB: FastifyInstance;
  let baseB: string;

  beforeAll(async () => {
    engineB = await openEngine({ databaseUrl: t.db.url, dataDir: '/nonexistent', listen: true, poolMax: 4 });
    appB = await buildApp(engineB, { log: { level: 'silent' } });
    baseB = await appB.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await appB?.close();
    await engineB?.close();
  });

  it('a change made through app A reaches an SSE client of app B (and back)', async () => {
    const res = await appB.inject({ method: 'POST', url: '/api/auth/login', payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    const tokenB = (res.json() as { token: string }).token;
    const onB = await stream('/api/events?objects=account', { base: baseB, token: tokenB });
    const onA = await stream('/api/events?objects=account');

    const viaA = await create('account', { name: 'Made on A' });
    const [got] = await onB.waitForEvents(1, (e) => e.recordId === viaA.id);
    expect(got).toMatchObject({ event: 'record.created', object: 'account' });

    const viaB = await appB.inject({ method: 'POST', url: '/api/records/account', headers: { authorization: `Bearer ${tokenB}` }, payload: { name: 'Made on B' } });
    expect(viaB.statusCode).toBe(201);
    await onA.waitForEvents(1, (e) => e.recordId === (viaB.json() as { id: string }).id);
    expect(t.app.eventHub.connectionCount).toBe(1);
    expect(appB.eventHub.connectionCount).toBe(1);
  });
});

describe('heartbeat and shutdown', () => {
  it('sends a heartbeat comment, and closing the server ends open streams', async () => {
    const app = Fastify();
    registerProblemHandler(app);
    await app.register(cookie);
    registerAuth(app, t.engine);
    eventRoutes(app, t.engine, { heartbeatMs: 50 });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const c = await stream('/api/events', { base: url });
    await c.waitFor(() => c.comments.filter((x) => x === 'heartbeat').length >= 2, 5000, 'two heartbeats');
    expect(c.comments[0]).toBe('connected');
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(3000);
    await c.waitFor(() => c.ended, 5000, 'the end of the stream').catch(() => undefined);
    expect(c.ended).toBe(true);
    expect(app.eventHub.connected).toBe(false);
  });
});
