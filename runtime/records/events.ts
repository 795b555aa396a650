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
  const changed = e.changed ?? null;
  // NOTIFY payloads stop at 8000 bytes: a huge change list stays in the outbox row only.
  const notifyChanged = changed && JSON.stringify(changed).length > 6000 ? null : changed;
  // One round trip: the outbox row and its notification (delivered on commit).
  await trx.raw(
    `WITH ev AS (
       INSERT INTO ${SYSTEM_SCHEMA}.events (type, object, record_id, actor, owner_id, data)
       VALUES (?, ?, ?, ?, ?, ?::jsonb) RETURNING id, at
     )
     SELECT pg_notify(?, json_strip_nulls(json_build_object(
       'type', ?::text, 'object', ?::text, 'recordId', ?::text, 'ownerId', ?::text, 'actor', ?::text,
       'changed', ?::jsonb, 'id', ev.id,
       'at', to_char(ev.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))::text)
     FROM ev`,
    [e.type, e.object, e.recordId, e.actor, e.ownerId, JSON.stringify({ changed }),
      EVENTS_CHANNEL, e.type, e.object, e.recordId, e.ownerId, e.actor, notifyChanged === null ? null : JSON.stringify(notifyChanged)],
  );
}
