/**
 * The access seam every record operation calls. The record pipeline asks; a policy answers.
 * `fullAccess` is the admin's policy; role-based policies (runtime/security/policy.ts) give
 * row conditions that become SQL on every list, and checks on every single-record operation.
 */
import type { Knex } from 'knex';
import type { FieldAccess } from '../../metadata/types.ts';
import type { DeployedObject } from '../metadata/deployed.ts';

export type RecordAction = 'read' | 'update' | 'delete';

/** A row-level condition added to a query on the object's table (alias given). */
export type RowCondition = (qb: Knex.QueryBuilder, tableAlias: string) => void;

export interface AccessPolicy {
  /** May the caller see this object at all (navigation, metadata, OpenAPI)? */
  canSeeObject(object: DeployedObject): boolean;
  canCreate(object: DeployedObject): boolean;
  /** 'all', 'none', or a SQL condition restricting the rows of `action`. */
  rows(object: DeployedObject, action: RecordAction): 'all' | 'none' | RowCondition;
  field(object: DeployedObject, field: string): FieldAccess;
  /** May the caller change `ownerId` (needs update rights on every record of the object)? */
  canReassign(object: DeployedObject): boolean;
  hasAbility(ability: string): boolean;
}

export const fullAccess: AccessPolicy = {
  canSeeObject: () => true,
  canCreate: () => true,
  rows: () => 'all',
  field: () => 'edit',
  canReassign: () => true,
  hasAbility: () => true,
};
