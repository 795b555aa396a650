/**
 * What the list screens need to know about a field, derived once from the metadata: how its
 * values display (`kind`), whether a cell may be edited in place, how it sorts and filters.
 * System columns (`ownerId`, `createdAt` …) are fields here too, since views list them.
 */
import type { FieldDef, PicklistOption } from '../../../../metadata/types.ts';
import { humanize } from '../../forms/labels.ts';

export type Kind =
  | 'text' | 'longtext' | 'richtext' | 'email' | 'phone' | 'url'
  | 'integer' | 'decimal' | 'currency' | 'percent' | 'boolean' | 'date' | 'datetime'
  | 'picklist' | 'multipicklist' | 'reference' | 'user' | 'json';

export interface ListField {
  name: string;
  label: string;
  kind: Kind;
  /** Digits after the point for decimal, currency and percent. */
  scale?: number;
  options?: PicklistOption[];
  /** Target object of a reference. */
  to?: string;
  required: boolean;
  /** Stored, not computed nor a system column: may be edited in place. */
  editable: boolean;
  /** The sort key a click on its header asks for (a reference sorts by the target's name). */
  sortKey?: string;
  system: boolean;
}

const SYSTEM: ReadonlyArray<Pick<ListField, 'name' | 'label' | 'kind'>> = [
  { name: 'ownerId', label: 'Owner', kind: 'user' },
  { name: 'createdAt', label: 'Created', kind: 'datetime' },
  { name: 'createdBy', label: 'Created by', kind: 'user' },
  { name: 'updatedAt', label: 'Last modified', kind: 'datetime' },
  { name: 'updatedBy', label: 'Last modified by', kind: 'user' },
];


function kindOfType(type: string): Kind {
  switch (type) {
    case 'autonumber': return 'text';
    case 'text': case 'longtext': case 'richtext': case 'email': case 'phone': case 'url':
    case 'integer': case 'decimal': case 'currency': case 'percent': case 'boolean': case 'date': case 'datetime':
    case 'picklist': case 'multipicklist': case 'reference': case 'json':
      return type;
    default: return 'text';
  }
}

/** What field derivation needs of the objects (to follow references and rollups). */
type Objects = ReadonlyArray<{ name: string; nameField?: string; fields: readonly FieldDef[] }>;

/** How a computed or stored field's values look. */
function kindOf(f: FieldDef, objects: Objects): { kind: Kind; scale?: number } {
  if (f.type === 'formula') return { kind: kindOfType(f.returns), scale: f.scale };
  if (f.type === 'rollup') {
    if (f.aggregate === 'count') return { kind: 'integer' };
    // A min or max of dates: the deploy stored the type it holds.
    if (f.returns === 'date' || f.returns === 'datetime') return { kind: f.returns };
    const [child] = f.of.split('.');
    const src = objects.find((o) => o.name === child)?.fields.find((x) => x.name === f.field);
    const inner = src ? kindOf(src, objects) : { kind: 'decimal' as Kind };
    const kind = f.aggregate === 'avg' && inner.kind === 'integer' ? 'decimal' : inner.kind;
    return { kind, scale: f.scale ?? inner.scale };
  }
  if (f.type === 'decimal' || f.type === 'currency' || f.type === 'percent') return { kind: f.type, scale: f.scale };
  return { kind: kindOfType(f.type) };
}

const UNSORTABLE: ReadonlySet<Kind> = new Set(['multipicklist', 'json']);
const NOT_EDITABLE_IN_CELL: ReadonlySet<Kind> = new Set(['richtext', 'json']);

export function toListField(f: FieldDef, objects: Objects): ListField {
  const { kind, scale } = kindOf(f, objects);
  const computed = f.type === 'formula' || f.type === 'rollup' || f.type === 'autonumber';
  let sortKey: string | undefined = UNSORTABLE.has(kind) ? undefined : f.name;
  let to: string | undefined;
  if (f.type === 'reference') {
    to = f.to;
    const target = objects.find((o) => o.name === f.to);
    sortKey = target?.nameField ? `${f.name}.${target.nameField}` : f.name;
  }
  return {
    name: f.name,
    label: f.label ?? humanize(f.name),
    kind,
    scale,
    options: f.type === 'picklist' || f.type === 'multipicklist' ? f.options : undefined,
    to,
    required: !!f.required,
    editable: !computed && !NOT_EDITABLE_IN_CELL.has(kind),
    sortKey,
    system: false,
  };
}

/** Every field of an object, then the system columns, as the list screens see them. */
export function listFields(object: { fields: readonly FieldDef[] }, objects: Objects): ListField[] {
  return [
    ...object.fields.map((f) => toListField(f, objects)),
    ...SYSTEM.map((s) => ({ ...s, required: false, editable: false, sortKey: s.name, system: true })),
  ];
}

/** Columns for an object without list views: its name, then the first few simple fields. */
export function defaultColumns(object: { nameField?: string }, fields: ListField[]): string[] {
  const simple = fields.filter((f) => !f.system && f.kind !== 'longtext' && f.kind !== 'richtext' && f.kind !== 'json' && f.name !== object.nameField);
  return [...(object.nameField ? [object.nameField] : []), ...simple.slice(0, 5).map((f) => f.name), 'createdAt'];
}

export function optionLabel(field: Pick<ListField, 'options'>, value: string): string {
  return field.options?.find((o) => o.value === value)?.label ?? value;
}
