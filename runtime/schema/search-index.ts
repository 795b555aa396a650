/**
 * Text search (`q`) and its indexes. `q` searches an object's key fields — its name field, its
 * email and phone fields, and its codes (text fields that are unique or an externalId) — each
 * with a pg_trgm GIN index that serves the `col ILIKE '%term%'` patterns search compiles to
 * (several fields combine as a bitmap OR). Only key fields: trigram indexing every text field
 * made bulk writes several times slower (measured: 9 indexes on account cut bulk create from
 * 24,000 to under 5,000 records/s), and people look records up by name, email, phone or code.
 *
 * The indexes are derived state: after a deploy or a restore, `reconcileSearchIndexes` makes
 * the catalog match the registry (missing ones created, stale ones dropped).
 */
import type { Knex } from 'knex';
import { DATA_SCHEMA } from '../db/names.ts';
import type { DeployedField, DeployedObject } from '../metadata/deployed.ts';

type Db = Knex | Knex.Transaction;

/** Columns that hold text: a name field may be a text formula or an autonumber. */
function holdsText(field: DeployedField): boolean {
  if (field.type === 'formula') return field.returns === 'text';
  return field.type === 'text' || field.type === 'autonumber' || field.type === 'email' || field.type === 'phone';
}

/** The fields `q` searches, in field order. */
export function searchFields(object: Pick<DeployedObject, 'fields' | 'nameField'>): DeployedField[] {
  return object.fields.filter((f) => holdsText(f) && (
    f.name === object.nameField
    || f.type === 'email' || f.type === 'phone'
    || (f.type === 'text' && (f.unique === true || f.externalId === true))
  ));
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
