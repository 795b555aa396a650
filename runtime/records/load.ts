/** Reading one row for an operation, through the caller's row access: else 404, as if absent. */
import type { Knex } from 'knex';
import { DATA_SCHEMA } from '../db/names.ts';
import { forbidden, notFound } from '../errors.ts';
import type { DeployedObject } from '../metadata/deployed.ts';
import type { RecordAction } from '../security/access.ts';
import type { RecordContext } from './context.ts';
import { isUuid } from '../../metadata/record-schema.ts';

export interface LoadOptions {
  action: RecordAction;
  forUpdate?: boolean;
  /** Look in the recycle bin instead of live records. */
  deleted?: boolean;
}

export async function loadRow(db: Knex | Knex.Transaction, ctx: RecordContext, object: DeployedObject, id: unknown, opts: LoadOptions): Promise<Record<string, unknown>> {
  const missing = () => notFound(`No ${object.label ?? object.name} with id ${String(id).slice(0, 40)}`);
  if (typeof id !== 'string' || !isUuid(id)) throw missing();
  const rows = ctx.access.rows(object, opts.action);
  // A record the caller may not even read is reported as missing, never as forbidden.
  if (rows === 'none') {
    if (opts.action !== 'read') await refuseIfReadable(db, ctx, object, id, opts);
    throw missing();
  }
  const qb = db.from({ r: `${DATA_SCHEMA}.${object.name}` }).select('r.*').where('r.id', id);
  if (opts.deleted) qb.whereNotNull('r._deletedAt');
  else qb.whereNull('r._deletedAt');
  if (rows !== 'all') rows(qb, 'r');
  // An update changes no key: NO KEY UPDATE lets children referencing the row be inserted
  // meanwhile. A delete must wait for them (FOR UPDATE conflicts with their KEY SHARE), so
  // its restrict and cascade checks see every child.
  if (opts.forUpdate) {
    if (opts.action === 'update') qb.forNoKeyUpdate('r');
    else qb.forUpdate('r');
  }
  const row = await qb.first();
  if (!row) {
    if (opts.action !== 'read') await refuseIfReadable(db, ctx, object, id, opts);
    throw missing();
  }
  return row as Record<string, unknown>;
}

/** Readable but not writable: say so (403) rather than pretend the record is gone. */
async function refuseIfReadable(db: Knex | Knex.Transaction, ctx: RecordContext, object: DeployedObject, id: string, opts: LoadOptions): Promise<void> {
  const read = ctx.access.rows(object, 'read');
  if (read === 'none') return;
  const readable = db.from({ r: `${DATA_SCHEMA}.${object.name}` }).select('r.id').where('r.id', id);
  if (opts.deleted) readable.whereNotNull('r._deletedAt'); else readable.whereNull('r._deletedAt');
  if (read !== 'all') read(readable, 'r');
  if (await readable.first()) throw forbidden(`You may not ${opts.action} this ${object.label ?? object.name}`);
}
