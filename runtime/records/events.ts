/**
 * Record events: written to the outbox in the change's own transaction and NOTIFYed on commit,
 * so every server process (SSE, workflows) sees each committed change once, and none that
 * rolled back.
 */
import type { Knex } from 'knex';
import { SYSTEM_SCHEMA } from '../db/names.ts';

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

export async function publishEvent(trx: Knex.Transaction, e: Omit<RecordEvent, 'id' | 'at'>): Promise<void> {
  const { rows } = await trx.raw(
    `INSERT INTO ${SYSTEM_SCHEMA}.events (type, object, record_id, actor, owner_id, data) VALUES (?, ?, ?, ?, ?, ?::jsonb) RETURNING id, at`,
    [e.type, e.object, e.recordId, e.actor, e.ownerId, JSON.stringify({ changed: e.changed ?? null })],
  );
  const event: RecordEvent = { ...e, id: Number(rows[0].id), at: rows[0].at };
  let payload = JSON.stringify(event);
  // NOTIFY payloads stop at 8000 bytes: a huge change list stays in the outbox row only.
  if (payload.length > 7000) payload = JSON.stringify({ ...event, changed: undefined });
  await trx.raw(`SELECT pg_notify(?, ?)`, [EVENTS_CHANNEL, payload]);
}
