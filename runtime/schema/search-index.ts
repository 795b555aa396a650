/**
 * Text search (`q`) and its indexes. `q` searches the fields metadata/search-fields.ts names (by
 * default an object's name, email, phone and code fields; `searchable` on a text field adds or
 * removes it), each with a pg_trgm GIN index that serves the `col ILIKE '%term%'` patterns
 * search compiles to (several fields combine as a bitmap OR). Not every text field by default:
 * inserting 20,000 account-like rows took 3.3 s with a trigram index on each of 9 text fields
 * against 0.15 s without (measured in SQL), a price every bulk import would pay.
 *
 * The indexes are derived state: after a deploy or a restore, `reconcileSearchIndexes` makes
 * the catalog match the registry (missing ones created, stale ones dropped).
 */
import type { Knex } from 'knex';
import { DATA_SCHEMA } from '../db/names.ts';
import { isSearchField } from '../../metadata/search-fields.ts';
import type { DeployedField, DeployedObject } from '../metadata/deployed.ts';

type Db = Knex | Knex.Transaction;

/** The fields `q` searches, in field order (metadata/search-fields.ts decides). */
export function searchFields(object: Pick<DeployedObject, 'fields' | 'nameField'>): DeployedField[] {
  return object.fields.filter((f) => isSearchField(f, object.nameField));
}

/** From the field's stable id (like every index name): survives renames, unique per schema. */
export function searchIndexName(field: { id: string }): string {
  return `ts_${field.id.replaceAll('-', '')}`;
}

/** Where pg_trgm lives (installed by a system migration; a database may have had it elsewhere). */
async function trigramSchema(db: Db): Promise<string> {
  const rows = (await db.raw(
    `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`,
  )).rows as Array<{ schema: string }>;
  if (!rows[0]) throw new Error('The pg_trgm extension is not installed');
  return rows[0].schema;
}

/** Before a column changes type: a trigram index cannot hold a number or a date. */
export async function dropSearchIndex(db: Db, field: { id: string }): Promise<void> {
  await db.raw(`DROP INDEX IF EXISTS ??.??`, [DATA_SCHEMA, searchIndexName(field)]);
}

/** Makes the search indexes of the data schema exactly those `objects` call for. */
export async function reconcileSearchIndexes(db: Db, objects: readonly DeployedObject[]): Promise<void> {
  const wanted = new Map<string, { table: string; column: string }>();
  for (const o of objects) for (const f of searchFields(o)) wanted.set(searchIndexName(f), { table: o.name, column: f.name });
  const existing = new Set(((await db.raw(
    `SELECT indexname AS name FROM pg_indexes WHERE schemaname = ? AND indexname LIKE 'ts\\_%'`, [DATA_SCHEMA],
  )).rows as Array<{ name: string }>).map((r) => r.name));
  for (const name of existing) {
    if (!wanted.has(name)) await db.raw(`DROP INDEX IF EXISTS ??.??`, [DATA_SCHEMA, name]);
  }
  const missing = [...wanted].filter(([name]) => !existing.has(name));
  if (!missing.length) return;
  const opclassSchema = await trigramSchema(db);
  for (const [name, { table, column }] of missing) {
    await db.raw(`CREATE INDEX ?? ON ??.?? USING gin (?? ??.gin_trgm_ops)`, [name, DATA_SCHEMA, table, column, opclassSchema]);
  }
}
