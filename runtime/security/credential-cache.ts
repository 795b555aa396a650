/**
 * Sessions and API keys resolved once are kept in the process, so a request costs no
 * round trip before its own work. What keeps a cached credential from outliving its
 * revocation:
 *
 * - Triggers on sessions, api_keys and users NOTIFY `strata_auth` when a session ends, a key
 *   is revoked or a user changes (logout, deactivation, password or role change, …), at
 *   commit; every process LISTENs and drops the entries concerned before its next request.
 * - A lookup that was under way while a notification arrived is not cached (generation
 *   counter): its answer may predate the change.
 * - While the LISTEN connection is down (lost, or not yet open) nothing is cached and every
 *   request asks the database; the cache is emptied when it drops and again when it is back.
 * - An entry is re-read from the database after `maxAgeMs` anyway, and never trusted past
 *   the session's absolute expiry or idle timeout.
 *
 * The idle clock (last_seen_at) and keys' last_used_at are written in batches: one UPDATE
 * for all the sessions (and one for all the keys) used in the last `flushMs`.
 */
import type { Knex } from 'knex';
import { AUTH_CHANNEL } from '../db/names.ts';
import { Listener } from '../db/listener.ts';
import { findApiKey, isApiKey, touchApiKeys } from './api-keys.ts';
import { findSession, isSessionToken, SESSION_IDLE_MINUTES, touchSessions } from './sessions.ts';
import { hashToken } from './tokens.ts';
import type { User } from './users.ts';

export interface Credential {
  user: User;
  /** Set when the credential is an API key. */
  keyId?: string;
  /** The role an API key is limited to (null: all its owner's roles). */
  keyRole?: string | null;
}

export interface CredentialCacheOptions {
  /** The database URL, for the LISTEN connection. */
  url: string;
  /** How often the batched idle clocks are written. */
  flushMs?: number;
  /** An entry is re-read from the database after this long, notifications or not. */
  maxAgeMs?: number;
  maxEntries?: number;
  /** Reconnect back-off of the LISTEN connection. */
  minDelayMs?: number;
  maxDelayMs?: number;
  log?: (message: string, err?: unknown) => void;
}

export const AUTH_LISTENER_NAME = 'strata-auth';
const IDLE_MS = SESSION_IDLE_MINUTES * 60_000;

interface Entry {
  credential: Credential;
  kind: 'session' | 'key';
  cachedAt: number;
  /** Sessions: absolute expiry and last use (ms); keys: Infinity and last use. */
  expiresAt: number;
  seenAt: number;
}

export class CredentialCache {
  private readonly knex: Knex;
  private readonly opts: Required<Omit<CredentialCacheOptions, 'log'>> & Pick<CredentialCacheOptions, 'log'>;
  private readonly listener: Listener;
  private readonly entries = new Map<string, Entry>();
  private readonly byUser = new Map<string, Set<string>>();
  /** Idle clocks and key uses not yet written: hash → ms. */
  private readonly seen = new Map<string, number>();
  private readonly used = new Map<string, number>();
  /** Bumped by every invalidation: a lookup that saw it change is not cached. */
  private generation = 0;
  private live = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private hits = 0;
  private misses = 0;

  constructor(knex: Knex, opts: CredentialCacheOptions) {
    this.knex = knex;
    this.opts = { flushMs: 5_000, maxAgeMs: 60_000, maxEntries: 10_000, minDelayMs: 250, maxDelayMs: 15_000, ...opts };
    this.listener = new Listener({
      url: opts.url,
      channel: AUTH_CHANNEL,
      applicationName: AUTH_LISTENER_NAME,
      minDelayMs: this.opts.minDelayMs,
      maxDelayMs: this.opts.maxDelayMs,
      log: opts.log,
      onNotification: (payload) => this.invalidate(payload),
      // Notifications sent while we were away are lost: start empty both ways.
      onUp: () => { this.clear(); this.live = true; },
      onDown: () => { this.live = false; this.clear(); },
    });
  }

