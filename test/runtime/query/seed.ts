/**
 * Tables and rows for the query integration tests, shaped as the schema planner will make
 * them (CONTRACT §3 columns; system columns; soft delete). `order` is an SQL keyword on
 * purpose: every identifier must be quoted.
 */
import type { Knex } from 'knex';
import { USER_ID } from './fixtures.ts';

export const OTHER_USER = '22222222-2222-4222-8222-222222222222';

const uid = (prefix: string, n: number) => `${prefix}000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const A = (n: number) => uid('aa', n);
export const C = (n: number) => uid('cc', n);
export const O = (n: number) => uid('dd', n);

const SYSTEM = `
  id uuid primary key default gen_random_uuid(),
  "ownerId" uuid, "createdAt" timestamptz not null default now(), "createdBy" uuid,
  "updatedAt" timestamptz not null default now(), "updatedBy" uuid, "version" bigint not null default 1,
  "_deletedAt" timestamptz, "_deletedBy" uuid`;

export async function createTables(knex: Knex): Promise<void> {
  await knex.raw('create schema crm');
  await knex.raw(`create table crm."account" (${SYSTEM},
    "name" text, "industry" text, "tags" text[], "revenue" numeric, "employees" bigint, "active" boolean,
    "founded" date, "parent" uuid references crm."account"(id), "notes" text, "data" jsonb, "secret" text)`);
  await knex.raw(`create table crm."contact" (${SYSTEM},
    "first_name" text, "last_name" text, "email" text, "phone" text, "account" uuid references crm."account"(id),
    "birthdate" date, "score" bigint)`);
  await knex.raw(`create table crm."order" (${SYSTEM},
    "name" text, "status" text, "amount" numeric, "quantity" bigint, "placed_at" timestamptz, "paid" boolean,
    "contact" uuid references crm."contact"(id), "tags" text[], "notes" text, "ship_date" date, "orphan" uuid)`);
}

const DELETED = { _deletedAt: '2024-05-01T00:00:00Z' };

export const ACCOUNTS = [
  { id: A(1), name: 'Acme Holding', industry: 'tech', tags: ['vip'], revenue: 5000, employees: 100, active: true, founded: '1990-01-01', parent: null, data: { a: 1 } },
  { id: A(2), name: 'Acme Retail', industry: 'retail', tags: ['vip', 'new'], revenue: 1000.5, employees: 10, active: true, founded: '2001-05-01', parent: A(1) },
  { id: A(3), name: 'Bolt Shop', industry: 'retail', tags: [], revenue: null, employees: 5, active: false, founded: null, parent: A(1) },
  { id: A(4), name: 'Deleted Co', industry: 'retail', tags: ['churn'], revenue: 1, employees: 1, active: true, founded: '2010-01-01', parent: null, ...DELETED },
  { id: A(5), name: 'Zeta', industry: null, tags: null, revenue: 0, employees: null, active: null, founded: '2020-02-29', parent: A(4) },
];

export const CONTACTS = [
  { id: C(1), first_name: 'Ann', last_name: 'Smith', email: 'ann@acme.test', account: A(2) },
  { id: C(2), first_name: 'Bob', last_name: 'Jones', email: 'bob@bolt.test', account: A(3) },
  { id: C(3), first_name: 'Cid', last_name: 'Lone', email: null, account: null },
  { id: C(4), first_name: 'Dee', last_name: 'Gone', email: 'dee@gone.test', account: A(4) },
  { id: C(5), first_name: 'Eve', last_name: 'Erased', email: 'eve@acme.test', account: A(2), ...DELETED },
  { id: C(6), first_name: 'Fay', last_name: 'Zeta', email: 'fay@zeta.test', account: A(5) },
];

export const ORDERS = [
  { id: O(1), name: 'o1', status: 'new', amount: 10, quantity: 1, placed_at: '2024-01-01T10:00:00.000001Z', paid: true, contact: C(1), tags: ['gift'], notes: 'Gift wrap', ship_date: '2024-01-05', ownerId: USER_ID },
  { id: O(2), name: 'o2', status: 'paid', amount: 20.5, quantity: 2, placed_at: '2024-01-02T10:00:00Z', paid: false, contact: C(1), tags: ['gift', 'rush'], notes: 'Back\\Slash', ship_date: '2024-02-01', ownerId: USER_ID },
  { id: O(3), name: 'o3', status: 'shipped', amount: null, quantity: 3, placed_at: null, paid: null, contact: C(2), tags: null, notes: '100% cotton', ship_date: null, ownerId: OTHER_USER },
  { id: O(4), name: 'o4', status: 'new', amount: 5, quantity: null, placed_at: '2024-01-01T10:00:00.000002Z', paid: true, contact: C(3), tags: [], notes: '100 percent_cotton', ship_date: '2024-06-15', ownerId: OTHER_USER },
  { id: O(5), name: 'o5', status: null, amount: 20.5, quantity: 5, placed_at: '2024-03-01T00:00:00Z', paid: false, contact: C(4), tags: ['fragile'], notes: null, ship_date: '2024-06-16', ownerId: OTHER_USER },
  { id: O(6), name: 'o6', status: 'new', amount: 1, quantity: 1, placed_at: '2024-01-03T00:00:00Z', paid: true, contact: C(1), tags: ['gift'], notes: 'deleted order', ship_date: '2024-01-03', ownerId: USER_ID, ...DELETED },
  { id: O(7), name: 'o7', status: 'paid', amount: 7, quantity: 7, placed_at: '2023-12-31T23:59:59.999999Z', paid: true, contact: null, tags: ['rush'], notes: null, ship_date: '2023-12-31', ownerId: OTHER_USER },
  { id: O(8), name: 'o8', status: 'shipped', amount: 100, quantity: 8, placed_at: '2024-02-29T12:00:00+02:00', paid: false, contact: C(5), tags: ['rush', 'fragile'], notes: 'Fragile!', ship_date: '2024-02-29', ownerId: OTHER_USER },
  { id: O(9), name: 'o9', status: 'new', amount: 0, quantity: 0, placed_at: '2024-04-01T00:00:00Z', paid: true, contact: C(6), tags: ['gift'], notes: null, ship_date: null, ownerId: null },
];

export async function seed(knex: Knex): Promise<void> {
  // Parents first: A5 points at A4, A2/A3 at A1.
  for (const a of ACCOUNTS) await knex('crm.account').insert({ ...a, data: 'data' in a ? JSON.stringify(a.data) : null });
  await knex('crm.contact').insert(CONTACTS);
  await knex('crm.order').insert(ORDERS);
}

/** Row counts and an md5 over every row, per table: proof that nothing was changed. */
export async function fingerprint(knex: Knex): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const { rows: tables } = await knex.raw<{ rows: Array<{ t: string }> }>(
    `select table_schema || '.' || table_name as t from information_schema.tables
     where table_schema not in ('pg_catalog', 'information_schema') order by 1`,
  );
  out.tables = tables.map((r) => r.t).join(',');
  for (const t of ['account', 'contact', 'order']) {
    const { rows } = await knex.raw<{ rows: Array<{ n: string; h: string | null }> }>(
      'select count(*)::text as n, md5(string_agg(x::text, \'|\' order by x.id)) as h from ?? as x', [`crm.${t}`],
    );
    out[t] = `${rows[0].n}:${rows[0].h}`;
  }
  return out;
}
