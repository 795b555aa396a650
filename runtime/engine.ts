/**
 * The engine, composed: a database, the system schema, the live registry, and the operations
 * the server and the CLI share. Nothing here knows about HTTP.
 */
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Knex } from 'knex';
import { openDatabase, type Database, type OpenOptions } from './db/connect.ts';
import { migrateSystem } from './db/system.ts';
import type { PackageBundle } from '../metadata/types.ts';
import { isArchiveName, readPackageArchive, readPackageArchiveFile } from './metadata/archive.ts';
import type { RegistryDoc } from './metadata/deployed.ts';
import { loadPackage } from './metadata/load.ts';
import type { Problem } from './metadata/validate.ts';
import { RegistryCache } from './metadata/registry-cache.ts';
import { loadRegistry } from './metadata/registry-store.ts';
import { StrataError } from './errors.ts';
import { backfillComputed } from './records/backfill.ts';
import { RecordSeams } from './records/seams.ts';
import type { ExtensionInvoker } from './extensions/invoker.ts';
import { flushNotifications } from './records/notifications.ts';
import { deployBundle, type DeployOptions, type DeployResult } from './schema/deploy.ts';
import { SYSTEM_ACTOR } from './security/actor.ts';
import { deployAs } from './security/deploys.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const STANDARD_PACKAGE_DIR = path.join(REPO_ROOT, 'metadata', 'packages', 'crm-core');

export interface Engine {
  db: Database;
  knex: Knex;
  registry: RegistryCache;
  /**
   * Before-save steps and after-save jobs every record write runs (records/seams.ts): the
   * server registers workflows' and extensions' implementations here; runtime never imports them.
   */
  seams: RecordSeams;
  /** Extension code (extensions/host), set by the server; undefined where none runs (CLI). */
  extensions?: ExtensionInvoker;
  deploy(bundle: unknown, opts?: DeployOptions): Promise<DeployResult>;
  close(): Promise<void>;
}

export interface EngineOptions extends OpenOptions {
  /** Keep the registry current through LISTEN/NOTIFY (servers); one-shot CLI commands skip it. */
  listen?: boolean;
}

/**
 * Loads a package folder, bundle file or folder archive (.zip, .tgz, .tar.gz, .tar); a broken
 * package is a 400 with every problem.
 */
export async function readPackage(location: string): Promise<unknown> {
  // A folder that happens to be named like an archive is still a folder.
  const archive = isArchiveName(location) && !!(await stat(location).catch(() => undefined))?.isFile();
  const loaded = archive ? await readPackageArchiveFile(location) : await loadPackage(location);
  if (!loaded.ok) throw invalidPackage(`The package at ${location}`, loaded.problems);
  return loaded.bundle;
}

/** An uploaded folder archive's bytes → its bundle (deployed by the caller); a broken one is a 400. */
export async function readPackageBytes(bytes: Uint8Array): Promise<PackageBundle> {
  const loaded = await readPackageArchive(bytes);
  if (!loaded.ok) throw invalidPackage('The package archive', loaded.problems);
  return loaded.bundle;
}

/** Every problem as a field of the error: `objects/order.json/fields/0/type`. */
function invalidPackage(what: string, problems: Problem[]): StrataError {
  return new StrataError(400, 'invalid_package', `${what} has ${problems.length} problem(s)`,
    problems.map((p) => ({ field: p.file ? `${p.file}${p.path}` : p.path, code: p.code, message: p.message })));
}

/** On an empty database, installs the standard package crm-core. */
export async function ensureStandardPackage(engine: Engine): Promise<DeployResult | undefined> {
  const reg: RegistryDoc = await loadRegistry(engine.knex);
  if (reg.version > 0) return undefined;
  return deployAs(engine, SYSTEM_ACTOR, await readPackage(STANDARD_PACKAGE_DIR), { door: 'install' });
}

export async function openEngine(opts: EngineOptions): Promise<Engine> {
  const db = await openDatabase(opts);
  try {
    await migrateSystem(db.knex);
  } catch (err) {
    await db.close();
    throw err;
  }
  const registry = new RegistryCache(db.knex, db.url);
  if (opts.listen) await registry.start();
  else await registry.reload();
  const engine: Engine = {
    db,
    knex: db.knex,
    registry,
    seams: new RecordSeams(),
    async deploy(bundle, deployOpts = {}) {
      const result = await deployBundle(db.knex, bundle, { backfill: backfillComputed, ...deployOpts });
      if (result.applied) await registry.reload();
      return result;
    },
    async close() {
      await flushNotifications(db.knex);
      await registry.stop();
      await db.close();
    },
  };
  return engine;
}
