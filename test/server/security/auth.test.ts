/**
 * Authentication to OWASP ASVS level 2: passwords (argon2id, ≥ 12 characters, common ones
 * refused, no composition rules, long passphrases), sessions (random, hashed, new on every
 * sign-in, idle and absolute timeouts, sign-out), tokens forged, expired, revoked or absurd,
 * cookie sessions and CSRF, sign-in throttling per account and per IP (429 + Retry-After),
 * TOTP MFA (RFC 6238, each code once), security headers.
 */
import { createHash } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../../helpers/app.ts';
import { json, makeUser, nextIp, PASSWORD, problem, signIn, tokenOf, type TestUser } from './helpers.ts';

let t: TestApp;
let rep: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  rep = await makeUser(t, { email: 'rep@example.com', role: 'sales_rep' });
});
afterAll(async () => { await t?.close(); });

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const me = (token: string | null, headers?: Record<string, string>) => t.api('GET', '/api/auth/me', undefined, { token, headers });

describe('passwords', () => {
  let n = 0;
  const newUser = (password: string) => t.api('POST', '/api/users', { email: `pw${++n}@example.com`, password, role: 'read_only' });

  it('needs at least 12 characters, counted as characters (not bytes)', async () => {
    const short = await newUser('elevenchars');
    expect(short.statusCode).toBe(400);
    expect(problem(short).errors).toEqual([expect.objectContaining({ field: 'password', code: 'too_short' })]);
    expect((await newUser('twelve chars')).statusCode).toBe(201);
    expect((await newUser('🔐'.repeat(11))).statusCode).toBe(400);
    expect((await newUser('🔐'.repeat(12))).statusCode).toBe(201);
  });

  it('has no composition rules and welcomes long passphrases (64+ characters), up to 256', async () => {
    const long = 'correct horse battery staple, but much longer than the comic suggested it would be';
    expect(long.length).toBeGreaterThan(64);
    const res = await newUser(long);
    expect(res.statusCode).toBe(201);
    expect((await signIn(t, { email: `pw${n}@example.com`, password: long })).statusCode).toBe(200);
    expect((await newUser('only lowercase letters here')).statusCode).toBe(201);
    expect((await newUser('x'.repeat(256))).statusCode).toBe(201);
    expect(problem(await newUser('x'.repeat(257))).errors?.[0]?.code).toBe('too_long');
  });

  it('refuses common passwords, whatever their case', async () => {
    for (const pw of ['password1234', 'Password1234', 'QWERTY123456', 'correcthorsebatterystaple']) {
      const res = await newUser(pw);
      expect(res.statusCode, pw).toBe(400);
      expect(problem(res).errors?.[0]?.code).toBe('common');
    }
  });

  it('is stored as argon2id with 19 MiB and two passes, never in clear', async () => {
    const { rows } = await t.db.knex.raw(`SELECT password_hash FROM strata.users WHERE email = ?`, [rep.email]);
    const hash = rows[0].password_hash as string;
    expect(hash).toMatch(/^\$argon2id\$v=19\$/);
    const params = Object.fromEntries(hash.split('$')[3].split(',').map((kv) => kv.split('=')));
    expect(params).toEqual({ m: '19456', t: '2', p: '1' });
    expect(hash).not.toContain(PASSWORD);
    const listed = await t.api('GET', '/api/users');
    expect(listed.body).not.toContain('argon2');
    expect(listed.body).not.toContain('password');
  });
});

