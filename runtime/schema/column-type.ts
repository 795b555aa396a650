/**
 * Field type → PostgreSQL column type. Pure; the planner compares these to decide whether a
 * field change is a column type change.
 */
import type { FieldDef, FormulaReturnType } from '../../metadata/types.ts';

const DEFAULT_PRECISION = 18;
const DEFAULT_SCALE = 2;

function numeric(precision: number | undefined, scale: number | undefined): string {
  return `numeric(${precision ?? DEFAULT_PRECISION},${scale ?? DEFAULT_SCALE})`;
}

function returnsType(returns: FormulaReturnType, scale: number | undefined): string {
  switch (returns) {
    case 'text': return 'text';
    case 'integer': return 'bigint';
    case 'boolean': return 'boolean';
    case 'date': return 'date';
    case 'datetime': return 'timestamptz';
    default: return scale === undefined ? 'numeric' : numeric(DEFAULT_PRECISION, scale);
  }
}

export function columnType(field: FieldDef): string {
  switch (field.type) {
    case 'text': case 'longtext': case 'richtext': case 'email': case 'phone': case 'url':
    case 'picklist': case 'autonumber':
      return 'text';
    case 'multipicklist': return 'text[]';
    case 'integer': return 'bigint';
    case 'decimal': case 'currency': case 'percent': return numeric(field.precision, field.scale);
    case 'boolean': return 'boolean';
    case 'date': return 'date';
    case 'datetime': return 'timestamptz';
    case 'reference': return 'uuid';
    case 'json': return 'jsonb';
    case 'formula': return returnsType(field.returns, field.scale);
    case 'rollup':
      // The planner stamps `returns` on deployed rollups: min/max of dates hold dates.
      if (field.returns === 'date') return 'date';
      if (field.returns === 'datetime') return 'timestamptz';
      return field.scale === undefined ? 'numeric' : numeric(DEFAULT_PRECISION, field.scale);
  }
}

/** The broad family of a column type, for choosing a conversion. */
export type ColumnFamily = 'text' | 'text[]' | 'integer' | 'numeric' | 'boolean' | 'date' | 'timestamptz' | 'uuid' | 'jsonb';

export function columnFamily(type: string): ColumnFamily {
  if (type.startsWith('numeric')) return 'numeric';
  if (type === 'bigint') return 'integer';
  return type as ColumnFamily;
}

/** Scale of a numeric(p,s) type, or undefined for an unconstrained or other type. */
export function numericScale(type: string): number | undefined {
  const m = /^numeric\((\d+),(\d+)\)$/.exec(type);
  return m ? Number(m[2]) : undefined;
}
