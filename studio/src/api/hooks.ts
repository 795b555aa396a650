/** Server state through TanStack Query: one hook per resource the screens read. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, qs } from './client.ts';
import type { CrmRecord, HistoryEntry, Metadata, Page, User } from './types.ts';

export function useMe() {
  return useQuery({ queryKey: ['me'], queryFn: () => api<User>('/api/auth/me'), retry: false, staleTime: 60_000 });
}

export function useMetadata() {
  return useQuery({ queryKey: ['metadata'], queryFn: () => api<Metadata>('/api/metadata'), staleTime: 30_000 });
}

export interface ListParams { filter?: unknown; sort?: string; q?: string; fields?: string; expand?: string; limit?: number }

export function listUrl(object: string, p: ListParams, cursor?: string | null): string {
  return `/api/records/${object}${qs({
    filter: p.filter && Object.keys(p.filter as object).length ? JSON.stringify(p.filter) : undefined,
    sort: p.sort, q: p.q, fields: p.fields, expand: p.expand, limit: p.limit ?? 50, cursor,
  })}`;
}

export function useRecordList(object: string, p: ListParams, enabled = true) {
  return useInfiniteQuery({
    queryKey: ['records', object, p],
    queryFn: ({ pageParam, signal }) => api<Page<CrmRecord>>(listUrl(object, p, pageParam), { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
  });
}

export function useRecord(object: string, id: string | undefined, expand?: string) {
  return useQuery({
    queryKey: ['record', object, id, expand],
    queryFn: () => api<CrmRecord>(`/api/records/${object}/${id}${qs({ expand })}`),
    enabled: !!id,
  });
}

export function useHistory(object: string, id: string, enabled: boolean) {
  return useQuery({ queryKey: ['history', object, id], queryFn: () => api<HistoryEntry[]>(`/api/records/${object}/${id}/history`), enabled });
}

export function useSaveRecord(object: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id?: string; values: Record<string, unknown>; version?: number }) =>
      v.id
        ? api<CrmRecord>(`/api/records/${object}/${v.id}`, { method: 'PATCH', body: v.values, headers: v.version ? { 'if-match': `"${v.version}"` } : {} })
        : api<CrmRecord>(`/api/records/${object}`, { method: 'POST', body: v.values }),
    onSuccess: (rec) => {
      qc.setQueryData(['record', object, rec.id, undefined], rec);
      void qc.invalidateQueries({ queryKey: ['records', object] });
      void qc.invalidateQueries({ queryKey: ['record', object, rec.id] });
    },
  });
}

export function useDeleteRecord(object: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/records/${object}/${id}`, { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['records', object] }),
  });
}
