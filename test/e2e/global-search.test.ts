/**
 * The top bar's search suggests records while the user types: a listbox of matching records
 * of the main objects, picked with the arrow keys and Enter; Enter without a pick still opens
 * all results.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, PHONE, startE2E, type E2E } from '../helpers/browser.ts';

let e: E2E;
let acmeId = '';
beforeAll(async () => {
  e = await startE2E();
  acmeId = ((await e.t.api('POST', '/api/records/account', { name: 'Zephyrine Holdings' })).json() as { id: string }).id;
  await e.t.api('POST', '/api/records/contact', { first_name: 'Ada', last_name: 'Zephyrine', account: acmeId });
}, 90_000);
afterAll(async () => { await e?.close(); });

describe('global search suggestions', () => {
  it('lists matching records as you type; arrow down and Enter opens one', async () => {
    const { page, context, errors } = await e.page({ viewport: DESKTOP });
    await page.goto('/app');
    const box = page.getByRole('combobox', { name: 'Search' });
    await box.click();
    await box.pressSequentially('zephyr', { delay: 30 });
    const list = page.getByRole('listbox', { name: 'Suggested records' });
    await list.getByRole('option', { name: 'Zephyrine Holdings' }).waitFor();
    expect(await list.getByRole('option').count()).toBeGreaterThanOrEqual(2); // the account and its contact
    await e.shot(page, 'global-search-suggestions-desktop');
    await page.keyboard.press('ArrowDown');
    expect(await box.getAttribute('aria-activedescendant')).toBeTruthy();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/app/account/${acmeId}`);
    await page.getByRole('heading', { name: 'Zephyrine Holdings' }).first().waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens all results on Enter without a pick (phone)', async () => {
    const { page, context } = await e.page({ viewport: PHONE });
    await page.goto('/app');
    const box = page.getByRole('combobox', { name: 'Search' });
    await box.click();
    await box.pressSequentially('zephyr', { delay: 30 });
    await page.getByRole('listbox', { name: 'Suggested records' }).getByRole('option').first().waitFor();
    await e.shot(page, 'global-search-suggestions-phone');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/app/search?q=zephyr');
    await page.getByRole('heading', { name: /Search results for/ }).waitFor();
    await context.close();
  });
});
