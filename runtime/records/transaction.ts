/**
 * The transaction of one record operation. On its own it retries a deadlock or serialization
 * failure (concurrent writes to the same parents through rollups can meet in either order);
 * inside a caller's transaction (bulk) it is a savepoint, so one failed record does not abort
 * the others, and never retried (the caller's locks are still held).
 *
 * Database errors that bad input or a concurrent deploy can cause become precise 4xx errors,
 * never a 500.
 */
import type { Knex } from 'knex';
import { StrataError } from '../errors.ts';
import type { RecordContext } from './context.ts';
import { collecting, handUp, notificationBuffer, notifyCommitted } from './notifications.ts';

const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 4;

export function databaseProblem(err: unknown): StrataError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case '42703': case '42P01':
      // A column or table the request's registry version knew is gone: a deploy ran meanwhile.
      return new StrataError(409, 'metadata_changed', 'The object changed while this request ran (a deploy); send it again');
    case '22003':
      return new StrataError(422, 'out_of_range', 'A value is too large for its field');
    case '23503':
      return new StrataError(422, 'invalid_reference', 'A referenced record does not exist',
        [{ field: '', code: 'reference', message: 'A referenced record does not exist' }]);
    case '40P01': case '40001':
      return new StrataError(503, 'busy', 'The record is being changed by others right now; try again', undefined);
    default:
      return undefined;
  }
}

export async function inTransaction<T>(ctx: RecordContext, trxIn: Knex.Transaction | undefined, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  if (trxIn) {
    try {
      return await savepoint(trxIn, fn);
    } catch (err) {
      throw databaseProblem(err) ?? err;
    }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      // The events' notifications go out once committed (notifications.ts).
      const { result, payloads } = await ctx.knex.transaction((trx) => collecting(trx, fn));
      notifyCommitted(ctx.knex, payloads);
      return result;
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && RETRYABLE.has(code) && attempt < MAX_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
        continue;
      }
      throw databaseProblem(err) ?? err;
    }
  }
}

/**
 * Inside a caller's transaction (bulk), a failed record must not abort the others. The
 * savepoint's event notifications join its parent's only when it succeeds.
 */
export async function savepoint<T>(trx: Knex.Transaction, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  if (!notificationBuffer(trx)) return trx.transaction(fn);
  const { result, payloads } = await trx.transaction((sp) => collecting(sp, fn));
  handUp(trx, payloads);
  return result;
}
