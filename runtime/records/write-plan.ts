/**
 * The write plan of an object: which steps of the order of execution apply to it, compiled
 * once per deploy (per deployed object, and per version of the registered seams) from its
 * metadata. Single writes, bulk (set-wise, a batch at a time), and later import and
 * extensions' records.* all run the same plan (create-pipeline.ts, update.ts).
 *
 * The order of execution (README, "Order of execution"):
 */
export const ORDER_OF_EXECUTION = [
  'checkInput', //          access to the object and its fields, JSON types (400/403)
  'defaults', //            defaults, the owner, rollup counters at zero (create)
  'beforeSaveWorkflows', // seams: before-save steps of phase 'workflow'
  'beforeSaveHooks', //     seams: before-save steps of phase 'hook', then the context's HookRunner
  'formulas', //            formula fields, in dependency order
  'validationRules', //     required fields, formats and limits, validation rules (422)
  'owner', //               an owner sent is an active user (422)
  'references', //          references point at live records the caller may read (422)
  'autonumbers', //         the next numbers, gap-free (taken in the write's transaction)
  'write', //               INSERT / UPDATE (a unique value taken: 409)
  'history', //             field history (update)
  'rollups', //             rollups of the parents, and what follows from them
  'events', //              the outbox event, NOTIFYed on commit
  'afterSaveJobs', //       seams: after-save jobs, enqueued in the same transaction
  'commit', //              COMMIT
  'afterCommit', //         the context's HookRunner.afterSave; its failures do not undo the save
] as const;

export type StepName = typeof ORDER_OF_EXECUTION[number];

import type { AutonumberField, ReferenceField } from '../../metadata/types.ts';
import type { DeployedField, DeployedObject, RegistryDoc } from '../metadata/deployed.ts';
import type { RecordContext } from './context.ts';
import { rollupsOver } from './rollups.ts';
import type { AfterSaveJob, BeforeSaveStep, RecordSeams, SaveOperation } from './seams.ts';

export interface WritePlan {
  object: DeployedObject;
  /** The steps that apply to this object, in the order they run (for a create). */
  steps: StepName[];
  autonumbers: Array<DeployedField & AutonumberField>;
  references: Array<{ field: DeployedField & ReferenceField; target: DeployedObject }>;
  /** Rollup fields that count or sum: a new record starts them at zero, not empty. */
  counters: string[];
  /** Other objects roll this one up: a write refreshes its parents. */
  hasParentRollups: boolean;
  /** Before-save steps by operation, workflows first. */
  beforeSave: Record<SaveOperation, BeforeSaveStep[]>;
  afterSave: Record<SaveOperation, AfterSaveJob[]>;
  /** The seams version compiled against. */
  seamsVersion: number;
}

export function compileWritePlan(registry: RegistryDoc, object: DeployedObject, seams?: RecordSeams): WritePlan {
  const autonumbers = object.fields.filter((f): f is DeployedField & AutonumberField => f.type === 'autonumber');
  const references: WritePlan['references'] = [];
  for (const f of object.fields) {
    if (f.type !== 'reference') continue;
    const target = registry.objects.find((o) => o.name === (f as ReferenceField).to);
    if (target) references.push({ field: f as DeployedField & ReferenceField, target });
  }
  const counters = object.fields.filter((f) => f.type === 'rollup' && (f.aggregate === 'count' || f.aggregate === 'sum')).map((f) => f.name);
  const stepsFor = (op: SaveOperation) => {
    const all = (seams?.beforeSave ?? []).filter((s) => s.appliesTo(object, op));
    return [...all.filter((s) => s.phase === 'workflow'), ...all.filter((s) => s.phase === 'hook')];
  };
  const beforeSave = { create: stepsFor('create'), update: stepsFor('update') };
  const afterSave = {
    create: (seams?.afterSave ?? []).filter((j) => j.appliesTo(object, 'create')),
    update: (seams?.afterSave ?? []).filter((j) => j.appliesTo(object, 'update')),
  };
  const hasParentRollups = rollupsOver(registry, object.name).length > 0;
  const applies: Record<StepName, boolean> = {
    checkInput: true,
    defaults: true,
    beforeSaveWorkflows: beforeSave.create.some((s) => s.phase === 'workflow'),
    beforeSaveHooks: beforeSave.create.some((s) => s.phase === 'hook'),
    formulas: object.fields.some((f) => f.type === 'formula'),
    validationRules: true,
    owner: true,
    references: references.length > 0,
    autonumbers: autonumbers.length > 0,
    write: true,
    history: false,
    rollups: hasParentRollups,
    events: true,
    afterSaveJobs: afterSave.create.length > 0,
    commit: true,
    afterCommit: true,
  };
  return {
    object, steps: ORDER_OF_EXECUTION.filter((s) => applies[s]), autonumbers, references, counters, hasParentRollups,
    beforeSave, afterSave, seamsVersion: seams?.version ?? 0,
  };
}

const plans = new WeakMap<DeployedObject, { seams?: RecordSeams; plan: WritePlan }>();

/** The object's plan, compiled on first use after a deploy (a deploy makes new objects). */
export function writePlan(ctx: RecordContext, object: DeployedObject): WritePlan {
  const hit = plans.get(object);
  if (hit && hit.seams === ctx.seams && hit.plan.seamsVersion === (ctx.seams?.version ?? 0)) return hit.plan;
  const plan = compileWritePlan(ctx.registry, object, ctx.seams);
  plans.set(object, { seams: ctx.seams, plan });
  return plan;
}
