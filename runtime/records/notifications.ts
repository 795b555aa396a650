/**
 * Record events are NOTIFYed after their write commits, by the writing process, batched:
 * not by pg_notify inside the write. PostgreSQL serializes the commits of every transaction
 * that NOTIFYs (a database-wide lock held through the commit's WAL flush), which capped
 * single creates at about 1/fsync per second however many ran at once; measured on this
 * machine: 226 inserts/s with an in-transaction NOTIFY, 1,000-1,700/s without.
 *
 * A write transaction started by inTransaction (or a savepoint under one) collects its events'
 * payloads here; a savepoint hands them to its parent only when it succeeds, and a transaction
 * sends them only once committed, so listeners still see each committed change once and none
 * that rolled back. Notifications go out FIFO, one statement per batch, one batch at a time
 * per database handle. A transaction that did not register (someone else's knex transaction)
 * gets the NOTIFY inside it, as before (events.ts).
 */
import type { Knex } from 'knex';
import { EVENTS_CHANNEL } from './events.ts';

const buffers = new WeakMap<Knex.Transaction, string[]>();

/** The payload buffer of a transaction, if it collects them. */
export function notificationBuffer(trx: Knex | Knex.Transaction): string[] | undefined {
  return buffers.get(trx as Knex.Transaction);
}

/** Runs `fn` in `trx` collecting payloads; returns them with its result. */
export async function collecting<T>(trx: Knex.Transaction, fn: (trx: Knex.Transaction) => Promise<T>): Promise<{ result: T; payloads: string[] }> {
  const payloads: string[] = [];
  buffers.set(trx, payloads);
  const result = await fn(trx);
  return { result, payloads };
}

/** A savepoint's payloads, once it succeeded, join its parent's (when the parent collects). */
export function handUp(parent: Knex.Transaction, payloads: readonly string[]): void {
  const into = buffers.get(parent);
  if (into) for (const p of payloads) into.push(p);
}

class Notifier {
  private queue: string[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly knex: Knex) {}

  send(payloads: readonly string[]): void {
    if (!payloads.length) return;
    for (const p of payloads) this.queue.push(p);
    this.running ??= this.drain().finally(() => { this.running = undefined; });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, 1000);
      try {
        await this.knex.raw(`SELECT count(pg_notify(?, p)) FROM unnest(?::text[]) AS p`, [EVENTS_CHANNEL, batch]);
      } catch {
        // The events are in the outbox all the same: listeners catch up from there on reconnect.
      }
    }
  }

  async flush(): Promise<void> {
    while (this.running) await this.running;
  }
}

const notifiers = new WeakMap<Knex, Notifier>();

/** Sends committed events' notifications (not awaited by the write). */
export function notifyCommitted(knex: Knex, payloads: readonly string[]): void {
  if (!payloads.length) return;
  let n = notifiers.get(knex);
  if (!n) {
    n = new Notifier(knex);
    notifiers.set(knex, n);
  }
  n.send(payloads);
}

/** Waits for notifications still on their way (before closing the database). */
export async function flushNotifications(knex: Knex): Promise<void> {
  await notifiers.get(knex)?.flush();
}
