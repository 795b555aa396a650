/**
 * The metadata recycle bin: fields and objects a deploy removed (renamed aside, never dropped)
 * and how to bring one back. A restore is a small deploy: one transaction under the deploy
 * lock, the column or table moved back under its original name, its definition put back into
 * a new registry version, owned by the package it came from.
 *
 * The restored element is its package's again: a later deploy of that package that still does
 * not state it moves it to the bin again.
 */
import type { Knex } from 'knex';
import { BIN_SCHEMA, DATA_SCHEMA, SYSTEM_SCHEMA } from '../db/names.ts';
import { LOCKS } from '../db/system.ts';
import { StrataError, notFound } from '../errors.ts';
import type { DeployedField, DeployedObject, RegistryDoc } from '../metadata/deployed.ts';
import { loadRegistry, saveRegistry } from '../metadata/registry-store.ts';
import { audit } from '../security/audit.ts';
import { addForeignKey, addUnique } from './apply.ts';
import { reconcileSearchIndexes } from './search-index.ts';
import { countRecords } from './steps.ts';
import type { Actor } from './deploy.ts';
import { isUuid } from '../../metadata/record-schema.ts';

export type { Actor };

interface BinBase {
  id: string;
  /** The object's name when the entry was removed (for a field: the object it was on). */
  object: string;
  /** The original name: the restore gives it back. */
  name: string;
  /** Where the data waits: a column of the object's table, or a table in schema strata_bin. */
  storedAs: string;
  package: string;
  removedAt: string;
  removedBy: string | null;
}
export type BinEntry =
  | (BinBase & { kind: 'field'; definition: DeployedField })
  | (BinBase & { kind: 'object'; definition: DeployedObject });

export interface RestoreResult {
  entry: BinEntry;
  /** The registry version that has it again. */
  version: number;
  /** The object restored, or the object the field is back on (its name now). */
  object: string;
  field?: string;
}

interface BinRow {
  id: string; kind: 'object' | 'field'; object: string; name: string; stored_as: string;
  definition: DeployedField | DeployedObject; package: string; removed_at: string | Date; removed_by: string | null;
  restored_at: string | Date | null;
}

const COLUMNS = 'id, kind, object, name, stored_as, definition, package, removed_at, removed_by, restored_at';

function toEntry(r: BinRow): BinEntry {
  const base: BinBase = {
    id: r.id, object: r.object, name: r.name, storedAs: r.stored_as, package: r.package,
    removedAt: new Date(r.removed_at).toISOString(), removedBy: r.removed_by,
  };
  return r.kind === 'field'
    ? { ...base, kind: 'field', definition: r.definition as DeployedField }
    : { ...base, kind: 'object', definition: r.definition as DeployedObject };
}

const conflict = (message: string) => new StrataError(409, 'restore_conflict', message);

/** What is in the bin and may be restored, newest first. */
export async function listRecycleBin(knex: Knex | Knex.Transaction): Promise<BinEntry[]> {
  const { rows } = await knex.raw(
    `SELECT ${COLUMNS} FROM ${SYSTEM_SCHEMA}.recycle_bin WHERE restored_at IS NULL ORDER BY removed_at DESC, id`,
  );
  return (rows as BinRow[]).map(toEntry);
}

async function tableExists(trx: Knex.Transaction, schema: string, table: string): Promise<boolean> {
  const { rows } = await trx.raw(`SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?`, [schema, table]);
  return rows.length > 0;
}

/** The tables (schema, name) that have column `column`. */
async function tablesWithColumn(trx: Knex.Transaction, column: string): Promise<Array<{ schema: string; table: string }>> {
  const { rows } = await trx.raw(
    `SELECT table_schema AS schema, table_name AS "table" FROM information_schema.columns
     WHERE column_name = ? AND table_schema IN (?, ?)`,
    [column, DATA_SCHEMA, BIN_SCHEMA],
  );
  return rows as Array<{ schema: string; table: string }>;
}

function targetsOf(fields: DeployedField[]): string[] {
  return fields.flatMap((f) => (f.type === 'reference' ? [f.to] : []));
}

/**
 * Puts back the foreign key of a restored reference. Its targets may have been purged while it
 * was in the bin: then the restore is refused with the count, rather than losing the values.
 */
async function restoreForeignKey(trx: Knex.Transaction, table: string, column: string, field: DeployedField): Promise<void> {
  if (field.type !== 'reference') return;
  const { rows } = await trx.raw(
    `SELECT count(*)::int AS n FROM ??.?? t WHERE t.?? IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ??.?? r WHERE r.id = t.??)`,
    [DATA_SCHEMA, table, column, DATA_SCHEMA, field.to, column],
  );
  const n = (rows as Array<{ n: number }>)[0].n;
  if (n > 0) throw conflict(`${countRecords(n, `have a ${field.name} that points at a ${field.to} record that no longer exists`)}: ${table}.${field.name} cannot be restored`);
  await addForeignKey(trx, table, field);
}

