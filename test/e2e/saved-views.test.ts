/**
 * Saved views live on the server: a view saved in one browser is there in another (a fresh
 * browser context has none of the first one's storage), and a view an admin shares shows up
 * for a sales rep under "Shared views".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PHONE, startE2E, type E2E } from '../helpers/browser.ts';

let e: E2E;
beforeAll(async () => {
  e = await startE2E();
  const account = (await e.t.api('POST', '/api/records/account', { name: 'Acme' })).json() as { id: string };
  const res = await e.t.api('POST', '/api/records/opportunity/bulk', {
    operation: 'create',
    records: Array.from({ length: 6 }, (_, i) => ({ name: `Deal ${i + 1}`, account: account.id, stage: 'prospecting', amount: (i + 1) * 1000, close_date: '2027-01-31' })),
  });
  expect((res.json() as { failed: number }).failed).toBe(0);
}, 90_000);
afterAll(async () => { await e?.close(); });

const grid = (page: Page) => page.getByRole('grid', { name: 'Opportunities' });
const viewSelect = (page: Page) => page.getByLabel('View', { exact: true });
const optionGroups = (page: Page) => viewSelect(page).evaluate((el) =>
  [...(el as HTMLSelectElement).querySelectorAll('optgroup')].map((g) => `${g.label}: ${[...g.querySelectorAll('option')].map((o) => o.textContent).join(', ')}`));

async function saveView(page: Page, name: string, share = false) {
  await page.getByRole('button', { name: 'Save view' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save view' });
  await dialog.getByLabel('View name').fill(name);
  if (share) await dialog.getByLabel('Share with everyone who may see these records').check();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect.poll(() => page.url()).toContain('view=my%3A');
}

describe('saved views on the server', () => {
  it('shows a view saved in one browser in another one, with its sort', async () => {
    const first = await e.page();
    await first.page.goto('/app/opportunity');
    await grid(first.page).waitFor();
    const amount = grid(first.page).getByRole('columnheader', { name: 'Amount' });
    await amount.getByRole('button', { name: 'Amount' }).click();
    await amount.getByRole('button', { name: 'Amount' }).click();
    await saveView(first.page, 'Largest first');
    const url = first.page.url().replace(e.baseUrl, '');
    await first.context.close();

    // Another browser: nothing of the first one's storage, the same person.
    const second = await e.page();
    await second.page.goto('/app/opportunity');
    await expect.poll(() => optionGroups(second.page)).toContainEqual('My views: Largest first');
    await second.page.goto(url);
    await expect.poll(() => viewSelect(second.page).evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.text)).toBe('Largest first');
    await expect.poll(async () => (await grid(second.page).getByRole('row').nth(1).innerText()).includes('Deal 6')).toBe(true);
    await e.shot(second.page, 'saved-views-second-browser-desktop');
    expect(second.errors).toEqual([]);
    await second.context.close();
  });

  it('offers a view an admin shared to a sales rep, who may use but not delete it', async () => {
    const admin = await e.page();
    await admin.page.goto('/app/opportunity');
    await grid(admin.page).waitFor();
    await saveView(admin.page, 'Pipeline for everyone', true);
    await admin.context.close();

    await e.t.api('POST', '/api/users', { email: 'rep@example.com', password: 'a long enough passphrase', role: 'sales_rep' });
    const rep = await e.page({ email: 'rep@example.com', password: 'a long enough passphrase', viewport: PHONE });
    await rep.page.goto('/app/opportunity');
    await expect.poll(() => optionGroups(rep.page)).toContainEqual('Shared views: Pipeline for everyone');
    await viewSelect(rep.page).selectOption({ label: 'Pipeline for everyone' });
    await expect.poll(() => rep.page.url()).toContain('view=my%3A');
    expect(await rep.page.getByRole('button', { name: /Delete view/ }).count()).toBe(0);
    await e.shot(rep.page, 'saved-views-shared-phone');
    await rep.context.close();
  });
});
