/** Reference fields must point at live records the caller may read: else 422, never a raw FK error. */
import type { Knex } from 'knex';
import type { ReferenceField } from '../../metadata/types.ts';
import { DATA_SCHEMA } from '../db/names.ts';
import { StrataError, type FieldProblem } from '../errors.ts';
import type { AccessPolicy } from '../security/access.ts';
import type { DeployedField, DeployedObject, RegistryDoc } from '../metadata/deployed.ts';

export async function checkReferences(trx: Knex.Transaction, registry: RegistryDoc, object: DeployedObject, changes: Record<string, unknown>, access?: AccessPolicy): Promise<void> {
  const problems: FieldProblem[] = [];
  for (const f of object.fields) {
    if (f.type !== 'reference') continue;
    const v = changes[f.name];
    if (v === null || v === undefined) continue;
    const target = registry.objects.find((o) => o.name === (f as DeployedField & ReferenceField).to);
    if (!target) continue;
    // KEY SHARE holds the target until we commit: a delete of it under way (its row locked FOR
    // UPDATE) is waited for and then seen, and one starting after us waits for us and then
    // sees our record (a restrict reference to it, say). Without the lock, a record could
    // commit pointing at a parent moved to the recycle bin meanwhile.
    const q = trx.from({ r: `${DATA_SCHEMA}.${target.name}` }).select(trx.raw('1')).where('r.id', String(v)).whereNull('r._deletedAt').forKeyShare('r');
    // A record the caller may not read is answered exactly like one that does not exist.
    const read = access?.rows(target, 'read') ?? 'all';
    if (read === 'none') q.whereRaw('false');
    else if (read !== 'all') read(q, 'r');
    const rows = await q;
    if (!rows.length) problems.push({ field: f.name, code: 'reference', message: `No ${target.label ?? target.name} with id ${String(v)}` });
  }
  if (problems.length) throw new StrataError(422, 'invalid_reference', 'A referenced record does not exist', problems);
}

/** A unique-index violation (23505) as a 409 naming the field. */
export function uniqueConflict(object: DeployedObject, err: unknown): StrataError | undefined {
  const e = err as { code?: string; constraint?: string };
  if (e.code !== '23505') return undefined;
  const field = object.fields.find((f) => e.constraint === `uq_${f.id.replaceAll('-', '')}`);
  const name = field?.name ?? object.indexes.find((i) => i.indexName === e.constraint)?.fields.join(', ') ?? 'a unique field';
  return new StrataError(409, 'unique_conflict', `Another ${object.label ?? object.name} has the same ${name}`,
    [{ field: field?.name ?? name, code: 'unique', message: 'This value is already used by another record' }]);
}
