/**
 * A fresh, empty database for one test file, on the run's PostgreSQL server
 * (embedded, or DATABASE_URL's). Dropped again by `drop()`.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import knexFactory, { type Knex } from 'knex';

export interface TestDatabase {
  url: string;
  knex: Knex;
  drop(): Promise<void>;
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export async function freshDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('serverUrl');
  const name = `strata_t_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  await admin.raw('CREATE DATABASE ??', [name]);
  const url = withDatabase(serverUrl, name);
  const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 8 } });
  return {
    url,
    knex,
    async drop() {
      await knex.destroy();
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]);
      await admin.destroy();
    },
  };
}
