import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { freshDatabase, type TestDatabase } from '../../helpers/db.ts';
import { migrateSystem } from '../../../runtime/db/system.ts';
import { setTypeParsers } from '../../../runtime/db/types.ts';
import { EventHub } from '../../../runtime/events/hub.ts';
import { publishEvent, type RecordEvent } from '../../../runtime/records/events.ts';
import { eventually } from '../../server/sse-client.ts';

let db: TestDatabase;
beforeAll(async () => {
  setTypeParsers();
  db = await freshDatabase();
  await migrateSystem(db.knex);
});
afterAll(async () => { await db?.drop(); });

async function publish(object = 'account'): Promise<string> {
  const recordId = randomUUID();
  await db.knex.transaction((trx) => publishEvent(trx, { type: 'record.created', object, recordId, ownerId: null, actor: null }));
  return recordId;
}

async function killListeners(): Promise<number> {
  const { rows } = await db.knex.raw(
    `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'strata-events'`);
  return rows.length as number;
}

describe('EventHub', () => {
  it('fans each committed event out to every subscriber, once, and never one that rolled back', async () => {
    const hub = new EventHub({ url: db.url });
    await hub.start();
    const a: RecordEvent[] = [];
    const b: RecordEvent[] = [];
    const offA = hub.subscribe((e) => a.push(e));
    hub.subscribe((e) => b.push(e));
    hub.subscribe(() => { throw new Error('a broken subscriber'); }); // must not stop the others
    await db.knex.transaction(async (trx) => {
      await publishEvent(trx, { type: 'record.created', object: 'account', recordId: randomUUID(), ownerId: null, actor: null });
      throw new Error('roll back');
    }).catch(() => {});
    const id = await publish();
    await eventually(() => a.length === 1 && b.length === 1, 5000, 'delivery');
    expect(a[0]).toMatchObject({ type: 'record.created', object: 'account', recordId: id });
    expect(typeof a[0].id).toBe('number');
    expect(new Date(a[0].at).toISOString()).toBe(a[0].at);
    offA();
    await publish();
    await eventually(() => b.length === 2, 5000, 'second delivery');
    expect(a.length).toBe(1);
    expect(hub.subscriberCount).toBe(2);
    await hub.stop();
    expect(hub.connected).toBe(false);
  });

  it('reconnects after losing its connection and delivers what was committed meanwhile', async () => {
    const logged: string[] = [];
    const hub = new EventHub({ url: db.url, minDelayMs: 300, maxDelayMs: 1000, log: (m) => logged.push(m) });
    await hub.start();
    const got: RecordEvent[] = [];
    hub.subscribe((e) => got.push(e));
    expect(await killListeners()).toBe(1);
    await eventually(() => !hub.connected, 5000, 'noticing the loss');
    const during = await publish(); // committed while the hub is away
    await eventually(() => hub.connected, 10_000, 'the reconnect');
    expect(hub.connectionCount).toBe(2);
    await eventually(() => got.some((e) => e.recordId === during), 5000, 'the missed event');
    const after = await publish();
    await eventually(() => got.some((e) => e.recordId === after), 5000, 'a live event after reconnecting');
    expect(got.filter((e) => e.recordId === during).length).toBe(1);
    expect(logged.some((m) => m.includes('reconnecting'))).toBe(true);
    expect(logged).toContain('delivered 1 record event(s) missed while disconnected'); // read back from the outbox
    await hub.stop();
  });

  it('does not crash or hang when the database cannot be reached; stop() ends the retries', async () => {
    const url = new URL(db.url);
    url.port = '1';
    const hub = new EventHub({ url: url.toString(), minDelayMs: 20, maxDelayMs: 50, log: () => {} });
    await hub.start(); // resolves: retries in the background
    expect(hub.connected).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await hub.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(hub.connected).toBe(false);
  });

  it('ignores malformed notifications', async () => {
    const hub = new EventHub({ url: db.url, log: () => {} });
    await hub.start();
    const got: RecordEvent[] = [];
    hub.subscribe((e) => got.push(e));
    await db.knex.raw(`SELECT pg_notify('strata_events', 'not json'), pg_notify('strata_events', '{"id": "x"}')`);
    const id = await publish();
    await eventually(() => got.length === 1, 5000, 'the good event');
    expect(got[0].recordId).toBe(id);
    await hub.stop();
  });
});