describe('sign-in', () => {
  it('answers the same for an unknown email and a wrong password (no account discovery)', async () => {
    const unknown = await signIn(t, { email: 'nobody@example.com', password: PASSWORD });
    const wrong = await signIn(t, { email: rep.email, password: 'not the right passphrase' });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(problem(unknown).detail).toBe(problem(wrong).detail);
    expect(unknown.headers['set-cookie']).toBeUndefined();
  });

  it('is case-insensitive in the email', async () => {
    expect((await signIn(t, { email: 'REP@Example.com', password: PASSWORD })).statusCode).toBe(200);
  });

  it('answers 400 for a malformed request, never 500', async () => {
    for (const body of [{}, { email: 'rep@example.com' }, { email: 42, password: PASSWORD }, { email: rep.email, password: ['x'] }, { email: rep.email, password: 'x'.repeat(5000) }]) {
      const res = await signIn(t, body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      problem(res);
    }
    const bad = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: '{"email": ', headers: { 'content-type': 'application/json', 'x-forwarded-for': nextIp() } });
    expect(bad.statusCode).toBe(400);
  });
});

describe('sessions', () => {
  it('are 256-bit random tokens, stored only as a hash, new on every sign-in', async () => {
    const a = await signIn(t, { email: rep.email, password: PASSWORD });
    const b = await signIn(t, { email: rep.email, password: PASSWORD });
    const ta = json<{ token: string }>(a, 200).token;
    const tb = json<{ token: string }>(b, 200).token;
    expect(ta).not.toBe(tb);
    expect(ta).toMatch(/^sst_[A-Za-z0-9_-]{43}$/); // 32 random bytes
    const { rows } = await t.db.knex.raw(`SELECT token_hash FROM strata.sessions WHERE token_hash IN (?, ?, ?)`, [ta, sha256(ta), sha256(tb)]);
    expect((rows as Array<{ token_hash: string }>).map((r) => r.token_hash).sort()).toEqual([sha256(ta), sha256(tb)].sort());
    // Both sessions work (a second device does not sign the first out).
    expect((await me(ta)).statusCode).toBe(200);
    expect((await me(tb)).statusCode).toBe(200);
  });

  it('come as an HttpOnly, SameSite=Strict cookie that authenticates reads', async () => {
    const res = await signIn(t, { email: rep.email, password: PASSWORD });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^strata_session=sst_/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\//);
    const token = json<{ token: string }>(res, 200).token;
    const viaCookie = await me(null, { cookie: `strata_session=${token}` });
    expect(json<{ email: string }>(viaCookie, 200).email).toBe(rep.email);
  });

  it('end after 2 hours idle, and each use restarts the idle clock', async () => {
    const token = await tokenOf(t, rep.email);
    // Written behind the server's back: its notification reaches the session cache (sync) before the next request.
    const setSeen = async (minutes: number) => {
      await t.db.knex.raw(`UPDATE strata.sessions SET last_seen_at = now() - make_interval(mins => ?) WHERE token_hash = ?`, [minutes, sha256(token)]);
      await t.app.credentials.sync();
    };
    await setSeen(119);
    expect((await me(token)).statusCode).toBe(200);
    const { rows } = await t.db.knex.raw(`SELECT extract(epoch FROM now() - last_seen_at) AS idle FROM strata.sessions WHERE token_hash = ?`, [sha256(token)]);
    expect(Number(rows[0].idle)).toBeLessThan(60);
    await setSeen(121);
    const res = await me(token);
    expect(res.statusCode).toBe(401);
    problem(res);
  });

  it('end 12 hours after sign-in however busy they are', async () => {
    const token = await tokenOf(t, rep.email);
    const { rows } = await t.db.knex.raw(`SELECT extract(epoch FROM expires_at - created_at) / 3600 AS hours FROM strata.sessions WHERE token_hash = ?`, [sha256(token)]);
    expect(Number(rows[0].hours)).toBeCloseTo(12, 3);
    await t.db.knex.raw(`UPDATE strata.sessions SET expires_at = now() - interval '1 second' WHERE token_hash = ?`, [sha256(token)]);
    await t.app.credentials.sync();
    expect((await me(token)).statusCode).toBe(401);
  });

  it('end on sign-out, and the cookie is cleared', async () => {
    const token = await tokenOf(t, rep.email);
    const out = await t.api('POST', '/api/auth/logout', undefined, { token });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/strata_session=;/);
    expect((await me(token)).statusCode).toBe(401);
    const { rows } = await t.db.knex.raw(`SELECT count(*)::int AS n FROM strata.sessions WHERE token_hash = ?`, [sha256(token)]);
    expect(rows[0].n).toBe(0);
  });
});

