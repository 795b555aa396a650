/**
 * What goes over the wire: the first screen after sign-in is sent precompressed (brotli),
 * hashed files are cached for good, API JSON is compressed, and the event stream is not.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from '../helpers/browser.ts';
import { SESSION_COOKIE } from '../../server/plugins/auth.ts';

let e: E2E;
beforeAll(async () => { e = await startE2E(); });
afterAll(async () => { await e?.close(); });

/** The first screen's goal: everything transferred (headers included) under 180 kB. */
const FIRST_SCREEN_BUDGET = 180_000;

interface Transfer { url: string; bytes: number; encoding: string | undefined; vary: string | undefined; cache: string | undefined; type: string }

describe('compression', () => {
  it('signs in and shows the first screen in under 180 kB transferred, scripts in brotli', async () => {
    const { page, context } = await e.page({ signIn: false });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const responses = new Map<string, Omit<Transfer, 'bytes'>>();
    const transfers: Transfer[] = [];
    cdp.on('Network.responseReceived', (ev) => {
      const h = Object.fromEntries(Object.entries(ev.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
      responses.set(ev.requestId, { url: ev.response.url, encoding: h['content-encoding'], vary: h.vary, cache: h['cache-control'], type: ev.type });
    });
    cdp.on('Network.loadingFinished', (ev) => {
      const r = responses.get(ev.requestId);
      if (r) transfers.push({ ...r, bytes: ev.encodedDataLength });
    });
    // A person signs in through the form, and lands on the home screen.
    await page.goto('/login');
    await page.getByLabel('Email').fill('admin@example.com');
    await page.getByLabel('Password').fill('test admin passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/app/);
    await expect.poll(() => page.getByRole('navigation', { name: 'Objects' }).isVisible()).toBe(true);
    await page.waitForLoadState('networkidle');
    await e.shot(page, 'compression-first-screen');

    const total = transfers.reduce((n, t) => n + t.bytes, 0);
    const scripts = transfers.filter((t) => t.type === 'Script' || t.type === 'Stylesheet');
    const lines = transfers.map((t) => `${String(t.bytes).padStart(7)}  ${t.encoding ?? '-'}  ${t.url.replace(e.baseUrl, '')}`);
    console.log(`First screen after sign-in: ${total} bytes transferred in ${transfers.length} responses\n${lines.join('\n')}`);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) {
      expect(s.encoding, s.url).toBe('br');
      expect(s.vary, s.url).toMatch(/accept-encoding/i);
      expect(s.cache, s.url).toMatch(/max-age=31536000.*immutable/);
    }
    const metadata = transfers.find((t) => t.url.endsWith('/api/metadata'));
    expect(metadata?.encoding).toBe('br');
    expect(total).toBeLessThan(FIRST_SCREEN_BUDGET);
    await context.close();
  });

  it('sends gzip to a client without brotli, and the plain file to one that accepts neither', async () => {
    const html = await (await fetch(`${e.baseUrl}/app`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const get = (encoding: string) => new Promise<{ headers: Record<string, string | string[] | undefined>; length: number }>((resolve, reject) => {
      const req = httpRequest(`${e.baseUrl}${script}`, { headers: { 'accept-encoding': encoding } }, (res) => {
        let length = 0;
        res.on('data', (c: Buffer) => { length += c.length; });
        res.on('end', () => resolve({ headers: res.headers, length }));
      });
      req.on('error', reject);
      req.end();
    });
    const [br, gz, plain] = [await get('gzip, br'), await get('gzip'), await get('identity')];
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(br.length).toBeLessThan(gz.length);
    expect(gz.length).toBeLessThan(plain.length / 2);
    for (const r of [br, gz, plain]) expect(r.headers.vary).toMatch(/accept-encoding/i);
    // The page itself always revalidates, so a new build is picked up at once.
    const page = await fetch(`${e.baseUrl}/app`);
    expect(page.headers.get('cache-control')).toBe('no-cache');
  });

  it('compresses API JSON, but streams /api/events uncompressed and at once', async () => {
    const token = e.t.adminToken;
    const metadata = await new Promise<{ encoding: string | undefined; bytes: number }>((resolve, reject) => {
      const req = httpRequest(`${e.baseUrl}/api/metadata`, { headers: { 'accept-encoding': 'br', authorization: `Bearer ${token}` } }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => { bytes += c.length; });
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], bytes }));
      });
      req.on('error', reject);
      req.end();
    });
    const raw = (await e.t.api('GET', '/api/metadata')).rawPayload.length;
    expect(metadata.encoding).toBe('br');
    expect(metadata.bytes).toBeLessThan(raw / 4);

    // The stream's first bytes arrive readable, without waiting for a compressor's buffer.
    const first = await new Promise<{ encoding: string | undefined; text: string }>((resolve, reject) => {
      const req = httpRequest(`${e.baseUrl}/api/events`, { headers: { 'accept-encoding': 'br, gzip', cookie: `${SESSION_COOKIE}=${token}` } }, (res) => {
        res.once('data', (c: Buffer) => {
          resolve({ encoding: res.headers['content-encoding'], text: c.toString('utf8') });
          req.destroy();
        });
      });
      req.on('error', (err) => { if (!req.destroyed) reject(err); });
      req.end();
    });
    expect(first.encoding).toBeUndefined();
    expect(first.text).toContain('retry:');
  });
});
