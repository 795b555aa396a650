/**
 * Garbage at every route of the OpenAPI document, signed in as an admin and signed out: NUL
 * and control characters, deep nesting, huge arrays, overlong strings and wrong types at every
 * path of each request body (bodies start from the route's own schema, then get broken), in
 * path parameters and in the query. No answer may be a 5xx.
 *
 * A small seeded generator (no property-testing library is installed): FUZZ_SEED replays a
 * run, FUZZ_MS sets its length (about 30 s by default, so it fits in `npm test`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const BUDGET_MS = Number(process.env.FUZZ_MS ?? 30_000);

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t?.close(); });

/** mulberry32: a tiny, well-known seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Schema { $ref?: string; type?: string | string[]; properties?: Record<string, Schema>; required?: string[]; items?: Schema; enum?: Json[]; const?: Json; oneOf?: Schema[]; anyOf?: Schema[]; allOf?: Schema[]; format?: string; additionalProperties?: boolean | Schema }
interface Parameter { name: string; in: string; $ref?: string; schema?: Schema }
interface Operation { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }
interface OpenApi { paths: Record<string, Record<string, Operation | Parameter[]>>; components: { schemas: Record<string, Schema>; parameters?: Record<string, Parameter> } }

class Garbage {
  constructor(private readonly rand: () => number, private readonly doc: OpenApi, private readonly ids: string[], private readonly objects: string[]) {}

  int(n: number): number { return Math.floor(this.rand() * n); }
  chance(p: number): boolean { return this.rand() < p; }
  pick<T>(items: readonly T[]): T { return items[this.int(items.length)]; }

  /** Strings that have broken servers: NUL and control characters, overlong, odd unicode, injection-shaped. */
  string(): string {
    switch (this.int(12)) {
      case 0: return `a\u0000b`;
      case 1: return Array.from({ length: 1 + this.int(20) }, () => String.fromCharCode(this.int(32))).join('');
      case 2: return 'x'.repeat(this.pick([256, 4_097, 70_000, 300_000]));
      case 3: return '\ud800\udfff\ud800 \u202e\ufeff 𝕏 ñ';
      case 4: return "'; drop table crm.account; --";
      case 5: return this.pick(['$user.id', '$today', '__proto__', 'constructor', '{"a":1}', '[]', 'null', 'NaN', '-0', '1e309', '2024-02-30', '9999-12-31T25:61:00Z']);
      case 6: return this.pick(this.ids);
      case 7: return this.pick(this.objects);
      case 8: return '%00%zz%E0%A4%A';
      case 9: return '';
      case 10: return ' '.repeat(1 + this.int(3));
      default: return `fuzz-${this.int(1e9).toString(36)}`;
    }
  }

  number(): number {
    return this.pick([0, -1, 1, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e308, 0.1 + 0.2, 1e-320, 123456789.12345679, -0]);
  }

  /**
   * A placeholder for JSON nested `depth` levels deep: JSON.stringify itself overflows on such
   * values, so `text()` writes the nesting out as text.
   */
  deep(depth: number): Json {
    const open: string[] = [];
    for (let i = 0; i < depth; i++) open.push(this.chance(0.5) ? '[' : `{"${this.pick(['a', 'and', 'or', 'not', 'var', 'if', '==', 'in', 'filter'])}":`);
    const close = open.map((o) => (o === '[' ? ']' : '}')).reverse().join('');
    const token = `__deep_${this.deepTexts.length}__`;
    this.deepTexts.push(`${open.join('')}1${close}`);
    return token;
  }

  private deepTexts: string[] = [];

  /** JSON text of a generated value, deep placeholders written out. */
  text(value: Json): string {
    const text = JSON.stringify(value).replace(/"__deep_(\d+)__"/g, (_, i: string) => this.deepTexts[Number(i)]);
    this.deepTexts = [];
    return text;
  }

  /** Any garbage value of any type. */
  value(level = 0): Json {
    switch (this.int(level > 2 ? 6 : 10)) {
      case 0: return this.string();
      case 1: return this.number();
      case 2: return this.chance(0.5);
      case 3: return null;
      case 4: return this.string();
      case 5: return this.int(100);
      case 6: return this.deep(this.pick([50, 1_000, 5_000]));
      case 7: return Array.from({ length: this.pick([0, 3, 10_000, 100_000]) }, (_, i) => (this.chance(0.5) ? i : `${i}`));
      case 8: return Array.from({ length: 1 + this.int(4) }, () => this.value(level + 1));
      default: {
        const o: Record<string, Json> = {};
        for (let i = 0; i < 1 + this.int(4); i++) o[this.pick(['__proto__', 'constructor', 'id', 'a.b', '', 'x\u0000', this.string().slice(0, 40)])] = this.value(level + 1);
        return o;
      }
    }
  }

  resolve(schema: Schema | undefined): Schema {
    let s = schema ?? {};
    for (let i = 0; s.$ref && i < 10; i++) s = this.doc.components.schemas[s.$ref.split('/').pop()!] ?? {};
    return s;
  }

  /** A value shaped by the schema, broken somewhere with probability `breakP` at every node. */
  shaped(schema: Schema | undefined, breakP: number, level = 0): Json {
    if (this.chance(breakP) || level > 8) return this.value(level);
    const s = this.resolve(schema);
    if (s.const !== undefined) return s.const;
    if (s.enum) return this.pick(s.enum);
    const alts = s.oneOf ?? s.anyOf;
    if (alts?.length) return this.shaped(this.pick(alts), breakP, level + 1);
    if (s.allOf?.length) return this.shaped(s.allOf[0], breakP, level + 1);
    const type = Array.isArray(s.type) ? this.pick(s.type) : s.type ?? (s.properties ? 'object' : undefined);
    switch (type) {
      case 'object': {
        const o: Record<string, Json> = {};
        for (const [k, v] of Object.entries(s.properties ?? {})) {
          if (s.required?.includes(k) || this.chance(0.6)) o[k] = this.shaped(v, breakP, level + 1);
        }
        if (this.chance(0.1)) o[`extra_${this.int(9)}`] = this.value(level + 1);
        return o;
      }
      case 'array': return Array.from({ length: this.int(4) }, () => this.shaped(s.items, breakP, level + 1));
      case 'string':
        // Text of the right type but hostile content is the commonest way in.
        if (this.chance(0.3)) return this.string();
        return s.format === 'uuid' ? this.pick(this.ids) : s.format === 'email' ? `u${this.int(1e6)}@example.com` : `s${this.int(1e6)}`;
      case 'integer': return this.int(1000);
      case 'number': return this.rand() * 1000;
      case 'boolean': return this.chance(0.5);
      case 'null': return null;
      default: return this.value(level);
    }
  }

  /** A path or query parameter's text. */
  param(): string {
    const v = this.chance(0.7) ? this.string() : this.text(this.value(1));
    // Long enough for 1,000 levels of nesting, short enough for a URL a proxy would pass.
    return v.length > 12_000 ? v.slice(0, 12_000) : v;
  }
}

