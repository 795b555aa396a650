/**
 * What the caller may do, told to clients so screens offer only what the server will accept
 * (the server still checks every operation). Per object: create yes/no, update and delete for
 * `all` records, `some` (own, team or a filter: ask per record) or `none`, and the fields the
 * caller may read but not change (fields they may not see are left out of the metadata).
 * Per record: which of update and delete the caller's row access allows, as the methods of an
 * HTTP `Allow` header.
 */
import type { Knex } from 'knex';
import { DATA_SCHEMA } from '../db/names.ts';
import type { DeployedObject } from '../metadata/deployed.ts';
import type { AccessPolicy } from './access.ts';

export type RowReach = 'all' | 'some' | 'none';

export interface ObjectRights {
  create: boolean;
  update: RowReach;
  delete: RowReach;
  /** May change `ownerId` (update rights on every record). */
  reassign: boolean;
  /** Fields the caller may read but not change. */
  readOnlyFields: string[];
}

function reach(r: ReturnType<AccessPolicy['rows']>): RowReach {
  return r === 'all' ? 'all' : r === 'none' ? 'none' : 'some';
}

export function objectRights(access: AccessPolicy, object: DeployedObject): ObjectRights {
  return {
    create: access.canCreate(object),
    update: reach(access.rows(object, 'update')),
    delete: reach(access.rows(object, 'delete')),
    reassign: access.canReassign(object),
    readOnlyFields: object.fields.filter((f) => access.field(object, f.name) === 'read').map((f) => f.name),
  };
}

/** The HTTP methods the caller may use on one (readable, live) record: GET, and PATCH / DELETE as their row access allows. */
export async function recordMethods(knex: Knex, access: AccessPolicy, object: DeployedObject, id: string): Promise<string[]> {
  const methods = ['GET'];
  for (const [action, method] of [['update', 'PATCH'], ['delete', 'DELETE']] as const) {
    const rows = access.rows(object, action);
    if (rows === 'none') continue;
    if (rows !== 'all') {
      const qb = knex.from({ r: `${DATA_SCHEMA}.${object.name}` }).select('r.id').where('r.id', id).whereNull('r._deletedAt');
      rows(qb, 'r');
      if (!(await qb.first())) continue;
    }
    methods.push(method);
  }
  return methods;
}
