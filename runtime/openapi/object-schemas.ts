/**
 * The component schemas of one object, as the caller sees it: the record as read, as input
 * for create, as a patch, as a bulk record, and a page of records.
 */
import { fieldSchema, isComputedField, recordSchema } from '../../metadata/record-schema.ts';
import type { DeployedField, DeployedObject } from '../metadata/deployed.ts';
import type { AccessPolicy } from '../security/access.ts';
import type { ObjectNames } from './component-names.ts';
import { schemaRef, UUID } from './shared.ts';
import type { SchemaObject } from './types.ts';

export interface ObjectView {
  object: DeployedObject;
  names: ObjectNames;
  /** Fields the caller may read (access read or edit). */
  readable: DeployedField[];
  /** Fields the caller may write (access edit, not computed). */
  writable: DeployedField[];
}

export function viewOf(object: DeployedObject, access: AccessPolicy, names: ObjectNames): ObjectView {
  const readable = object.fields.filter((f) => access.field(object, f.name) !== 'none');
  const writable = readable.filter((f) => !isComputedField(f) && access.field(object, f.name) === 'edit');
  return { object, names, readable, writable };
}

function withFields(object: DeployedObject, fields: DeployedField[]): DeployedObject {
  return { ...object, fields };
}

export function readSchema(v: ObjectView, access: AccessPolicy, visible: Map<string, ObjectNames>): SchemaObject {
  const base = recordSchema(withFields(v.object, v.readable), 'read') as SchemaObject;
  const properties: Record<string, SchemaObject> = { ...base.properties };
  for (const f of v.readable) {
    const p = properties[f.name];
    if (!p) continue;
    if (access.field(v.object, f.name) === 'read' && !p.readOnly) properties[f.name] = { ...p, readOnly: true };
    if (f.type === 'reference') {
      const target = visible.get(f.to);
      const { type: _t, pattern: _p, ...meta } = fieldSchema(f);
      properties[f.name] = {
        ...meta,
        ...(access.field(v.object, f.name) === 'read' ? { readOnly: true } : {}),
        description: `${f.helpText ? `${f.helpText} ` : ''}The id of the ${f.to}${target ? `; with \`expand=${f.name}\`, the ${f.to} record itself (null when the caller may not read it)` : ''}.`,
        anyOf: [{ type: ['string', 'null'], format: 'uuid' }, ...(target ? [schemaRef(target.read)] : [])],
      };
    }
  }
  const order = ['id', ...v.readable.map((f) => f.name), 'ownerId', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'version'];
  const ordered = Object.fromEntries(order.filter((k) => properties[k]).map((k) => [k, properties[k]]));
  ordered.ownerId = { ...ordered.ownerId, description: 'The user who owns the record' };
  ordered.version = { ...ordered.version, description: 'Increases with every update; the ETag' };
  return {
    type: 'object',
    title: v.object.label,
    ...(v.object.description ? { description: v.object.description } : {}),
    properties: ordered,
    required: ['id'],
    additionalProperties: false,
  };
}

function writeProperties(v: ObjectView): Record<string, SchemaObject> {
  const base = recordSchema(withFields(v.object, v.writable), 'input') as SchemaObject;
  return {
    ...base.properties,
    ownerId: { type: 'string', format: 'uuid', description: 'The owner (default: the caller). Giving a record to someone else needs update rights on every record of the object.' },
  };
}

export function inputSchema(v: ObjectView): SchemaObject {
  const required = v.writable.filter((f) => f.required && f.default === undefined).map((f) => f.name);
  return {
    type: 'object',
    title: `New ${v.object.label}`,
    properties: writeProperties(v),
    ...(required.length ? { required } : {}),
    additionalProperties: false,
  };
}

export function patchSchema(v: ObjectView): SchemaObject {
  return { type: 'object', title: `${v.object.label} changes`, description: 'Only the fields to change; `null` empties a field.', properties: writeProperties(v), additionalProperties: false };
}

export function bulkRecordSchema(v: ObjectView): SchemaObject {
  return {
    type: 'object',
    title: `${v.object.label} (bulk)`,
    description: `Field values as in \`${v.names.input}\`; \`id\` is needed for update and delete (for delete, only \`id\`); `
      + 'an update may give `version` (the version read) to be refused with 412 when it is stale.',
    properties: { id: UUID, version: { type: 'integer', minimum: 1 }, ...writeProperties(v) },
    additionalProperties: false,
  };
}

export function listSchema(v: ObjectView): SchemaObject {
  return {
    type: 'object',
    title: `${v.object.pluralLabel ?? v.object.label} page`,
    required: ['data', 'nextCursor'],
    properties: {
      data: { type: 'array', items: schemaRef(v.names.read) },
      nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page; null on the last page' },
    },
    additionalProperties: false,
  };
}
