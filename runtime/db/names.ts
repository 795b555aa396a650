/** Where things live in PostgreSQL. Object tables and system tables never share a schema. */
export const DATA_SCHEMA = 'crm';
export const SYSTEM_SCHEMA = 'strata';
/** Removed object tables are moved here (renamed aside), never dropped. */
export const BIN_SCHEMA = 'strata_bin';

/** Columns every object table has besides its fields. API names are the column names. */
export const SYSTEM_COLUMNS = {
  id: 'id',
  ownerId: 'ownerId',
  createdAt: 'createdAt',
  createdBy: 'createdBy',
  updatedAt: 'updatedAt',
  updatedBy: 'updatedBy',
  version: 'version',
  /** Soft delete: a deleted record is in the recycle bin until restored or purged. */
  deletedAt: '_deletedAt',
  deletedBy: '_deletedBy',
} as const;
