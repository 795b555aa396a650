/**
 * Between a text box and the API value (CONTRACT §2) for fields typed into an input:
 * text kinds, numbers (input type=number gives `1234.5`), dates (`YYYY-MM-DD`) and
 * date-times (a local `YYYY-MM-DDTHH:mm` box ↔ ISO 8601 in UTC). An empty box is `null`.
 */
import type { Kind } from './fields.ts';

export type Parsed = { ok: true; value: string | number | null } | { ok: false; message: string };

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO date-time as the local `YYYY-MM-DDTHH:mm` of a datetime-local input. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function toEditorText(kind: Kind, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (kind === 'datetime' && typeof value === 'string') return toLocalInput(value);
  return String(value);
}

export function fromEditorText(kind: Kind, text: string): Parsed {
  const t = kind === 'longtext' || kind === 'richtext' ? text : text.trim();
  if (t === '') return { ok: true, value: null };
  switch (kind) {
    case 'integer':
      return /^[-+]?\d+$/.test(t) ? { ok: true, value: Number(t) } : { ok: false, message: 'Enter a whole number' };
    case 'decimal': case 'currency': case 'percent': {
      const n = Number(t);
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: 'Enter a number' };
    }
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(t) ? { ok: true, value: t } : { ok: false, message: 'Enter a date' };
    case 'datetime': {
      const d = new Date(t);
      return Number.isNaN(d.getTime()) ? { ok: false, message: 'Enter a date and time' } : { ok: true, value: d.toISOString() };
    }
    default:
      return { ok: true, value: t };
  }
}

/** The input type of a text box for a kind. */
export function inputType(kind: Kind): string {
  switch (kind) {
    case 'integer': case 'decimal': case 'currency': case 'percent': return 'number';
    case 'date': return 'date';
    case 'datetime': return 'datetime-local';
    case 'email': return 'email';
    case 'phone': return 'tel';
    case 'url': return 'url';
    default: return 'text';
  }
}

/**
 * What an editor holds while someone edits: the text of a text box, true/false, an option's
 * value or a record id, or the values of a multi-select.
 */
export type Draft = string | boolean | null | string[];

/** Kinds edited in a text box. */
export function isTyped(kind: Kind): boolean {
  return !['boolean', 'picklist', 'multipicklist', 'reference', 'user', 'json'].includes(kind);
}

export function draftOf(kind: Kind, value: unknown): Draft {
  if (isTyped(kind)) return toEditorText(kind, value);
  if (kind === 'multipicklist') return Array.isArray(value) ? value.map(String) : [];
  if (kind === 'boolean') return typeof value === 'boolean' ? value : null;
  if (kind === 'reference' && value && typeof value === 'object') {
    const id = (value as { id?: unknown }).id;
    return typeof id === 'string' ? id : null;
  }
  return typeof value === 'string' ? value : null;
}

export type DraftValue = { ok: true; value: string | number | boolean | null | string[] } | { ok: false; message: string };

/** The API value of a draft, or why it is not one. */
export function valueOfDraft(kind: Kind, draft: Draft): DraftValue {
  if (isTyped(kind)) return fromEditorText(kind, typeof draft === 'string' ? draft : '');
  if (kind === 'multipicklist') return { ok: true, value: Array.isArray(draft) ? draft : [] };
  return { ok: true, value: draft === '' ? null : draft };
}
