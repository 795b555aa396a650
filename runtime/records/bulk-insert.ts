/**
 * The set-based INSERT of every create (a single one is a batch of one): autonumbers for the
 * batch at once, then one statement that writes the rows and their `record.created` events
 * (events.ts, the one event writer) and NOTIFYs them.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { DATA_SCHEMA } from '../db/names.ts';
import type { DeployedObject } from '../metadata/deployed.ts';
import { columnType } from '../schema/column-type.ts';
import type { RecordContext } from './context.ts';
import { eventStatement } from './events.ts';
import { notificationBuffer } from './notifications.ts';
import type { Values } from './steps.ts';

/** A record that passed the pure steps: its new id and its values. */
export interface RowToInsert { id: string; values: Values }

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * How a column travels in the multi-row INSERT: as one array parameter of `param` type per
 * column, unnested into rows; `select` turns the unnested value (alias `u.cN`) into the column.
 */
interface Column {
  name: string;
  param: string;
  select: (value: string) => string;
  encode: (v: unknown) => unknown;
}

const plain = (v: unknown) => (v === undefined ? null : v);

/**
 * A PostgreSQL array literal of one column's values (strings, numbers, booleans or null, as
 * the columns encode them): what pg would make of a JS array, built without a regex per value.
 */
export function arrayLiteral(values: readonly unknown[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) {
      out += 'NULL';
      continue;
    }
    const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
    out += s.includes('"') || s.includes('\\') ? `"${s.replace(/["\\]/g, '\\$&')}"` : `"${s}"`;
  }
  return `${out}}`;
}
const SYSTEM_UUIDS = ['id', 'ownerId', 'createdBy', 'updatedBy'];

const columnCache = new WeakMap<DeployedObject, Map<string, Column>>();
function columnsOf(object: DeployedObject): Map<string, Column> {
  let cols = columnCache.get(object);
  if (cols) return cols;
  cols = new Map();
  for (const name of SYSTEM_UUIDS) cols.set(name, { name, param: 'uuid', select: (v) => v, encode: plain });
  for (const f of object.fields) {
    if (f.type === 'json') {
      // As create.ts stores it: JSON null is SQL NULL, so `isNull` filters find it.
      cols.set(f.name, { name: f.name, param: 'text', select: (v) => `${v}::jsonb`, encode: (v) => (v === undefined || v === null ? null : JSON.stringify(v)) });
    } else if (f.type === 'multipicklist') {
      // An array per row cannot be unnested from a 2-D array: it travels as JSON text.
      cols.set(f.name, {
        name: f.name, param: 'text',
        select: (v) => `CASE WHEN ${v} IS NULL THEN NULL ELSE ARRAY(SELECT json_array_elements_text(${v}::json)) END`,
        encode: (v) => (v === undefined || v === null ? null : JSON.stringify(v)),
      });
    } else {
      cols.set(f.name, { name: f.name, param: columnType(f), select: (v) => v, encode: plain });
    }
  }
  columnCache.set(object, cols);
  return cols;
}

/**
 * INSERTs the rows, writes a `record.created` event per row and NOTIFYs each, in one
 * statement and one round trip: each column travels as one array, in the column's own type,
 * and `unnest` makes the rows of them. Autonumbers must have been taken (takeAutonumbersFor).
 * With `returning`, the stored rows come back (in no particular order). The events' NOTIFY
 * payloads go to `payloads` when given (notifications.ts), else to the collecting transaction,
 * else they are NOTIFYed by the statement itself. `prepared` (outside a transaction only): as
 * a named prepared statement, see runPrepared.
 */
