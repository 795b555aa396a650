/**
 * Personal list views: kept in the browser (localStorage), per user and object, as
 * `{name, columns, filter, sort, type, groupBy}`. Saving under an existing name replaces it.
 */
import { useCallback, useEffect, useState } from 'react';
import type { RecordFilter } from '../../../../metadata/types.ts';

export interface PersonalView {
  id: string;
  name: string;
  columns: string[];
  filter?: RecordFilter;
  sort: string[];
  type: 'table' | 'kanban';
  groupBy?: string;
  savedAt: string;
}

export type ViewInput = Omit<PersonalView, 'id' | 'savedAt'>;

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

/** Views are chosen in the URL as `?view=my:<id>`. */
export const PERSONAL_PREFIX = 'my:';

export function storageKey(userId: string, object: string): string {
  return `strata.views.${userId}.${object}`;
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function parseView(v: unknown): PersonalView | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.id !== 'string' || typeof o.name !== 'string' || !isStrings(o.columns) || !isStrings(o.sort)) return undefined;
  const filter = o.filter && typeof o.filter === 'object' && !Array.isArray(o.filter) ? (o.filter as RecordFilter) : undefined;
  return {
    id: o.id, name: o.name, columns: o.columns, sort: o.sort, filter,
    type: o.type === 'kanban' ? 'kanban' : 'table',
    groupBy: typeof o.groupBy === 'string' ? o.groupBy : undefined,
    savedAt: typeof o.savedAt === 'string' ? o.savedAt : '',
  };
}

/** The saved views; a damaged entry is skipped, never an error. */
export function loadViews(store: KeyValueStore, userId: string, object: string): PersonalView[] {
  try {
    const raw: unknown = JSON.parse(store.getItem(storageKey(userId, object)) ?? '[]');
    return Array.isArray(raw) ? raw.map(parseView).filter((v): v is PersonalView => !!v) : [];
  } catch {
    return [];
  }
}

function newId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID().slice(0, 8) : Math.random().toString(36).slice(2, 10);
}

export function saveView(store: KeyValueStore, userId: string, object: string, input: ViewInput, now = new Date()): PersonalView {
  const views = loadViews(store, userId, object);
  const name = input.name.trim();
  const same = views.find((v) => v.name.toLowerCase() === name.toLowerCase());
  const view: PersonalView = { ...input, name, id: same?.id ?? newId(), savedAt: now.toISOString() };
  const next = same ? views.map((v) => (v.id === same.id ? view : v)) : [...views, view];
  store.setItem(storageKey(userId, object), JSON.stringify(next));
  return view;
}

export function deleteView(store: KeyValueStore, userId: string, object: string, id: string): void {
  const next = loadViews(store, userId, object).filter((v) => v.id !== id);
  store.setItem(storageKey(userId, object), JSON.stringify(next));
}

function browserStore(): KeyValueStore | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined; // storage disabled: views are then not kept
  }
}

/** The caller's views of an object, kept in step with other tabs. */
export function useSavedViews(userId: string | undefined, object: string) {
  const read = useCallback(() => {
    const store = browserStore();
    return store && userId ? loadViews(store, userId, object) : [];
  }, [userId, object]);
  const [views, setViews] = useState<PersonalView[]>(read);
  useEffect(() => {
    setViews(read());
    const onStorage = (e: StorageEvent) => {
      if (userId && e.key === storageKey(userId, object)) setViews(read());
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [read, userId, object]);
  const save = useCallback((input: ViewInput): PersonalView | undefined => {
    const store = browserStore();
    if (!store || !userId) return undefined;
    const v = saveView(store, userId, object, input);
    setViews(read());
    return v;
  }, [userId, object, read]);
  const remove = useCallback((id: string) => {
    const store = browserStore();
    if (!store || !userId) return;
    deleteView(store, userId, object, id);
    setViews(read());
  }, [userId, object, read]);
  return { views, save, remove };
}
