/**
 * Text search indexes: every field `q` searches gets a pg_trgm GIN index, which serves the
 * `col ILIKE '%term%'` patterns search compiles to (several fields combine as a bitmap OR),
 * so search stays an index scan as tables grow.
 */
import type { Knex } from 'knex';
import { DATA_SCHEMA } from '../db/names.ts';
import type { FieldDef } from '../../metadata/types.ts';

/** Field types `q` searches. */
export const SEARCHABLE_TYPES: ReadonlySet<FieldDef['type']> = new Set(['text', 'email', 'phone', 'longtext']);

export function isSearchable(field: Pick<FieldDef, 'type'>): boolean {
  return SEARCHABLE_TYPES.has(field.type);
}

/** From the field's stable id (like every index name): survives renames, unique per schema. */
export function searchIndexName(field: { id: string }): string {
  return `ts_${field.id.replaceAll('-', '')}`;
}

/** Where pg_trgm lives (installed by a system migration; a database may have had it elsewhere). */
async function trigramSchema(trx: Knex.Transaction | Knex): Promise<string> {
  const rows = (await trx.raw(
    `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`,
  )).rows as Array<{ schema: string }>;
  if (!rows[0]) throw new Error('The pg_trgm extension is not installed');
  return rows[0].schema;
}

export async function addSearchIndex(trx: Knex.Transaction | Knex, object: string, field: { id: string; name: string; type: FieldDef['type'] }): Promise<void> {
  if (!isSearchable(field)) return;
  const opclassSchema = await trigramSchema(trx);
  await trx.raw(`CREATE INDEX IF NOT EXISTS ?? ON ??.?? USING gin (?? ??.gin_trgm_ops)`,
    [searchIndexName(field), DATA_SCHEMA, object, field.name, opclassSchema]);
}

export async function dropSearchIndex(trx: Knex.Transaction | Knex, field: { id: string }): Promise<void> {
  await trx.raw(`DROP INDEX IF EXISTS ??.??`, [DATA_SCHEMA, searchIndexName(field)]);
}
