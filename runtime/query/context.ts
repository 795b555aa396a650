/**
 * What the query compiler knows about the world: the object queried, how to find the others,
 * the caller, and (later, from security) which fields the caller may see.
 */
import type { FieldDef } from '../../metadata/types.ts';
import { NAME_PATTERN, SYSTEM_FIELDS, type SystemField } from '../../metadata/types.ts';
import type { DeployedField, DeployedObject } from '../metadata/deployed.ts';
import type { ReadableRows } from './joins.ts';

export interface QueryContext {
  /** The object queried (the root of every path). */
  object: DeployedObject;
  objectByName(name: string): DeployedObject | undefined;
  user: { id: string };
  /** `YYYY-MM-DD` for `"$today"`; default: today in UTC. */
  today?: string;
  /**
   * Field-level security. A field for which this returns false behaves exactly like an
   * unknown field (same error, never selected). `id` is always visible: keyset paging needs it.
   */
  fieldVisible?(object: DeployedObject, field: string): boolean;
  /** Row-level security for objects reached through reference paths (see JoinPlan). */
  readableRows?: ReadableRows;
}

/** How the compiler treats a column: which operators apply and which values are valid. */
export type ValueKind = 'text' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'uuid' | 'multi' | 'json';

export const SYSTEM_FIELD_KINDS: Readonly<Record<SystemField, ValueKind>> = {
  id: 'uuid', ownerId: 'uuid', createdBy: 'uuid', updatedBy: 'uuid',
  createdAt: 'datetime', updatedAt: 'datetime', version: 'integer',
};

export function fieldKind(field: FieldDef): ValueKind {
  switch (field.type) {
    case 'text': case 'longtext': case 'richtext': case 'email': case 'phone': case 'url':
    case 'picklist': case 'autonumber':
      return 'text';
    case 'multipicklist': return 'multi';
    case 'integer': return 'integer';
    case 'decimal': case 'currency': case 'percent': return 'number';
    // A min/max of dates compares, sorts and pages as a date (its `returns`, set on deploy).
    case 'rollup': return field.returns === 'date' || field.returns === 'datetime' ? field.returns : 'number';
    case 'boolean': return 'boolean';
    case 'date': return 'date';
    case 'datetime': return 'datetime';
    case 'reference': return 'uuid';
    case 'json': return 'json';
    case 'formula':
      switch (field.returns) {
        case 'text': return 'text';
        case 'integer': return 'integer';
        case 'boolean': return 'boolean';
        case 'date': return 'date';
        case 'datetime': return 'datetime';
        default: return 'number';
      }
  }
}

/** PostgreSQL type of a kind's column, used only to cast array bindings (`?::uuid[]`). */
export const KIND_SQL_TYPE: Readonly<Record<Exclude<ValueKind, 'multi' | 'json'>, string>> = {
  text: 'text', integer: 'bigint', number: 'numeric', boolean: 'boolean',
  date: 'date', datetime: 'timestamptz', uuid: 'uuid',
};

export interface FieldInfo {
  name: string;
  kind: ValueKind;
  /** The metadata field; undefined for system fields. */
  field?: DeployedField;
}

const SYSTEM_SET: ReadonlySet<string> = new Set(SYSTEM_FIELDS);
const fieldMaps = new WeakMap<DeployedObject, Map<string, DeployedField>>();

function fieldMap(object: DeployedObject): Map<string, DeployedField> {
  let map = fieldMaps.get(object);
  if (!map) {
    // A Map, not object indexing: a key like `__proto__` or `constructor` must find nothing.
    map = new Map(object.fields.map((f) => [f.name, f]));
    fieldMaps.set(object, map);
  }
  return map;
}

/** A field or system field of `object` that the caller may see, else undefined. */
export function lookupField(ctx: QueryContext, object: DeployedObject, name: string): FieldInfo | undefined {
  let info: FieldInfo | undefined;
  if (SYSTEM_SET.has(name)) {
    info = { name, kind: SYSTEM_FIELD_KINDS[name as SystemField] };
  } else {
    const field = fieldMap(object).get(name);
    if (field) info = { name, kind: fieldKind(field), field };
  }
  if (!info) return undefined;
  if (name !== 'id' && ctx.fieldVisible && !ctx.fieldVisible(object, name)) return undefined;
  return info;
}

/** Every field and system field the caller may see, in metadata order, system fields first. */
export function visibleFields(ctx: QueryContext, object: DeployedObject): FieldInfo[] {
  const names = [...SYSTEM_FIELDS, ...object.fields.map((f) => f.name)];
  return names.map((n) => lookupField(ctx, object, n)).filter((f): f is FieldInfo => f !== undefined);
}

/**
 * Last line of defence before a name becomes an identifier: metadata is validated on deploy,
 * but knex splits identifiers on dots, so a corrupted name must fail loudly, not mis-parse.
 */
export function assertIdentifier(name: string): string {
  if (!NAME_PATTERN.test(name) && !SYSTEM_SET.has(name) && name !== '_deletedAt') {
    throw new Error(`Invalid identifier in deployed metadata: ${JSON.stringify(name)}`);
  }
  return name;
}
