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

export interface AuditRecord { id: number; at: string; actorId: string | null; actorEmail: string | null; action: string; target: string | null; ip: string | null; detail: unknown }

/** Newest first; `before` is the id of the oldest entry already seen. */
export async function readAuditLog(knex: Knex, opts: { limit: number; before?: string }): Promise<AuditRecord[]> {
  const limit = Number.isInteger(opts.limit) && opts.limit > 0 && opts.limit <= 1000 ? opts.limit : 100;
  const before = opts.before && /^\d{1,18}$/.test(opts.before) ? opts.before : null;
  const { rows } = await knex.raw(
    `SELECT * FROM ${SYSTEM_SCHEMA}.audit_log WHERE (?::bigint IS NULL OR id < ?::bigint) ORDER BY id DESC LIMIT ?`,
    [before, before, limit],
  );
  return (rows as Array<Record<string, unknown>>).map((r) => ({
    id: Number(r.id), at: r.at as string, actorId: r.actor_id as string | null, actorEmail: r.actor_email as string | null,
    action: r.action as string, target: r.target as string | null, ip: r.ip as string | null, detail: r.detail,
  }));
}
