/** Field types in words, and what kind of value each holds (for pickers that know types). */
import type { FieldDef, FieldType } from '../../../metadata/types.ts';
import type { ValueKind } from './ruleModel.ts';
import type { FilterKind } from './filterModel.ts';

export interface TypeInfo { label: string; hint: string; group: 'Text' | 'Numbers' | 'Choices' | 'Dates' | 'Links' | 'Computed' | 'Other' }

export const TYPE_INFO: Record<FieldType, TypeInfo> = {
  text: { label: 'Text', hint: 'One line of text', group: 'Text' },
  longtext: { label: 'Long text', hint: 'Several lines of plain text', group: 'Text' },
  richtext: { label: 'Rich text', hint: 'Formatted text', group: 'Text' },
  email: { label: 'Email', hint: 'An email address', group: 'Text' },
  phone: { label: 'Phone', hint: 'A phone number', group: 'Text' },
  url: { label: 'URL', hint: 'A web address', group: 'Text' },
  integer: { label: 'Whole number', hint: '1, 2, 3…', group: 'Numbers' },
  decimal: { label: 'Decimal number', hint: 'A number with decimals', group: 'Numbers' },
  currency: { label: 'Currency', hint: 'An amount of money', group: 'Numbers' },
  percent: { label: 'Percent', hint: '12.5 means 12.5 %', group: 'Numbers' },
  boolean: { label: 'Yes / no', hint: 'A checkbox', group: 'Choices' },
  picklist: { label: 'Picklist', hint: 'One value from a list', group: 'Choices' },
  multipicklist: { label: 'Multi-select picklist', hint: 'Several values from a list', group: 'Choices' },
  date: { label: 'Date', hint: 'A day', group: 'Dates' },
  datetime: { label: 'Date and time', hint: 'A moment', group: 'Dates' },
  reference: { label: 'Reference', hint: 'Points at a record of another object', group: 'Links' },
  autonumber: { label: 'Auto number', hint: 'VEH-0001, VEH-0002… given by Strata', group: 'Computed' },
  formula: { label: 'Formula', hint: 'Calculated from other fields', group: 'Computed' },
  rollup: { label: 'Roll-up summary', hint: 'Sum, count, min, max or average of related records', group: 'Computed' },
  json: { label: 'JSON', hint: 'Structured data for integrations', group: 'Other' },
};

export const TYPE_GROUPS: TypeInfo['group'][] = ['Text', 'Numbers', 'Choices', 'Dates', 'Links', 'Computed', 'Other'];

export function typeLabel(f: Pick<FieldDef, 'type'>): string {
  return TYPE_INFO[f.type]?.label ?? f.type;
}

export function fieldLabel(f: Pick<FieldDef, 'name' | 'label'>): string {
  return f.label ?? labelOf(f.name);
}

function labelOf(name: string): string {
  const s = name.replace(/_/g, ' ');
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

export function isComputed(f: Pick<FieldDef, 'type'>): boolean {
  return f.type === 'formula' || f.type === 'rollup' || f.type === 'autonumber';
}

/** The type a field's values have (a formula's is what it returns; a rollup's, what the deploy derived). */
export function effectiveType(f: FieldDef): string {
  if (f.type === 'formula') return f.returns;
  if (f.type === 'rollup') return f.returns === 'date' || f.returns === 'datetime' ? f.returns : 'decimal';
  return f.type;
}

export function valueKind(f: FieldDef | undefined): ValueKind {
  if (!f) return 'other';
  const t = effectiveType(f);
  if (['integer', 'decimal', 'currency', 'percent'].includes(t)) return 'number';
  if (t === 'boolean') return 'boolean';
  if (t === 'date' || t === 'datetime') return 'date';
  if (t === 'picklist') return 'choice';
  if (t === 'multipicklist') return 'choices';
  if (t === 'reference') return 'reference';
  if (['text', 'longtext', 'richtext', 'email', 'phone', 'url', 'autonumber'].includes(t)) return 'text';
  return 'other';
}

export function filterKind(f: FieldDef | undefined, systemName?: string): FilterKind {
  if (systemName === 'ownerId' || systemName === 'createdBy' || systemName === 'updatedBy') return 'user';
  if (systemName === 'createdAt' || systemName === 'updatedAt') return 'date';
  return valueKind(f) as FilterKind;
}

export const NUMBER_TYPES = new Set(['integer', 'decimal', 'currency', 'percent']);
