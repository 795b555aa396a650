/**
 * Record events: written to the outbox in the change's own transaction and NOTIFYed on commit,
 * so every server process (SSE, workflows) sees each committed change once, and none that
 * rolled back.
 *
 * The one event writer: every write (single, bulk, cascades, restores) emits its events through
 * `eventStatement`, the SQL that turns the rows of a source (a CTE of written rows, or VALUES)
 * into outbox rows and their notifications, set-wise, in the same statement as the write when
 * it can.
 */
import type { Knex } from 'knex';
import { SYSTEM_SCHEMA } from '../db/names.ts';
import { notificationBuffer } from './notifications.ts';

export const EVENTS_CHANNEL = 'strata_events';
export type RecordEventType = 'record.created' | 'record.updated' | 'record.deleted' | 'record.restored';

export interface RecordEvent {
  id: number;
  type: RecordEventType;
  object: string;
  recordId: string;
  ownerId: string | null;
  actor: string | null;
  at: string;
  changed?: string[];
}

/** What the events of one statement share: their type, object and actor. */
export interface EventKind { type: RecordEventType; object: string; actor: string | null }

/** NOTIFY payloads stop at 8000 bytes: a huge change list stays in the outbox row only. */
const MAX_NOTIFY_CHANGED = 6000;

/**
 * CTEs (to follow `WITH <source CTEs>,`) that write one event per row of `source`, ending in a
 * relation `ev_notified` with one row and a column `payloads`: with `collect`, the events'
 * NOTIFY payloads (text[]) for notifications.ts to send after commit; without, NULL, the
 * events having been NOTIFYed inside the statement (delivered on commit). `source` must have
 * columns `id` and `"ownerId"`; with `changed`, also `changed` (jsonb list of field names, or
 * null) and `notify_changed` (the same, or null when too long for a notification).
 *
 * The payload is the JSON of a RecordEvent, made by concatenation (no per-row JSON builder):
 * the events of a statement share type, object, actor and time (events.at defaults to the
 * transaction's now()), which are computed once.
 */
export function eventStatement(source: string, kind: EventKind, opts: { changed?: boolean; collect?: boolean } = {}): { sql: string; bindings: Knex.RawBinding[] } {
  const changed = opts.changed ? 's.changed' : 'NULL::jsonb';
  // The change list rides along in the notification only when the source has one.
  const notifyChanged = opts.changed ? `|| COALESCE(',"changed":' || s.notify_changed::text, '')` : '';
  const payload = `'{"type":' || c.type_json || ',"object":' || c.object_json
        || ',"recordId":"' || ev.record_id || '"' || COALESCE(',"ownerId":"' || ev.owner_id || '"', '')
        || ',"actor":' || c.actor_json ${notifyChanged}
        || ',"id":' || ev.id || ',"at":"' || c.at || '"}'`;
  const sql = `
    ev_const AS (
      SELECT ?::text AS type, ?::text AS object, ?::uuid AS actor,
             to_json(?::text)::text AS type_json, to_json(?::text)::text AS object_json,
             COALESCE(to_json(?::text)::text, 'null') AS actor_json,
             to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
    ),
    ev AS (
      INSERT INTO ${SYSTEM_SCHEMA}.events (type, object, record_id, actor, owner_id, data)
      SELECT c.type, c.object, s.id, c.actor, s."ownerId", jsonb_build_object('changed', ${changed})
      FROM ${source} s, ev_const c
      RETURNING id, record_id, owner_id
    ),
    ev_notified AS (
      SELECT ${opts.collect ? `array_agg(${payload} ORDER BY ev.id)` : `count(pg_notify(?, ${payload})) AS n, NULL::text[]`} AS payloads
      FROM ev_const c, ev${opts.changed ? ` JOIN ${source} s ON s.id = ev.record_id` : ''}
    )`;
  return { sql, bindings: [kind.type, kind.object, kind.actor, kind.type, kind.object, kind.actor, ...(opts.collect ? [] : [EVENTS_CHANNEL])] };
}

/** The events of rows already written (updates, deletes, restores): one statement for all. */
export async function publishEvents(trx: Knex.Transaction, kind: EventKind, rows: ReadonlyArray<{ recordId: string; ownerId: string | null; changed?: string[] }>): Promise<void> {
  if (!rows.length) return;
  const withChanged = rows.some((r) => r.changed !== undefined);
  const changedOf = (r: { changed?: string[] }) => (r.changed === undefined ? null : JSON.stringify(r.changed));
  const notifyOf = (r: { changed?: string[] }) => {
    const c = changedOf(r);
    return c !== null && c.length > MAX_NOTIFY_CHANGED ? null : c;
  };
  const buffer = notificationBuffer(trx);
  const ev = eventStatement('src', kind, { changed: withChanged, collect: !!buffer });
  const source = withChanged
    ? `SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::jsonb[], ?::jsonb[]) AS u(id, "ownerId", changed, notify_changed)`
    : `SELECT * FROM unnest(?::uuid[], ?::uuid[]) AS u(id, "ownerId")`;
  // pg sends a JS array (nulls included) as a PostgreSQL array.
  const bindings = [rows.map((r) => r.recordId), rows.map((r) => r.ownerId)] as unknown as Knex.RawBinding[];
  if (withChanged) bindings.push(rows.map(changedOf) as unknown as Knex.RawBinding, rows.map(notifyOf) as unknown as Knex.RawBinding);
  const { rows: out } = await trx.raw(`WITH src AS (${source}), ${ev.sql} SELECT payloads FROM ev_notified`, [...bindings, ...ev.bindings]);
  if (buffer) for (const p of ((out as Array<{ payloads: string[] | null }>)[0]?.payloads ?? [])) buffer.push(p);
}

/** One record's event. */
export async function publishEvent(trx: Knex.Transaction, e: Omit<RecordEvent, 'id' | 'at'>): Promise<void> {
  await publishEvents(trx, { type: e.type, object: e.object, actor: e.actor }, [{ recordId: e.recordId, ownerId: e.ownerId, changed: e.changed }]);
}