  async start(): Promise<void> {
    await this.listener.start();
    this.flushTimer = setInterval(() => void this.flush(), this.opts.flushMs);
    this.flushTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.flushTimer);
    this.flushTimer = undefined;
    await this.flush();
    await this.listener.stop();
    this.live = false;
    this.clear();
  }

  /** Whether cached credentials are trusted right now (the LISTEN connection is up). */
  get active(): boolean {
    return this.live;
  }

  get stats(): { entries: number; hits: number; misses: number; active: boolean } {
    return { entries: this.entries.size, hits: this.hits, misses: this.misses, active: this.live };
  }

  /** The credential a session token or API key stands for; undefined when not valid. */
  async resolve(token: string): Promise<Credential | undefined> {
    const hit = this.cached(token);
    if (hit) return hit;
    const kind = isSessionToken(token) ? 'session' : isApiKey(token) ? 'key' : undefined;
    if (!kind) return undefined;
    const hash = hashToken(token);
    const now = Date.now();
    this.misses++;
    const generation = this.generation;
    const entry = await this.lookup(kind, hash, now);
    if (!entry) return undefined;
    if (this.live && generation === this.generation) this.remember(hash, entry);
    return entry.credential;
  }

  /** The credential when this process may answer from memory (counted as a use); else undefined. */
  cached(token: string): Credential | undefined {
    if (!this.live || !(isSessionToken(token) || isApiKey(token))) return undefined;
    const hash = hashToken(token);
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    const now = Date.now();
    if (now < entry.expiresAt && now - entry.seenAt < IDLE_MS && now - entry.cachedAt < this.opts.maxAgeMs) {
      this.hits++;
      entry.seenAt = now;
      (entry.kind === 'session' ? this.seen : this.used).set(hash, now);
      return entry.credential;
    }
    this.forget(hash);
    return undefined;
  }

  private async lookup(kind: 'session' | 'key', hash: string, now: number): Promise<Entry | undefined> {
    if (kind === 'session') {
      const found = await findSession(this.knex, hash);
      if (!found) return undefined;
      return { credential: { user: found.user }, kind, cachedAt: now, expiresAt: found.expiresAt, seenAt: now };
    }
    const key = await findApiKey(this.knex, hash);
    if (!key) return undefined;
    return { credential: { user: key.user, keyId: key.keyId, keyRole: key.role }, kind, cachedAt: now, expiresAt: Infinity, seenAt: now };
  }

  private remember(hash: string, entry: Entry): void {
    // Shared by every request that uses this credential: nobody may change it in passing.
    Object.freeze(entry.credential.user.roles);
    Object.freeze(entry.credential.user);
    Object.freeze(entry.credential);
    if (this.entries.size >= this.opts.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.forget(oldest);
    }
    this.entries.set(hash, entry);
    const userId = entry.credential.user.id;
    let hashes = this.byUser.get(userId);
    if (!hashes) this.byUser.set(userId, (hashes = new Set()));
    hashes.add(hash);
  }

  private forget(hash: string): void {
    const entry = this.entries.get(hash);
    if (!entry) return;
    this.entries.delete(hash);
    const hashes = this.byUser.get(entry.credential.user.id);
    hashes?.delete(hash);
    if (hashes && !hashes.size) this.byUser.delete(entry.credential.user.id);
  }

  private clear(): void {
    this.generation++;
    this.entries.clear();
    this.byUser.clear();
  }

  /** `s:<token hash>`, `k:<key hash>`, `u:<user id>`; anything else empties the cache. */
  private invalidate(payload: string): void {
    this.generation++;
    const what = payload.slice(0, 2);
    const id = payload.slice(2);
    if (what === 's:' || what === 'k:') this.forget(id);
    else if (what === 'u:') for (const hash of Array.from(this.byUser.get(id) ?? [])) this.forget(hash);
    else this.clear();
  }

  /**
   * Waits until every credential change committed before this call has reached this cache.
   * The server calls it before answering a request that may have revoked something, so that
   * the same caller's next request already sees the change.
   */
  async sync(): Promise<void> {
    if (!(await this.listener.sync())) this.clear();
  }

  /** Writes the batched idle clocks and key uses: one statement each. */
  flush(): Promise<void> {
    this.flushing ??= (async () => {
      try {
        const seen = new Map(this.seen);
        const used = new Map(this.used);
        this.seen.clear();
        this.used.clear();
        await touchSessions(this.knex, seen);
        await touchApiKeys(this.knex, used);
      } catch (err) {
        this.opts.log?.('could not write the idle clocks of cached sessions', err);
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }
}
