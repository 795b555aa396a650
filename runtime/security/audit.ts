/** The audit log: who did what, when, from where. Written by security-relevant operations. */
import type { Knex } from 'knex';
import { SYSTEM_SCHEMA } from '../db/names.ts';

export interface AuditEntry {
  action: string;
  actorId?: string | null;
  actorEmail?: string | null;
  target?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

export async function audit(knex: Knex | Knex.Transaction, e: AuditEntry): Promise<void> {
  await knex.raw(
    `INSERT INTO ${SYSTEM_SCHEMA}.audit_log (action, actor_id, actor_email, target, ip, detail) VALUES (?, ?, ?, ?, ?, ?::jsonb)`,
    [e.action, e.actorId ?? null, e.actorEmail ?? null, e.target ?? null, e.ip ?? null, JSON.stringify(e.detail ?? {})],
  );
}