export async function insertRows(db: Knex | Knex.Transaction, ctx: RecordContext, object: DeployedObject, pending: readonly RowToInsert[], opts: { returning?: boolean; payloads?: string[]; prepared?: boolean } = {}): Promise<Values[]> {
  const known = columnsOf(object);
  const present = new Set<string>(SYSTEM_UUIDS);
  for (const p of pending) for (const k in p.values) if (p.values[k] !== undefined && known.has(k)) present.add(k);
  const cols = [...present].map((name) => known.get(name) as Column);
  const n = pending.length;
  const cells = cols.map(() => new Array<unknown>(n));
  for (let i = 0; i < n; i++) {
    const p = pending[i];
    const v = p.values;
    for (let j = 0; j < cols.length; j++) {
      const c = cols[j];
      cells[j][i] = c.name === 'id' ? p.id : c.name === 'createdBy' || c.name === 'updatedBy' ? ctx.user.id : c.encode(v[c.name]);
    }
  }
  // A column with one value for every row (the creator, counters at zero, a default, a
  // column left empty) travels once, as a scalar (`k.kN`); the others as one array each,
  // unnested into rows (`u.cN`). The id always varies, so there is always an array.
  const select: string[] = [];
  const scalars: Array<{ column: Column; value: unknown }> = [];
  const varying: Array<{ column: Column; values: unknown[] }> = [];
  for (let j = 0; j < cols.length; j++) {
    const values = cells[j];
    const first = values[0];
    let same = cols[j].name !== 'id';
    for (let i = 1; i < n && same; i++) same = values[i] === first;
    if (same) {
      select.push(cols[j].select(`k.k${scalars.length}`));
      scalars.push({ column: cols[j], value: first === undefined ? null : first });
    } else {
      select.push(cols[j].select(`u.c${varying.length}`));
      varying.push({ column: cols[j], values });
    }
  }
  const constants = scalars.length ? `, (SELECT ${scalars.map((c, j) => `?::${c.column.param} AS k${j}`).join(', ')}) AS k` : '';
  const table = `${ident(DATA_SCHEMA)}.${ident(object.name)}`;
  const buffer = opts.payloads ?? notificationBuffer(db);
  const events = eventStatement('ins', { type: 'record.created', object: object.name, actor: ctx.user.id }, { collect: !!buffer });
  const { rows } = await run(db, opts.prepared ? `strata_${ctx.registry.version}_` : undefined,
    `WITH ins AS (
       INSERT INTO ${table} (${cols.map((c) => ident(c.name)).join(', ')})
       SELECT ${select.join(', ')}
       FROM unnest(${varying.map((v) => `?::${v.column.param}[]`).join(', ')}) AS u(${varying.map((_, j) => `c${j}`).join(', ')})${constants}
       RETURNING ${opts.returning ? '*' : '"id", "ownerId"'}
     ), ${events.sql}
     ${opts.returning ? 'SELECT ins.*, ev_notified.payloads AS "_payloads" FROM ins, ev_notified' : 'SELECT payloads AS "_payloads" FROM ev_notified'}`,
    [...varying.map((v) => arrayLiteral(v.values)), ...scalars.map((c) => c.value as Knex.Value), ...events.bindings],
  );
  const result = rows as Array<Values & { _payloads?: string[] | null }>;
  if (buffer) for (const p of result[0]?._payloads ?? []) buffer.push(p);
  if (!opts.returning) return [];
  return result.map(({ _payloads: _p, ...row }) => row);
}

interface PgClient { query(q: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }> }

/**
 * A statement as a named prepared statement on a pooled connection: PostgreSQL plans it once
 * per connection instead of on every create (measured: planning this statement took longer
 * than running it). Names carry the registry version; a request still on the version before a
 * deploy that changed the table may find PostgreSQL refusing the cached plan (0A000): the
 * statement then runs unprepared.
 */
async function run(db: Knex | Knex.Transaction, prefix: string | undefined, sql: string, bindings: readonly Knex.RawBinding[]): Promise<{ rows: unknown[] }> {
  if (prefix === undefined || (db as { isTransaction?: boolean }).isTransaction) return db.raw(sql, bindings);
  const native = db.raw(sql, bindings).toSQL().toNative();
  // Per registry version: a deploy that changes the table starts new statements.
  const name = `${prefix}${createHash('sha1').update(native.sql).digest('base64url')}`;
  const client = db.client as { acquireConnection(): Promise<PgClient>; releaseConnection(c: PgClient): Promise<void> };
  const conn = await client.acquireConnection();
  try {
    return await conn.query({ name, text: native.sql, values: native.bindings as unknown[] });
  } catch (err) {
    if ((err as { code?: unknown }).code !== '0A000') throw err;
    return await conn.query({ text: native.sql, values: native.bindings as unknown[] });
  } finally {
    await client.releaseConnection(conn);
  }
}
