/**
 * Open pages follow deploys: the server tells every event stream `metadata.changed`, and the
 * app refetches its metadata, so a newly deployed object shows in the navigation without a reload.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, PHONE, startE2E, type E2E } from '../helpers/browser.ts';

let e: E2E;
beforeAll(async () => { e = await startE2E(); }, 90_000);
afterAll(async () => { await e?.close(); });

describe('live metadata', () => {
  it('shows a newly deployed object in the open navigation, with no reload', async () => {
    const { page, context, errors } = await e.page({ viewport: DESKTOP });
    await page.goto('/app');
    const nav = page.getByRole('navigation', { name: 'Objects' });
    await nav.waitFor();
    await nav.getByRole('link', { name: 'Accounts' }).waitFor();
    // Marks this document: a reload would lose it.
    await page.evaluate(() => { (window as unknown as { stayed: boolean }).stayed = true; });
    expect(await nav.getByRole('link', { name: 'Depots' }).count()).toBe(0);

    const res = await e.t.api('POST', '/api/metadata/deploy', {
      package: { name: 'depots', version: '1.0.0' },
      objects: [{ name: 'depot', label: 'Depot', pluralLabel: 'Depots', nameField: 'city', fields: [{ name: 'city', type: 'text', required: true }] }],
    });
    expect(res.statusCode, res.body).toBe(200);

    await nav.getByRole('link', { name: 'Depots' }).waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await e.shot(page, 'live-metadata-new-object-desktop');
    expect(errors).toEqual([]);
    await context.close();

    const phone = await e.page({ viewport: PHONE });
    await phone.page.goto('/app');
    await phone.page.getByRole('link', { name: 'Depots' }).first().waitFor();
    await e.shot(phone.page, 'live-metadata-new-object-phone');
    await phone.context.close();
  });
});
