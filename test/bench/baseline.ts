/**
 * The hand-written baseline: the same routes on crm.account as a developer would write them
 * with fastify and pg and nothing else. It imports nothing of Strata's, so a change to Strata
 * never moves it.
 *
 * `/base/*` authenticates as a hand-written app would: a stateless token, HMAC-SHA256 signed,
 * checked in memory (no database). `/raw/*` does not authenticate at all.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type pg from 'pg';

const SECRET = randomBytes(32);
const NOBODY = '00000000-0000-4000-8000-000000000000';

const sign = (payload: string): Buffer => createHmac('sha256', SECRET).update(payload).digest();

/** A signed token for `userId`, valid for `hours`. */
export function signedToken(userId: string, hours = 12): string {
  const payload = Buffer.from(JSON.stringify({ sub: userId, exp: Math.floor(Date.now() / 1000) + hours * 3600 })).toString('base64url');
  return `${payload}.${sign(payload).toString('base64url')}`;
}

/** The user id of a valid signed bearer token, else undefined. */
function verified(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header?.startsWith('Bearer ')) return undefined;
  const token = header.slice(7);
  const dot = token.indexOf('.');
  if (dot < 0) return undefined;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = sign(payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: string; exp?: number };
  return typeof claims.sub === 'string' && typeof claims.exp === 'number' && claims.exp > Date.now() / 1000 ? claims.sub : undefined;
}

export function baselineApp(pool: pg.Pool): FastifyInstance {
  const app = Fastify({ logger: false });
  const routes = (prefix: string, auth: boolean) => {
    const user = (request: FastifyRequest): string | undefined => (auth ? verified(request) : NOBODY);
    app.get<{ Params: { id: string } }>(`${prefix}/account/:id`, async (request, reply) => {
      if (!user(request)) return reply.code(401).send({ status: 401 });
      const { rows } = await pool.query(`SELECT * FROM crm.account WHERE id = $1 AND "_deletedAt" IS NULL`, [request.params.id]);
      if (!rows[0]) return reply.code(404).send({ status: 404 });
      return reply.header('etag', `"${String((rows[0] as { version: number }).version)}"`).send(rows[0]);
    });
    app.get(`${prefix}/account`, async (request, reply) => {
      if (!user(request)) return reply.code(401).send({ status: 401 });
      const { rows } = await pool.query(`SELECT * FROM crm.account WHERE "_deletedAt" IS NULL ORDER BY "createdAt" DESC, id DESC LIMIT 51`);
      const data = rows.slice(0, 50) as Array<{ id: string; createdAt: string }>;
      const last = data[data.length - 1];
      const nextCursor = rows.length > 50 && last ? Buffer.from(JSON.stringify([last.createdAt, last.id])).toString('base64url') : null;
      return { data, nextCursor };
    });
    app.post<{ Body: { name: string; industry?: string; employees?: number } }>(`${prefix}/account`, async (request, reply) => {
      const id = user(request);
      if (!id) return reply.code(401).send({ status: 401 });
      const b = request.body;
      const { rows } = await pool.query(
        `INSERT INTO crm.account (name, industry, employees, "ownerId", "createdBy", "updatedBy") VALUES ($1, $2, $3, $4, $4, $4) RETURNING *`,
        [b.name, b.industry ?? null, b.employees ?? null, id],
      );
      return reply.code(201).send(rows[0]);
    });
  };
  routes('/base', true);
  routes('/raw', false);
  return app;
}

/**
 * Run as its own process (`node --import tsx test/bench/baseline.ts DATABASE_URL USER_ID`), so
 * that nothing of Strata's is even loaded where it runs (pg's type parsers, say). It prints
 * `port <n> token <signed token>` once listening and serves until killed.
 */
async function main(url: string, userId: string): Promise<void> {
  const pg = (await import('pg')).default;
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const app = baselineApp(pool);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  process.stdout.write(`port ${typeof addr === 'object' && addr ? addr.port : 0} token ${signedToken(userId)}\n`);
  process.on('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
}

if (process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  await main(process.argv[2]!, process.argv[3]!);
}
