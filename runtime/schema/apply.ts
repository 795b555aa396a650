/**
 * Apply: runs plan steps as DDL inside the caller's transaction. Before each step its data
 * checks run against the tables as they are at that point; a step with a refusing check is
 * skipped and reported, and the caller rolls the whole transaction back. A dry run is the same
 * work rolled back, so what it reports is exactly what a real deploy would meet.
 */
import type { Knex } from 'knex';
import { BIN_SCHEMA, DATA_SCHEMA, SYSTEM_COLUMNS as C, SYSTEM_SCHEMA } from '../db/names.ts';
import type { DeployedField, DeployedObject } from '../metadata/deployed.ts';
import { autonumberFormat } from './autonumber.ts';
import { columnType } from './column-type.ts';
import { dropSearchIndex } from './search-index.ts';
import type { CheckResult, DataCheck, PlanStep, SqlValue } from './steps.ts';

export interface ApplyContext {
  actorId?: string;
}

export interface ApplyResult {
  steps: PlanStep[];
  refused: boolean;
  /** Computed fields whose stored values must be (re)computed after the DDL. */
  backfill: Array<{ object: string; field: string }>;
}

const D = DATA_SCHEMA;

// Constraint and index names come from stable ids, never from object names: index names are
// unique per schema, and a renamed or binned table keeps its indexes, so a name derived from
// `order` would collide with the next object called `order`.
const idPart = (id: string) => id.replaceAll('-', '');
function fkName(field: DeployedField): string {
  return `fk_${idPart(field.id)}`;
}
function uniqueName(field: DeployedField): string {
  return `uq_${idPart(field.id)}`;
}

/** Runs `SELECT count(*) FROM <table> WHERE <check>`; `{table}` inside a check names the table. */
async function runCheck(trx: Knex.Transaction, table: string, check: DataCheck): Promise<CheckResult> {
  const parts = check.where.split('{table}');
  let where = parts[0];
  const bindings: SqlValue[] = [...check.bindings];
  let consumed = (parts[0].match(/\?\??/g) ?? []).length;
  for (let i = 1; i < parts.length; i++) {
    where += '??.??' + parts[i];
    bindings.splice(consumed, 0, D, table);
    consumed += 2 + (parts[i].match(/\?\??/g) ?? []).length;
  }
  const { rows } = await trx.raw(`SELECT count(*)::int AS n FROM ??.?? WHERE ${where}`, [D, table, ...bindings]);
  return { count: (rows as Array<{ n: number }>)[0].n, reason: check.reason, refuse: check.refuse };
}

export async function addForeignKey(trx: Knex.Transaction, object: string, field: DeployedField): Promise<void> {
  if (field.type !== 'reference') return;
  const onDelete = field.onDelete === 'cascade' ? 'CASCADE' : field.onDelete === 'setNull' ? 'SET NULL' : 'RESTRICT';
  // Records are deleted softly (recycle bin); the constraint guards integrity and hard purges.
  await trx.raw(
    `ALTER TABLE ??.?? ADD CONSTRAINT ?? FOREIGN KEY (??) REFERENCES ??.?? (id) ON DELETE ${onDelete} DEFERRABLE INITIALLY IMMEDIATE`,
    [D, object, fkName(field), field.name, D, field.to],
  );
  await trx.raw(`CREATE INDEX IF NOT EXISTS ?? ON ??.?? (??)`, [`ix_${fkName(field)}`, D, object, field.name]);
}

export async function dropForeignKey(trx: Knex.Transaction, object: string, field: DeployedField): Promise<void> {
  await trx.raw(`ALTER TABLE ??.?? DROP CONSTRAINT IF EXISTS ??`, [D, object, fkName(field)]);
}

export async function addUnique(trx: Knex.Transaction, object: string, field: DeployedField): Promise<void> {
  // Unique among live records: a record in the recycle bin does not hold its value.
  await trx.raw(`CREATE UNIQUE INDEX ?? ON ??.?? (??) WHERE "_deletedAt" IS NULL`, [uniqueName(field), D, object, field.name]);
}

export async function dropUnique(trx: Knex.Transaction, field: DeployedField): Promise<void> {
  await trx.raw(`DROP INDEX IF EXISTS ??.??`, [D, uniqueName(field)]);
}

async function createTable(trx: Knex.Transaction, object: DeployedObject): Promise<void> {
  const columns = object.fields.map((f) => `, ?? ${columnType(f)}`).join('');
  await trx.raw(
    `CREATE TABLE ??.?? (
       ?? uuid NOT NULL DEFAULT gen_random_uuid(),
       ?? uuid,
       ?? timestamptz NOT NULL DEFAULT now(),
       ?? uuid,
       ?? timestamptz NOT NULL DEFAULT now(),
       ?? uuid,
       ?? integer NOT NULL DEFAULT 1,
       ?? timestamptz,
       ?? uuid${columns},
       CONSTRAINT ?? PRIMARY KEY (??)
     )`,
    [D, object.name, C.id, C.ownerId, C.createdAt, C.createdBy, C.updatedAt, C.updatedBy, C.version, C.deletedAt, C.deletedBy,
      ...object.fields.map((f) => f.name), `pk_${idPart(object.id)}`, C.id],
  );
  await trx.raw(`CREATE INDEX ?? ON ??.?? (??)`, [`ix_owner_${idPart(object.id)}`, D, object.name, C.ownerId]);
  await trx.raw(`CREATE INDEX ?? ON ??.?? (??, ??)`, [`ix_created_${idPart(object.id)}`, D, object.name, C.createdAt, C.id]);
}

