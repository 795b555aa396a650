/**
 * The deploy dialog says what a role change does to access, line by line under its step,
 * before the admin deploys it (desktop and phone).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, PHONE, startE2E, type E2E } from '../helpers/browser.ts';

let e: E2E;
beforeAll(async () => { e = await startE2E(); }, 90_000);
afterAll(async () => { await e?.close(); });

/** The studio asks for the admin's `custom` package, which does not exist until a first studio save (404). */
const realErrors = (errors: string[]) => errors.filter((m) => !/404.*package=custom/.test(m));

describe('deploy plan details', () => {
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`names the access a role change gives, under "changes role sales_rep" (${size})`, async () => {
      const { page, errors, context } = await e.page({ viewport });
      await page.goto('/studio/roles/sales_rep');
      await page.getByRole('heading', { name: /Role: Sales rep/ }).waitFor();
      const before = await page.getByLabel('Account: delete').evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.text ?? '');
      await page.getByLabel('Account: delete').selectOption({ label: before === 'All' ? 'Own' : 'All' });
      await page.getByRole('button', { name: 'Save role' }).click();
      const plan = page.getByRole('list', { name: 'Deploy plan' });
      await plan.waitFor();
      const step = plan.getByRole('listitem').filter({ hasText: 'changes role sales_rep' });
      await step.waitFor();
      expect(await step.textContent()).toMatch(before === 'All' ? /account delete all → own/ : /account delete \w+ → all/);
      await e.shot(page, `deploy-plan-details-${size}`);
      expect(realErrors(errors)).toEqual([]);
      await context.close();
    });
  }
});
