/**
 * Autonumbers: `ORD-{0000}` → ORD-0001, ORD-0002 … Taking a number locks the field's counter
 * row until the record's transaction ends, so numbers are gap-free under concurrency: a
 * rolled-back insert gives its number back.
 */
import type { Knex } from 'knex';
import { SYSTEM_SCHEMA } from '../db/names.ts';
import { formatAutonumber } from '../schema/autonumber.ts';
import type { DeployedObject } from '../metadata/deployed.ts';

// One definition of the display, shared with the deploy that numbers existing records.
export { formatAutonumber } from '../schema/autonumber.ts';

/** Takes the next `rows.length` numbers of every autonumber field at once, in row order. */
export async function takeAutonumbersFor(trx: Knex.Transaction, object: DeployedObject, rows: Array<Record<string, unknown>>): Promise<void> {
  const n = rows.length;
  if (!n) return;
  for (const f of object.fields) {
    if (f.type !== 'autonumber') continue;
    const { rows: got } = await trx.raw(
      `INSERT INTO ${SYSTEM_SCHEMA}.autonumbers (field_id, next_value) VALUES (?, ?)
       ON CONFLICT (field_id) DO UPDATE SET next_value = ${SYSTEM_SCHEMA}.autonumbers.next_value + ?
       RETURNING next_value`,
      [f.id, (f.startAt ?? 1) + n, n],
    );
    const first = Number((got as Array<{ next_value: number | string }>)[0].next_value) - n;
    for (let i = 0; i < n; i++) rows[i][f.name] = formatAutonumber(f.format, first + i);
  }
}

