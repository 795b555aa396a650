/**
 * Record pages in a real browser: create and edit through the layout's form, validation on the
 * fields, conflicts, related lists, lead conversion, and the whole journey from a lead to a won
 * opportunity and an order — at desktop and phone widths, with no console errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { DESKTOP, PHONE, startE2E, type E2E } from '../helpers/browser.ts';

let e: E2E;
/** One signed-in browser context per viewport (signing in per test would hit the sign-in rate limit). */
const contexts = new Map<number, BrowserContext>();
beforeAll(async () => { e = await startE2E(); });
afterAll(async () => {
  for (const c of contexts.values()) await c.close();
  await e?.close();
});

/** A new page in the signed-in context of that viewport, collecting console errors. */
async function open(viewport = DESKTOP): Promise<{ page: Page; errors: string[]; context: { close(): Promise<void> } }> {
  let context = contexts.get(viewport.width);
  if (!context) {
    const first = await e.page({ viewport });
    context = first.context;
    contexts.set(viewport.width, context);
    await first.page.close();
  }
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`); });
  page.on('pageerror', (err) => errors.push(String(err)));
  return { page, errors, context: { close: () => page.close() } };
}

/** The form field labelled exactly `label` (MUI's required asterisk aside). */
function field(page: Page, label: string) {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A form control: the navigation's lists are labelled by their app's name too ("Sales").
  return page.getByLabel(new RegExp(`^${escaped}(\\s*\\*)?$`)).and(page.locator(':not(ul):not(ol)'));
}

async function api<T = Record<string, unknown>>(method: string, url: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await e.t.api(method, url, body);
  return { status: res.statusCode, json: (res.body ? res.json() : undefined) as T };
}

/** Waits until the URL is a saved record's page and returns its id. */
async function savedId(page: Page, object: string): Promise<string> {
  await page.waitForURL(new RegExp(`/app/${object}/[0-9a-f-]{36}$`));
  return page.url().split('/').pop() as string;
}

async function noHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

/** Console errors, without the browser's own line for an HTTP error status a test provoked on purpose. */
function realErrors(errors: string[]): string[] {
  return errors.filter((m) => !/Failed to load resource: the server responded with a status of (409|412|422)/.test(m));
}

describe('record pages', () => {
  it('creates an account through the form and opens it', async () => {
    const { page, errors, context } = await open();
    await page.goto('/app/account/new');
    await field(page, 'Account name').fill('Acme Rockets');
    await field(page, 'Industry').selectOption({ label: 'Manufacturing' });
    await field(page, 'Annual revenue').fill('2500000');
    await field(page, 'Website').fill('https://acme.example');
    await page.getByRole('button', { name: 'Save' }).click();
    const id = await savedId(page, 'account');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Acme Rockets');
    const stored = await api(`GET`, `/api/records/account/${id}`);
    expect(stored.json).toMatchObject({ name: 'Acme Rockets', industry: 'manufacturing', annual_revenue: 2500000, website: 'https://acme.example' });
    // Shown formatted once saved, and remembered for the home screen.
    await expect.poll(() => field(page, 'Annual revenue').inputValue()).toBe('2,500,000.00');
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    await e.shot(page, 'record-desktop');
    expect(await noHorizontalScroll(page)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows validation errors on their fields: a required field, and a rule checked as you type', async () => {
    const account = await api('POST', '/api/records/account', { name: 'Validation Co' });
    const { page, errors, context } = await open();
    await page.goto(`/app/opportunity/new?account=${account.json.id as string}`);
    await expect.poll(() => field(page, 'Account').inputValue()).toBe('Validation Co');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByText('Name is required').isVisible()).toBe(true);
    await expect.poll(async () => (await field(page, 'Name').getAttribute('aria-invalid'))).toBe('true');
    await field(page, 'Name').fill('Rocket fuel');
    await field(page, 'Stage').selectOption({ label: 'Closed won' });
    // The rule's message, before anything is sent, on the rule's field.
    await expect.poll(() => page.getByText('A won deal needs a close date').isVisible()).toBe(true);
    const described = await field(page, 'Close date').getAttribute('aria-describedby');
    expect(await page.locator(`[id="${described?.split(' ')[0]}"]`).textContent()).toContain('A won deal needs a close date');
    await e.shot(page, 'record-validation');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(page.url()).toContain('/app/opportunity/new');
    // Fixed: saved.
    await field(page, 'Close date').fill('2025-06-30');
    await field(page, 'Amount').fill('5000');
    await expect.poll(() => page.getByText('A won deal needs a close date').count()).toBe(0);
    await page.getByRole('button', { name: 'Save' }).click();
    await savedId(page, 'opportunity');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a server refusal on its field (a unique value taken)', async () => {
    await api('POST', '/api/records/account', { name: 'Unique One', customer_code: 'CG-1' });
    const { page, errors, context } = await open();
    await page.goto('/app/account/new');
    await field(page, 'Account name').fill('Unique Two');
    await field(page, 'Customer ID').fill('CG-1');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => field(page, 'Customer ID').getAttribute('aria-invalid')).toBe('true');
    expect(page.url()).toContain('/app/account/new');
    expect(realErrors(errors)).toEqual([]);
    await context.close();
  });

  it('edits and saves a record; the timeline shows the change', async () => {
    const acc = await api('POST', '/api/records/account', { name: 'Edit Me Ltd' });
    const { page, errors, context } = await open();
    await page.goto(`/app/account/${acc.json.id as string}`);
    await field(page, 'Account name').fill('Edited Ltd');
    await field(page, 'Phone').fill('+1 555 0100');
    await expect.poll(() => page.getByText('Unsaved changes').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByText('All changes saved').isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Edited Ltd');
    const stored = await api('GET', `/api/records/account/${acc.json.id as string}`);
    expect(stored.json).toMatchObject({ name: 'Edited Ltd', phone: '+1 555 0100', version: 2 });
    const activity = page.locator('[data-timeline]');
    await expect.poll(() => activity.textContent()).toContain('Account name: Edit Me Ltd → Edited Ltd');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('someone else\'s save while you edit the same field: both values shown, never a silent overwrite', async () => {
    const acc = await api('POST', '/api/records/account', { name: 'Conflict Inc' });
    const id = acc.json.id as string;
    const { page, errors, context } = await open();
    await page.goto(`/app/account/${id}`);
    await field(page, 'Account name').fill('Conflict Inc (mine)');
    // Meanwhile, through the API:
    const theirs = await api('PATCH', `/api/records/account/${id}`, { name: 'Conflict Inc (theirs)' });
    expect(theirs.status).toBe(200);
    // The live update may show the clash before the click (then Save waits for a choice), or the save meets it (412).
    await page.getByRole('button', { name: 'Save', exact: true }).click({ timeout: 3000 }).catch(() => undefined);
    const choice = page.getByRole('radiogroup', { name: 'Account name' });
    await expect.poll(() => choice.isVisible()).toBe(true);
    expect((await api('GET', `/api/records/account/${id}`)).json.name).toBe('Conflict Inc (theirs)');
    await choice.getByRole('radio', { name: /Yours/ }).check();
    await page.getByRole('button', { name: 'Save with these values' }).click();
    await expect.poll(async () => (await api('GET', `/api/records/account/${id}`)).json.name).toBe('Conflict Inc (mine)');
    await expect.poll(() => choice.count()).toBe(0);
    expect(realErrors(errors)).toEqual([]);
    await context.close();
  });

  it('follows live changes: an open, unedited record shows what someone else saved', async () => {
    const acc = await api('POST', '/api/records/account', { name: 'Live Co' });
    const id = acc.json.id as string;
    const { page, errors, context } = await open();
    await page.goto(`/app/account/${id}`);
    await expect.poll(() => field(page, 'Account name').inputValue()).toBe('Live Co');
    await page.waitForTimeout(500); // the event stream is open
    await api('PATCH', `/api/records/account/${id}`, { name: 'Live Co (renamed)' });
    await expect.poll(() => field(page, 'Account name').inputValue(), { timeout: 10_000 }).toBe('Live Co (renamed)');
    // While editing, a change elsewhere is announced instead.
    await field(page, 'Phone').fill('+1 555 0199');
    await api('PATCH', `/api/records/account/${id}`, { website: 'https://live.example' });
    await expect.poll(() => page.getByText(/Someone else changed this record while you were editing/).isVisible(), { timeout: 10_000 }).toBe(true);
    // Their change shows, mine stays.
    expect(await field(page, 'Website').inputValue()).toBe('https://live.example');
    expect(await field(page, 'Phone').inputValue()).toBe('+1 555 0199');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a related list\'s "New" opens the child form with the parent prefilled', async () => {
    const acc = await api('POST', '/api/records/account', { name: 'Parent Corp' });
    const id = acc.json.id as string;
    const { page, errors, context } = await open();
    await page.goto(`/app/account/${id}`);
    await page.getByRole('link', { name: 'New contact' }).click();
    await page.waitForURL(`**/app/contact/new?account=${id}`);
    await expect.poll(() => field(page, 'Account').inputValue()).toBe('Parent Corp');
    await field(page, 'First name').fill('Rita');
    await field(page, 'Last name').fill('Related');
    await page.getByRole('button', { name: 'Save' }).click();
    const contactId = await savedId(page, 'contact');
    expect((await api('GET', `/api/records/contact/${contactId}`)).json.account).toBe(id);
    // A note written with rich text, from the Notes list.
    await page.goto(`/app/account/${id}`);
    await page.getByRole('link', { name: 'New note' }).click();
    await page.waitForURL(`**/app/note/new?account=${id}`);
    await field(page, 'Title').fill('Kick-off call');
    await field(page, 'Body').fill('Agreed on **three** rockets.\n\n- launch in May\n- see [the plan](https://plan.example)\n\n<script>alert(1)</script>');
    await page.getByRole('tab', { name: 'Preview' }).click();
    const preview = page.getByRole('tabpanel', { name: 'Preview' });
    await expect.poll(() => preview.locator('strong').textContent()).toBe('three');
    expect(await preview.locator('script').count()).toBe(0);
    await page.waitForTimeout(400); // the tab indicator's slide
    await e.shot(page, 'richtext');
    await page.getByRole('button', { name: 'Save' }).click();
    await savedId(page, 'note');
    await api('POST', '/api/records/task', { subject: 'Send the contract', account: id, due_date: '2025-05-02' });

    await page.goto(`/app/account/${id}`);
    const contacts = page.locator('[data-related="contact"]');
    await expect.poll(() => contacts.getByRole('link', { name: 'Rita Related' }).isVisible(), { timeout: 10_000 }).toBe(true);
    const activity = page.locator('[data-timeline]');
    await expect.poll(() => activity.getByRole('link', { name: 'Kick-off call' }).isVisible()).toBe(true);
    await expect.poll(() => activity.getByRole('link', { name: 'Send the contract' }).isVisible()).toBe(true);
    await contacts.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(300);
    await e.shot(page, 'related-desktop');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is keyboard reachable: Tab walks the fields to Save, with a visible focus, and Enter saves', async () => {
    const { page, errors, context } = await open();
    await page.goto('/app/campaign/new');
    await field(page, 'Name').waitFor();
    const first = field(page, 'Name');
    await first.focus();
    await page.keyboard.type('Keyboard campaign');
    let onSave = false;
    for (let i = 0; i < 80 && !onSave; i++) {
      await page.keyboard.press('Tab');
      onSave = await page.evaluate(() => document.activeElement?.textContent === 'Save');
    }
    expect(onSave).toBe(true);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    expect(outline).toBe('solid');
    await page.keyboard.press('Enter');
    await savedId(page, 'campaign');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('deletes a record after confirming: it goes to the recycle bin', async () => {
    const acc = await api('POST', '/api/records/account', { name: 'Doomed LLC' });
    const id = acc.json.id as string;
    const { page, errors, context } = await open();
    await page.goto(`/app/account/${id}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this account?' });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL('**/app/account');
    expect((await api('GET', `/api/records/account/${id}`)).status).toBe(404);
    expect((await api('POST', `/api/records/account/${id}/restore`)).status).toBe(200);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('converts a lead in the browser', async () => {
    const lead = await api('POST', '/api/records/lead', { first_name: 'Lena', last_name: 'Lead', company: 'Convertible GmbH', email: 'lena@convertible.example', status: 'qualified' });
    const { page, errors, context } = await open();
    await page.goto(`/app/lead/${lead.json.id as string}`);
    await page.getByRole('button', { name: 'Convert lead' }).click();
    const dialog = page.getByRole('dialog', { name: 'Convert lead' });
    await expect.poll(() => dialog.getByLabel('Opportunity name').inputValue()).toBe('Convertible GmbH');
    await dialog.getByLabel('Opportunity name').fill('Convertible — pilot');
    await page.waitForTimeout(400); // the dialog's fade-in
    await e.shot(page, 'convert-dialog');
    await dialog.getByRole('button', { name: 'Convert' }).click();
    const done = page.getByRole('dialog', { name: 'Lead converted' });
    await expect.poll(() => done.getByRole('link', { name: 'Convertible — pilot' }).isVisible()).toBe(true);
    await done.getByRole('button', { name: 'Close' }).click();
    // The lead shows it: converted, with its new records, and no second conversion.
    await expect.poll(() => field(page, 'Status').inputValue()).toBe('converted');
    await expect.poll(() => field(page, 'Converted account').inputValue()).toBe('Convertible GmbH');
    expect(await page.getByRole('button', { name: 'Convert lead' }).count()).toBe(0);
    const stored = (await api('GET', `/api/records/lead/${lead.json.id as string}`)).json;
    expect(stored).toMatchObject({ status: 'converted' });
    expect(errors).toEqual([]);
    await context.close();
  });
});

