/**
 * Field history of `trackHistory` objects: one row per changed field, in the change's
 * transaction. Fields people change are tracked; computed ones (formulas, rollups,
 * autonumbers) follow from those and are not.
 */
import type { Knex } from 'knex';
import { SYSTEM_SCHEMA } from '../db/names.ts';
import { isComputedField } from '../../metadata/record-schema.ts';
import type { DeployedObject } from '../metadata/deployed.ts';
import { sameValue } from './same.ts';

export async function recordHistory(trx: Knex.Transaction, object: DeployedObject, id: string, before: Record<string, unknown>, after: Record<string, unknown>, by: string): Promise<void> {
  if (!object.trackHistory) return;
  const rows: Array<[string, string, string, string, string, string]> = [];
  for (const f of object.fields) {
    if (isComputedField(f) || !(f.name in after) || sameValue(before[f.name], after[f.name])) continue;
    rows.push([object.name, id, f.name, JSON.stringify(before[f.name] ?? null), JSON.stringify(after[f.name] ?? null), by]);
  }
  // A change of owner is a change people care about too.
  if ('ownerId' in after && !sameValue(before.ownerId, after.ownerId)) {
    rows.push([object.name, id, 'ownerId', JSON.stringify(before.ownerId ?? null), JSON.stringify(after.ownerId ?? null), by]);
  }
  if (!rows.length) return;
  // One statement for every changed field.
  await trx.raw(
    `INSERT INTO ${SYSTEM_SCHEMA}.field_history (object, record_id, field, from_value, to_value, by) VALUES ${rows.map(() => '(?, ?, ?, ?::jsonb, ?::jsonb, ?)').join(', ')}`,
    rows.flat(),
  );
}

export interface HistoryEntry { at: string; by: string | null; field: string; from: unknown; to: unknown }

export async function readHistory(knex: Knex, object: string, id: string, visible: (field: string) => boolean): Promise<HistoryEntry[]> {
  const { rows } = await knex.raw(
    `SELECT at, by, field, from_value, to_value FROM ${SYSTEM_SCHEMA}.field_history WHERE object = ? AND record_id = ? ORDER BY at DESC, id DESC LIMIT 1000`,
    [object, id],
  );
  return (rows as Array<{ at: string; by: string | null; field: string; from_value: unknown; to_value: unknown }>)
    .filter((r) => visible(r.field))
    .map((r) => ({ at: r.at, by: r.by, field: r.field, from: r.from_value, to: r.to_value }));
}
