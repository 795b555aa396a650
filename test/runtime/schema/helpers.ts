/**
 * Shared by the schema integration tests: a fresh database with the system schema, and reads
 * of the real PostgreSQL catalog (never of our own registry) to check what a deploy did.
 */
import type { Knex } from 'knex';
import { freshDatabase, type TestDatabase } from '../../helpers/db.ts';
import { migrateSystem } from '../../../runtime/db/system.ts';
import { setTypeParsers } from '../../../runtime/db/types.ts';
import type { ObjectDef, PackageBundle } from '../../../metadata/types.ts';

export async function systemDatabase(): Promise<TestDatabase> {
  setTypeParsers();
  const db = await freshDatabase();
  await migrateSystem(db.knex);
  return db;
}

export function bundle(name: string, version: string, objects: ObjectDef[], rest: Omit<PackageBundle, 'package' | 'objects'> = {}): PackageBundle {
  return { package: { name, version }, objects, ...rest };
}

/** column name → type as PostgreSQL prints it (`numeric(12,4)`, `text[]`, `timestamp with time zone`). */
export async function columnsOf(knex: Knex, table: string, schema = 'crm'): Promise<Record<string, string>> {
  const { rows } = await knex.raw(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [schema, table],
  );
  return Object.fromEntries((rows as Array<{ name: string; type: string }>).map((r) => [r.name, r.type]));
}

export async function tableExists(knex: Knex, table: string, schema = 'crm'): Promise<boolean> {
  const { rows } = await knex.raw(`SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?`, [schema, table]);
  return rows.length > 0;
}

export async function tablesIn(knex: Knex, schema: string): Promise<string[]> {
  const { rows } = await knex.raw(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ? ORDER BY 1`, [schema]);
  return (rows as Array<{ t: string }>).map((r) => r.t);
}

export async function indexesOf(knex: Knex, table: string, schema = 'crm'): Promise<Array<{ name: string; def: string }>> {
  const { rows } = await knex.raw(`SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = ? AND tablename = ? ORDER BY indexname`, [schema, table]);
  return rows as Array<{ name: string; def: string }>;
}

export interface ForeignKey { column: string; target: string; onDelete: string }

/** Foreign keys of a table: column → `schema.table` and the ON DELETE action. */
export async function foreignKeysOf(knex: Knex, table: string, schema = 'crm'): Promise<ForeignKey[]> {
  const { rows } = await knex.raw(
    `SELECT a.attname AS column, tn.nspname || '.' || t.relname AS target,
            CASE con.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'r' THEN 'RESTRICT' WHEN 'a' THEN 'NO ACTION' ELSE con.confdeltype::text END AS "onDelete"
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class t ON t.oid = con.confrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
       JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
      WHERE con.contype = 'f' AND n.nspname = ? AND c.relname = ? ORDER BY 1`,
    [schema, table],
  );
  return rows as ForeignKey[];
}

/** Rows of a table, in creation order (or by `orderBy`: rows inserted together share createdAt). */
export async function rowsOf<T = Record<string, unknown>>(knex: Knex, table: string, columns: string[], opts: { schema?: string; orderBy?: string } = {}): Promise<T[]> {
  const q = knex.withSchema(opts.schema ?? 'crm').table(table).select(columns);
  return (await (opts.orderBy ? q.orderBy(opts.orderBy) : q.orderBy('createdAt').orderBy('id'))) as T[];
}

export async function registryVersion(knex: Knex): Promise<number> {
  const { rows } = await knex.raw(`SELECT coalesce(max(version), 0)::int AS v FROM strata.registry`);
  return (rows as Array<{ v: number }>)[0].v;
}
