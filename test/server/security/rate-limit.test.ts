/**
 * Resource consumption: each caller of the API has a budget of requests per minute — a user
 * across their sessions, an API key on its own — and beyond it gets a 429 problem with
 * Retry-After, while other callers carry on and the studio's files stay served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { rateLimitFromEnv } from '../../../server/plugins/rate-limit.ts';
import { json, makeUsers, tokenOf, type TestUser } from './helpers.ts';

const BUDGET = 8;
let t: TestApp;
let u: Record<'rep' | 'rep2', TestUser>;

beforeAll(async () => {
  t = await startTestApp({ rateLimit: BUDGET });
  u = await makeUsers(t, {
    rep: { email: 'rep.limit@example.com', role: 'sales_rep' },
    rep2: { email: 'rep2.limit@example.com', role: 'sales_rep' },
  });
});
afterAll(async () => { await t?.close(); });

const list = (token: string) => t.api('GET', '/api/records/account?limit=1', undefined, { token });

describe('the per-caller budget', () => {
  it('answers 429 with Retry-After once a user spends it, across their sessions, while another user carries on', async () => {
    const second = await tokenOf(t, 'rep.limit@example.com');
    const seen: number[] = [];
    // makeUsers may have spent some of rep's budget already: spend the rest from two sessions.
    for (let i = 0; i < BUDGET + 2; i++) seen.push((await list(i % 2 ? second : u.rep.token)).statusCode);
    expect(seen).toContain(200);
    expect(seen.at(-1)).toBe(429);
    const refused = await list(u.rep.token);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ status: 429, type: 'https://strata.dev/problems/rate_limited' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    expect((await list(u.rep2.token)).statusCode).toBe(200);
  });

  it('gives an API key its own budget', async () => {
    const made = await t.api('POST', '/api/auth/api-keys', { name: 'sync' }, { token: u.rep2.token });
    const key = json<{ key: string }>(made, 201).key;
    const codes: number[] = [];
    for (let i = 0; i < BUDGET; i++) codes.push((await list(key)).statusCode);
    expect(codes.every((c) => c === 200)).toBe(true);
    expect((await list(key)).statusCode).toBe(429);
  });

  it('never limits the studio files', async () => {
    for (let i = 0; i < BUDGET + 2; i++) {
      expect((await t.api('GET', '/sw.js', undefined, { token: null })).statusCode).not.toBe(429);
    }
  });

  it('is configured by STRATA_RATE_LIMIT (0 turns it off) and refuses nonsense', () => {
    expect(rateLimitFromEnv({})).toBe(3000);
    expect(rateLimitFromEnv({ STRATA_RATE_LIMIT: '0' })).toBe(0);
    expect(rateLimitFromEnv({ STRATA_RATE_LIMIT: '120' })).toBe(120);
    expect(() => rateLimitFromEnv({ STRATA_RATE_LIMIT: 'lots' })).toThrow(/whole number/);
  });
});
