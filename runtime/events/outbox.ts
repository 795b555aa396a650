/**
 * Reading the record-event outbox (strata.events, written by runtime/records/events.ts):
 * for replaying what a listener missed, by event id.
 */
import type { Knex } from 'knex';
import { SYSTEM_SCHEMA } from '../db/names.ts';
import type { RecordEvent, RecordEventType } from '../records/events.ts';

export const EVENT_TYPES: readonly RecordEventType[] = ['record.created', 'record.updated', 'record.deleted', 'record.restored'];

export const OUTBOX_COLUMNS = 'id, type, object, record_id, owner_id, actor, at, data';
export const OUTBOX_TABLE = `${SYSTEM_SCHEMA}.events`;

export interface OutboxRow {
  id: number | string;
  type: string;
  object: string;
  record_id: string;
  owner_id: string | null;
  actor: string | null;
  at: string | Date;
  data: { changed?: unknown } | null;
}

function iso(at: unknown): string {
  const d = at instanceof Date ? at : new Date(String(at));
  return Number.isNaN(d.getTime()) ? String(at) : d.toISOString();
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
}

export function eventFromRow(r: OutboxRow): RecordEvent | undefined {
  if (!EVENT_TYPES.includes(r.type as RecordEventType)) return undefined;
  const changed = stringList(r.data?.changed);
  return {
    id: Number(r.id),
    type: r.type as RecordEventType,
    object: r.object,
    recordId: r.record_id,
    ownerId: r.owner_id,
    actor: r.actor,
    at: iso(r.at),
    ...(changed ? { changed } : {}),
  };
}

/** A NOTIFY payload (the JSON of a RecordEvent) → the event, or undefined when it is not one. */
export function eventFromPayload(payload: string | undefined): RecordEvent | undefined {
  if (!payload) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const id = Number(o.id);
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  if (!EVENT_TYPES.includes(o.type as RecordEventType) || typeof o.object !== 'string' || typeof o.recordId !== 'string') return undefined;
  const changed = stringList(o.changed);
  return {
    id,
    type: o.type as RecordEventType,
    object: o.object,
    recordId: o.recordId,
    ownerId: typeof o.ownerId === 'string' ? o.ownerId : null,
    actor: typeof o.actor === 'string' ? o.actor : null,
    at: iso(o.at),
    ...(changed ? { changed } : {}),
  };
}

/**
 * Events after `afterId`, oldest first: the most recent `limit` of them when more were written
 * (a client that missed more than that has a gap, as with any bounded replay).
 */
export async function eventsAfter(knex: Knex, afterId: number, opts: { limit: number; objects?: ReadonlySet<string> }): Promise<RecordEvent[]> {
  const qb = knex.from(OUTBOX_TABLE).select(knex.raw(OUTBOX_COLUMNS)).where('id', '>', afterId).orderBy('id', 'desc').limit(opts.limit);
  if (opts.objects) qb.whereIn('object', [...opts.objects]);
  const rows = (await qb) as OutboxRow[];
  return rows.reverse().map(eventFromRow).filter((e): e is RecordEvent => e !== undefined);
}
