/** Navigation groups: objects by their `app`, in the order people use them. */
import type { DeployedObject } from '../api/types.ts';

export const APPS: Array<{ key: string; label: string }> = [
  { key: 'sales', label: 'Sales' },
  { key: 'service', label: 'Service' },
  { key: 'marketing', label: 'Marketing' },
  { key: 'commerce', label: 'Commerce' },
  { key: 'other', label: 'Other' },
];

export function groupByApp(objects: DeployedObject[]): Array<{ key: string; label: string; objects: DeployedObject[] }> {
  return APPS.map((a) => ({ ...a, objects: objects.filter((o) => (o.app ?? 'other') === a.key) })).filter((g) => g.objects.length);
}

export function titleOf(object: DeployedObject | undefined, record: Record<string, unknown> | undefined): string {
  if (!record) return '';
  const v = object?.nameField ? record[object.nameField] : undefined;
  return typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : `${object?.label ?? 'Record'} ${String(record.id ?? '').slice(0, 8)}`;
}