describe('forged, expired, revoked and absurd credentials', () => {
  it('are all 401 problem+json, never 500', async () => {
    const valid = await tokenOf(t, rep.email);
    const flipped = valid.slice(0, -1) + (valid.endsWith('A') ? 'B' : 'A');
    const cases: Array<[string, Record<string, string>]> = [
      ['nothing', {}],
      ['forged session', { authorization: `Bearer sst_${'A'.repeat(43)}` }],
      ['one character changed', { authorization: `Bearer ${flipped}` }],
      ['forged key', { authorization: `Bearer sk_${'B'.repeat(43)}` }],
      ['no prefix', { authorization: 'Bearer 0123456789abcdef' }],
      ['empty bearer', { authorization: 'Bearer ' }],
      ['scheme only', { authorization: 'Bearer' }],
      ['basic auth', { authorization: `Basic ${Buffer.from(`${rep.email}:${PASSWORD}`).toString('base64')}` }],
      ['two tokens', { authorization: `Bearer ${valid} ${valid}` }],
      ['huge token', { authorization: `Bearer sst_${'x'.repeat(20_000)}` }],
      ['huge key', { authorization: `Bearer sk_${'x'.repeat(500)}` }],
      ['SQL in the token', { authorization: "Bearer sst_' OR '1'='1" }],
      ['garbage cookie', { cookie: 'strata_session=%E0%A4%A' }],
      ['empty cookie', { cookie: 'strata_session=' }],
      ['huge cookie', { cookie: `strata_session=${'y'.repeat(8000)}` }],
    ];
    for (const [name, headers] of cases) {
      const res = await me(null, headers);
      expect(res.statusCode, name).toBe(401);
      problem(res);
    }
  });

  it('a "bearer" scheme in any case works; a valid token still works after all that', async () => {
    const token = await tokenOf(t, rep.email);
    expect((await me(null, { authorization: `bearer ${token}` })).statusCode).toBe(200);
  });
});

