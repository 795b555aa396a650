/** A table row → the record the API returns (CONTRACT §2): system columns, then fields. */
import type { DeployedObject } from '../metadata/deployed.ts';
import type { AccessPolicy } from '../security/access.ts';

export type ApiRecord = Record<string, unknown>;

const SYSTEM_KEYS = ['createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'ownerId', 'version'] as const;

/** Turns rows of one object into records for one caller. */
export type RecordShape = (row: Record<string, unknown>) => ApiRecord;

/**
 * The keys a caller sees of an object's records, worked out once (not per row and field):
 * a page of 50 rows asked the policy about every field of every row.
 */
function visibleKeys(object: DeployedObject, access: AccessPolicy, only?: Set<string>): string[] {
  const keys: string[] = [];
  for (const f of object.fields) {
    if (only && !only.has(f.name)) continue;
    if (access.field(object, f.name) === 'none') continue;
    keys.push(f.name);
  }
  for (const k of SYSTEM_KEYS) if (!only || only.has(k)) keys.push(k);
  return keys;
}

/** Per policy and deployed object (both live for a request, or longer for a shared policy). */
const shapes = new WeakMap<AccessPolicy, WeakMap<DeployedObject, RecordShape>>();

export function recordShape(object: DeployedObject, access: AccessPolicy, only?: Set<string>): RecordShape {
  if (!only) {
    const cached = shapes.get(access)?.get(object);
    if (cached) return cached;
  }
  const keys = visibleKeys(object, access, only);
  const shape: RecordShape = (row) => {
    const out: ApiRecord = { id: row.id };
    for (const k of keys) if (k in row) out[k] = row[k] ?? null;
    return out;
  };
  if (!only) {
    let byObject = shapes.get(access);
    if (!byObject) shapes.set(access, (byObject = new WeakMap()));
    byObject.set(object, shape);
  }
  return shape;
}

export function toRecord(object: DeployedObject, row: Record<string, unknown>, access: AccessPolicy, only?: Set<string>): ApiRecord {
  return recordShape(object, access, only)(row);
}
