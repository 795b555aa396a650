/** Server state the record page reads beyond the shared hooks (api/hooks.ts). */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiResponse } from '../../api/client.ts';
import { allowKey, parseAllow } from '../../api/rights.ts';
import { listUrl } from '../../api/hooks.ts';
import type { CrmRecord, DeployedObject, Page } from '../../api/types.ts';

/**
 * Asks the browser not to answer from its HTTP cache. A record's ETag is its version, and
 * rollups change without a new version (children changed), so a revalidated cached copy
 * (304) can show stale totals.
 */
export const NO_CACHE = { 'cache-control': 'no-cache', pragma: 'no-cache' };

/** The stored record (the same cache entry as api/hooks' useRecord and useSaveRecord use). */
export function useStoredRecord(object: string, id: string | undefined, enabled = true) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: ['record', object, id, undefined],
    enabled: !!id && enabled,
    queryFn: async ({ signal }) => {
      const res = await apiResponse<CrmRecord>(`/api/records/${object}/${id as string}`, { signal, headers: NO_CACHE });
      // What the caller may do with this record travels with it (`Allow`).
      qc.setQueryData(allowKey(object, id), parseAllow(res.headers.get('allow')) ?? null);
      return res.body;
    },
  });
}

/** The first reference field of `child` pointing at `parent` (task.account, note.lead, …). */
export function referenceTo(child: DeployedObject | undefined, parent: string): string | undefined {
  return child?.fields.find((f) => f.type === 'reference' && f.to === parent)?.name;
}

/** Children of a record through one reference field, newest first. */
export function useChildren(child: DeployedObject | undefined, field: string | undefined, parentId: string, opts: { limit?: number; expand?: string[]; sort?: string } = {}) {
  const expand = opts.expand?.length ? opts.expand.join(',') : undefined;
  return useQuery({
    queryKey: ['related', child?.name, field, parentId, opts.limit ?? 10, expand, opts.sort],
    enabled: !!child && !!field && !!parentId,
    queryFn: ({ signal }) => api<Page<CrmRecord>>(listUrl((child as DeployedObject).name, {
      filter: { [field as string]: parentId }, sort: opts.sort ?? '-createdAt', limit: opts.limit ?? 10, expand,
    }), { signal }),
  });
}
