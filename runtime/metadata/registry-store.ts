/**
 * The deployed registry in the database: one row per version in `strata.registry`, the newest
 * is live. Every process caches it and reloads when a deploy NOTIFYs a new version.
 */
import type { Knex } from 'knex';
import { SYSTEM_SCHEMA } from '../db/names.ts';
import { emptyRegistry, type RegistryDoc } from './deployed.ts';

export const REGISTRY_CHANNEL = 'strata_registry';

export async function loadRegistry(db: Knex | Knex.Transaction): Promise<RegistryDoc> {
  const rows = (await db.raw(`SELECT doc FROM ${SYSTEM_SCHEMA}.registry ORDER BY version DESC LIMIT 1`)).rows as Array<{ doc: RegistryDoc }>;
  return rows[0]?.doc ?? emptyRegistry();
}

export async function saveRegistry(trx: Knex.Transaction, doc: RegistryDoc): Promise<void> {
  await trx.raw(`INSERT INTO ${SYSTEM_SCHEMA}.registry (version, doc) VALUES (?, ?::jsonb)`, [doc.version, JSON.stringify(doc)]);
  // Delivered on commit: every process reloads its cached registry.
  await trx.raw(`SELECT pg_notify(?, ?)`, [REGISTRY_CHANNEL, String(doc.version)]);
}
