/** Where things live in PostgreSQL. Object tables and system tables never share a schema. */
export const DATA_SCHEMA = 'crm';
export const SYSTEM_SCHEMA = 'strata';
/** Removed object tables are moved here (renamed aside), never dropped. */
export const BIN_SCHEMA = 'strata_bin';
/**
 * NOTIFY channel of credential changes (a session ended, a key revoked, a user changed), raised
 * by triggers so that no code path can forget it; every server process LISTENs to drop what it
 * cached (runtime/security/credential-cache.ts).
 */
export const AUTH_CHANNEL = 'strata_auth';

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
