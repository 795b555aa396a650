/**
 * `GET /api/events`: Server-Sent Events of record changes the caller may read (CONTRACT §2).
 * One hub per process LISTENs on the database (runtime/events/hub.ts), so changes made through
 * any server process reach every stream. Each stream checks read access per batch of events
 * (runtime/events/readable.ts), replays what a reconnecting client missed (`Last-Event-ID`),
 * sends a heartbeat comment every 15 s, re-checks its credential every minute, and cleans up
 * when the client goes away or the server closes. When the registry version changes (a deploy
 * in any process: the registry cache LISTENs too), every stream gets a `metadata.changed` event
 * with the new version, so open pages refetch their metadata without a reload.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Engine } from '../../runtime/engine.ts';
import { badRequest } from '../../runtime/errors.ts';
import { EventHub } from '../../runtime/events/hub.ts';
import { eventsAfter } from '../../runtime/events/outbox.ts';
import { readableEvents } from '../../runtime/events/readable.ts';
import type { RecordEvent } from '../../runtime/records/events.ts';
import { policyFor, type PolicySubject } from '../../runtime/security/policy.ts';
import { requireUser } from '../plugins/auth.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's record-event hub (one LISTEN connection). */
    eventHub: EventHub;
  }
}

export const EVENTS_URL = '/api/events';

export interface EventRouteOptions {
  /** Interval of the keep-alive comment (default 15 s). */
  heartbeatMs?: number;
  /** At most this many missed events are replayed for `Last-Event-ID` (default 1000). */
  replayLimit?: number;
  /** How often a stream re-checks that its session or key is still valid (default 60 s; 0: never). */
  authCheckMs?: number;
  /** A client that lets this much pile up unread is disconnected (it may reconnect and replay). */
  maxBufferedBytes?: number;
}

const DEFAULTS: Required<EventRouteOptions> = { heartbeatMs: 15_000, replayLimit: 1000, authCheckMs: 60_000, maxBufferedBytes: 1024 * 1024 };
const BATCH = 500;
const RETRY_MS = 3000;

/** The SSE text of one event: `id`, `event` and `data` lines, then a blank line. */
export function formatEvent(e: RecordEvent): string {
  const data = { type: e.type, object: e.object, recordId: e.recordId, ...(e.changed ? { changed: e.changed } : {}), at: e.at };
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The SSE text telling a client the metadata changed. No `id`: it is not replayed, and leaves Last-Event-ID alone. */
export function formatMetadataChanged(version: number): string {
  return `event: metadata.changed\ndata: ${JSON.stringify({ type: 'metadata.changed', version })}\n\n`;
}

function parseObjects(raw: unknown, visible: Set<string>): Set<string> | undefined {
  if (raw === undefined || raw === '') return undefined;
  const items = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [null]));
  if (items.length > 200) throw badRequest('objects names at most 200 objects');
  const names = new Set<string>();
  const problems = [];
  for (const item of items) {
    const name = typeof item === 'string' ? item.trim() : '';
    if (!name) continue;
    if (!visible.has(name)) problems.push({ field: 'objects', code: 'unknown_object', message: `No object named ${JSON.stringify(name.slice(0, 60))}` });
    else names.add(name);
  }
  if (problems.length) throw badRequest('objects names objects that do not exist', problems);
  return names.size ? names : undefined;
}

function parseLastEventId(raw: unknown): number | undefined {
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'string' && /^\s*\d{1,18}\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw badRequest('Last-Event-ID must be the id of an event received', [{ field: 'Last-Event-ID', code: 'format', message: 'a non-negative integer' }]);
  }
  return n;
}

interface StreamDeps {
  app: FastifyInstance;
  engine: Engine;
  hub: EventHub;
  opts: Required<EventRouteOptions>;
}

