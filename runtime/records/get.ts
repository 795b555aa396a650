/** Read one record (with `expand` of its references). */
import { objectOf, type RecordContext } from './context.ts';
import { expandRecords } from './expand.ts';
import { loadRow } from './load.ts';
import { toRecord, type ApiRecord } from './serialize.ts';

export async function getRecord(ctx: RecordContext, objectName: string, id: string, opts: { expand?: unknown } = {}): Promise<ApiRecord> {
  const object = objectOf(ctx, objectName);
  const row = await loadRow(ctx.knex, ctx, object, id, { action: 'read' });
  const record = toRecord(object, row, ctx.access);
  if (opts.expand !== undefined) await expandRecords(ctx, object, [record], opts.expand);
  return record;
}
