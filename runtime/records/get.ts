/** Read one record (with `expand` of its references). */
import { CompiledCache, compileNative, runNative, type NativeQuery } from '../db/native.ts';
import { DATA_SCHEMA } from '../db/names.ts';
import { notFound } from '../errors.ts';
import type { DeployedObject } from '../metadata/deployed.ts';
import { objectOf, type RecordContext } from './context.ts';
import { expandRecords } from './expand.ts';
import { loadRow } from './load.ts';
import { toRecord, type ApiRecord } from './serialize.ts';
import { isUuid } from '../../metadata/record-schema.ts';

/**
 * The statement that reads a live record by id, compiled once per deployed object: used for
 * callers whose role reads every row of it (others go through loadRow, which adds their
 * row conditions). Its only binding is the id.
 */
const byId = new CompiledCache<NativeQuery>(1000);

function readAllQuery(ctx: RecordContext, object: DeployedObject): NativeQuery {
  const key = `${ctx.registry.version}\u0000${object.name}`;
  let query = byId.get(key);
  if (!query) {
    // The same statement loadRow builds for a read without row conditions.
    query = compileNative(ctx.knex.from({ r: `${DATA_SCHEMA}.${object.name}` }).select('r.*').where('r.id', '00000000-0000-0000-0000-000000000000').whereNull('r._deletedAt').limit(1));
    if (query.bindings.length !== 2) throw new Error(`unexpected bindings reading ${object.name} by id`);
    byId.set(key, query);
  }
  return query;
}

export async function getRecord(ctx: RecordContext, objectName: string, id: string, opts: { expand?: unknown } = {}): Promise<ApiRecord> {
  const object = objectOf(ctx, objectName);
  let row: Record<string, unknown> | undefined;
  if (ctx.access.rows(object, 'read') === 'all') {
    if (typeof id !== 'string' || !isUuid(id)) throw notFound(`No ${object.label ?? object.name} with id ${String(id).slice(0, 40)}`);
    const query = readAllQuery(ctx, object);
    row = (await runNative(ctx.knex, query, [id, query.bindings[1]]))[0];
    if (!row) throw notFound(`No ${object.label ?? object.name} with id ${String(id).slice(0, 40)}`);
  } else {
    row = await loadRow(ctx.knex, ctx, object, id, { action: 'read' });
  }
  const record = toRecord(object, row, ctx.access);
  if (opts.expand !== undefined) await expandRecords(ctx, object, [record], opts.expand);
  return record;
}
