/** After-save jobs: enqueued set-wise, in the transaction of the save that asked for them. */
import type { Knex } from 'knex';
import { SYSTEM_SCHEMA } from '../db/names.ts';
import type { DeployedObject } from '../metadata/deployed.ts';
import type { Job } from './seams.ts';

export async function enqueueJobs(trx: Knex.Transaction, object: DeployedObject, jobs: readonly Job[]): Promise<void> {
  if (!jobs.length) return;
  await trx.raw(
    `INSERT INTO ${SYSTEM_SCHEMA}.jobs (kind, object, record_id, payload)
     SELECT u.kind, ?, u.record_id, u.payload FROM unnest(?::text[], ?::uuid[], ?::jsonb[]) AS u(kind, record_id, payload)`,
    // pg sends a JS array (nulls included) as a PostgreSQL array.
    [object.name, jobs.map((j) => j.kind), jobs.map((j) => j.recordId), jobs.map((j) => (j.payload === undefined ? null : JSON.stringify(j.payload))) as unknown as string[]],
  );
}
