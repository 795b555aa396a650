/**
 * Autonumbers: `ORD-{0000}` → ORD-0001, ORD-0002 … Taking a number locks the field's counter
 * row until the record's transaction ends, so numbers are gap-free under concurrency: a
 * rolled-back insert gives its number back.
 */
import type { Knex } from 'knex';
import type { AutonumberField } from '../../metadata/types.ts';
import { SYSTEM_SCHEMA } from '../db/names.ts';
import { formatAutonumber } from '../schema/autonumber.ts';
import type { DeployedField, DeployedObject } from '../metadata/deployed.ts';

// One definition of the display, shared with the deploy that numbers existing records.
export { formatAutonumber } from '../schema/autonumber.ts';

export async function takeAutonumbers(trx: Knex.Transaction, object: DeployedObject, record: Record<string, unknown>): Promise<void> {
  const fields = object.fields.filter((f): f is DeployedField & AutonumberField => f.type === 'autonumber');
  for (const f of fields) {
    const { rows } = await trx.raw(
      `INSERT INTO ${SYSTEM_SCHEMA}.autonumbers (field_id, next_value) VALUES (?, ?)
       ON CONFLICT (field_id) DO UPDATE SET next_value = ${SYSTEM_SCHEMA}.autonumbers.next_value + 1
       RETURNING next_value`,
      [f.id, (f.startAt ?? 1) + 1],
    );
    const taken = Number(rows[0].next_value) - 1;
    record[f.name] = formatAutonumber(f.format, taken);
  }
}