describe('CSRF defence for cookie sessions', () => {
  let token: string;
  beforeAll(async () => { token = await tokenOf(t, rep.email); });
  const post = (headers: Record<string, string>) => t.api('POST', '/api/records/lead', { last_name: 'Csrf', phone: '555-0100' }, { token: null, headers: { cookie: `strata_session=${token}`, ...headers } });

  it('refuses a cookie-authenticated write from another origin or a cross-site fetch', async () => {
    const foreign = await post({ origin: 'https://evil.example', host: 'localhost:80' });
    expect(foreign.statusCode).toBe(403);
    problem(foreign);
    expect((await post({ 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await post({ origin: 'null' })).statusCode).toBe(403);
    expect((await post({ 'sec-fetch-site': 'same-site', origin: 'https://other.localhost' })).statusCode).toBe(403);
  });

  it('accepts it from the same origin, and a Bearer write from anywhere (no ambient credential)', async () => {
    expect((await post({ origin: 'http://localhost:3000', host: 'localhost:3000', 'sec-fetch-site': 'same-origin' })).statusCode).toBe(201);
    // A default port written out on one side only is still the same origin.
    expect((await post({ origin: 'http://localhost', host: 'localhost:80' })).statusCode).toBe(201);
    const bearer = await t.api('POST', '/api/records/lead', { last_name: 'Script', phone: '555-0100' }, { token, headers: { origin: 'https://evil.example' } });
    expect(bearer.statusCode).toBe(201);
  });

  it('lets cross-site reads through (they cannot read the answer) but nothing is written', async () => {
    expect((await me(null, { cookie: `strata_session=${token}`, 'sec-fetch-site': 'cross-site' })).statusCode).toBe(200);
    const { rows } = await t.db.knex.raw(`SELECT count(*)::int AS n FROM crm.lead WHERE last_name = 'Csrf'`);
    expect(rows[0].n).toBe(2); // only the same-origin ones
  });
});

describe('sign-in throttling', () => {
  it('per account and address: 10 failures in 15 minutes lock the account from that address only (429 + Retry-After)', async () => {
    const victim = await makeUser(t, { email: 'victim@example.com', role: 'read_only' });
    const attacker = nextIp();
    for (let i = 0; i < 10; i++) {
      expect((await signIn(t, { email: victim.email, password: `wrong guess number ${i}` }, { ip: attacker })).statusCode).toBe(401);
    }
    const locked = await signIn(t, { email: victim.email, password: PASSWORD }, { ip: attacker });
    expect(locked.statusCode).toBe(429);
    problem(locked);
    const wait = Number(locked.headers['retry-after']);
    expect(wait).toBeGreaterThan(800);
    expect(wait).toBeLessThanOrEqual(900);
    // The attacker cannot lock the real user out: from their own address they get in.
    expect((await signIn(t, { email: victim.email, password: PASSWORD })).statusCode).toBe(200);
    // Other accounts are not affected, from the attacker's address either.
    expect((await signIn(t, { email: rep.email, password: PASSWORD }, { ip: attacker })).statusCode).toBe(200);
    // The existing session of the victim still works (throttling is about signing in).
    expect((await me(victim.token)).statusCode).toBe(200);
    // Fifteen minutes later (the failures aged in the log), signing in works again from there.
    await t.db.knex.raw(`UPDATE strata.audit_log SET at = at - interval '16 minutes' WHERE action = 'login.failed' AND actor_email = ?`, [victim.email]);
    expect((await signIn(t, { email: victim.email, password: PASSWORD }, { ip: attacker })).statusCode).toBe(200);
  });

  it('per account from everywhere: after 50 failures in an hour, only addresses the user signed in from before get in', async () => {
    const user = await makeUser(t, { email: 'target@example.com', role: 'read_only' });
    const home = nextIp();
    expect((await signIn(t, { email: user.email, password: PASSWORD }, { ip: home })).statusCode).toBe(200);
    // A guesser spread over ten addresses, each staying under its own limit.
    const botnet = Array.from({ length: 10 }, () => nextIp());
    const statuses = await Promise.all(botnet.map(async (ip, n) => {
      const out: number[] = [];
      for (let i = 0; i < 5; i++) out.push((await signIn(t, { email: user.email, password: `guess ${n}-${i}` }, { ip })).statusCode);
      return out;
    }));
    expect(statuses.flat().every((c) => c === 401)).toBe(true);
    // Guessing stops being worth it: the 51st guess, from a fresh address, is refused unheard...
    const fresh = await signIn(t, { email: user.email, password: PASSWORD }, { ip: nextIp() });
    expect(fresh.statusCode).toBe(429);
    expect(Number(fresh.headers['retry-after'])).toBeGreaterThan(3000);
    // ...while the user, from where they signed in before, is not locked out.
    expect((await signIn(t, { email: user.email, password: PASSWORD }, { ip: home })).statusCode).toBe(200);
  });

  it('per IP: 20 attempts a minute from one address, then 429 with Retry-After; other addresses go on', async () => {
    const ip = nextIp();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await signIn(t, { email: `spray${i}@example.com`, password: 'password spraying!' }, { ip })).statusCode);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
    const limited = await signIn(t, { email: rep.email, password: PASSWORD }, { ip });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    problem(limited);
    expect((await signIn(t, { email: rep.email, password: PASSWORD })).statusCode).toBe(200);
  });
});

