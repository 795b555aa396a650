/**
 * This process's copy of the live registry. A deploy in any process NOTIFYs the new version;
 * every process LISTENs and reloads. Requests take the copy once when they start, so an
 * in-flight request finishes on the version it began with.
 */
import pg from 'pg';
import type { Knex } from 'knex';
import type { RegistryDoc } from './deployed.ts';
import { loadRegistry, REGISTRY_CHANNEL } from './registry-store.ts';

export class RegistryCache {
  private doc: RegistryDoc | undefined;
  private listener: pg.Client | undefined;
  private readonly knex: Knex;
  private readonly url: string;
  private readonly changed: Array<(doc: RegistryDoc) => void> = [];

  constructor(knex: Knex, url: string) {
    this.knex = knex;
    this.url = url;
  }

  async start(): Promise<void> {
    this.doc = await loadRegistry(this.knex);
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    client.on('notification', (msg) => {
      if (msg.channel !== REGISTRY_CHANNEL) return;
      const version = Number(msg.payload);
      if (this.doc && version <= this.doc.version) return;
      void this.reload();
    });
    // A lost LISTEN connection must not crash the process; reads still work from the cache.
    client.on('error', () => {});
    await client.query(`LISTEN ${REGISTRY_CHANNEL}`);
    this.listener = client;
  }

  /** The live registry. */
  get current(): RegistryDoc {
    if (!this.doc) throw new Error('registry not loaded');
    return this.doc;
  }

  async reload(): Promise<RegistryDoc> {
    const doc = await loadRegistry(this.knex);
    if (!this.doc || doc.version >= this.doc.version) {
      this.doc = doc;
      for (const cb of this.changed) cb(doc);
    }
    return this.doc;
  }

  /** Calls `cb` with each registry this process loads; returns how to stop. */
  onChange(cb: (doc: RegistryDoc) => void): () => void {
    this.changed.push(cb);
    return () => {
      const i = this.changed.indexOf(cb);
      if (i >= 0) this.changed.splice(i, 1);
    };
  }

  async stop(): Promise<void> {
    await this.listener?.end().catch(() => {});
    this.listener = undefined;
  }
}
