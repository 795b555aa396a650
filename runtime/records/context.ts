/** What every record operation runs with: the database, one registry version, the caller. */
import type { Knex } from 'knex';
import type { AccessPolicy } from '../security/access.ts';
import type { DeployedObject, RegistryDoc } from '../metadata/deployed.ts';
import { notFound } from '../errors.ts';
import type { RecordSeams } from './seams.ts';

export interface Caller { id: string; email?: string; roles: string[] }

/** Extensions and workflows plug in here (before-save hooks may change or refuse a record). */
export interface HookRunner {
  beforeSave?(ctx: RecordContext, object: DeployedObject, record: Record<string, unknown>, previous: Record<string, unknown> | undefined, trx: Knex.Transaction): Promise<void>;
  /** After commit (workflows, extensions' afterSave): failures here do not undo the save. */
  afterSave?(ctx: RecordContext, object: DeployedObject, record: Record<string, unknown>, previous: Record<string, unknown> | undefined): Promise<void>;
  beforeDelete?(ctx: RecordContext, object: DeployedObject, record: Record<string, unknown>, trx: Knex.Transaction): Promise<void>;
}

export interface RecordContext {
  knex: Knex;
  /** Taken once when the request starts: a deploy meanwhile does not change it under us. */
  registry: RegistryDoc;
  user: Caller;
  access: AccessPolicy;
  hooks?: HookRunner;
  /** Before-save steps and after-save jobs registered on the engine (seams.ts). */
  seams?: RecordSeams;
  /** How deep in writes started by before-save steps: past MAX_WRITE_DEPTH a write is refused. */
  depth?: number;
}

export function objectOf(ctx: RecordContext, name: string): DeployedObject {
  const obj = typeof name === 'string' ? ctx.registry.objects.find((o) => o.name === name) : undefined;
  if (!obj || !ctx.access.canSeeObject(obj)) throw notFound(`No object named ${JSON.stringify(String(name)).slice(0, 60)}`);
  return obj;
}
