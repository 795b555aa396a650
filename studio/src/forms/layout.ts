/**
 * Layout → form: the record layout's sections and columns become the rjsf schema (each field's
 * JSON Schema from metadata/record-schema.ts, titled with its label) and the uiSchema (a widget
 * per field type). Pure, so it is tested without a browser.
 */
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { fieldSchema, isComputedField } from '../../../metadata/record-schema.ts';
import type { FieldDef, LayoutDef } from '../../../metadata/types.ts';
import type { DeployedField, DeployedObject } from '../api/types.ts';
import type { FormSection, RecordFormContext, Values } from './context.ts';
import { fieldLabel } from './labels.ts';
import { today } from './format.ts';

export interface FormModel {
  schema: RJSFSchema;
  uiSchema: UiSchema<Values, RJSFSchema, RecordFormContext>;
  sections: FormSection[];
  /** The fields in the form, in layout order. */
  fields: DeployedField[];
  /** The fields people edit (not computed). */
  editable: string[];
}

/** The widget (rjsf name, see widgets/index.ts) a field type is edited with. */
export function widgetFor(f: FieldDef): string {
  switch (f.type) {
    case 'longtext': return 'textarea';
    case 'richtext': return 'richtext';
    case 'integer': case 'decimal': return 'number';
    case 'currency': return 'currency';
    case 'percent': return 'percent';
    case 'boolean': return 'checkbox';
    case 'date': return 'date';
    case 'datetime': return 'datetime';
    case 'picklist': return 'picklist';
    case 'multipicklist': return 'multipicklist';
    case 'reference': return 'reference';
    case 'formula': case 'rollup': case 'autonumber': return 'readonly';
    default: return 'text';
  }
}

/** The layout of an object: `default` if there is one, else the first, else none. */
export function layoutFor(layouts: LayoutDef[] | undefined, object: string): LayoutDef | undefined {
  const mine = (layouts ?? []).filter((l) => l.object === object);
  return mine.find((l) => l.name === 'default') ?? mine[0];
}

/** Without a layout: every field, in two columns. */
function defaultSections(object: DeployedObject): FormSection[] {
  const names = object.fields.map((f) => f.name);
  const half = Math.ceil(names.length / 2);
  return [{ key: 'details', label: 'Details', collapsed: false, columns: [names.slice(0, half), names.slice(half)] }];
}

/**
 * `readOnly`: fields the caller may read but not change (or `all`: the record is not theirs to
 * change) — shown as read-only, never sent, never required of them.
 */
export function buildForm(object: DeployedObject, layout: LayoutDef | undefined, opts: { isNew: boolean; include?: string[]; readOnly?: readonly string[] | 'all' }): FormModel {
  const locked = (f: FieldDef) => isComputedField(f) || opts.readOnly === 'all' || (!!opts.readOnly && opts.readOnly.includes(f.name));
  const byName = new Map(object.fields.map((f) => [f.name, f]));
  // A new record has no rollups or numbers yet: those fields would only say so.
  const shown = (f: DeployedField | undefined): f is DeployedField => !!f && !(opts.isNew && (f.type === 'rollup' || f.type === 'autonumber'));
  let sections: FormSection[] = layout
    ? layout.sections.map((s, i) => ({
      key: `s${i}`,
      label: s.label,
      collapsed: !!s.collapsed,
      columns: s.columns.map((c) => c.fields.filter((n) => shown(byName.get(n)))),
    }))
    : defaultSections(object).map((s) => ({ ...s, columns: s.columns.map((c) => c.filter((n) => shown(byName.get(n)))) }));
  const placed = new Set(sections.flatMap((s) => s.columns.flat()));
  // Required fields the layout forgot, and fields being prefilled, must still be visible.
  const missing = object.fields.filter((f) => !placed.has(f.name) && ((f.required && !isComputedField(f)) || opts.include?.includes(f.name)));
  if (missing.length) sections = [...sections, { key: 'more', label: 'More fields', collapsed: false, columns: [missing.map((f) => f.name)] }];
  sections = sections.filter((s) => s.columns.some((c) => c.length));

  const fields: DeployedField[] = [];
  for (const n of sections.flatMap((s) => s.columns.flat())) {
    const f = byName.get(n);
    if (f && !fields.includes(f)) fields.push(f);
  }
  const properties: Record<string, RJSFSchema> = {};
  const uiSchema: UiSchema<Values, RJSFSchema, RecordFormContext> = { 'ui:submitButtonOptions': { norender: true } };
  for (const f of fields) {
    properties[f.name] = { ...fieldSchema(f), title: fieldLabel(f) } as RJSFSchema;
    uiSchema[f.name] = f.type === 'json' ? { 'ui:field': 'json', 'ui:readonly': locked(f) } : { 'ui:widget': locked(f) ? 'readonly' : widgetFor(f) };
  }
  const editable = fields.filter((f) => !locked(f)).map((f) => f.name);
  const required = fields.filter((f) => f.required && !locked(f)).map((f) => f.name);
  const schema: RJSFSchema = { type: 'object', title: '', properties, ...(required.length ? { required } : {}) };
  return { schema, uiSchema, sections, fields, editable };
}

/** A field's default for a new record (`$user.id`, `$today`, `$now` resolved). */
export function defaultValue(f: FieldDef, userId: string | undefined): unknown {
  const d = f.default;
  if (d === undefined || isComputedField(f)) return undefined;
  if (d === '$user.id') return userId;
  if (d === '$today') return today();
  if (d === '$now') return new Date().toISOString();
  return d;
}

/** A query-string value (`?account=<id>&amount=12`) as the field's type, or undefined when it does not fit. */
export function fromParam(f: FieldDef, raw: string): unknown {
  switch (f.type) {
    case 'integer': case 'decimal': case 'currency': case 'percent': {
      const n = Number(raw);
      return raw.trim() !== '' && Number.isFinite(n) ? n : undefined;
    }
    case 'boolean': return raw === 'true' ? true : raw === 'false' ? false : undefined;
    case 'multipicklist': return raw.split(',').map((s) => s.trim()).filter(Boolean);
    case 'json': try { return JSON.parse(raw) as unknown; } catch { return undefined; }
    case 'formula': case 'rollup': case 'autonumber': return undefined;
    default: return raw;
  }
}

/** Values for a new record: defaults, then what the URL prefills. */
export function initialValues(object: DeployedObject, params: URLSearchParams, userId: string | undefined): { values: Values; prefilled: string[] } {
  const values: Values = {};
  for (const f of object.fields) {
    const d = defaultValue(f, userId);
    if (d !== undefined && d !== null) values[f.name] = d;
  }
  const prefilled: string[] = [];
  for (const [k, raw] of params) {
    const f = object.fields.find((x) => x.name === k);
    if (!f) continue;
    const v = fromParam(f, raw);
    if (v !== undefined) {
      values[k] = v;
      prefilled.push(k);
    }
  }
  return { values, prefilled };
}

/** Two field values the same for saving purposes (empty is empty, arrays by content). */
export function sameValue(a: unknown, b: unknown): boolean {
  const empty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
  if (empty(a) && empty(b)) return true;
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

/** What a save sends: changed editable fields (update), or every filled one (create). Empty is null. */
export function changesOf(editable: string[], values: Values, base: Values | undefined): Values {
  const out: Values = {};
  for (const n of editable) {
    const v = values[n];
    if (base) {
      if (!sameValue(v, base[n])) out[n] = v === undefined || v === '' ? null : v;
    } else if (v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)) {
      out[n] = v;
    }
  }
  return out;
}
