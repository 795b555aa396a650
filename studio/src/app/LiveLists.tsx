/**
 * Keeps every open list current: a change anyone makes refetches that object's lists; a
 * deploy refetches the metadata (a new object appears in the navigation without a reload).
 */
import { useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useRecordEvents } from './record/live.ts';

const DEBOUNCE_MS = 400;

export function LiveLists() {
  const qc = useQueryClient();
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  useRecordEvents((e) => {
    const pending = timers.current.get(e.object);
    if (pending) clearTimeout(pending);
    // A burst of changes (a bulk import, a cascade) refetches once.
    timers.current.set(e.object, setTimeout(() => {
      timers.current.delete(e.object);
      void qc.invalidateQueries({ queryKey: ['records', e.object] });
    }, DEBOUNCE_MS));
  }, true, () => void qc.invalidateQueries({ queryKey: ['metadata'] }));
  return null;
}
