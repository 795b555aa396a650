/**
 * Workflows: their object, trigger and the records their actions write.
 */
import type { Checker } from './checker.ts';
import { checkExpression } from './expressions.ts';
import { COMPUTED_TYPES } from './field-types.ts';
import { checkFilter } from './filters.ts';
import { arr, isObj, objs, str } from './json.ts';
import type { Json } from './json.ts';
import { pointer } from './problems.ts';

export function checkWorkflows(c: Checker): void {
  const workflows = objs(c.bundle.workflows);
  c.duplicates(workflows.map(([w, i]) => [str(w.name), `/workflows/${i}/name`]), (n) => `workflow '${n}'`);
  for (const [workflow, i] of workflows) {
    const base = `/workflows/${i}`;
    const object = workflow.object === undefined ? undefined
      : c.objectNamed(workflow.object, `${base}/object`, `workflow '${str(workflow.name) ?? '?'}'`);
    const trigger = isObj(workflow.trigger) ? workflow.trigger : {};
    if (object) {
      arr(trigger.changed).forEach((name, k) => c.checkField(object, name, `${base}/trigger/changed/${k}`, false));
      // A webhook's condition reads the payload, not a record.
      if (trigger.on !== 'webhook') checkExpression(c, object, trigger.when, `${base}/trigger/when`);
    }
    for (const [action, a] of objs(workflow.actions)) {
      const at = `${base}/actions/${a}`;
      if (action.type === 'updateRecord') {
        const target = action.object === undefined ? object : c.objectNamed(action.object, `${at}/object`, 'updateRecord');
        if (target) {
          checkValues(c, target, action.set, `${at}/set`);
          if (action.filter !== undefined) checkFilter(c, target, action.filter, `${at}/filter`);
        }
      } else if (action.type === 'createRecord') {
        const target = c.objectNamed(action.object, `${at}/object`, 'createRecord');
        if (target) checkValues(c, target, action.values, `${at}/values`);
      }
    }
  }
}

/** Values a workflow writes: real, writable fields. */
function checkValues(c: Checker, object: Json, values: unknown, path: string): void {
  if (!isObj(values)) return;
  for (const name of Object.keys(values)) {
    const at = pointer(path, name);
    const type = c.checkField(object, name, at, false);
    if (type !== undefined && COMPUTED_TYPES.has(type)) {
      c.report(at, 'read_only_field', `'${name}' is a ${type} field: Strata computes it`);
    }
  }
}