async function restoreField(trx: Knex.Transaction, entry: BinEntry & { kind: 'field' }, registry: RegistryDoc): Promise<{ next: RegistryDoc; object: string }> {
  const field = entry.definition;
  const where = await tablesWithColumn(trx, entry.storedAs);
  const live = where.find((w) => w.schema === DATA_SCHEMA);
  if (!live) {
    if (where.length) throw conflict(`Field ${entry.object}.${entry.name} was on an object that is in the recycle bin now: restore the object first`);
    throw notFound(`The data of field ${entry.object}.${entry.name} is no longer there`);
  }
  // Found by its column, so a field whose object was renamed since returns to that object.
  const object = registry.objects.find((o) => o.name === live.table);
  if (!object) throw notFound(`Object ${live.table} is not deployed`);
  const columns = await trx.raw(`SELECT 1 FROM information_schema.columns WHERE table_schema = ? AND table_name = ? AND column_name = ?`, [DATA_SCHEMA, object.name, field.name]);
  if (object.fields.some((f) => f.name === field.name) || columns.rows.length) {
    throw conflict(`Object ${object.name} has a field named ${field.name} now: rename or remove it first`);
  }
  for (const target of targetsOf([field])) {
    if (!registry.objects.some((o) => o.name === target)) throw conflict(`Field ${object.name}.${field.name} points at object ${target}, which is not deployed: restore ${target} first`);
  }
  await trx.raw(`ALTER TABLE ??.?? RENAME COLUMN ?? TO ??`, [DATA_SCHEMA, object.name, entry.storedAs, field.name]);
  await restoreForeignKey(trx, object.name, field.name, field);
  if (field.unique) await addUnique(trx, object.name, field);
  const next: RegistryDoc = {
    ...registry,
    version: registry.version + 1,
    objects: registry.objects.map((o) => (o.id === object.id ? { ...o, fields: [...o.fields, field] } : o)),
  };
  return { next, object: object.name };
}

async function restoreObject(trx: Knex.Transaction, entry: BinEntry & { kind: 'object' }, registry: RegistryDoc): Promise<{ next: RegistryDoc; object: string }> {
  const object = entry.definition;
  if (!(await tableExists(trx, BIN_SCHEMA, entry.storedAs))) throw notFound(`The records of object ${entry.name} are no longer there`);
  if (registry.objects.some((o) => o.name === object.name) || (await tableExists(trx, DATA_SCHEMA, object.name))) {
    throw conflict(`An object named ${object.name} exists now: rename or remove it first`);
  }
  for (const target of targetsOf(object.fields)) {
    if (target !== object.name && !registry.objects.some((o) => o.name === target)) {
      throw conflict(`Object ${object.name} has a reference to object ${target}, which is not deployed: restore ${target} first`);
    }
  }
  await trx.raw(`ALTER TABLE ??.?? SET SCHEMA ??`, [BIN_SCHEMA, entry.storedAs, DATA_SCHEMA]);
  await trx.raw(`ALTER TABLE ??.?? RENAME TO ??`, [DATA_SCHEMA, entry.storedAs, object.name]);
  for (const f of object.fields) await restoreForeignKey(trx, object.name, f.name, f);
  const next: RegistryDoc = { ...registry, version: registry.version + 1, objects: [...registry.objects, object] };
  return { next, object: object.name };
}

/**
 * Brings a field or object back from the bin. 404 when there is no such entry, 409 when it
 * was restored already or when its name (or what it needs) is not free now.
 */
export async function restoreFromBin(knex: Knex, binId: string, actor?: Actor): Promise<RestoreResult> {
  if (!isUuid(binId)) throw notFound(`Nothing in the recycle bin has id ${binId}`);
  return knex.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [LOCKS.deploy]);
    const { rows } = await trx.raw(`SELECT ${COLUMNS} FROM ${SYSTEM_SCHEMA}.recycle_bin WHERE id = ? FOR UPDATE`, [binId]);
    const row = (rows as BinRow[])[0];
    if (!row) throw notFound(`Nothing in the recycle bin has id ${binId}`);
    const entry = toEntry(row);
    if (row.restored_at) throw conflict(`${entry.kind === 'field' ? `Field ${entry.object}.${entry.name}` : `Object ${entry.name}`} was restored already`);
    const registry = await loadRegistry(trx);
    const { next, object } = entry.kind === 'field'
      ? await restoreField(trx, entry, registry)
      : await restoreObject(trx, entry, registry);
    await reconcileSearchIndexes(trx, next.objects);
    await saveRegistry(trx, next);
    await trx.raw(`UPDATE ${SYSTEM_SCHEMA}.recycle_bin SET restored_at = now() WHERE id = ?`, [binId]);
    await audit(trx, {
      action: 'metadata.restore', actorId: actor?.id, actorEmail: actor?.email,
      target: entry.kind === 'field' ? `${object}.${entry.name}` : object,
      detail: { binId, kind: entry.kind, package: entry.package, registryVersion: next.version },
    });
    return { entry, version: next.version, object, ...(entry.kind === 'field' ? { field: entry.name } : {}) };
  });
}
