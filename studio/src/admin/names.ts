/** Names from labels: what an admin types ("Licence plate") → what the format needs (`licence_plate`). */
import { NAME_PATTERN, RESERVED_FIELD_NAMES } from '../../../metadata/types.ts';

/** "Licence plate" → `licence_plate`; starts with a letter, at most 40 characters. */
export function nameFromLabel(label: string): string {
  let s = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!s) return '';
  if (!/^[a-z]/.test(s)) s = `f_${s}`;
  return s.slice(0, 40).replace(/_+$/, '');
}

/** A name not in `taken`: `name`, `name_2`, `name_3`… */
export function uniqueName(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) {
    const suffix = `_${i}`;
    const candidate = `${base.slice(0, 40 - suffix.length)}${suffix}`;
    if (!used.has(candidate)) return candidate;
  }
}

/** Why a name cannot be used, or undefined when it can. */
export function nameProblem(name: string, opts: { taken?: Iterable<string>; field?: boolean } = {}): string | undefined {
  if (!name) return 'Give it a name';
  if (!NAME_PATTERN.test(name)) return 'Lowercase letters, digits and _, starting with a letter (at most 40)';
  if (opts.field && (RESERVED_FIELD_NAMES as readonly string[]).includes(name)) return `Every record has ${name} already`;
  if (opts.taken && new Set(opts.taken).has(name)) return 'That name is taken';
  return undefined;
}

/** "Vehicle" → "Vehicles", "Company" → "Companies", "Address" → "Addresses". */
export function pluralize(label: string): string {
  if (!label) return label;
  if (/[^aeiou]y$/i.test(label)) return `${label.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(label)) return `${label}es`;
  return `${label}s`;
}

/** `close_date` → "Close date" (for elements without a label). */
export function labelFromName(name: string): string {
  const s = name.replace(/_/g, ' ').trim();
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}
