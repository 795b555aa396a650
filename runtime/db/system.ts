/**
 * System tables, in their own schema (`strata`), created by numbered migrations that run once
 * each, under an advisory lock so that two processes starting together do not race.
 */
import type { Knex } from 'knex';
import { AUTH_CHANNEL, BIN_SCHEMA, DATA_SCHEMA, SYSTEM_SCHEMA } from './names.ts';
import type { RegistryDoc } from '../metadata/deployed.ts';
import { reconcileSearchIndexes } from '../schema/search-index.ts';

/** Advisory lock keys (pg_advisory_xact_lock): one per kind of exclusive work. */
export const LOCKS = { systemMigrations: 7_301_001, deploy: 7_301_002 } as const;

interface Migration { id: number; name: string; up: (trx: Knex.Transaction) => Promise<void> }

const S = SYSTEM_SCHEMA;

const MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'registry, deploys, recycle bin',
    async up(trx) {
      await trx.raw(`CREATE SCHEMA IF NOT EXISTS ??`, [DATA_SCHEMA]);
      await trx.raw(`CREATE SCHEMA IF NOT EXISTS ??`, [BIN_SCHEMA]);
      await trx.raw(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
      await trx.raw(`
        CREATE TABLE ${S}.registry (
          version integer PRIMARY KEY,
          doc jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        )`);
      await trx.raw(`
        CREATE TABLE ${S}.deploys (
          id bigserial PRIMARY KEY,
          registry_version integer NOT NULL,
          package text NOT NULL,
          package_version text NOT NULL,
          deployed_by uuid,
          deployed_by_email text,
          deployed_at timestamptz NOT NULL DEFAULT now(),
          plan jsonb NOT NULL,
          bundle jsonb NOT NULL
        )`);
      await trx.raw(`
        CREATE TABLE ${S}.recycle_bin (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          kind text NOT NULL CHECK (kind IN ('object', 'field')),
          object text NOT NULL,
          name text NOT NULL,
          stored_as text NOT NULL,
          definition jsonb NOT NULL,
          package text NOT NULL,
          removed_at timestamptz NOT NULL DEFAULT now(),
          removed_by uuid,
          restored_at timestamptz
        )`);
      // Tells whether a text value converts to a type, without failing the statement:
      // the preflight of a type change counts the records that would not convert.
      await trx.raw(`
        CREATE FUNCTION ${S}.can_cast(v text, target text) RETURNS boolean
        LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN
          EXECUTE format('SELECT %L::%s', v, target);
          RETURN true;
        EXCEPTION WHEN others THEN
          RETURN false;
        END $$`);
    },
  },
  {
    id: 2,
    name: 'users, sessions, audit log',
    async up(trx) {
      await trx.raw(`
        CREATE TABLE ${S}.users (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          email text NOT NULL,
          name text,
          password_hash text NOT NULL,
          roles text[] NOT NULL DEFAULT '{}',
          manager_id uuid REFERENCES ${S}.users(id) ON DELETE SET NULL,
          active boolean NOT NULL DEFAULT true,
          mfa_secret text,
          mfa_enabled boolean NOT NULL DEFAULT false,
          mfa_last_step bigint,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`);
      await trx.raw(`CREATE UNIQUE INDEX users_email_key ON ${S}.users (lower(email))`);
      await trx.raw(`
        CREATE TABLE ${S}.sessions (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          token_hash text NOT NULL UNIQUE,
          user_id uuid NOT NULL REFERENCES ${S}.users(id) ON DELETE CASCADE,
          created_at timestamptz NOT NULL DEFAULT now(),
          last_seen_at timestamptz NOT NULL DEFAULT now(),
          expires_at timestamptz NOT NULL,
          ip text,
          user_agent text
        )`);
      await trx.raw(`
        CREATE TABLE ${S}.audit_log (
          id bigserial PRIMARY KEY,
          at timestamptz NOT NULL DEFAULT now(),
          actor_id uuid,
          actor_email text,
          action text NOT NULL,
          target text,
          ip text,
          detail jsonb
        )`);
      await trx.raw(`CREATE INDEX audit_log_at ON ${S}.audit_log (at DESC)`);
      await trx.raw(`
        CREATE TABLE ${S}.settings (
          key text PRIMARY KEY,
          value jsonb NOT NULL
        )`);
    },
  },
  {
    id: 3,
    name: 'autonumber counters',
    async up(trx) {
      // One row per autonumber field; taking a number locks the row until the record's
      // transaction ends, so numbers are gap-free and never handed out twice.
      await trx.raw(`
        CREATE TABLE ${S}.autonumbers (
          field_id uuid PRIMARY KEY,
          next_value bigint NOT NULL
        )`);
    },
  },
  {
    id: 4,
    name: 'field history, record events outbox',
    async up(trx) {
      await trx.raw(`
        CREATE TABLE ${S}.field_history (
          id bigserial PRIMARY KEY,
          object text NOT NULL,
          record_id uuid NOT NULL,
          field text NOT NULL,
          from_value jsonb,
          to_value jsonb,
          at timestamptz NOT NULL DEFAULT now(),
          by uuid
        )`);
      await trx.raw(`CREATE INDEX field_history_record ON ${S}.field_history (object, record_id, at)`);
      // The outbox: every record change, written in the change's own transaction, so that
      // listeners (SSE, workflows, webhooks) never see a change that rolled back.
      await trx.raw(`
        CREATE TABLE ${S}.events (
          id bigserial PRIMARY KEY,
          at timestamptz NOT NULL DEFAULT now(),
          type text NOT NULL,
          object text NOT NULL,
          record_id uuid NOT NULL,
          actor uuid,
          owner_id uuid,
          data jsonb
        )`);
      await trx.raw(`CREATE INDEX events_at ON ${S}.events (at)`);
    },
  },
  {
    id: 5,
    name: 'api keys',
    async up(trx) {
      await trx.raw(`
        CREATE TABLE ${S}.api_keys (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          name text NOT NULL,
          key_hash text NOT NULL UNIQUE,
          prefix text NOT NULL,
          user_id uuid NOT NULL REFERENCES ${S}.users(id) ON DELETE CASCADE,
          role text,
          created_at timestamptz NOT NULL DEFAULT now(),
          last_used_at timestamptz,
          revoked_at timestamptz
        )`);
    },
  },
  {
    id: 6,
    name: 'text search: pg_trgm and a trigram index per searched field',
    async up(trx) {
      await trx.raw(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
      // Objects deployed before search was indexed get theirs now; later deploys keep them current.
      const rows = (await trx.raw(`SELECT doc FROM ${S}.registry ORDER BY version DESC LIMIT 1`)).rows as Array<{ doc: RegistryDoc }>;
      await reconcileSearchIndexes(trx, rows[0]?.doc.objects ?? []);
    },
  },
  {
    id: 7,
    name: 'references a delete emptied (setNull), for its restore',
    async up(trx) {
      // A delete that empties setNull references writes one row per child here, keyed by the
      // deleted record and the delete's instant (its `_deletedAt`, shared by its whole
      // cascade), so that restoring that record links the children again. The key's order
      // serves the restore's lookup (object, record, instant); a restore removes the rows.
      await trx.raw(`
        CREATE TABLE ${S}.unlinked_references (
          object text NOT NULL,
          record_id uuid NOT NULL,
          deleted_at timestamptz NOT NULL,
          child_object text NOT NULL,
          field text NOT NULL,
          child_id uuid NOT NULL,
          PRIMARY KEY (object, record_id, deleted_at, child_object, field, child_id)
        )`);
    },
  },
  {
    id: 8,
    name: 'after-save jobs',
    async up(trx) {
      // Work a save asks for after it (workflows' actions, extensions' afterSave), written in
      // the save's own transaction: a rolled-back save leaves no job behind. Workers take the
      // pending ones (done_at IS NULL) in id order.
      await trx.raw(`
        CREATE TABLE ${S}.jobs (
          id bigserial PRIMARY KEY,
          kind text NOT NULL,
          object text NOT NULL,
          record_id uuid NOT NULL,
          payload jsonb,
          enqueued_at timestamptz NOT NULL DEFAULT now(),
          done_at timestamptz
        )`);
      await trx.raw(`CREATE INDEX jobs_pending ON ${S}.jobs (id) WHERE done_at IS NULL`);
    },
  },
  {
    id: 9,
    name: 'credential changes NOTIFY strata_auth (sessions cached in the process)',
    async up(trx) {
      // Triggers, not calls in our code: every way a session ends, a key is revoked or a user
      // changes (including SQL typed by an operator) reaches every process's cache. The
      // payload says what to forget: s:<token hash>, k:<key hash>, u:<user id>. NOTIFY is
      // sent at commit, so a process never drops its cache before the change is visible.
      // The idle clock (last_seen_at) and key use (last_used_at) notify nothing.
      await trx.raw(`
        CREATE FUNCTION ${S}.notify_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify('${AUTH_CHANNEL}', 's:' || OLD.token_hash);
          RETURN NULL;
        END $$`);
      await trx.raw(`
        CREATE TRIGGER sessions_notify_delete AFTER DELETE ON ${S}.sessions
        FOR EACH ROW EXECUTE FUNCTION ${S}.notify_session_change()`);
      // The idle clock only moves forward in use; set back (by an operator), it is news.
      await trx.raw(`
        CREATE TRIGGER sessions_notify_update AFTER UPDATE ON ${S}.sessions
        FOR EACH ROW WHEN (OLD.token_hash IS DISTINCT FROM NEW.token_hash OR OLD.user_id IS DISTINCT FROM NEW.user_id
          OR OLD.expires_at IS DISTINCT FROM NEW.expires_at OR NEW.last_seen_at < OLD.last_seen_at)
        EXECUTE FUNCTION ${S}.notify_session_change()`);
      await trx.raw(`
        CREATE FUNCTION ${S}.notify_api_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify('${AUTH_CHANNEL}', 'k:' || OLD.key_hash);
          RETURN NULL;
        END $$`);
      await trx.raw(`
        CREATE TRIGGER api_keys_notify AFTER DELETE OR UPDATE OF key_hash, user_id, role, revoked_at ON ${S}.api_keys
        FOR EACH ROW EXECUTE FUNCTION ${S}.notify_api_key_change()`);
      await trx.raw(`
        CREATE FUNCTION ${S}.notify_user_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify('${AUTH_CHANNEL}', 'u:' || OLD.id);
          RETURN NULL;
        END $$`);
      await trx.raw(`
        CREATE TRIGGER users_notify AFTER DELETE OR UPDATE OF email, name, roles, manager_id, active, password_hash, mfa_enabled ON ${S}.users
        FOR EACH ROW EXECUTE FUNCTION ${S}.notify_user_change()`);
    },
  },
  {
    id: 10,
    name: 'saved list views (personal and shared)',
    async up(trx) {
      // owner_id NULL: shared by an admin with everyone. One name per owner and object.
      await trx.raw(`
        CREATE TABLE ${S}.saved_views (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          owner_id uuid REFERENCES ${S}.users(id) ON DELETE CASCADE,
          object text NOT NULL,
          name text NOT NULL,
          definition jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`);
      await trx.raw(`CREATE UNIQUE INDEX saved_views_name ON ${S}.saved_views (coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid), object, lower(name))`);
    },
  },
];

/** Brings the system schema up to date; safe to call from every process at start. */
export async function migrateSystem(knex: Knex): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [LOCKS.systemMigrations]);
    await trx.raw(`CREATE SCHEMA IF NOT EXISTS ??`, [SYSTEM_SCHEMA]);
    await trx.raw(`
      CREATE TABLE IF NOT EXISTS ${S}.system_migrations (
        id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const done = new Set(
      ((await trx.raw(`SELECT id FROM ${S}.system_migrations`)).rows as Array<{ id: number }>).map((r) => r.id),
    );
    for (const m of MIGRATIONS) {
      if (done.has(m.id)) continue;
      await m.up(trx);
      await trx.raw(`INSERT INTO ${S}.system_migrations (id, name) VALUES (?, ?)`, [m.id, m.name]);
    }
  });
}
