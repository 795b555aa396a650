/**
 * What the server says about a field, in words for the person filling the form: the field's
 * label first, and "at most 100" rather than schema shorthand ("must be ≤ 100"). Rule messages
 * are written for people already and pass unchanged.
 */
import type { FieldDef } from '../../../metadata/types.ts';
import { fieldLabel } from './labels.ts';

export interface ServerFieldError { field: string; code: string; message: string }

function number(raw: string): string {
  const n = Number(raw);
  return Number.isFinite(n) ? n.toLocaleString() : raw;
}

export function fieldErrorText(f: Pick<FieldDef, 'name' | 'label'> | undefined, e: { code?: string; message: string }): string {
  const label = f ? fieldLabel(f) : '';
  const limit = /([≤≥]|<=|>=)\s*(-?[\d.eE+]+)/.exec(e.message);
  if (limit && e.message.startsWith('must be')) {
    const n = number(limit[2]);
    return `${label || 'The value'} must be ${limit[1] === '≥' || limit[1] === '>=' ? 'at least' : 'at most'} ${n}`;
  }
  // Schema wording ("must be …", "is …", "not …") reads as a sentence once the label leads it.
  if (label && /^(must|is|not|should|cannot)\b/.test(e.message)) return `${label} ${e.message.replace(/≤/g, 'at most').replace(/≥/g, 'at least')}`;
  return e.message;
}
