/**
 * Runs the before-save steps of a plan on a batch (one call per step per batch), then the
 * context's HookRunner record by record. A refused record is handed to `refuse` and not
 * shown to later steps.
 */
import type { Knex } from 'knex';
import { StrataError } from '../errors.ts';
import type { RecordContext } from './context.ts';
import { deeper, type SaveItem, type SaveOperation } from './seams.ts';
import { savepoint } from './transaction.ts';
import type { WritePlan } from './write-plan.ts';

export function hasBeforeSave(ctx: RecordContext, plan: WritePlan, op: SaveOperation): boolean {
  return plan.beforeSave[op].length > 0 || !!ctx.hooks?.beforeSave;
}

export function refusal(message: string, field?: string): StrataError {
  return new StrataError(422, 'refused', message, [{ field: field ?? '', code: 'refused', message }]);
}

export async function runBeforeSave<T extends SaveItem>(
  ctx: RecordContext, plan: WritePlan, op: SaveOperation, trx: Knex.Transaction, items: T[],
  refuse: (item: T, err: StrataError) => void,
): Promise<T[]> {
  const inner = deeper(ctx);
  const refused = new Set<SaveItem>();
  let live = items;
  for (const step of plan.beforeSave[op]) {
    if (!live.length) break;
    await step.run({
      ctx: inner, object: plan.object, operation: op, trx, items: live,
      refuse(item, message, field) {
        if (refused.has(item) || !live.includes(item as T)) return;
        refused.add(item);
        refuse(item as T, refusal(message, field));
      },
    });
    if (refused.size) live = live.filter((i) => !refused.has(i));
  }
  const hook = ctx.hooks?.beforeSave?.bind(ctx.hooks);
  if (!hook || !live.length) return live;
  if (items.length === 1) {
    // A single write: the hook's error is the write's error (its transaction rolls back).
    await hook(inner, plan.object, live[0].values, live[0].previous, trx);
    return live;
  }
  const kept: T[] = [];
  for (const item of live) {
    try {
      // Its own savepoint: what a refusing hook wrote goes, the other records' stays.
      await savepoint(trx, (sp) => hook(inner, plan.object, item.values, item.previous, sp));
      kept.push(item);
    } catch (err) {
      if (!(err instanceof StrataError)) throw err;
      refuse(item, err);
    }
  }
  return kept;
}