function isComputed(f: DeployedField): boolean {
  return f.type === 'formula' || f.type === 'rollup';
}

async function startAutonumber(trx: Knex.Transaction, object: string, field: DeployedField): Promise<void> {
  if (field.type !== 'autonumber') return;
  const start = field.startAt ?? 1;
  const { prefix, width, suffix } = autonumberFormat(field.format);
  // Existing records get numbers in the order they were created (formatAutonumber in SQL).
  const { rows } = await trx.raw(
    `WITH numbered AS (
       SELECT id, row_number() OVER (ORDER BY ??, id) - 1 + ?::bigint AS n FROM ??.??
     )
     UPDATE ??.?? t SET ?? = ?::text || lpad(numbered.n::text, greatest(?::int, length(numbered.n::text)), '0') || ?::text
     FROM numbered WHERE t.id = numbered.id
     RETURNING numbered.n`,
    [C.createdAt, start, D, object, D, object, field.name, prefix, width, suffix],
  );
  const next = start + (rows as unknown[]).length;
  await trx.raw(
    `INSERT INTO ${SYSTEM_SCHEMA}.autonumbers (field_id, next_value) VALUES (?, ?)
     ON CONFLICT (field_id) DO UPDATE SET next_value = GREATEST(${SYSTEM_SCHEMA}.autonumbers.next_value, EXCLUDED.next_value)`,
    [field.id, next],
  );
}

async function binRow(trx: Knex.Transaction, ctx: ApplyContext, row: {
  kind: 'object' | 'field'; object: string; name: string; storedAs: string; definition: unknown; pkg: string;
}): Promise<void> {
  await trx.raw(
    `INSERT INTO ${SYSTEM_SCHEMA}.recycle_bin (kind, object, name, stored_as, definition, package, removed_by)
     VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)`,
    [row.kind, row.object, row.name, row.storedAs, JSON.stringify(row.definition), row.pkg, ctx.actorId ?? null],
  );
}

