/**
 * Records by their titles (the object's name field), for lookups, related lists and the
 * timeline. No rjsf here: the record page's first paint must not pull the form library in.
 */
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import { listUrl } from '../api/hooks.ts';
import type { CrmRecord, DeployedObject, Page } from '../api/types.ts';

/** A record's title: its name field, else the object's label and a short id. */
export function recordTitle(object: DeployedObject | undefined, record: Record<string, unknown> | undefined | null): string {
  if (!record) return '';
  const v = object?.nameField ? record[object.nameField] : undefined;
  if (typeof v === 'string' && v) return v;
  if (typeof v === 'number') return String(v);
  return `${object?.label ?? 'Record'} ${String(record.id ?? '').slice(0, 8)}`;
}

/** The title of one record, cached by id (what a lookup shows for its current value). */
export function useRecordTitle(target: DeployedObject | undefined, id: string | undefined) {
  return useQuery({
    queryKey: ['title', target?.name, id],
    enabled: !!target && !!id,
    staleTime: 60_000,
    queryFn: async ({ signal }) => {
      const t = target as DeployedObject;
      const page = await api<Page<CrmRecord>>(listUrl(t.name, { filter: { id }, fields: t.nameField, limit: 1 }), { signal });
      return page.data[0] ? recordTitle(t, page.data[0]) : null;
    },
  });
}

