/**
 * `expand`: replaces reference ids by the records they point at, one query per reference
 * field for the whole page (never one per row), through the caller's read access.
 */
import { DATA_SCHEMA } from '../db/names.ts';
import { StrataError, type FieldProblem } from '../errors.ts';
import type { DeployedObject } from '../metadata/deployed.ts';
import type { RecordContext } from './context.ts';
import { toRecord, type ApiRecord } from './serialize.ts';

export function parseExpand(ctx: RecordContext, object: DeployedObject, expand: unknown): DeployedObject['fields'] {
  if (expand === undefined || expand === null || expand === '') return [];
  const names = Array.isArray(expand) ? expand : typeof expand === 'string' ? expand.split(',') : null;
  if (!names || names.length > 20) throw new StrataError(400, 'invalid_expand', 'expand is a comma-separated list of up to 20 reference fields');
  const problems: FieldProblem[] = [];
  const fields: DeployedObject['fields'] = [];
  for (const raw of names) {
    const name = typeof raw === 'string' ? raw.trim() : '';
    const f = object.fields.find((x) => x.name === name);
    if (!f || ctx.access.field(object, name) === 'none') problems.push({ field: `expand.${String(raw).slice(0, 50)}`, code: 'unknown_field', message: `${object.name} has no field ${String(raw).slice(0, 50)}` });
    else if (f.type !== 'reference') problems.push({ field: `expand.${name}`, code: 'not_reference', message: `${name} is not a reference field` });
    else if (!fields.includes(f)) fields.push(f);
  }
  if (problems.length) throw new StrataError(400, 'invalid_expand', 'expand names fields that cannot be expanded', problems);
  return fields;
}

export async function expandRecords(ctx: RecordContext, object: DeployedObject, records: ApiRecord[], expand: unknown): Promise<void> {
  const fields = parseExpand(ctx, object, expand);
  for (const f of fields) {
    if (f.type !== 'reference') continue;
    const target = ctx.registry.objects.find((o) => o.name === f.to);
    const ids = [...new Set(records.map((r) => r[f.name]).filter((v): v is string => typeof v === 'string'))];
    if (!target || !ids.length) continue;
    const rows = ctx.access.rows(target, 'read');
    let found = new Map<string, ApiRecord>();
    if (rows !== 'none') {
      const qb = ctx.knex.from({ r: `${DATA_SCHEMA}.${target.name}` }).select('r.*').whereIn('r.id', ids).whereNull('r._deletedAt');
      if (rows !== 'all') rows(qb, 'r');
      const got = (await qb) as Array<Record<string, unknown>>;
      found = new Map(got.map((row) => [row.id as string, toRecord(target, row, ctx.access)]));
    }
    for (const r of records) {
      const id = r[f.name];
      // A target the caller may not read expands to null: its existence is not disclosed.
      if (typeof id === 'string') r[f.name] = found.get(id) ?? null;
    }
  }
}
