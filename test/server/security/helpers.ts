/**
 * Shared helpers for the security suites: users made through `POST /api/users` as the admin,
 * sign-in from a distinct client address each time (the per-IP sign-in limit of the login
 * route must not trip over a suite's own set-up), and small request shorthands.
 */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../helpers/app.ts';

export const PASSWORD = 'a long enough test passphrase';

export interface TestUser {
  id: string;
  email: string;
  roles: string[];
  token: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: Array<{ field: string; code: string; message: string }>;
}

let ipCounter = 0;
/** A fresh client address (sent as X-Forwarded-For, which the app trusts from 127.0.0.1). */
export function nextIp(): string {
  ipCounter += 1;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

export function signIn(t: TestApp, body: Record<string, unknown>, opts: { ip?: string; headers?: Record<string, string> } = {}): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST', url: '/api/auth/login', payload: body,
    headers: { 'x-forwarded-for': opts.ip ?? nextIp(), ...opts.headers },
  });
}

export async function tokenOf(t: TestApp, email: string, password = PASSWORD): Promise<string> {
  const res = await signIn(t, { email, password });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { token: string }).token;
}

export interface NewUser {
  email: string;
  role?: string;
  roles?: string[];
  manager?: string;
  password?: string;
  name?: string;
}

/** Creates a user as the admin and signs them in. */
export async function makeUser(t: TestApp, u: NewUser): Promise<TestUser> {
  const res = await t.api('POST', '/api/users', { password: PASSWORD, ...u });
  expect(res.statusCode, res.body).toBe(201);
  const created = res.json() as { id: string; email: string; roles: string[] };
  return { id: created.id, email: created.email, roles: created.roles, token: await tokenOf(t, u.email, u.password ?? PASSWORD) };
}

/** Several users at once (argon2 is the slow part; it runs in parallel on the thread pool). */
export async function makeUsers<K extends string>(t: TestApp, specs: Record<K, NewUser>): Promise<Record<K, TestUser>> {
  const keys = Object.keys(specs) as K[];
  const made = await Promise.all(keys.map((k) => makeUser(t, specs[k])));
  return Object.fromEntries(keys.map((k, i) => [k, made[i]])) as Record<K, TestUser>;
}

export function problem(res: LightMyRequestResponse): Problem {
  expect(res.headers['content-type']).toContain('application/problem+json');
  const body = res.json() as Problem;
  expect(body.status).toBe(res.statusCode);
  expect(res.body).not.toMatch(/\n\s+at /); // never a stack trace
  return body;
}

export function json<T = Record<string, unknown>>(res: LightMyRequestResponse, status: number): T {
  expect(res.statusCode, res.body).toBe(status);
  return res.json() as T;
}

export type Rec = Record<string, unknown> & { id: string };

/** Creates a record as `token` (the admin by default) and returns it. */
export async function create(t: TestApp, object: string, values: Record<string, unknown>, token?: string): Promise<Rec> {
  return json<Rec>(await t.api('POST', `/api/records/${object}`, values, { token }), 201);
}

export async function listIds(t: TestApp, object: string, token: string, query = ''): Promise<string[]> {
  const page = json<{ data: Rec[] }>(await t.api('GET', `/api/records/${object}?limit=200${query}`, undefined, { token }), 200);
  return page.data.map((r) => r.id);
}

export const q = (v: unknown): string => encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v));

/**
 * A test-only package for what crm-core's roles do not cover: a role whose record access is a
 * filter (over a field it hides), roles to combine on one user, a user-manager role, and an
 * object named `all` (a word access libraries like to treat as "everything").
 */
export const SECURITY_PACKAGE = {
  package: { name: 'security-test', version: '1.0.0', dependsOn: { 'crm-core': '^1.0.0' } },
  objects: [
    { name: 'all', label: 'All', pluralLabel: 'Alls', nameField: 'title', fields: [{ name: 'title', type: 'text' }] },
  ],
  roles: [
    {
      // Won deals and big deals, without their amounts or next steps.
      name: 'deal_viewer', label: 'Deal viewer',
      objects: {
        opportunity: { read: { or: [{ stage: 'closed_won' }, { amount: { gte: 5000 } }] } },
        account: { read: 'all' },
      },
      fields: { 'opportunity.amount': 'none', 'opportunity.next_step': 'none', 'account.phone': 'none' },
    },
    {
      // Own deals; may read the amount but not set it.
      name: 'deal_editor', label: 'Deal editor',
      objects: { opportunity: { read: 'own', create: true, update: 'own' }, account: { read: 'all' } },
      fields: { 'opportunity.amount': 'read' },
    },
    {
      name: 'user_admin', label: 'User admin',
      objects: { account: { read: 'all' } },
      abilities: ['manageUsers'],
    },
    { name: 'all_reader', label: 'Reader of the object named all', objects: { all: { read: 'all', create: true } } },
  ],
};