/** Runs one step's DDL. Returns what its post-checks found (a type change may create duplicates). */
async function runStep(trx: Knex.Transaction, step: PlanStep, ctx: ApplyContext, deferred: Array<() => Promise<void>>, backfill: ApplyResult['backfill']): Promise<CheckResult[]> {
  switch (step.kind) {
    case 'createObject': {
      const o = step.object;
      await createTable(trx, o);
      for (const f of o.fields) {
        deferred.push(() => addForeignKey(trx, o.name, f));
        if (f.unique) deferred.push(() => addUnique(trx, o.name, f));
        if (f.type === 'autonumber') await startAutonumber(trx, o.name, f);
      }
      return [];
    }
    case 'renameObject':
      await trx.raw(`ALTER TABLE ??.?? RENAME TO ??`, [D, step.from, step.to]);
      return [];
    case 'removeObject':
      // Its references no longer act from the bin (a purge of their targets must not cascade
      // into it); restore puts them back. Renamed before the move, so the bin schema never
      // sees two tables of one name.
      for (const f of step.object.fields) if (f.type === 'reference') await dropForeignKey(trx, step.object.name, f);
      await trx.raw(`ALTER TABLE ??.?? RENAME TO ??`, [D, step.object.name, step.binName]);
      await trx.raw(`ALTER TABLE ??.?? SET SCHEMA ??`, [D, step.binName, BIN_SCHEMA]);
      await binRow(trx, ctx, { kind: 'object', object: step.object.name, name: step.object.name, storedAs: step.binName, definition: step.object, pkg: step.object.package });
      return [];
    case 'addField': {
      const f = step.field;
      await trx.raw(`ALTER TABLE ??.?? ADD COLUMN ?? ${columnType(f)}`, [D, step.object, f.name]);
      deferred.push(() => addForeignKey(trx, step.object, f));
      if (f.unique) deferred.push(() => addUnique(trx, step.object, f));
      await startAutonumber(trx, step.object, f);
      if (isComputed(f)) backfill.push({ object: step.object, field: f.name });
      return [];
    }
    case 'renameField':
      await trx.raw(`ALTER TABLE ??.?? RENAME COLUMN ?? TO ??`, [D, step.object, step.from, step.to]);
      return [];
    case 'changeFieldType': {
      const f = step.field;
      if (step.previous.type === 'reference') await dropForeignKey(trx, step.object, step.previous);
      if (step.previous.unique) await dropUnique(trx, step.previous);
      // A trigram index cannot hold a number or a date (the deploy rebuilds it if still searched).
      await dropSearchIndex(trx, step.previous);
      await trx.raw(`ALTER TABLE ??.?? ALTER COLUMN ?? TYPE ${columnType(f)} USING ${step.using}`, [D, step.object, f.name, ...step.usingBindings]);
      deferred.push(() => addForeignKey(trx, step.object, f));
      if (f.type === 'autonumber') await startAutonumber(trx, step.object, f);
      if (isComputed(f)) backfill.push({ object: step.object, field: f.name });
      if (f.unique) {
        // Distinct values may convert to one ('1' and '01' both become 1): count them now.
        const dup = await runCheck(trx, step.object, {
          where: `"_deletedAt" IS NULL AND ?? IS NOT NULL AND ?? IN (SELECT ?? FROM {table} WHERE "_deletedAt" IS NULL GROUP BY ?? HAVING count(*) > 1)`,
          bindings: [f.name, f.name, f.name, f.name],
          reason: `would share their ${f.name} with another record after the conversion, so it cannot be unique`,
          refuse: true,
        });
        if (dup.count > 0) return [dup];
        deferred.push(() => addUnique(trx, step.object, f));
      }
      return [];
    }
    case 'updateField': {
      const f = step.field;
      const p = step.previous;
      if (!!f.unique !== !!p.unique) {
        if (f.unique) deferred.push(() => addUnique(trx, step.object, f));
        else await dropUnique(trx, p);
      }
      if (f.type === 'reference' && p.type === 'reference' && (f.onDelete ?? 'restrict') !== (p.onDelete ?? 'restrict')) {
        await dropForeignKey(trx, step.object, p);
        deferred.push(() => addForeignKey(trx, step.object, f));
      }
      if (isComputed(f) && JSON.stringify(f) !== JSON.stringify({ ...p, name: f.name })) {
        backfill.push({ object: step.object, field: f.name });
      }
      return [];
    }
    case 'removeField':
      // Aside, not dropped. A field in the bin no longer acts: its reference no longer cascades
      // or blocks deletes, its values no longer need to be unique (restore puts both back).
      await dropForeignKey(trx, step.object, step.field);
      await dropUnique(trx, step.field);
      await trx.raw(`ALTER TABLE ??.?? RENAME COLUMN ?? TO ??`, [D, step.object, step.field.name, step.binColumn]);
      await binRow(trx, ctx, { kind: 'field', object: step.object, name: step.field.name, storedAs: step.binColumn, definition: step.field, pkg: step.field.package });
      return [];
    case 'addIndex': {
      const cols = step.index.fields.map(() => '??').join(', ');
      const unique = step.index.unique ? 'UNIQUE ' : '';
      const where = step.index.unique ? ` WHERE "_deletedAt" IS NULL` : '';
      deferred.push(async () => {
        await trx.raw(`CREATE ${unique}INDEX ?? ON ??.?? (${cols})${where}`, [step.index.indexName, D, step.object, ...step.index.fields]);
      });
      return [];
    }
    case 'removeIndex':
      await trx.raw(`DROP INDEX IF EXISTS ??.??`, [D, step.index.indexName]);
      return [];
    case 'updateObject': case 'putRule': case 'removeRule': case 'putElement': case 'removeElement': case 'setPackage': case 'keepCustomization': case 'customizationLost':
      return []; // metadata only: the new registry carries it
  }
}

function tableOf(step: PlanStep): string | undefined {
  switch (step.kind) {
    case 'addField': case 'renameField': case 'changeFieldType': case 'updateField': case 'removeField':
    case 'addIndex': case 'removeIndex':
      return step.object;
    default:
      return undefined;
  }
}

/**
 * Runs the steps in `trx`. A step refused by its data checks is skipped and marked, and so is
 * the DDL of every step after it (the caller rolls back), but their checks still run, so that
 * one pass reports every refusal.
 */
export async function applySteps(trx: Knex.Transaction, steps: PlanStep[], ctx: ApplyContext = {}): Promise<ApplyResult> {
  const deferred: Array<() => Promise<void>> = [];
  const backfill: ApplyResult['backfill'] = [];
  let refused = false;
  const out: PlanStep[] = [];
  // Dates and times convert in UTC (as the API speaks them), whatever the server's TimeZone.
  await trx.raw(`SET LOCAL TIME ZONE 'UTC'`);
  for (const step of steps) {
    const table = tableOf(step);
    let results: CheckResult[] | undefined;
    if (table && step.checks?.length) {
      results = [];
      for (const check of step.checks) results.push(await runCheck(trx, table, check));
    }
    const blocked = results?.some((r) => r.refuse && r.count > 0) ?? false;
    if (blocked) refused = true;
    if (!refused) {
      const post = await runStep(trx, step, ctx, deferred, backfill);
      if (post.length) {
        results = [...(results ?? []), ...post];
        if (post.some((r) => r.refuse && r.count > 0)) refused = true;
      }
    }
    out.push(results ? { ...step, results } : step);
  }
  if (!refused) for (const run of deferred) await run();
  return { steps: out, refused, backfill };
}
