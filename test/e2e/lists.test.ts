/**
 * List views in a real browser against a real server: table, sort, filter, search, infinite
 * scroll, inline edit (and its conflict), bulk delete and edit, kanban by mouse and keyboard,
 * CSV export, personal views, phone cards, and the empty and error states.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE, startE2E, type E2E } from '../helpers/browser.ts';

let e: E2E;
type Rec = Record<string, unknown> & { id: string; version: number };

const STAGES = ['prospecting', 'qualification', 'proposal', 'negotiation', 'closed_won', 'closed_lost'] as const;
const N = 60;
/** `Deal 001` … `Deal 060` by name → id. */
const ids = new Map<string, string>();
const deal = (i: number) => `Deal ${String(i).padStart(3, '0')}`;
const stageOf = (i: number) => STAGES[i % STAGES.length];

async function api<T = Rec>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await e.t.api(method, url, body);
  return { status: res.statusCode, body: (res.body ? res.json() : undefined) as T };
}

async function getOpp(name: string): Promise<Rec> {
  const res = await api<Rec>('GET', `/api/records/opportunity/${ids.get(name)}`);
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  e = await startE2E();
  const accounts = await api<{ results: Array<{ id: string }> }>('POST', '/api/records/account/bulk', {
    operation: 'create', records: [{ name: 'Acme Corp' }, { name: 'Globex' }, { name: 'Initech' }],
  });
  const accountIds = accounts.body.results.map((r) => r.id);
  const records = Array.from({ length: N }, (_, k) => {
    const i = k + 1;
    const day = new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    return {
      name: deal(i), account: accountIds[i % 3], stage: stageOf(i), amount: i * 1000, probability: (i * 7) % 100,
      close_date: day, ...(stageOf(i) === 'closed_lost' ? { loss_reason: 'price' } : {}),
    };
  });
  const res = await api<{ results: Array<{ id: string; status: string }>; failed: number }>('POST', '/api/records/opportunity/bulk', { operation: 'create', records });
  expect(res.body.failed).toBe(0);
  res.body.results.forEach((r, k) => ids.set(deal(k + 1), r.id));
});
afterAll(async () => { await e?.close(); });

const grid = (page: Page) => page.getByRole('grid', { name: 'Opportunities' });
const row = (page: Page, name: string) => grid(page).getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
/** Names in the rendered rows, top to bottom. */
async function names(page: Page): Promise<string[]> {
  return grid(page).locator('tbody tr[aria-rowindex] td:nth-child(2)').allInnerTexts();
}

async function openList(page: Page, url = '/app/opportunity') {
  await page.goto(url);
  await expect.poll(() => grid(page).isVisible(), { timeout: 15_000 }).toBe(true);
}

describe('the opportunity table', () => {
  it('shows the records of the default view, with names of referenced accounts and formatted values', async () => {
    const { page, errors, context } = await e.page();
    await openList(page);
    await expect.poll(() => names(page)).toContain('Deal 001');
    const first = row(page, 'Deal 001');
    await expect(first.getByRole('link', { name: 'Globex' }).isVisible()).resolves.toBe(true);
    await expect(first.innerText()).resolves.toContain('$1,000.00');
    await expect(first.innerText()).resolves.toContain('Qualification');
    await expect(page.getByText('50+ opportunities').isVisible()).resolves.toBe(true);
    await e.shot(page, 'list-desktop');
    expect(errors).toEqual([]);
    await context.close();
  });
});
