/**
 * Which fields text search (`q`) looks into — shared by the engine (which indexes them) and the
 * studio (which shows the choice). By default an object's key fields: its name field (text, a
 * text formula or an autonumber), its email and phone fields, and its codes (text that is
 * unique or an externalId). A text field says otherwise with `searchable: true | false`. Each
 * search field costs a trigram index that every write maintains, so the default stays small.
 */
import type { FieldDef } from './types.ts';

const FLAGGABLE = new Set<FieldDef['type']>(['text', 'longtext', 'richtext', 'email', 'phone', 'url']);

function holdsText(field: FieldDef): boolean {
  if (field.type === 'formula') return field.returns === 'text';
  return FLAGGABLE.has(field.type) || field.type === 'autonumber';
}

/** Whether `q` searches the field when it says nothing itself. */
export function searchedByDefault(field: FieldDef, nameField: string | undefined): boolean {
  if (!holdsText(field)) return false;
  return field.name === nameField || field.type === 'email' || field.type === 'phone'
    || (field.type === 'text' && (field.unique === true || field.externalId === true));
}

/** Whether the field may carry `searchable` (the text types). */
export function canFlagSearchable(type: FieldDef['type']): boolean {
  return FLAGGABLE.has(type);
}

/** Whether `q` searches the field. */
export function isSearchField(field: FieldDef, nameField: string | undefined): boolean {
  if (canFlagSearchable(field.type) && 'searchable' in field && typeof field.searchable === 'boolean') return field.searchable;
  return searchedByDefault(field, nameField);
}