/** One client's stream. */
class SseStream {
  private readonly pending: RecordEvent[] = [];
  private readonly replayed = new Set<number>();
  private draining = false;
  private live = false;
  private closed = false;
  private unsubscribe: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private authCheck: NodeJS.Timeout | undefined;
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    private readonly deps: StreamDeps,
    private readonly res: ServerResponse,
    private subject: PolicySubject,
    private readonly credentials: { authorization?: string; cookie?: string },
    private readonly objects: Set<string> | undefined,
    private readonly lastEventId: number | undefined,
  ) {
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  async start(headers: Record<string, string | number | string[]>): Promise<void> {
    const { res, deps } = this;
    res.on('close', () => this.close());
    res.on('error', () => this.close());
    if (res.destroyed || res.socket?.destroyed) {
      this.close(); // the client left before we began: its 'close' has already fired
      return;
    }
    res.socket?.setNoDelay(true);
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.write(`retry: ${RETRY_MS}\n: connected\n\n`);
    // Subscribe before replaying: what commits meanwhile is queued, and sent after the replay.
    this.unsubscribe = deps.hub.subscribe((e) => this.enqueue(e));
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), deps.opts.heartbeatMs);
    if (deps.opts.authCheckMs > 0) this.authCheck = setInterval(() => void this.recheck(), deps.opts.authCheckMs);
    if (this.lastEventId !== undefined) {
      try {
        const missed = await eventsAfter(deps.engine.knex, this.lastEventId, { limit: deps.opts.replayLimit, objects: this.objects });
        // An event both replayed and received live (it committed while we read) is sent once.
        for (const e of missed) this.replayed.add(e.id);
        const live = this.pending.splice(0).filter((e) => !this.replayed.has(e.id));
        this.pending.push(...missed, ...live);
      } catch (err) {
        deps.app.log.warn({ err }, 'could not replay record events');
      }
    }
    this.live = true;
    await this.drain();
  }

  /** Metadata changes concern every caller (what they may see is refetched with the metadata). */
  metadataChanged(version: number): void {
    this.write(formatMetadataChanged(version));
  }

  private enqueue(e: RecordEvent): void {
    if (this.closed) return;
    if (this.objects && !this.objects.has(e.object)) return;
    if (this.replayed.has(e.id)) return;
    this.pending.push(e);
    if (this.live) void this.drain();
  }

  /** Sends what is pending, a batch at a time: one permission query per object per batch. */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.pending.length && !this.closed) {
        const batch = this.pending.splice(0, BATCH);
        const registry = this.deps.engine.registry.current;
        const access = policyFor(registry, this.subject);
        const readable = await readableEvents(this.deps.engine.knex, registry, access, batch, {
          onError: (err) => this.deps.app.log.warn({ err }, 'record event permission check failed'),
        });
        for (const e of readable) this.write(formatEvent(e));
      }
    } catch (err) {
      this.deps.app.log.warn({ err }, 'record event stream failed');
      this.close();
    } finally {
      this.draining = false;
    }
  }

  /** A revoked session or key ends the stream; changed roles apply from now on. */
  private async recheck(): Promise<void> {
    if (this.closed) return;
    try {
      const headers: Record<string, string> = {};
      if (this.credentials.authorization) headers.authorization = this.credentials.authorization;
      if (this.credentials.cookie) headers.cookie = this.credentials.cookie;
      const res = await this.deps.app.inject({ method: 'GET', url: '/api/auth/me', headers });
      if (res.statusCode === 401) {
        this.close();
        return;
      }
      if (res.statusCode === 200) {
        const me = res.json() as { roles?: unknown };
        if (Array.isArray(me.roles) && me.roles.every((r) => typeof r === 'string')) this.subject = { ...this.subject, roles: me.roles };
      }
    } catch {
      // the server is closing, or the check failed: keep the stream, try again next time
    }
  }

  private write(chunk: string): void {
    if (this.closed) return;
    if (this.res.writableEnded || this.res.destroyed) {
      this.close();
      return;
    }
    this.res.write(chunk);
    if (this.res.writableLength > this.deps.opts.maxBufferedBytes) this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    clearInterval(this.heartbeat);
    clearInterval(this.authCheck);
    this.pending.length = 0;
    if (!this.res.writableEnded) this.res.end();
    this.resolveDone();
  }
}

function plainHeaders(reply: FastifyReply): Record<string, string | number | string[]> {
  const out: Record<string, string | number | string[]> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) out[k] = v;
  return out;
}

export function eventRoutes(app: FastifyInstance, engine: Engine, options: EventRouteOptions = {}): void {
  const opts = { ...DEFAULTS, ...options };
  const hub = new EventHub({ url: engine.db.url, log: (message, err) => app.log.warn({ err }, message) });
  const streams = new Set<SseStream>();
  app.decorate('eventHub', hub);
  // Every reload of the registry in this process, deduplicated by version (a deploy here
  // reloads, and its NOTIFY may reload again).
  let version = engine.registry.current.version;
  const stopWatching = engine.registry.onChange((doc) => {
    if (doc.version <= version) return;
    version = doc.version;
    for (const s of streams) s.metadataChanged(version);
  });
  app.addHook('onReady', async () => {
    await hub.start();
  });
  // Open streams would keep the HTTP server from closing: end them first.
  app.addHook('preClose', async () => {
    for (const s of streams) s.close();
  });
  app.addHook('onClose', async () => {
    stopWatching();
    await hub.stop();
  });

  // Never compressed: a compressor would hold events back until its buffer fills.
  app.get<{ Querystring: { objects?: unknown; lastEventId?: unknown } }>(EVENTS_URL, { compress: false }, async (request, reply) => {
    const user = requireUser(request);
    const registry = engine.registry.current;
    const subject: PolicySubject = { id: user.id, roles: user.roles, teamIds: request.teamIds };
    const access = policyFor(registry, subject);
    const visible = new Set(registry.objects.filter((o) => access.canSeeObject(o)).map((o) => o.name));
    const objects = parseObjects(request.query.objects, visible);
    const lastEventId = parseLastEventId(request.headers['last-event-id'] ?? request.query.lastEventId);
    const credentials = {
      authorization: typeof request.headers.authorization === 'string' ? request.headers.authorization : undefined,
      cookie: typeof request.headers.cookie === 'string' ? request.headers.cookie : undefined,
    };
    const stream = new SseStream({ app, engine, hub, opts }, reply.raw, subject, credentials, objects, lastEventId);
    streams.add(stream);
    void stream.done.then(() => streams.delete(stream));
    reply.hijack();
    try {
      await stream.start(plainHeaders(reply));
    } catch (err) {
      // The reply is ours now: a failure ends this stream, never the server.
      request.log.warn({ err }, 'record event stream failed to start');
      stream.close();
    }
  });
}
