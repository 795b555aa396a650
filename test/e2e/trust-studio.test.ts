/**
 * Issue 12 in the studio and the record form: the layout designer drops a field where it was
 * dropped (mouse and keyboard, two-column sections); rule errors go away with Cancel and with
 * converting the lead; the rule tester works for a new record; the role editor fits a phone.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE, startE2E, type E2E } from '../helpers/browser.ts';

let e: E2E;
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 50 });
beforeAll(async () => { e = await startE2E(); });
afterAll(async () => { await e?.close(); });

const fieldsIn = async (column: Locator) => column.getByRole('button', { name: /^Field / }).allTextContents();
/** A form field by its label (MUI marks required ones with " *"). */
const field = (page: Page, label: string) => page.getByLabel(new RegExp(`^${label}(\\s*\\*)?$`));
/** An MUI select by its label; picks an option. */
async function choose(page: Page, label: string, option: string | RegExp) {
  await page.getByRole('combobox', { name: new RegExp(`^${label}\\b`) }).click();
  await page.getByRole('option', { name: option }).click();
}

describe('the layout designer, two-column sections', () => {
  async function openDesigner(page: Page) {
    await page.goto('/studio/objects/account/layouts/default');
    await page.getByRole('heading', { name: /^Layout:/ }).waitFor();
    return {
      left: page.getByRole('list', { name: 'Section Account, column 1' }),
      right: page.getByRole('list', { name: 'Section Account, column 2' }),
      palette: page.getByRole('list', { name: 'Field palette' }),
    };
  }

  it('drops a field dragged by its handle into the left column of a new two-column section in that column', async () => {
    const { page, errors, context } = await e.page();
    const { palette } = await openDesigner(page);
    await page.getByRole('textbox', { name: 'New section name' }).fill('Extra');
    await page.getByRole('button', { name: 'Add section' }).click();
    await page.getByRole('combobox', { name: /^Section 5 columns/ }).click();
    await page.getByRole('option', { name: '2 columns' }).click();
    const left = page.getByRole('list', { name: 'Section Extra, column 1' });
    const right = page.getByRole('list', { name: 'Section Extra, column 2' });
    await page.getByRole('button', { name: 'Take Employees off the layout' }).click();
    await poll(() => fieldsIn(palette)).toContainEqual(expect.stringContaining('Employees'));
    // Grabbed where its drag handle is (its left end), dropped right of the column's middle:
    // the dragged chip then reaches into the right column, but the pointer is in the left one.
    await left.scrollIntoViewIfNeeded(); // the palette stays in view (sticky)
    const a = (await page.getByRole('button', { name: 'Field Employees' }).boundingBox())!;
    const b = (await left.boundingBox())!;
    await page.mouse.move(a.x + 8, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(a.x + 18, a.y + a.height / 2 + 10, { steps: 4 });
    await page.mouse.move(b.x + b.width * 0.8, b.y + Math.min(b.height / 2, 40), { steps: 20 });
    await page.waitForTimeout(100);
    await page.mouse.up();
    await poll(() => fieldsIn(left)).toEqual([expect.stringContaining('Employees')]);
    expect(await fieldsIn(right)).toEqual([]);
    await page.waitForTimeout(300);
    await e.shot(page, 'trust-layout-mouse-desktop');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('moves a field from the right column to the left with one ← of the keyboard', async () => {
    const { page, errors, context } = await e.page();
    const { left, right } = await openDesigner(page);
    await poll(() => fieldsIn(right)).toContainEqual(expect.stringContaining('Phone'));
    await page.getByRole('button', { name: 'Field Phone' }).focus();
    await page.keyboard.press('Space');
    await page.waitForTimeout(150);
    await page.keyboard.press('ArrowLeft');
    await page.waitForTimeout(150);
    await poll(async () => (await page.locator('[id^="DndLiveRegion"]').allTextContents()).join(' ')).toMatch(/Field Phone is over section Account, column 1/);
    await page.keyboard.press('Space');
    await poll(async () => (await fieldsIn(left)).some((t) => t.includes('Phone'))).toBe(true);
    expect((await fieldsIn(right)).some((t) => t.includes('Phone'))).toBe(false);
    // And → takes it back.
    await page.getByRole('button', { name: 'Field Phone' }).focus();
    await page.keyboard.press('Space');
    await page.waitForTimeout(150);
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(150);
    await page.keyboard.press('Space');
    await poll(async () => (await fieldsIn(right)).some((t) => t.includes('Phone'))).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('stale errors', () => {
  const REASON = 'Say why the lead is unqualified';
  async function lead(body: Record<string, unknown>): Promise<string> {
    const res = await e.t.api('POST', '/api/records/lead', { first_name: 'Stale', last_name: 'Lead', email: `s${Math.random().toString(36).slice(2, 8)}@x.example`, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  it('takes a rule error away with Cancel', async () => {
    const id = await lead({ company: 'Cancel Co', status: 'working' });
    const { page, errors, context } = await e.page();
    await page.goto(`/app/lead/${id}`);
    await poll(() => field(page, 'Status').inputValue()).toBe('working');
    await field(page, 'Status').selectOption({ label: 'Unqualified' });
    await page.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByText(REASON).first().isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await poll(() => field(page, 'Status').inputValue()).toBe('working');
    await poll(() => page.getByText(REASON).count()).toBe(0);
    expect(await page.getByText('Your changes were not saved').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('takes a rule error away once the lead is converted', async () => {
    const id = await lead({ company: 'Convert Co', status: 'qualified' });
    const { page, errors, context } = await e.page();
    await page.goto(`/app/lead/${id}`);
    await poll(() => field(page, 'Status').inputValue()).toBe('qualified');
    await field(page, 'Status').selectOption({ label: 'Converted' });
    const needs = 'Converting a lead needs the converted account and contact';
    await page.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByText(needs).first().isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Convert lead' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Convert' }).click();
    await dialog.getByRole('heading', { name: 'Lead converted' }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await poll(() => page.getByText('Converted', { exact: true }).first().isVisible()).toBe(true);
    await poll(() => page.getByText(needs).count()).toBe(0);
    expect(await page.getByText('Unsaved changes').count()).toBe(0);
    // Converting was this person's own doing: nothing to announce about someone else.
    expect(await page.getByText(/Someone else changed/).count()).toBe(0);
    await e.shot(page, 'trust-converted-lead-desktop');
    expect(errors.filter((m) => !m.includes('status of 422'))).toEqual([]);
    await context.close();
  });

  it('tests a rule on a new record without picking one', async () => {
    const { page, errors, context } = await e.page();
    await page.goto('/studio/objects/lead/rules/unqualified_needs_reason');
    await page.getByRole('heading', { name: 'Try it on a real record' }).waitFor();
    await poll(() => page.getByText('No record picked yet.').isVisible()).toBe(true);
    await page.getByLabel('Test as a new record (no stored values)').check();
    await poll(() => page.getByText('No record picked yet.').count()).toBe(0);
    expect(await page.getByRole('combobox', { name: 'Test record' }).count()).toBe(0);
    await poll(() => page.getByText('The rule lets it through').isVisible()).toBe(true);
    await choose(page, 'Change field', /^Status/);
    await choose(page, 'To', 'Unqualified');
    await poll(() => page.getByText('The rule fires').isVisible()).toBe(true);
    await page.waitForTimeout(300); // the menu's fade-out
    await e.shot(page, 'trust-rule-tester-desktop');
    expect(errors).toEqual([]);
    await context.close();
  });
});

/** The studio asks for the admin's `custom` package, which does not exist until a first studio save (404). */
const realErrors = (errors: string[]) => errors.filter((m) => !/404.*package=custom/.test(m));

describe('the role editor on a phone', () => {
  it('shows every action of every object within 390 px', async () => {
    const { page, errors, context } = await e.page({ viewport: PHONE });
    await page.goto('/studio/roles/sales_rep');
    await page.getByRole('heading', { name: /Role: Sales rep/ }).waitFor();
    for (const action of ['read', 'create', 'update', 'delete']) {
      const control = page.getByLabel(`Account: ${action}`);
      await poll(() => control.isVisible()).toBe(true);
      const box = (await control.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    // Changing one still works, by touch.
    await page.getByLabel('Account: delete').selectOption({ label: 'Own' });
    await poll(() => page.getByRole('button', { name: 'Save role' }).isEnabled()).toBe(true);
    await e.shot(page, 'trust-role-editor-phone');
    expect(realErrors(errors)).toEqual([]);
    await context.close();
  });

  it('keeps the grid on a desktop', async () => {
    const { page, errors, context } = await e.page();
    await page.goto('/studio/roles/sales_rep');
    await poll(() => page.getByRole('table', { name: 'Record access of Sales rep' }).isVisible()).toBe(true);
    await e.shot(page, 'trust-role-editor-desktop');
    expect(realErrors(errors)).toEqual([]);
    await context.close();
  });
});
