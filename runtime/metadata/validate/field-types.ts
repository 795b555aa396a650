/**
 * Field types as the semantic checks group them.
 */
import type { SystemField } from '../../../metadata/types.ts';

export const NUMERIC_TYPES = new Set(['integer', 'decimal', 'currency', 'percent']);
export const DATE_TYPES = new Set(['date', 'datetime']);
/** Computed by Strata: a workflow cannot set them. */
export const COMPUTED_TYPES = new Set(['formula', 'rollup', 'autonumber']);
/** The system fields every record carries, by the type the checks treat them as. */
export const SYSTEM_FIELD_TYPES = new Map<string, string>(Object.entries({
  id: 'id', ownerId: 'user', createdAt: 'datetime', createdBy: 'user',
  updatedAt: 'datetime', updatedBy: 'user', version: 'integer',
} satisfies Record<SystemField, string>));
