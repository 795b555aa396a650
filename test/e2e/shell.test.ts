import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE, startE2E, type E2E } from '../helpers/browser.ts';

let e: E2E;
beforeAll(async () => { e = await startE2E(); });
afterAll(async () => { await e?.close(); });

describe('sign-in and navigation', () => {
  it('signs in with Email and Password and shows the objects grouped in apps', async () => {
    const { page, errors, context } = await e.page();
    await expect.poll(() => page.getByRole('navigation', { name: 'Objects' }).isVisible()).toBe(true);
    await expect(page.getByRole('heading', { name: 'Sales' }).first().isVisible()).resolves.toBe(true);
    await expect(page.getByRole('link', { name: 'Opportunities' }).first().isVisible()).resolves.toBe(true);
    await e.shot(page, 'home-desktop');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('refuses a wrong password with a visible message', async () => {
    const { page, context } = await e.page({ signIn: false });
    await page.goto('/login');
    await page.getByLabel('Email').fill('admin@example.com');
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong email or password');
    await context.close();
  });

  it('works at phone width: the menu opens the navigation, no horizontal scroll', async () => {
    const { page, context } = await e.page({ viewport: PHONE });
    await page.getByRole('button', { name: 'Menu' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'Accounts' }).first().isVisible()).toBe(true);
    await e.shot(page, 'nav-phone');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflow).toBe(false);
    await context.close();
  });
});
