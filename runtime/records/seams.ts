/**
 * Where workflows and extensions plug into the write path: before-save steps (may change or
 * refuse records, inside the write's transaction, before formulas and validation rules) and
 * after-save jobs (enqueued in the write's transaction, so a rolled-back write enqueues
 * nothing). The server registers implementations on the engine (`engine.seams`); runtime code
 * only knows these interfaces. Each object's write plan (write-plan.ts) picks the ones that
 * apply to it.
 */
import type { Knex } from 'knex';
import { StrataError } from '../errors.ts';
import type { DeployedObject } from '../metadata/deployed.ts';
import type { RecordContext } from './context.ts';
import type { Values } from './steps.ts';

/** Writes a before-save step makes (records.* of an extension) may nest this deep. */
export const MAX_WRITE_DEPTH = 16;

export type SaveOperation = 'create' | 'update';

/** One record of a before-save batch. */
export interface SaveItem {
  /** The values to be saved: a step changes them in place. */
  values: Values;
  /** The stored record (update), or undefined (create). */
  previous?: Values;
}

export interface SaveBatch {
  /** The caller's context, one level deeper: writes a step makes through it are guarded. */
  ctx: RecordContext;
  object: DeployedObject;
  operation: SaveOperation;
  trx: Knex.Transaction;
  items: SaveItem[];
  /** Refuses one record (422 with this message): it is not written; the others go on. */
  refuse(item: SaveItem, message: string, field?: string): void;
}

export interface BeforeSaveStep {
  name: string;
  /** Workflows run before extensions' hooks (the order of execution, README). */
  phase: 'workflow' | 'hook';
  appliesTo(object: DeployedObject, operation: SaveOperation): boolean;
  /** Called once per batch (one record for a single write). Throwing refuses the whole write. */
  run(batch: SaveBatch): Promise<void>;
}

export interface SavedRecord { record: Values; previous?: Values }

export interface Job { kind: string; recordId: string; payload?: Values }

export interface AfterSaveJob {
  name: string;
  appliesTo(object: DeployedObject, operation: SaveOperation): boolean;
  /** The jobs to enqueue for saved records; they are written in the save's transaction. */
  jobs(ctx: RecordContext, object: DeployedObject, operation: SaveOperation, saved: SavedRecord[]): Job[];
}

/** The registered implementations; the write plans are compiled against one version of them. */
export class RecordSeams {
  readonly beforeSave: BeforeSaveStep[] = [];
  readonly afterSave: AfterSaveJob[] = [];
  /** Bumped on every registration, so plans compiled before are not reused. */
  version = 0;

  addBeforeSave(step: BeforeSaveStep): () => void {
    this.beforeSave.push(step);
    this.version++;
    return () => this.remove(this.beforeSave, step);
  }

  addAfterSave(job: AfterSaveJob): () => void {
    this.afterSave.push(job);
    this.version++;
    return () => this.remove(this.afterSave, job);
  }

  private remove<T>(list: T[], item: T): void {
    const i = list.indexOf(item);
    if (i >= 0) list.splice(i, 1);
    this.version++;
  }
}

/** The context writes of a step run in: one level deeper, refused past MAX_WRITE_DEPTH. */
export function deeper(ctx: RecordContext): RecordContext {
  return { ...ctx, depth: (ctx.depth ?? 0) + 1 };
}

export function assertDepth(ctx: RecordContext): void {
  if ((ctx.depth ?? 0) > MAX_WRITE_DEPTH) {
    throw new StrataError(422, 'write_depth_exceeded', `Saving this record started more than ${MAX_WRITE_DEPTH} nested writes (a workflow or hook that triggers itself?)`);
  }
}
