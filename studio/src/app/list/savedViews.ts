/**
 * Saved list views, kept on the server (/api/views/:object): the caller's own, in every browser
 * they sign in from, and views an admin shared with everyone. Each is
 * `{name, columns, filter, sort, type, groupBy}`; saving under an existing name replaces it.
 */
import { useCallback } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { RecordFilter } from '../../../../metadata/types.ts';
import { api } from '../../api/client.ts';

export interface PersonalView {
  id: string;
  name: string;
  columns: string[];
  filter?: RecordFilter;
  sort: string[];
  type: 'table' | 'kanban';
  groupBy?: string;
  savedAt: string;
  /** Shared with everyone by an admin. */
  shared?: boolean;
  /** The caller may replace or delete it (their own; a shared one for admins). */
  mine?: boolean;
}

export type ViewInput = Omit<PersonalView, 'id' | 'savedAt' | 'mine'>;

/** Views are chosen in the URL as `?view=my:<id>` (shared ones too: the id is the server's). */
export const PERSONAL_PREFIX = 'my:';

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** A view as the server sent it; anything malformed is skipped by the caller, never an error. */
export function parseView(v: unknown): PersonalView | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.id !== 'string' || typeof o.name !== 'string' || !isStrings(o.columns) || !isStrings(o.sort)) return undefined;
  const filter = o.filter && typeof o.filter === 'object' && !Array.isArray(o.filter) ? (o.filter as RecordFilter) : undefined;
  return {
    id: o.id, name: o.name, columns: o.columns, sort: o.sort, filter,
    type: o.type === 'kanban' ? 'kanban' : 'table',
    groupBy: typeof o.groupBy === 'string' ? o.groupBy : undefined,
    savedAt: typeof o.savedAt === 'string' ? o.savedAt : '',
    shared: o.shared === true,
    mine: o.mine !== false,
  };
}

const viewsKey = (object: string) => ['saved-views', object];

/** The caller's views of an object and the shared ones; saving or deleting refreshes them. */
export function useSavedViews(userId: string | undefined, object: string) {
  const qc = useQueryClient();
  const query = useQuery({
    queryKey: viewsKey(object),
    queryFn: async () => (await api<unknown[]>(`/api/views/${encodeURIComponent(object)}`)).map(parseView).filter((v): v is PersonalView => !!v),
    enabled: !!userId,
    staleTime: 30_000,
  });
  const save = useCallback(async (input: ViewInput): Promise<PersonalView | undefined> => {
    const saved = parseView(await api<unknown>(`/api/views/${encodeURIComponent(object)}`, { method: 'POST', body: input }));
    await qc.invalidateQueries({ queryKey: viewsKey(object) });
    return saved;
  }, [qc, object]);
  const remove = useCallback(async (id: string) => {
    await api<void>(`/api/views/${encodeURIComponent(object)}/${encodeURIComponent(id)}`, { method: 'DELETE' });
    await qc.invalidateQueries({ queryKey: viewsKey(object) });
  }, [qc, object]);
  return { views: query.data ?? [], loaded: !query.isPending, save, remove };
}
