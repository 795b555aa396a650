/** A table row → the record the API returns (CONTRACT §2): system columns, then fields. */
import type { DeployedObject } from '../metadata/deployed.ts';
import type { AccessPolicy } from '../security/access.ts';

export type ApiRecord = Record<string, unknown>;

export function toRecord(object: DeployedObject, row: Record<string, unknown>, access: AccessPolicy, only?: Set<string>): ApiRecord {
  const out: ApiRecord = { id: row.id };
  for (const f of object.fields) {
    if (only && !only.has(f.name)) continue;
    if (access.field(object, f.name) === 'none') continue;
    if (f.name in row) out[f.name] = row[f.name] ?? null;
  }
  for (const k of ['createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'ownerId', 'version'] as const) {
    if (only && !only.has(k)) continue;
    if (k in row) out[k] = row[k] ?? null;
  }
  return out;
}
