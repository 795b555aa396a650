/**
 * Accessibility, page by page, as axe-core sees it in Chromium: no serious or critical
 * violations (WCAG 2.1 A and AA rules), a skip link first in the tab order, and a document
 * title naming each page.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../../runtime/engine.ts';
import { startE2E, type E2E } from '../helpers/browser.ts';

const AXE = readFileSync(path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

let e: E2E;
let accountId = '';
beforeAll(async () => {
  e = await startE2E();
  accountId = ((await e.t.api('POST', '/api/records/account', { name: 'Acme Corporation' })).json() as { id: string }).id;
}, 90_000);
afterAll(async () => { await e?.close(); });

interface Violation { id: string; impact: string; help: string; nodes: string[] }

async function axe(page: Page): Promise<Violation[]> {
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') stays as served.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(`${AXE};0`);
  return page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }> } };
    const r = await w.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
}

/** Each page: where to go, what shows it is ready, and the title it should have. */
const PAGES: Array<{ url: () => string; ready: (p: Page) => Promise<unknown>; title: RegExp }> = [
  { url: () => '/app', ready: (p) => p.getByRole('navigation', { name: 'Objects' }).waitFor(), title: /^Home · Strata$/ },
  { url: () => '/app/account', ready: (p) => p.getByRole('grid').waitFor(), title: /^Accounts · Strata$/ },
  { url: () => `/app/account/${accountId}`, ready: (p) => p.getByRole('heading', { name: 'Acme Corporation' }).first().waitFor(), title: /^Acme Corporation · Strata$/ },
  { url: () => '/app/search?q=acme', ready: (p) => p.getByText('Acme Corporation').first().waitFor(), title: /^Search: acme · Strata$/ },
  { url: () => '/studio/objects', ready: (p) => p.getByRole('heading', { level: 1 }).waitFor(), title: /^Objects · Strata Studio$/ },
  { url: () => '/studio/objects/account', ready: (p) => p.getByRole('heading', { level: 1 }).waitFor(), title: /^Account(: \w+)? · Strata Studio$/ },
  { url: () => '/studio/objects/account/layouts/default', ready: (p) => p.getByRole('heading', { name: /^Layout:/ }).waitFor(), title: /^Account(: \w+)? · Strata Studio$/ },
  { url: () => '/studio/roles', ready: (p) => p.getByRole('table', { name: 'Roles' }).waitFor(), title: /^Roles · Strata Studio$/ },
  { url: () => '/studio/roles/sales_rep', ready: (p) => p.getByRole('heading', { level: 1 }).waitFor(), title: /^Role Sales rep · Strata Studio$/ },
  { url: () => '/studio/users', ready: (p) => p.getByRole('table', { name: 'Users' }).waitFor(), title: /^Users and teams · Strata Studio$/ },
  { url: () => '/studio/packages', ready: (p) => p.getByRole('heading', { level: 1 }).waitFor(), title: /^Packages · Strata Studio$/ },
  { url: () => '/studio/recycle-bin', ready: (p) => p.getByRole('heading', { level: 1 }).waitFor(), title: /^Recycle bin · Strata Studio$/ },
];

describe('accessibility', () => {
  it('finds no serious or critical axe violations on the app and studio pages, each with its own title', async () => {
    const { page, context } = await e.page();
    const found: Record<string, Violation[]> = {};
    const titles: Record<string, string> = {};
    for (const p of PAGES) {
      await page.goto(p.url());
      await p.ready(page);
      await page.waitForLoadState('networkidle');
      titles[p.url()] = await page.title();
      const v = await axe(page);
      if (v.length) found[p.url()] = v;
    }
    console.log(JSON.stringify(found, null, 1));
    expect(found).toEqual({});
    for (const p of PAGES) expect(titles[p.url()], p.url()).toMatch(p.title);
    await context.close();
  });

  it('names each layout designer card by its own visible text (desktop 1280 and phone)', async () => {
    for (const [size, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
      const { page, context } = await e.page({ viewport });
      await page.goto('/studio/objects/account/layouts/default');
      await page.getByRole('heading', { name: /^Layout:/ }).waitFor();
      const cards = page.getByRole('button', { name: /^Field / });
      await cards.first().waitFor();
      // axe's rule for this is experimental (off by default): run it by name.
      if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(`${AXE};0`);
      const mismatched = await page.evaluate(async () => {
        const w = window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: Array<{ nodes: unknown[] }>; passes: Array<{ nodes: unknown[] }> }> } };
        const r = await w.axe.run(document, { runOnly: { type: 'rule', values: ['label-content-name-mismatch'] } });
        return { violations: r.violations.reduce((n, v) => n + v.nodes.length, 0) };
      });
      expect(mismatched.violations).toBe(0);
      expect(await cards.count()).toBeGreaterThanOrEqual(8);
      await e.shot(page, `a11y-layout-designer-${size}`);
      await context.close();
    }
  });

  it('signs in on a page titled Sign in without violations', async () => {
    const { page, context } = await e.page({ signIn: false });
    await page.goto('/login');
    await page.getByLabel('Email').waitFor();
    expect(await page.title()).toBe('Sign in · Strata');
    expect(await axe(page)).toEqual([]);
    await context.close();
  });

  it('offers a skip link first: Tab, Enter, and the focus is in the main content', async () => {
    const { page, context } = await e.page();
    await page.goto('/app/account');
    await page.getByRole('grid').waitFor();
    await page.keyboard.press('Tab');
    const link = page.getByRole('link', { name: 'Skip to main content' });
    expect(await link.evaluate((el) => el === document.activeElement)).toBe(true);
    await e.shot(page, 'a11y-skip-link-desktop');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await context.close();
  });
});
