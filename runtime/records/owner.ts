/** A record's owner must be an active user: else 422, never a record owned by no one. */
import type { Knex } from 'knex';
import { SYSTEM_SCHEMA } from '../db/names.ts';
import { StrataError } from '../errors.ts';

export async function checkOwner(trx: Knex.Transaction, ownerId: unknown): Promise<void> {
  const { rows } = await trx.raw(`SELECT 1 FROM ${SYSTEM_SCHEMA}.users WHERE id = ? AND active`, [String(ownerId)]);
  if (!(rows as unknown[]).length) {
    throw new StrataError(422, 'invalid_owner', 'The owner must be an active user',
      [{ field: 'ownerId', code: 'reference', message: `No active user with id ${String(ownerId).slice(0, 40)}` }]);
  }
}
