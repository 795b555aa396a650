/**
 * Shared set-up for the records API tests: a test package with one object holding every field
 * type of CONTRACT §3 (`specimen`), a child object for its rollup (`specimen_item`), and small
 * helpers to create crm-core records.
 */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../helpers/app.ts';

export const TYPES_PACKAGE = {
  package: { name: 'records-test', version: '1.0.0', dependsOn: { 'crm-core': '^1.0.0' } },
  objects: [
    {
      name: 'specimen', label: 'Specimen', pluralLabel: 'Specimens', nameField: 'title', trackHistory: true,
      fields: [
        { name: 'title', type: 'text', required: true, maxLength: 20 },
        { name: 'notes', type: 'longtext' },
        { name: 'body', type: 'richtext' },
        { name: 'email', type: 'email', unique: true },
        { name: 'phone', type: 'phone' },
        { name: 'site', type: 'url' },
        { name: 'qty', type: 'integer', min: 0, max: 1000 },
        { name: 'ratio', type: 'decimal', scale: 3 },
        { name: 'price', type: 'currency', scale: 2 },
        { name: 'pct', type: 'percent' },
        { name: 'active', type: 'boolean', default: true },
        { name: 'day', type: 'date' },
        { name: 'at', type: 'datetime' },
        { name: 'color', type: 'picklist', default: 'red', options: [{ value: 'red' }, { value: 'green' }, { value: 'blue' }] },
        { name: 'tags', type: 'multipicklist', options: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] },
        { name: 'account', type: 'reference', to: 'account', onDelete: 'setNull' },
        { name: 'code', type: 'autonumber', format: 'T-{0000}' },
        {
          name: 'total', type: 'formula', returns: 'currency', scale: 2,
          expression: { if: [{ and: [{ '!=': [{ var: 'qty' }, null] }, { '!=': [{ var: 'price' }, null] }] }, { '*': [{ var: 'qty' }, { var: 'price' }] }, null] },
        },
        { name: 'item_sum', type: 'rollup', of: 'specimen_item.specimen', aggregate: 'sum', field: 'amount', scale: 2 },
        { name: 'meta', type: 'json' },
      ],
      validationRules: [
        {
          name: 'qty_never_decreases', field: 'qty', on: ['update'],
          when: { and: [{ '!=': [{ var: '$previous.qty' }, null] }, { '<': [{ var: 'qty' }, { var: '$previous.qty' }] }] },
          message: 'The quantity may only go up',
        },
      ],
    },
    {
      name: 'specimen_item', label: 'Specimen item', nameField: 'label',
      fields: [
        { name: 'label', type: 'text' },
        { name: 'specimen', type: 'reference', to: 'specimen', onDelete: 'cascade', required: true },
        { name: 'amount', type: 'currency', scale: 2 },
      ],
    },
  ],
};

export function problem(res: LightMyRequestResponse): { status: number; errors?: Array<{ field: string; code: string; message: string }>; detail: string } {
  expect(res.headers['content-type']).toContain('application/problem+json');
  const body = res.json() as { status: number; errors?: Array<{ field: string; code: string; message: string }>; detail: string };
  expect(body.status).toBe(res.statusCode);
  expect(JSON.stringify(body)).not.toMatch(/\bat .*\.ts:\d+/); // never a stack trace
  return body;
}

/** Asserts the status and that one of `errors[]` has this field and code. */
export function expectProblem(res: LightMyRequestResponse, status: number, field?: string, code?: string): void {
  expect(res.statusCode, res.body).toBe(status);
  const body = problem(res);
  if (field !== undefined || code !== undefined) {
    expect(body.errors, res.body).toEqual(expect.arrayContaining([expect.objectContaining({
      ...(field !== undefined ? { field } : {}), ...(code !== undefined ? { code } : {}),
    })]));
  }
}

export type Rec = Record<string, unknown> & { id: string; version: number };

export async function create(t: TestApp, object: string, body: Record<string, unknown>): Promise<Rec> {
  const res = await t.api('POST', `/api/records/${object}`, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Rec;
}

export async function patch(t: TestApp, object: string, id: string, body: Record<string, unknown>): Promise<Rec> {
  const res = await t.api('PATCH', `/api/records/${object}/${id}`, body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Rec;
}

export async function get(t: TestApp, object: string, id: string): Promise<Rec> {
  const res = await t.api('GET', `/api/records/${object}/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Rec;
}

export async function del(t: TestApp, object: string, id: string): Promise<void> {
  const res = await t.api('DELETE', `/api/records/${object}/${id}`);
  expect(res.statusCode, res.body).toBe(204);
}

export async function list(t: TestApp, object: string, params: Record<string, unknown> = {}): Promise<{ data: Rec[]; nextCursor: string | null }> {
  const res = await t.api('GET', `/api/records/${object}${query(params)}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { data: Rec[]; nextCursor: string | null };
}

export function query(params: Record<string, unknown>): string {
  const parts = Object.entries(params).filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

let seq = 0;
/** A unique suffix per call, so tests in one file never collide on unique fields. */
export function uniq(prefix = ''): string {
  seq += 1;
  return `${prefix}${Date.now().toString(36)}${seq}`;
}
