/**
 * What the caller may do, as the server tells it: per object in the metadata's `access`, per
 * record in the `Allow` header of GET /api/records/:object/:id (own / team / filtered rights
 * depend on the record). Screens offer only what this allows; the server checks anyway.
 */
import { useQuery } from '@tanstack/react-query';
import type { Metadata, ObjectRights } from './types.ts';

/** A server that does not say (older ones): offer everything and let the server decide. */
const UNKNOWN: ObjectRights = { create: true, update: 'all', delete: 'all', reassign: true, readOnlyFields: [] };

export function rightsOf(meta: Pick<Metadata, 'access'> | undefined, object: string): ObjectRights {
  return meta?.access?.[object] ?? UNKNOWN;
}

export interface RecordRights { update: boolean; delete: boolean }

/** From an `Allow` header (`GET, PATCH, DELETE`); no header: the object's rights decide. */
export function parseAllow(header: string | null): RecordRights | undefined {
  if (header === null) return undefined;
  const methods = new Set(header.split(',').map((m) => m.trim().toUpperCase()));
  return { update: methods.has('PATCH'), delete: methods.has('DELETE') };
}

/** Where the record page keeps a record's `Allow` (set when the record is fetched). */
export const allowKey = (object: string, id: string | undefined) => ['record-allow', object, id] as const;

/** What the caller may do with one record: the object's rights, narrowed by the record's `Allow` when `some`. */
export function useRecordRights(meta: Pick<Metadata, 'access'> | undefined, object: string, id: string | undefined): RecordRights {
  const allow = useQuery<RecordRights | null>({ queryKey: allowKey(object, id), queryFn: () => null, enabled: false, staleTime: Infinity });
  const r = rightsOf(meta, object);
  const known = allow.data ?? undefined;
  return {
    update: r.update === 'all' || (r.update === 'some' && (known?.update ?? false)),
    delete: r.delete === 'all' || (r.delete === 'some' && (known?.delete ?? false)),
  };
}