/** The journey: a new lead → converted → won → an order with a line, all in the browser. */
async function journey(viewport: { width: number; height: number }, tag: string): Promise<void> {
  const { page, errors, context } = await open(viewport);
  const wide = viewport.width >= 900;
  const checkLayout = async (where: string) => {
    expect(await noHorizontalScroll(page), `horizontal scroll on ${where}`).toBe(true);
  };

  // A product to sell (created in the browser too).
  await page.goto('/app/product/new');
  await field(page, 'Product Name').fill(`Rocket engine ${tag}`);
  await field(page, 'SKU').fill(`RKT-${tag}`);
  await field(page, 'Unit price').fill('1250');
  await page.getByRole('button', { name: 'Save' }).click();
  await savedId(page, 'product');

  // 1. The lead.
  await page.goto('/app/lead/new');
  await field(page, 'First name').fill('Jo');
  await field(page, 'Last name').fill(`Journey ${tag}`);
  await field(page, 'Company').fill(`Journey Corp ${tag}`);
  await field(page, 'Email').fill(`jo.${tag}@journey.example`);
  await field(page, 'Status').selectOption({ label: 'Qualified' });
  await checkLayout('new lead');
  await page.getByRole('button', { name: 'Save' }).click();
  await savedId(page, 'lead');
  await checkLayout('lead');
  if (!wide) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await e.shot(page, 'record-phone');
  }

  // 2. Convert it.
  await page.getByRole('button', { name: 'Convert lead' }).click();
  const dialog = page.getByRole('dialog', { name: 'Convert lead' });
  if (!wide) {
    await page.waitForTimeout(400);
    await e.shot(page, 'convert-dialog-phone');
  }
  await dialog.getByRole('button', { name: 'Convert' }).click();
  await page.getByRole('dialog', { name: 'Lead converted' }).getByRole('link', { name: 'Open opportunity' }).click();
  const oppId = await savedId(page, 'opportunity');
  await expect.poll(() => field(page, 'Account').inputValue()).toBe(`Journey Corp ${tag}`);
  await checkLayout('opportunity');

  // 3. Win it: the rules ask for a close date and an amount first.
  await field(page, 'Stage').selectOption({ label: 'Closed won' });
  await expect.poll(() => page.getByText('A won deal needs a close date').isVisible()).toBe(true);
  await field(page, 'Amount').fill('12500');
  await field(page, 'Close date').fill('2025-06-30');
  await field(page, 'Probability').fill('100');
  await expect.poll(() => page.getByText('A won deal needs a close date').count()).toBe(0);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect.poll(() => page.getByText('All changes saved').isVisible()).toBe(true);
  expect((await api('GET', `/api/records/opportunity/${oppId}`)).json).toMatchObject({ stage: 'closed_won', amount: 12500, close_date: '2025-06-30' });
  await expect.poll(() => field(page, 'Expected revenue').inputValue()).toBe('$12,500.00');
  const activity = page.locator('[data-timeline]');
  await expect.poll(() => activity.textContent()).toContain('Stage: Prospecting → Closed won');
  if (wide) {
    await activity.scrollIntoViewIfNeeded();
    await e.shot(page, 'timeline');
  }

  // 4. The account, then an order for it from its related list.
  await page.getByRole('link', { name: `Open Journey Corp ${tag}` }).click();
  const accountId = await savedId(page, 'account');
  await expect.poll(() => field(page, 'Won amount').inputValue()).toBe('$12,500.00');
  if (!wide) {
    await page.locator('[data-related="opportunity"]').scrollIntoViewIfNeeded();
    await e.shot(page, 'record-phone-related');
  }
  await page.getByRole('link', { name: 'New order' }).click();
  await page.waitForURL(`**/app/order/new?account=${accountId}`);
  await expect.poll(() => field(page, 'Account').inputValue()).toBe(`Journey Corp ${tag}`);
  await field(page, 'Order ID').fill(`SO-${tag}`);
  await field(page, 'Order Date').fill('2025-07-01');
  await checkLayout('new order');
  await page.getByRole('button', { name: 'Save' }).click();
  const orderId = await savedId(page, 'order');

  // 5. A line on the order: the product found by typing its name.
  await page.getByRole('link', { name: 'New order line' }).click();
  await page.waitForURL(`**/app/order_line/new?order=${orderId}`);
  await expect.poll(() => field(page, 'Order').inputValue()).toBe(`SO-${tag}`);
  await field(page, 'Product').fill('Rocket engine');
  await page.getByRole('option', { name: `Rocket engine ${tag}` }).click();
  await field(page, 'Quantity').fill('2');
  await field(page, 'Unit price').fill('1250');
  await field(page, 'Sales').fill('2500');
  await page.getByRole('button', { name: 'Save' }).click();
  await savedId(page, 'order_line');

  // 6. The order adds it up.
  await page.getByRole('link', { name: `Open SO-${tag}` }).click();
  await savedId(page, 'order');
  await expect.poll(() => field(page, 'Total').inputValue()).toBe('$2,500.00');
  await expect.poll(() => field(page, 'Number of lines').inputValue()).toBe('1');
  await checkLayout('order');
  expect(errors).toEqual([]);
  await context.close();
}

describe('the journey: a new user works a lead to a won opportunity and an order', () => {
  it('at desktop width', async () => { await journey(DESKTOP, 'd'); }, 120_000);
  it('at phone width (390 px)', async () => { await journey(PHONE, 'p'); }, 120_000);
});