describe('TOTP multi-factor sign-in', () => {
  let user: TestUser;
  let totp: TOTP;
  /** The code of the 30-second step `offset` steps from now. */
  const code = (offset = 0) => totp.generate({ timestamp: Date.now() + offset * 30_000 });

  beforeAll(async () => {
    user = await makeUser(t, { email: 'mfa@example.com', role: 'sales_rep' });
  });

  it('is set up with a secret and an otpauth:// URL, and only enabled by a valid code', async () => {
    const setup = json<{ secret: string; otpauthUrl: string }>(await t.api('POST', '/api/auth/mfa/setup', undefined, { token: user.token }), 200);
    expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/); // 160 bits, base32
    expect(setup.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Strata:mfa%40example\.com\?/);
    expect(setup.otpauthUrl).toContain(`secret=${setup.secret}`);
    totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(setup.secret) });
    const wrong = await t.api('POST', '/api/auth/mfa/enable', { totp: String((Number(code()) + 1) % 1_000_000).padStart(6, '0') }, { token: user.token });
    expect(wrong.statusCode).toBe(422);
    expect(json<{ mfaEnabled: boolean }>(await me(user.token), 200).mfaEnabled).toBe(false);
    expect((await t.api('POST', '/api/auth/mfa/enable', { totp: code() }, { token: user.token })).statusCode).toBe(204);
    expect(json<{ mfaEnabled: boolean }>(await me(user.token), 200).mfaEnabled).toBe(true);
  });

  it('then sign-in needs the code: missing or wrong is 401', async () => {
    const missing = await signIn(t, { email: user.email, password: PASSWORD });
    expect(missing.statusCode).toBe(401);
    expect(problem(missing).errors).toEqual([expect.objectContaining({ field: 'totp', code: 'required' })]);
    expect(missing.headers['set-cookie']).toBeUndefined();
    expect((await signIn(t, { email: user.email, password: PASSWORD, totp: '123456' })).statusCode).toBe(401);
    expect((await signIn(t, { email: user.email, password: PASSWORD, totp: 123456 })).statusCode).toBe(401);
    // The right code with the wrong password does not get in either.
    expect((await signIn(t, { email: user.email, password: 'not the passphrase!', totp: code(1) })).statusCode).toBe(401);
  });

  it('accepts a valid code once: the same code again is refused, and so is an older one', async () => {
    const next = code(1); // the enable step is used up; the next one is within the allowed drift
    const first = await signIn(t, { email: user.email, password: PASSWORD, totp: next });
    expect(first.statusCode, first.body).toBe(200);
    const replay = await signIn(t, { email: user.email, password: PASSWORD, totp: next });
    expect(replay.statusCode).toBe(401);
    expect(problem(replay).errors?.[0]?.field).toBe('totp');
    expect((await signIn(t, { email: user.email, password: PASSWORD, totp: code(0) })).statusCode).toBe(401);
  });

  it('cannot be set up again while on, nor by an API key', async () => {
    expect((await t.api('POST', '/api/auth/mfa/setup', undefined, { token: user.token })).statusCode).toBe(409);
    const other = await makeUser(t, { email: 'mfa2@example.com', role: 'sales_rep' });
    const key = json<{ key: string }>(await t.api('POST', '/api/auth/api-keys', { name: 'script' }, { token: other.token }), 201).key;
    expect((await t.api('POST', '/api/auth/mfa/setup', undefined, { token: key })).statusCode).toBe(403);
    expect((await t.api('POST', '/api/auth/mfa/enable', { totp: '000000' }, { token: key })).statusCode).toBe(403);
  });

  it('failed codes count toward the per-account throttle', async () => {
    const { rows } = await t.db.knex.raw(`SELECT count(*)::int AS n FROM strata.audit_log WHERE action = 'login.failed' AND actor_email = ? AND detail->>'reason' = 'totp'`, [user.email]);
    expect(rows[0].n).toBeGreaterThanOrEqual(3);
  });
});

describe('security headers', () => {
  it('come on API answers, errors and the health check', async () => {
    for (const res of [await me(rep.token), await me(null), await t.app.inject({ method: 'GET', url: '/health' })]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });
});

describe('the admin', () => {
  it('signs in like anyone else', async () => {
    expect((await signIn(t, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).statusCode).toBe(200);
  });
});
