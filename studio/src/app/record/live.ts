/**
 * Live record changes from `GET /api/events` (Server-Sent Events, CONTRACT §2): the record page
 * refetches what changed. Degrades silently: without the stream (an older server, a proxy that
 * drops it) the page just does not update by itself.
 */
import { useEffect, useRef } from 'react';

export type RecordEventType = 'record.created' | 'record.updated' | 'record.deleted' | 'record.restored';
export interface RecordEventMessage {
  type: RecordEventType;
  object: string;
  recordId: string;
  changed?: string[];
  at?: string;
}

const TYPES: RecordEventType[] = ['record.created', 'record.updated', 'record.deleted', 'record.restored'];

export function parseEvent(data: unknown, fallbackType?: string): RecordEventMessage | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const v = JSON.parse(data) as Partial<RecordEventMessage>;
    const type = (v.type ?? fallbackType) as RecordEventType;
    if (!TYPES.includes(type) || typeof v.object !== 'string' || typeof v.recordId !== 'string') return undefined;
    return { type, object: v.object, recordId: v.recordId, changed: Array.isArray(v.changed) ? v.changed : undefined, at: v.at };
  } catch {
    return undefined;
  }
}

/** Calls `onEvent` for every record event the caller may see, while mounted. */
export function useRecordEvents(onEvent: (e: RecordEventMessage) => void, enabled = true): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    let source: EventSource | undefined;
    try {
      source = new EventSource('/api/events', { withCredentials: true });
    } catch {
      return;
    }
    const listener = (m: MessageEvent) => {
      const e = parseEvent(m.data, m.type === 'message' ? undefined : m.type);
      if (e) handler.current(e);
    };
    for (const t of TYPES) source.addEventListener(t, listener);
    source.addEventListener('message', listener);
    // The browser reconnects by itself (with Last-Event-ID); a refused stream stays closed.
    source.onerror = () => {};
    return () => source?.close();
  }, [enabled]);
}
