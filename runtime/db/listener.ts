/**
 * A resilient LISTEN connection on one channel: reopened with exponential backoff when lost,
 * pinged so that a silently dead connection is noticed, and telling its owner when it goes
 * down and comes back (so a cache fed by it can stop trusting itself meanwhile).
 */
import pg from 'pg';

export interface ListenerOptions {
  url: string;
  channel: string;
  /** Shown in pg_stat_activity. */
  applicationName: string;
  onNotification(payload: string): void;
  /** LISTEN is in place (first time and after every outage). */
  onUp?(): void;
  /** The connection was lost (called once per outage). */
  onDown?(err?: unknown): void;
  minDelayMs?: number;
  maxDelayMs?: number;
  pingMs?: number;
  log?: (message: string, err?: unknown) => void;
}

export class Listener {
  private readonly opts: ListenerOptions & Required<Pick<ListenerOptions, 'minDelayMs' | 'maxDelayMs' | 'pingMs'>>;
  private client: pg.Client | undefined;
  private opening: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private stopped = true;
  private retryTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private delay: number;

  constructor(opts: ListenerOptions) {
    this.opts = { minDelayMs: 250, maxDelayMs: 15_000, pingMs: 10_000, ...opts };
    this.delay = this.opts.minDelayMs;
  }

  /** LISTEN in place right now. */
  get connected(): boolean {
    return this.client !== undefined;
  }

  /** Connects; never throws (keeps retrying while the database is away). */
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

  private log(message: string, err?: unknown): void {
    try {
      this.opts.log?.(message, err);
    } catch {
      // a logger must not break the listener
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
    const client = new pg.Client({ connectionString: this.opts.url, keepAlive: true, connectionTimeoutMillis: 10_000, application_name: this.opts.applicationName });
    this.opening = client;
    // Attached before connecting: an 'error' without a listener would crash the process.
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    client.on('notification', (msg) => {
      if (msg.channel === this.opts.channel && this.client === client) this.opts.onNotification(msg.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.opts.channel.replaceAll('"', '""')}"`);
      if (this.stopped) {
        await client.end().catch(() => {});
        return;
      }
      this.client = client;
      this.delay = this.opts.minDelayMs;
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.ping(client), this.opts.pingMs);
      this.pingTimer.unref();
      this.opts.onUp?.();
    } catch (err) {
      if (this.client === client) this.client = undefined;
      await client.end().catch(() => {});
      if (!this.stopped) this.log(`could not LISTEN on ${this.opts.channel}; retrying`, err);
      this.retry();
    } finally {
      if (this.opening === client) this.opening = undefined;
    }
  }

  /**
   * A round trip on the LISTEN connection: PostgreSQL sends a listening session the
   * notifications committed before a query ahead of that query's answer, so when this
   * resolves every notification committed before the call has been handled. False when down.
   */
  async sync(): Promise<boolean> {
    const client = this.client;
    if (!client) return false;
    try {
      await client.query('SELECT 1');
      return true;
    } catch (err) {
      this.lost(client, err);
      return false;
    }
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
    this.opts.onDown?.(err);
    if (this.stopped) return;
    this.log(`lost the ${this.opts.channel} connection; reconnecting`, err);
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
}
