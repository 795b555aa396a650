/**
 * Browser tests: a real Strata listening on a port (fresh database, crm-core, an admin) and
 * headless Debian Chromium driven by playwright-core. Screenshots land in test-results/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../runtime/engine.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from './app.ts';
import { SESSION_COOKIE } from '../../server/plugins/auth.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots');

export const DESKTOP = { width: 1366, height: 850 };
export const PHONE = { width: 390, height: 844 };

export interface E2E {
  t: TestApp;
  baseUrl: string;
  browser: Browser;
  /** A new signed-in page (admin unless credentials given), at a viewport. */
  page(opts?: { viewport?: { width: number; height: number }; email?: string; password?: string; signIn?: boolean }): Promise<{ page: Page; context: BrowserContext; errors: string[] }>;
  shot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startE2E(): Promise<E2E> {
  const buildError = inject('studioBuildError');
  if (buildError) throw new Error(`The front end does not build: ${buildError}`);
  const t = await startTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = t.app.server.address();
  const baseUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const sessions = new Map<string, string>();
  const sessionFor = async (email: string, password: string): Promise<string> => {
    let token = sessions.get(email);
    if (!token) {
      token = await t.login(email, password);
      sessions.set(email, token);
    }
    return token;
  };
  return {
    t, baseUrl, browser,
    async page(opts = {}) {
      const context = await browser.newContext({ viewport: opts.viewport ?? DESKTOP, baseURL: baseUrl, hasTouch: opts.viewport === PHONE, isMobile: opts.viewport === PHONE });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`); });
      page.on('pageerror', (e) => errors.push(String(e)));
      if (opts.signIn !== false) {
        // One session per user for the whole file: signing in through the form for every test
        // would trip the per-IP sign-in limit (the form itself is tested in shell.test.ts).
        const token = await sessionFor(opts.email ?? ADMIN_EMAIL, opts.password ?? ADMIN_PASSWORD);
        await context.addCookies([{ name: SESSION_COOKIE, value: token, url: baseUrl }]);
        await page.goto('/app');
        await page.waitForURL(/\/app/);
      }
      return { page, context, errors };
    },
    async shot(page, name) {
      const file = path.join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: false });
      return file;
    },
    async close() {
      await browser.close();
      await t.close();
    },
  };
}
