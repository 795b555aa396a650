/**
 * The event hub: ONE `LISTEN strata_events` connection per process, fanning every committed
 * record event out to this process's subscribers (SSE streams, …). Because every process
 * LISTENs, a change made through any process reaches the subscribers of all of them.
 *
 * It never takes the process down: a lost connection is reopened with exponential backoff
 * (and a ping notices a silently dead one); after reconnecting, the events committed in the
 * meantime are read from the outbox and delivered, so subscribers miss nothing but the rare
 * event whose transaction took an id before the outage and committed during it.
 */
import pg from 'pg';
import { EVENTS_CHANNEL, type RecordEvent } from '../records/events.ts';
import { eventFromPayload, eventFromRow, OUTBOX_COLUMNS, OUTBOX_TABLE, type OutboxRow } from './outbox.ts';

export type EventListener = (event: RecordEvent) => void;

export interface EventHubOptions {
  /** Connection string of the database (the engine's `db.url`). */
  url: string;
  channel?: string;
  /** First reconnect delay (doubles on each failure, up to maxDelayMs). */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** How often the idle connection is pinged to notice a dead one. */
  pingMs?: number;
  /** At most this many missed events are read back after a reconnect. */
  catchUpLimit?: number;
  log?: (message: string, err?: unknown) => void;
}

/** Shown in pg_stat_activity, so the LISTEN connection is easy to find. */
export const HUB_APPLICATION_NAME = 'strata-events';
const RECENT_IDS = 10_000;
const CATCH_UP_PAGE = 1000;

export class EventHub {
  private readonly opts: Required<Omit<EventHubOptions, 'log'>> & Pick<EventHubOptions, 'log'>;
  private readonly listeners = new Set<EventListener>();
  private client: pg.Client | undefined;
  private stopped = true;
  private connecting: Promise<void> | undefined;
  /** The connection being opened (ended at once by stop()). */
  private opening: pg.Client | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private delay: number;
  /** Highest event id delivered (or present when we first connected). */
  private lastId: number | undefined;
  /** Recently delivered ids: a catch-up after a reconnect must not deliver an event twice. */
  private readonly recent = new Set<number>();
  private connects = 0;

  constructor(opts: EventHubOptions) {
    this.opts = {
      channel: EVENTS_CHANNEL, minDelayMs: 250, maxDelayMs: 15_000, pingMs: 30_000, catchUpLimit: 10_000, ...opts,
    };
    this.delay = this.opts.minDelayMs;
  }

  /** Connects and LISTENs. Never throws: when the database is away it keeps retrying. */
  async start(): Promise<void> {
    if (!this.stopped) return this.connecting;
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.retryTimer = undefined;
    this.pingTimer = undefined;
    await this.opening?.end().catch(() => {});
    await this.connecting?.catch(() => {});
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  /** Calls `listener` with every event committed from now on; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  /** How many times a LISTEN connection has been opened (1 without outages). */
  get connectionCount(): number {
    return this.connects;
  }

  private log(message: string, err?: unknown): void {
    try {
      this.opts.log?.(message, err);
    } catch {
      // a logger must not break the hub
    }
  }

  private connect(): Promise<void> {
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.opts.url, keepAlive: true, connectionTimeoutMillis: 10_000, application_name: HUB_APPLICATION_NAME });
    this.opening = client;
    // Attached before connecting: an 'error' without a listener would crash the process.
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    client.on('notification', (msg) => {
      if (msg.channel !== this.opts.channel || this.client !== client) return;
      const event = eventFromPayload(msg.payload);
      if (event) this.deliver(event);
      else this.log(`ignored a malformed ${this.opts.channel} notification`);
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.opts.channel.replaceAll('"', '""')}"`);
      if (this.stopped) {
        await client.end().catch(() => {});
        return;
      }
      this.client = client;
      this.connects++;
      await this.catchUp(client);
      this.delay = this.opts.minDelayMs;
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.ping(client), this.opts.pingMs);
      this.pingTimer.unref();
    } catch (err) {
      if (this.client === client) this.client = undefined;
      await client.end().catch(() => {});
      if (!this.stopped) this.log('could not LISTEN for record events; retrying', err);
      this.retry();
    } finally {
      if (this.opening === client) this.opening = undefined;
    }
  }

  /** After (re)connecting: on the first connection remember where the outbox is; after an outage deliver what was missed. */
  private async catchUp(client: pg.Client): Promise<void> {
    if (this.lastId === undefined) {
      const { rows } = await client.query<{ id: number | string | null }>(`SELECT max(id) AS id FROM ${OUTBOX_TABLE}`);
      this.lastId ??= Number(rows[0]?.id ?? 0);
      return;
    }
    // Our own cursor: live notifications arriving meanwhile move lastId but must not skip a page.
    let after = this.lastId;
    let read = 0;
    while (read < this.opts.catchUpLimit && this.client === client) {
      const { rows } = await client.query<OutboxRow>(
        `SELECT ${OUTBOX_COLUMNS} FROM ${OUTBOX_TABLE} WHERE id > $1 ORDER BY id LIMIT $2`, [after, CATCH_UP_PAGE]);
      for (const row of rows) {
        const event = eventFromRow(row);
        if (event) this.deliver(event);
        after = Math.max(after, Number(row.id));
      }
      read += rows.length;
      if (rows.length < CATCH_UP_PAGE) break;
    }
    if (read) this.log(`delivered ${read} record event(s) missed while disconnected`);
  }

  private ping(client: pg.Client): void {
    if (this.client !== client) return;
    client.query('SELECT 1').catch((err: unknown) => this.lost(client, err));
  }

  private lost(client: pg.Client, err?: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    client.end().catch(() => {});
    if (this.stopped) return;
    this.log('lost the record events connection; reconnecting', err);
    this.retry();
  }

  private retry(): void {
    if (this.stopped || this.retryTimer) return;
    const wait = this.delay * (0.75 + Math.random() * 0.5);
    this.delay = Math.min(this.delay * 2, this.opts.maxDelayMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, wait);
    this.retryTimer.unref();
  }

  private deliver(event: RecordEvent): void {
    if (this.recent.has(event.id)) return;
    this.recent.add(event.id);
    if (this.recent.size > RECENT_IDS) this.recent.delete(this.recent.values().next().value!);
    this.lastId = Math.max(this.lastId ?? 0, event.id);
    for (const listener of Array.from(this.listeners)) {
      try {
        listener(event);
      } catch (err) {
        this.log('a record event subscriber failed', err);
      }
    }
  }
}
