/**
 * The list screens' own server calls and cache updates, beside the shared hooks of api/:
 * PATCH with If-Match, the bulk API, restore, every page of a list (for CSV), user names,
 * and putting a saved record back into the cached list pages without a refetch.
 */
import { useCallback } from 'react';
import { useQuery, type InfiniteData, type QueryClient } from '@tanstack/react-query';
import { fieldErrorText } from '../../forms/problemText.ts';
import { api } from '../../api/client.ts';
import { listUrl, useMe, type ListParams } from '../../api/hooks.ts';
import type { CrmRecord, Page, User } from '../../api/types.ts';

export type ListData = InfiniteData<Page<CrmRecord>, string | null>;

export function patchRecord(object: string, id: string, version: number | undefined, values: Record<string, unknown>): Promise<CrmRecord> {
  return api<CrmRecord>(`/api/records/${object}/${id}`, {
    method: 'PATCH', body: values, headers: version ? { 'if-match': `"${version}"` } : {},
  });
}

export function getRecord(object: string, id: string, expand?: string): Promise<CrmRecord> {
  return api<CrmRecord>(`/api/records/${object}/${id}${expand ? `?expand=${encodeURIComponent(expand)}` : ''}`);
}

export interface BulkItem {
  index: number;
  status: 'created' | 'updated' | 'deleted' | 'error';
  id?: string;
  error?: { status: number; code: string; message: string; errors?: Array<{ field: string; message: string }> };
}
export interface BulkResult { results: BulkItem[]; created: number; updated: number; deleted: number; failed: number }

export function bulkUpdate(object: string, records: Array<{ id: string; version?: number } & Record<string, unknown>>): Promise<BulkResult> {
  return api<BulkResult>(`/api/records/${object}/bulk`, { method: 'POST', body: { operation: 'update', records } });
}

export function bulkDelete(object: string, ids: string[]): Promise<BulkResult> {
  return api<BulkResult>(`/api/records/${object}/bulk`, { method: 'POST', body: { operation: 'delete', records: ids.map((id) => ({ id })) } });
}

export async function restoreRecords(object: string, ids: string[]): Promise<void> {
  await Promise.all(ids.map((id) => api(`/api/records/${object}/${id}/restore`, { method: 'POST' })));
}

/** The first failure's message of a bulk result, for one line of feedback. */
/** The first refusal, in words: a field's problem led by the field's label (from `fields`). */
export function firstBulkError(r: BulkResult, fields: ReadonlyArray<{ name: string; label?: string }> = []): string | undefined {
  const e = r.results.find((x) => x.status === 'error')?.error;
  const p = e?.errors?.[0];
  if (p) return fieldErrorText(fields.find((f) => f.name === p.field.split('.')[0]), p);
  return e?.message;
}

/** Every record a list would page through, 200 at a time, up to `max`. */
export async function fetchAll(object: string, params: ListParams, opts: { max?: number; signal?: AbortSignal; onProgress?: (n: number) => void } = {}): Promise<{ records: CrmRecord[]; truncated: boolean }> {
  const max = opts.max ?? 10_000;
  const records: CrmRecord[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<CrmRecord> = await api<Page<CrmRecord>>(listUrl(object, { ...params, limit: 200 }, cursor), { signal: opts.signal });
    records.push(...page.data);
    opts.onProgress?.(records.length);
    cursor = page.nextCursor;
  } while (cursor && records.length < max);
  return { records: records.slice(0, max), truncated: !!cursor || records.length > max };
}

/**
 * A saved record merged over its cached copy: references the server sent as ids keep the
 * expanded target the list already had (or the one the editor picked), so names stay shown.
 */
export function mergeRecord(old: CrmRecord, fresh: CrmRecord, picked: Record<string, unknown> = {}): CrmRecord {
  const out: CrmRecord = { ...old, ...fresh };
  for (const [k, v] of Object.entries(fresh)) {
    if (k in picked) out[k] = picked[k];
    else {
      const prev = old[k];
      if (typeof v === 'string' && prev && typeof prev === 'object' && !Array.isArray(prev) && (prev as { id?: unknown }).id === v) out[k] = prev;
    }
  }
  return out;
}

/** Replaces a record in every cached page of the object's lists. */
export function replaceInLists(qc: QueryClient, object: string, fresh: CrmRecord, picked?: Record<string, unknown>): void {
  qc.setQueriesData<ListData>({ queryKey: ['records', object] }, (data) => data && ({
    ...data,
    pages: data.pages.map((p) => ({ ...p, data: p.data.map((r) => (r.id === fresh.id ? mergeRecord(r, fresh, picked) : r)) })),
  }));
}

/** The users, for those who may list them (admins); others get an empty list. */
export function useUsers() {
  const me = useMe();
  const canList = !!me.data?.roles.includes('admin');
  return useQuery({
    queryKey: ['users'],
    queryFn: () => api<User[]>('/api/users'),
    enabled: canList,
    staleTime: 5 * 60_000,
    retry: false,
  });
}

/** Names of users for owner columns: from the user list when the caller may read it, else just "you". */
export function useUserNames(): (id: string) => string {
  const me = useMe();
  const users = useUsers();
  const meData = me.data;
  const list = users.data;
  return useCallback((id: string) => {
    if (id === meData?.id) return meData.name ?? meData.email;
    const u = list?.find((x) => x.id === id);
    return u ? (u.name ?? u.email) : `User ${id.slice(0, 8)}`;
  }, [meData, list]);
}
