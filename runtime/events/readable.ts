/**
 * Which record events a caller may receive: those of records they may READ, now. A policy
 * whose row access is 'all' gets every event of the object, 'none' none; a row condition is
 * checked in the database, one query per object for a whole batch of events (id IN … AND
 * condition). A deleted record is still in its table (the recycle bin), so its events are
 * checked the same way. Names in `changed` that the caller may not read are left out.
 */
import type { Knex } from 'knex';
import { DATA_SCHEMA } from '../db/names.ts';
import type { DeployedObject, RegistryDoc } from '../metadata/deployed.ts';
import type { RecordEvent } from '../records/events.ts';
import type { AccessPolicy, RowCondition } from '../security/access.ts';

const ID_CHUNK = 500;

export interface ReadableOptions {
  /** Called when a permission query fails (the events it covered are withheld). */
  onError?: (err: unknown) => void;
}

async function readableIds(knex: Knex, object: DeployedObject, condition: RowCondition, ids: string[], onError?: (err: unknown) => void): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const chunk = ids.slice(i, i + ID_CHUNK);
    try {
      const qb = knex.from({ r: `${DATA_SCHEMA}.${object.name}` }).select('r.id').whereIn('r.id', chunk);
      condition(qb, 'r');
      for (const row of (await qb) as Array<{ id: string }>) out.add(row.id);
    } catch (err) {
      onError?.(err);
    }
  }
  return out;
}

/** The events of `events` the caller may read, in their order, as the caller may see them. */
export async function readableEvents(knex: Knex, registry: RegistryDoc, access: AccessPolicy, events: RecordEvent[], opts: ReadableOptions = {}): Promise<RecordEvent[]> {
  const objects = new Map(registry.objects.map((o) => [o.name, o]));
  const allowed = new Set<RecordEvent>();
  const conditional = new Map<string, { object: DeployedObject; condition: RowCondition; events: RecordEvent[] }>();
  for (const e of events) {
    const object = objects.get(e.object);
    if (!object || !access.canSeeObject(object)) continue;
    const rows = access.rows(object, 'read');
    if (rows === 'none') continue;
    if (rows === 'all') {
      allowed.add(e);
      continue;
    }
    const group = conditional.get(object.name) ?? { object, condition: rows, events: [] };
    group.events.push(e);
    conditional.set(object.name, group);
  }
  for (const { object, condition, events: group } of conditional.values()) {
    const ids = [...new Set(group.map((e) => e.recordId))];
    const readable = await readableIds(knex, object, condition, ids, opts.onError);
    for (const e of group) if (readable.has(e.recordId)) allowed.add(e);
  }
  return events.filter((e) => allowed.has(e)).map((e) => {
    if (!e.changed) return e;
    const object = objects.get(e.object)!;
    return { ...e, changed: e.changed.filter((f) => access.field(object, f) !== 'none') };
  });
}
