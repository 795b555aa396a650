/**
 * The session cache of one server process: a session used again is answered without the
 * database, its idle clock is written in a batch, and while the LISTEN connection that
 * carries revocations is down nothing is trusted from the cache — every request asks the
 * database — until the connection is back.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_LISTENER_NAME } from '../../../runtime/security/credential-cache.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../../helpers/app.ts';

let t: TestApp;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const me = (token: string) => t.api('GET', '/api/auth/me', undefined, { token });

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Ends a session behind every cache's back: its notification trigger off for this one delete. */
async function deleteSilently(token: string): Promise<void> {
  await t.db.knex.transaction(async (trx) => {
    await trx.raw('ALTER TABLE strata.sessions DISABLE TRIGGER sessions_notify_delete');
    await trx.raw('DELETE FROM strata.sessions WHERE token_hash = ?', [sha256(token)]);
    await trx.raw('ALTER TABLE strata.sessions ENABLE TRIGGER sessions_notify_delete');
  });
}

beforeAll(async () => {
  // Reconnects after about 3 s, so the outage lasts long enough to look at.
  t = await startTestApp({ standardPackage: false, credentialCache: { minDelayMs: 3000, maxDelayMs: 3000 } });
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('the session cache', () => {
  it('answers a session used again from memory, and writes its idle clock in a batch', async () => {
    const token = await t.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    await t.db.knex.raw(`UPDATE strata.sessions SET last_seen_at = now() - interval '40 seconds' WHERE token_hash = ?`, [sha256(token)]);
    await t.app.credentials.sync();
    const before = t.app.credentials.stats;
    for (let i = 0; i < 5; i++) expect((await me(token)).statusCode).toBe(200);
    const after = t.app.credentials.stats;
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(4);
    const idle = async () => Number((await t.db.knex.raw(`SELECT extract(epoch FROM now() - last_seen_at) AS s FROM strata.sessions WHERE token_hash = ?`, [sha256(token)])).rows[0].s);
    // Used just now, but not yet written (the lookup itself touches only after a minute)…
    expect(await idle()).toBeGreaterThan(35);
    // …until the batch goes out.
    await t.app.credentials.flush();
    expect(await idle()).toBeLessThan(5);
  });

  it('is bypassed while the LISTEN connection is down, and trusted again once it is back', async () => {
    const cached = await t.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    const other = await t.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    for (const token of [cached, cached, other]) expect((await me(token)).statusCode).toBe(200);
    expect(t.app.credentials.stats.entries).toBeGreaterThanOrEqual(2);

    await t.db.knex.raw(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ? AND datname = current_database()`, [AUTH_LISTENER_NAME]);
    await until('the cache notices the lost connection', () => !t.app.credentials.active);
    expect(t.app.credentials.stats.entries).toBe(0);

    // A revocation whose notification nobody hears: the database is asked, so it counts.
    await deleteSilently(cached);
    const hits = t.app.credentials.stats.hits;
    expect((await me(cached)).statusCode).toBe(401);
    expect((await me(other)).statusCode).toBe(200);
    expect((await me(other)).statusCode).toBe(200);
    expect(t.app.credentials.stats.hits).toBe(hits);
    expect(t.app.credentials.stats.entries).toBe(0);

    await until('the LISTEN connection is back', () => t.app.credentials.active);
    expect((await me(other)).statusCode).toBe(200);
    expect((await me(other)).statusCode).toBe(200);
    expect(t.app.credentials.stats.hits).toBe(hits + 1);
  });
});