/** URL-encoded; a lone surrogate (which cannot be encoded) becomes U+FFFD as a browser would send it. */
const enc = (text: string): string => encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

interface Failure { method: string; route: string; status: number; url: string; body: string; answer: string }

describe('fuzzing every route of the OpenAPI document', () => {
  it(`answers garbage with 4xx, never 5xx (seed ${SEED})`, async () => {
    const rand = prng(SEED);
    const doc = (await t.api('GET', '/api/openapi.json')).json() as OpenApi;
    const created = await t.api('POST', '/api/records/account', { name: 'Fuzz target' });
    expect(created.statusCode).toBe(201);
    const ids = [(created.json() as { id: string }).id, '00000000-0000-0000-0000-000000000000', 'not-a-uuid', '1'];
    const objects = Object.keys(doc.paths).map((p) => /^\/api\/records\/([^/{]+)/.exec(p)?.[1]).filter((o): o is string => !!o);
    const g = new Garbage(rand, doc, ids, [...new Set(objects)]);

    const operations: Array<{ route: string; method: string; op: Operation; shared: Parameter[] }> = [];
    for (const [route, item] of Object.entries(doc.paths)) {
      // The event stream stays open by design; signed out it is still fuzzed (a 401 at once).
      for (const [method, op] of Object.entries(item)) {
        if (method === 'parameters' || Array.isArray(op)) continue;
        operations.push({ route, method: method.toUpperCase(), op, shared: (item.parameters as Parameter[] | undefined) ?? [] });
      }
    }
    expect(operations.length).toBeGreaterThan(30);

    const failures: Failure[] = [];
    const statuses = new Map<string, number>();
    let sent = 0;
    const started = Date.now();
    let adminToken = t.adminToken;
    for (let round = 0; Date.now() - started < BUDGET_MS; round++) {
      for (const { route, method, op, shared } of operations) {
        if (Date.now() - started >= BUDGET_MS) break;
        const signedIn = round % 2 === 0;
        // Signing the admin out or streaming events would end the run, not test a route.
        if (signedIn && (route === '/api/auth/logout' || route === '/api/events')) continue;
        const params = [...shared, ...(op.parameters ?? [])].map((p) => (p.$ref ? doc.components.parameters?.[p.$ref.split('/').pop()!] ?? p : p));
        const url = route.replace(/\{(\w+)\}/g, (_, name: string) => {
          const real = name === 'object' ? g.pick(objects) : g.pick(ids);
          return enc(g.chance(0.75) ? real : g.param());
        });
        const query = params.filter((p) => p.in === 'query' && g.chance(0.6)).map((p) => `${enc(p.name)}=${enc(g.param())}`);
        if (route === '/api/metadata/deploy' && signedIn) query.push('dryRun=true');
        const schema = op.requestBody?.content?.['application/json']?.schema;
        let payload: Json | undefined;
        if (schema) payload = g.chance(0.15) ? g.value() : g.shaped(schema, g.pick([0.02, 0.05, 0.15]));
        else if (method !== 'GET' && method !== 'DELETE' && g.chance(0.3)) payload = g.value();
        // Keep the package under test out of reach of a garbage deploy that happens to be valid.
        if (route === '/api/metadata/deploy' && payload && typeof payload === 'object' && !Array.isArray(payload) && payload.package && typeof payload.package === 'object' && !Array.isArray(payload.package)) {
          payload.package.name = 'fuzz';
        }
        const fullUrl = query.length ? `${url}?${query.join('&')}` : url;
        const headers: Record<string, string> = signedIn ? { authorization: `Bearer ${adminToken}` } : {};
        const body = payload === undefined ? undefined : g.text(payload);
        if (body !== undefined) headers['content-type'] = 'application/json';
        const res = await t.app.inject({ method: method as 'GET', url: fullUrl, headers, ...(body === undefined ? {} : { payload: body }) });
        sent++;
        const key = `${signedIn ? 'admin' : 'anonymous'} ${res.statusCode}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (res.statusCode >= 500) {
          failures.push({ method, route, status: res.statusCode, url: fullUrl.slice(0, 300), body: (body ?? '').slice(0, 300), answer: res.body.slice(0, 300) });
        }
        // A garbage update may have ended the admin's session (say, by deactivating them): sign in again.
        if (signedIn && res.statusCode === 401 && route !== '/api/auth/login') adminToken = await t.login('admin@example.com', 'test admin passphrase').catch(() => adminToken);
      }
    }
    const byRoute = new Map<string, Failure>();
    for (const f of failures) if (!byRoute.has(`${f.method} ${f.route}`)) byRoute.set(`${f.method} ${f.route}`, f);
    // Visible in the run's output: how much garbage went where.
    console.info(`fuzz seed ${SEED}: ${sent} requests over ${operations.length} operations in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect([...byRoute.values()], `5xx answers (replay with FUZZ_SEED=${SEED})`).toEqual([]);
    expect(sent).toBeGreaterThan(operations.length * 2);
  }, BUDGET_MS + 240_000); // a busy machine answers some garbage (a dry-run deploy, a sign-in) slowly: the budget bounds the sending, this the waiting
});
