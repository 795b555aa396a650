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

/** The registry version of a `metadata.changed` event, if the data is one. */
export function parseMetadataChanged(data: unknown): number | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const v = JSON.parse(data) as { type?: unknown; version?: unknown };
    return v.type === 'metadata.changed' && typeof v.version === 'number' ? v.version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Calls `onEvent` for every record event the caller may see, while mounted, and
 * `onMetadataChanged` with the new registry version after a deploy.
 */
export function useRecordEvents(onEvent: (e: RecordEventMessage) => void, enabled = true, onMetadataChanged?: (version: number) => void): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const metaHandler = useRef(onMetadataChanged);
  metaHandler.current = onMetadataChanged;
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
    source.addEventListener('metadata.changed', (m: MessageEvent) => {
      const version = parseMetadataChanged(m.data);
      if (version !== undefined) metaHandler.current?.(version);
    });
    source.addEventListener('message', listener);
    // The browser reconnects by itself (with Last-Event-ID); a refused stream stays closed.
    source.onerror = () => {};
    return () => source?.close();
  }, [enabled]);
}
