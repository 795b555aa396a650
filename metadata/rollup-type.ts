/**
 * The type of a rollup's value. Min and max pick one of the values they compare, so they keep
 * its type: the latest order date is a date, the next due time a datetime. Count, sum and
 * average are numbers whatever they aggregate. Pure, shared by the planner (which stores the
 * result on the deployed field), the validator and the studio.
 */
import type { FieldDef, RollupAggregate, RollupReturnType, SystemField } from './types.ts';

/** A field of another object, by object and field name (undefined when there is none). */
export type FieldLookup = (object: string, field: string) => FieldDef | undefined;

/** What deriving needs of a rollup; read defensively, as the validator may pass malformed JSON. */
export interface RollupShape { of?: unknown; aggregate?: unknown; field?: unknown }

/** Rollups over rollups are followed this far (a cycle must not loop forever). */
const MAX_DEPTH = 8;
/** System fields every record has that hold times (a rollup may take the latest `createdAt`). */
const SYSTEM_TIMES: ReadonlySet<string> = new Set<SystemField>(['createdAt', 'updatedAt']);

function picksAValue(aggregate: unknown): aggregate is Extract<RollupAggregate, 'min' | 'max'> {
  return aggregate === 'min' || aggregate === 'max';
}

/** 'date' or 'datetime' when a field's values are dates or times, else undefined. */
function temporalType(field: FieldDef, lookup: FieldLookup, depth: number): 'date' | 'datetime' | undefined {
  switch (field.type) {
    case 'date': case 'datetime': return field.type;
    case 'formula': return field.returns === 'date' || field.returns === 'datetime' ? field.returns : undefined;
    case 'rollup': {
      const inner = rollupType(field, lookup, depth + 1);
      return inner === 'number' ? undefined : inner;
    }
    default: return undefined;
  }
}

/**
 * The type a rollup holds, from the child field it aggregates as `lookup` finds it (or the
 * system field). A child field that cannot be found gives 'number' (the validator reports it).
 */
export function rollupType(rollup: RollupShape, lookup: FieldLookup, depth = 0): RollupReturnType {
  if (depth > MAX_DEPTH || !picksAValue(rollup.aggregate)) return 'number';
  if (typeof rollup.of !== 'string' || typeof rollup.field !== 'string') return 'number';
  const source = lookup(rollup.of.split('.')[0], rollup.field);
  if (!source) return SYSTEM_TIMES.has(rollup.field) ? 'datetime' : 'number';
  return temporalType(source, lookup, depth) ?? 'number';
}

/** The type a deployed rollup holds: its `returns`, a number when it has none. */
export function rollupReturns(field: { returns?: RollupReturnType }): RollupReturnType {
  return field.returns ?? 'number';
}

/**
 * A deployed field as a package states it again (exports, the studio's `custom` bundle): a
 * rollup's result type is left out, since the deploy derives it anew and a stale one (its child
 * field changed type since) would be refused as a mismatch.
 */
export function withoutDerivedType<T extends FieldDef>(field: T): T {
  if (field.type !== 'rollup' || field.returns === undefined) return field;
  const { returns: _derived, ...rest } = field;
  return rest as T;
}
