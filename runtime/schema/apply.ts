/**
 * Apply: runs plan steps as DDL inside the caller's transaction. Before each step its data
 * checks run against the tables as they are at that point; a step with a refusing check is
 * skipped and reported, and the caller rolls the whole transaction back. A dry run is the same
 * work rolled back, so what it reports is exactly what a real deploy would meet.
 */
import type { Knex } from 'knex';
import { BIN_SCHEMA, DATA_SCHEMA, SYSTEM_SCHEMA } from '../db/names.ts';
import type { DeployedField, DeployedObject } from '../metadata/deployed.ts';
import { columnType } from './column-type.ts';
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

function fkName(field: DeployedField): string {
  return `fk_${field.id.replaceAll('-', '')}`;
}
function uniqueName(field: DeployedField): string {
  return `uq_${field.id.replaceAll('-', '')}`;
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

async function addForeignKey(trx: Knex.Transaction, object: string, field: DeployedField): Promise<void> {
  if (field.type !== 'reference') return;
  const onDelete = field.onDelete === 'cascade' ? 'CASCADE' : field.onDelete === 'setNull' ? 'SET NULL' : 'RESTRICT';
  // Records are deleted softly (recycle bin); the constraint guards integrity and hard purges.
  await trx.raw(
    `ALTER TABLE ??.?? ADD CONSTRAINT ?? FOREIGN KEY (??) REFERENCES ??.?? (id) ON DELETE ${onDelete} DEFERRABLE INITIALLY IMMEDIATE`,
    [D, object, fkName(field), field.name, D, field.to],
  );
  await trx.raw(`CREATE INDEX IF NOT EXISTS ?? ON ??.?? (??)`, [`ix_${fkName(field)}`, D, object, field.name]);
}

async function dropForeignKey(trx: Knex.Transaction, object: string, field: DeployedField): Promise<void> {
  await trx.raw(`ALTER TABLE ??.?? DROP CONSTRAINT IF EXISTS ??`, [D, object, fkName(field)]);
}

async function addUnique(trx: Knex.Transaction, object: string, field: DeployedField): Promise<void> {
  // Unique among live records: a record in the recycle bin does not hold its value.
  await trx.raw(`CREATE UNIQUE INDEX ?? ON ??.?? (??) WHERE "_deletedAt" IS NULL`, [uniqueName(field), D, object, field.name]);
}

async function dropUnique(trx: Knex.Transaction, field: DeployedField): Promise<void> {
  await trx.raw(`DROP INDEX IF EXISTS ??.??`, [D, uniqueName(field)]);
}

async function createTable(trx: Knex.Transaction, object: DeployedObject): Promise<void> {
  await trx.schema.withSchema(D).createTable(object.name, (t) => {
    t.uuid('id').primary().defaultTo(trx.raw('gen_random_uuid()'));
    t.uuid('ownerId');
    t.timestamp('createdAt', { useTz: true }).notNullable().defaultTo(trx.fn.now());
    t.uuid('createdBy');
    t.timestamp('updatedAt', { useTz: true }).notNullable().defaultTo(trx.fn.now());
    t.uuid('updatedBy');
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('_deletedAt', { useTz: true });
    t.uuid('_deletedBy');
    for (const f of object.fields) t.specificType(f.name, columnType(f));
  });
  await trx.raw(`CREATE INDEX ON ??.?? ("ownerId")`, [D, object.name]);
  await trx.raw(`CREATE INDEX ON ??.?? ("createdAt", id)`, [D, object.name]);
}

function isComputed(f: DeployedField): boolean {
  return f.type === 'formula' || f.type === 'rollup';
}

async function startAutonumber(trx: Knex.Transaction, object: string, field: DeployedField): Promise<void> {
  if (field.type !== 'autonumber') return;
  const start = field.startAt ?? 1;
  // Existing records get numbers in the order they were created.
  const { rows } = await trx.raw(
    `WITH numbered AS (
       SELECT id, row_number() OVER (ORDER BY "createdAt", id) - 1 + ? AS n FROM ??.??
     )
     UPDATE ??.?? t SET ?? = numbered.n::text FROM numbered WHERE t.id = numbered.id
     RETURNING numbered.n`,
    [start, D, object, D, object, field.name],
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

async function runStep(trx: Knex.Transaction, step: PlanStep, ctx: ApplyContext, deferred: Array<() => Promise<void>>, backfill: ApplyResult['backfill']): Promise<void> {
  switch (step.kind) {
    case 'createObject': {
      const o = step.object;
      await createTable(trx, o);
      for (const f of o.fields) {
        deferred.push(() => addForeignKey(trx, o.name, f));
        if (f.unique) deferred.push(() => addUnique(trx, o.name, f));
        if (f.type === 'autonumber') await startAutonumber(trx, o.name, f);
      }
      return;
    }
    case 'renameObject':
      await trx.schema.withSchema(D).renameTable(step.from, step.to);
      return;
    case 'removeObject':
      await trx.raw(`ALTER TABLE ??.?? SET SCHEMA ??`, [D, step.object.name, BIN_SCHEMA]);
      await trx.raw(`ALTER TABLE ??.?? RENAME TO ??`, [BIN_SCHEMA, step.object.name, step.binName]);
      await binRow(trx, ctx, { kind: 'object', object: step.object.name, name: step.object.name, storedAs: step.binName, definition: step.object, pkg: step.object.package });
      return;
    case 'addField': {
      const f = step.field;
      await trx.raw(`ALTER TABLE ??.?? ADD COLUMN ?? ${columnType(f)}`, [D, step.object, f.name]);
      deferred.push(() => addForeignKey(trx, step.object, f));
      if (f.unique) deferred.push(() => addUnique(trx, step.object, f));
      await startAutonumber(trx, step.object, f);
      if (isComputed(f)) backfill.push({ object: step.object, field: f.name });
      return;
    }
    case 'renameField':
      await trx.raw(`ALTER TABLE ??.?? RENAME COLUMN ?? TO ??`, [D, step.object, step.from, step.to]);
      return;
    case 'changeFieldType': {
      const f = step.field;
      if (step.previous.type === 'reference') await dropForeignKey(trx, step.object, step.previous);
      if (step.previous.unique) await dropUnique(trx, step.previous);
      await trx.raw(`ALTER TABLE ??.?? ALTER COLUMN ?? TYPE ${columnType(f)} USING ${step.using}`, [D, step.object, f.name, ...step.usingBindings]);
      deferred.push(() => addForeignKey(trx, step.object, f));
      if (f.unique) deferred.push(() => addUnique(trx, step.object, f));
      if (f.type === 'autonumber') await startAutonumber(trx, step.object, f);
      if (isComputed(f)) backfill.push({ object: step.object, field: f.name });
      return;
    }
    case 'updateField': {
      const f = step.field;
      const p = step.previous;
      if (!!f.unique !== !!p.unique) {
        if (f.unique) deferred.push(() => addUnique(trx, step.object, f));
        else await dropUnique(trx, p);
      }
      if (f.type === 'reference' && p.type === 'reference' && f.onDelete !== p.onDelete) {
        await dropForeignKey(trx, step.object, p);
        deferred.push(() => addForeignKey(trx, step.object, f));
      }
      if (isComputed(f) && JSON.stringify(f) !== JSON.stringify({ ...p, name: f.name })) {
        backfill.push({ object: step.object, field: f.name });
      }
      return;
    }
    case 'removeField':
      await trx.raw(`ALTER TABLE ??.?? RENAME COLUMN ?? TO ??`, [D, step.object, step.field.name, step.binColumn]);
      await binRow(trx, ctx, { kind: 'field', object: step.object, name: step.field.name, storedAs: step.binColumn, definition: step.field, pkg: step.field.package });
      return;
    case 'addIndex': {
      const cols = step.index.fields.map(() => '??').join(', ');
      const unique = step.index.unique ? 'UNIQUE ' : '';
      const where = step.index.unique ? ` WHERE "_deletedAt" IS NULL` : '';
      deferred.push(async () => {
        await trx.raw(`CREATE ${unique}INDEX ?? ON ??.?? (${cols})${where}`, [step.index.indexName, D, step.object, ...step.index.fields]);
      });
      return;
    }
    case 'removeIndex':
      await trx.raw(`DROP INDEX IF EXISTS ??.??`, [D, step.index.indexName]);
      return;
    case 'updateObject': case 'putRule': case 'removeRule': case 'putElement': case 'removeElement': case 'setPackage':
      return; // metadata only: the new registry carries it
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

/** Runs the steps in `trx`. Steps refused by their data checks are skipped and marked. */
export async function applySteps(trx: Knex.Transaction, steps: PlanStep[], ctx: ApplyContext = {}): Promise<ApplyResult> {
  const deferred: Array<() => Promise<void>> = [];
  const backfill: ApplyResult['backfill'] = [];
  let refused = false;
  const out: PlanStep[] = [];
  for (const step of steps) {
    const table = tableOf(step);
    let results: CheckResult[] | undefined;
    if (table && step.checks?.length) {
      results = [];
      for (const check of step.checks) results.push(await runCheck(trx, table, check));
    }
    const blocked = results?.some((r) => r.refuse && r.count > 0) ?? false;
    out.push(results ? { ...step, results } : step);
    if (blocked) { refused = true; continue; }
    if (refused) continue; // the deploy will roll back: skip DDL that may depend on a refused step
    await runStep(trx, step, ctx, deferred, backfill);
  }
  if (!refused) for (const run of deferred) await run();
  return { steps: out, refused, backfill };
}
