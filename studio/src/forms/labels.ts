/** What people read: field labels (the metadata's label, else the name made readable). */
import type { FieldDef } from '../../../metadata/types.ts';

/** `billing_postal_code` → `Billing postal code`. */
export function humanize(name: string): string {
  const s = name.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim().toLowerCase();
  return s ? s[0].toUpperCase() + s.slice(1) : name;
}

export function fieldLabel(f: Pick<FieldDef, 'name' | 'label'>): string {
  return f.label ?? humanize(f.name);
}

/** Labels of the system fields every record carries. */
export const SYSTEM_LABELS: Record<string, string> = {
  id: 'Id', ownerId: 'Owner', createdAt: 'Created', createdBy: 'Created by', updatedAt: 'Last modified', updatedBy: 'Modified by', version: 'Version',
};
