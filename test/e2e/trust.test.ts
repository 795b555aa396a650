/**
 * Screens people can trust (issue 12), in a real browser against a real server: a sales rep
 * sees read-only fields as read-only and only the actions the server will accept; a save that
 * meets someone else's newer version keeps every keystroke; a board move that needs a value
 * asks for it; errors read with field labels. Desktop and phone screenshots of each.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE, startE2E, type E2E } from '../helpers/browser.ts';

let e: E2E;
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 50 });
type Rec = Record<string, unknown> & { id: string; version: number };

async function api<T = Rec>(method: string, url: string, body?: unknown, token?: string): Promise<{ status: number; body: T; headers: Record<string, unknown> }> {
  const res = await e.t.api(method, url, body, token ? { token } : {});
  return { status: res.statusCode, body: (res.body ? res.json() : undefined) as T, headers: res.headers };
}

/** The form field labelled exactly `label` (MUI's required asterisk aside). */
function field(page: Page, label: string) {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A form control: the navigation's lists are labelled by their app's name too ("Sales").
  return page.getByLabel(new RegExp(`^${escaped}(\\s*\\*)?$`)).and(page.locator(':not(ul):not(ol)'));
}

const REP = { email: 'rep@example.com', password: 'sales rep passphrase 12' };
const AGENT = { email: 'agent@example.com', password: 'support passphrase 12' };
let repId = '';
let repAccount = '';
let otherAccount = '';

beforeAll(async () => {
  e = await startE2E();
  const rep = await api('POST', '/api/users', { ...REP, role: 'sales_rep', name: 'Rita Rep' });
  expect(rep.status).toBe(201);
  repId = rep.body.id;
  expect((await api('POST', '/api/users', { ...AGENT, role: 'support_agent', name: 'Sam Support' })).status).toBe(201);
  repAccount = (await api('POST', '/api/records/account', { name: 'Rita Rockets', annual_revenue: 1200000, ownerId: repId })).body.id;
  otherAccount = (await api('POST', '/api/records/account', { name: 'Admin Holdings', annual_revenue: 900000 })).body.id;
});
afterAll(async () => { await e?.close(); });

describe('only what the caller may do', () => {
  it('tells a client per object and per record what the caller may do', async () => {
    const token = await e.t.login(REP.email, REP.password);
    const meta = await api<{ access: Record<string, { create: boolean; update: string; delete: string; readOnlyFields: string[] }> }>('GET', '/api/metadata', undefined, token);
    expect(meta.body.access.account).toMatchObject({ create: true, update: 'some', delete: 'none' });
    expect(meta.body.access.account.readOnlyFields).toContain('annual_revenue');
    expect(meta.body.access.case).toMatchObject({ create: false, update: 'none', delete: 'none' });
    expect((await api('GET', `/api/records/account/${repAccount}`, undefined, token)).headers.allow).toBe('GET, PATCH');
    expect((await api('GET', `/api/records/account/${otherAccount}`, undefined, token)).headers.allow).toBe('GET');
  });

  it('shows a sales rep Annual revenue read-only, saves the rest, and offers no Delete', async () => {
    const { page, errors, context } = await e.page({ ...REP });
    await page.goto(`/app/account/${repAccount}`);
    await poll(() => field(page, 'Account name').inputValue()).toBe('Rita Rockets');
    const revenue = field(page, 'Annual revenue');
    await poll(() => revenue.getAttribute('readonly')).not.toBeNull();
    expect(await revenue.inputValue()).toMatch(/1,200,000/);
    expect(await revenue.getAttribute('title')).toBe('You may read this field but not change it');
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await field(page, 'Account name').fill('Rita Rockets Ltd');
    await page.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByText('All changes saved').isVisible()).toBe(true);
    const stored = await api('GET', `/api/records/account/${repAccount}`);
    expect(stored.body).toMatchObject({ name: 'Rita Rockets Ltd', annual_revenue: 1200000 });
    await e.shot(page, 'trust-readonly-field-desktop');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows someone else\'s account to a sales rep as view-only: no Save, every field read-only', async () => {
    const { page, errors, context } = await e.page({ ...REP, viewport: PHONE });
    await page.goto(`/app/account/${otherAccount}`);
    await poll(() => page.getByText('You may view this account but not change it.').isVisible()).toBe(true);
    expect(await field(page, 'Account name').getAttribute('readonly')).not.toBeNull();
    expect(await page.getByRole('button', { name: 'Save' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await e.shot(page, 'trust-view-only-phone');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('offers Convert and Delete on a rep\'s own lead, and no New or Delete on cases they may only read', async () => {
    const lead = await api('POST', '/api/records/lead', { first_name: 'Lee', last_name: 'Lead', company: 'Leads Inc', email: 'lee@leads.example', status: 'qualified', ownerId: repId });
    const kase = await api('POST', '/api/records/case', { subject: 'Broken rocket', account: repAccount });
    expect(kase.status).toBe(201);
    const { page, errors, context } = await e.page({ ...REP });
    await page.goto(`/app/lead/${lead.body.id}`);
    await poll(() => page.getByRole('button', { name: 'Convert lead' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Delete' }).isVisible()).toBe(true);
    await page.goto(`/app/case/${kase.body.id}`);
    await poll(() => page.getByText('You may view this case but not change it.').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await page.goto('/app/case');
    await poll(() => page.getByRole('link', { name: 'Broken rocket' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'New' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Export CSV' }).count()).toBe(0);
    // The account page's related cases offer no New either.
    await page.goto(`/app/account/${repAccount}`);
    const cases = page.locator('[data-related="case"]');
    await poll(() => cases.innerText()).toContain('Broken rocket');
    expect(await cases.getByRole('link', { name: /^New/ }).count()).toBe(0);
    // Contacts they may create: New is there.
    expect(await page.locator('[data-related="contact"]').getByRole('link', { name: /^New/ }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('leaves read-only fields out of bulk edit and inline edit', async () => {
    const { page, errors, context } = await e.page({ ...REP });
    await page.goto('/app/account?view=my_accounts');
    await page.getByLabel('Select Rita Rockets Ltd').check();
    const bar = page.getByRole('region', { name: 'Selected records' });
    await bar.getByRole('button', { name: 'Edit field' }).click();
    const options = await page.getByRole('dialog').getByLabel('Field', { exact: true }).locator('option').allInnerTexts();
    expect(options).toContain('Account name');
    expect(options).not.toContain('Annual revenue');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await bar.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('omits a field the caller may not see (support agent: no Annual revenue at all)', async () => {
    const { page, errors, context } = await e.page({ ...AGENT });
    await page.goto(`/app/account/${otherAccount}`);
    await poll(() => field(page, 'Account name').isVisible()).toBe(true);
    expect(await field(page, 'Annual revenue').count()).toBe(0);
    expect(await page.getByText('You may view this account but not change it.').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('a concurrent change never throws edits away', () => {
  /** A page whose live updates are off, so the save itself meets the newer version (412). */
  async function offline(viewport?: typeof PHONE) {
    const opened = await e.page(viewport ? { viewport } : {});
    await opened.page.route('**/api/events**', (r) => r.abort());
    return opened;
  }
  const box = (page: Page, name: string) => page.getByRole('textbox', { name: new RegExp(`^${name}( \\*)?$`) });
  const realErrors = (errors: string[]) => errors.filter((m) => !/status of (412|409)|api\/events/.test(m));

  it('re-applies my changes on their version when we changed different fields', async () => {
    const id = (await api('POST', '/api/records/account', { name: 'Merge Me', phone: '+1 555 0100' })).body.id;
    const { page, errors, context } = await offline();
    await page.goto(`/app/account/${id}`);
    await poll(() => field(page, 'Account name').inputValue()).toBe('Merge Me');
    await field(page, 'Phone').fill('+1 555 0199');
    const theirs = await api('PATCH', `/api/records/account/${id}`, { website: 'https://theirs.example' });
    expect(theirs.status).toBe(200);
    // The API keeps its contract: a stale version is refused.
    const stale = await e.t.api('PATCH', `/api/records/account/${id}`, { phone: 'x' }, { headers: { 'if-match': '"1"' } });
    expect(stale.statusCode).toBe(412);
    await page.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByText('Your changes were saved on top of theirs.').isVisible()).toBe(true);
    const stored = (await api('GET', `/api/records/account/${id}`)).body;
    expect(stored).toMatchObject({ phone: '+1 555 0199', website: 'https://theirs.example', version: 3 });
    expect(await field(page, 'Website').inputValue()).toBe('https://theirs.example');
    expect(await field(page, 'Phone').inputValue()).toBe('+1 555 0199');
    await e.shot(page, 'trust-merged-desktop');
    expect(realErrors(errors)).toEqual([]);
    await context.close();
  });

  it('shows both values of a field we both changed, lets me choose, and keeps my other edits', async () => {
    const id = (await api('POST', '/api/records/account', { name: 'Clash Co', phone: '+1 555 0100' })).body.id;
    const { page, errors, context } = await offline();
    await page.goto(`/app/account/${id}`);
    await poll(() => box(page, 'Account name').inputValue()).toBe('Clash Co');
    await box(page, 'Account name').fill('Clash Co (mine)');
    await field(page, 'Phone').fill('+1 555 0142');
    await api('PATCH', `/api/records/account/${id}`, { name: 'Clash Co (theirs)', website: 'https://clash.example' });
    await page.getByRole('button', { name: 'Save' }).click();
    const choice = page.getByRole('radiogroup', { name: 'Account name' });
    await poll(() => choice.isVisible()).toBe(true);
    // Nothing is decided for me: no side picked, no saving until I pick.
    expect(await choice.getByRole('radio', { name: /Yours\s*Clash Co \(mine\)/ }).isChecked()).toBe(false);
    expect(await page.getByRole('button', { name: 'Save with these values' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled()).toBe(true);
    expect(await choice.getByRole('radio', { name: /Theirs \(saved\)\s*Clash Co \(theirs\)/ }).isVisible()).toBe(true);
    // Nothing was lost meanwhile: my phone, their website.
    expect(await field(page, 'Phone').inputValue()).toBe('+1 555 0142');
    expect(await field(page, 'Website').inputValue()).toBe('https://clash.example');
    await e.shot(page, 'trust-conflict-desktop');
    await choice.getByRole('radio', { name: /Theirs/ }).check();
    await poll(() => box(page, 'Account name').inputValue()).toBe('Clash Co (theirs)');
    await page.getByRole('button', { name: 'Save with these values' }).click();
    await poll(() => page.getByText('All changes saved').isVisible()).toBe(true);
    expect((await api('GET', `/api/records/account/${id}`)).body).toMatchObject({ name: 'Clash Co (theirs)', phone: '+1 555 0142', website: 'https://clash.example' });
    expect(realErrors(errors)).toEqual([]);
    await context.close();
  });

  it('fits the choice on a phone', async () => {
    const id = (await api('POST', '/api/records/account', { name: 'Phone Clash' })).body.id;
    const { page, errors, context } = await offline(PHONE);
    await page.goto(`/app/account/${id}`);
    await poll(() => box(page, 'Account name').inputValue()).toBe('Phone Clash');
    await box(page, 'Account name').fill('Phone Clash (mine)');
    await api('PATCH', `/api/records/account/${id}`, { name: 'Phone Clash (theirs)' });
    await page.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByRole('radiogroup', { name: 'Account name' }).isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await e.shot(page, 'trust-conflict-phone');
    expect(realErrors(errors)).toEqual([]);
    await context.close();
  });
});

describe('the board', () => {
  const ids = new Map<string, string>();
  beforeAll(async () => {
    const account = (await api('POST', '/api/records/account', { name: 'Board Co' })).body.id;
    for (const [name, stage, amount] of [['Board A', 'prospecting', 1000], ['Board B', 'prospecting', 2500.5], ['Board C', 'qualification', 700]] as const) {
      const r = await api('POST', '/api/records/opportunity', { name, stage, amount, account, close_date: '2026-06-30' });
      expect(r.status).toBe(201);
      ids.set(name, r.body.id);
    }
  });
  const column = (page: Page, label: string) => page.getByRole('region', { name: /by stage/ }).locator('section').filter({ has: page.getByRole('heading', { name: label, exact: true }) });

  it('shows each column\'s count and the sum of its amounts', async () => {
    const { page, errors, context } = await e.page();
    await page.goto('/app/opportunity?view=pipeline');
    const prospecting = column(page, 'Prospecting');
    await poll(() => prospecting.locator('[data-count]').innerText()).toBe('2');
    await poll(() => prospecting.locator('[data-sum]').innerText()).toMatch(/3,500\.50/);
    await poll(() => column(page, 'Qualification').locator('[data-sum]').innerText()).toMatch(/700\.00/);
    await e.shot(page, 'trust-board-totals-desktop');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('asks for the loss reason when a deal is dropped on Closed lost, then moves it; never announces both outcomes', async () => {
    // Wide enough that every column is on screen.
    const { page, errors, context } = await e.page({ viewport: { width: 2200, height: 900 } });
    await page.goto('/app/opportunity?view=pipeline');
    // Everything the screen reader hears, in order.
    await page.evaluate(() => {
      const said: string[] = [];
      (window as unknown as { said: string[] }).said = said;
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[role="status"], [aria-live], [role="alert"]')) {
          const t = el.textContent?.trim();
          if (t && said[said.length - 1] !== t) said.push(t);
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const handle = page.getByRole('button', { name: 'Move Board A' });
    await poll(() => handle.isVisible()).toBe(true);
    await handle.focus();
    await page.keyboard.press('Space');
    await poll(() => handle.getAttribute('aria-pressed')).toBe('true');
    await page.waitForTimeout(50);
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('ArrowRight');
      await page.waitForTimeout(30);
    }
    await poll(() => page.getByText('Board A is over Closed lost.').count()).toBeGreaterThan(0);
    await page.keyboard.press('Space');
    const dialog = page.getByRole('dialog', { name: 'Move “Board A” to Closed lost' });
    await poll(() => dialog.isVisible()).toBe(true);
    await poll(() => dialog.getByText('Say why the deal was lost').isVisible()).toBe(true);
    await e.shot(page, 'trust-board-move-dialog-desktop');
    await dialog.getByLabel('Loss reason').selectOption({ label: 'Price' });
    await dialog.getByRole('button', { name: 'Move' }).click();
    await poll(() => dialog.isVisible()).toBe(false);
    await poll(async () => (await api('GET', `/api/records/opportunity/${ids.get('Board A')}`)).body).toMatchObject({ stage: 'closed_lost', loss_reason: 'price' });
    await poll(() => column(page, 'Closed lost').getByRole('link', { name: 'Board A', exact: true }).isVisible()).toBe(true);
    await poll(() => page.getByText('Board A is now in Closed lost.').count()).toBeGreaterThan(0);
    const said = (await page.evaluate(() => (window as unknown as { said: string[] }).said)).join('\n');
    expect(said).not.toMatch(/Could not move/);
    expect(said).not.toMatch(/was moved/);
    expect(errors.filter((m) => !m.includes('status of 422'))).toEqual([]);
    await context.close();
  });

  it('asks on a phone too (Move to menu), and cancelling keeps the card', async () => {
    const { page, errors, context } = await e.page({ viewport: PHONE });
    await page.goto('/app/opportunity?view=pipeline');
    await page.getByRole('button', { name: 'Actions for Board B' }).tap();
    await page.getByRole('menuitem', { name: 'Move to Closed lost' }).tap();
    const dialog = page.getByRole('dialog', { name: 'Move “Board B” to Closed lost' });
    await poll(() => dialog.isVisible()).toBe(true);
    await page.waitForTimeout(400); // the dialog's fade-in
    await e.shot(page, 'trust-board-move-dialog-phone');
    await dialog.getByRole('button', { name: 'Cancel' }).tap();
    await poll(() => dialog.isVisible()).toBe(false);
    expect((await api('GET', `/api/records/opportunity/${ids.get('Board B')}`)).body.stage).toBe('prospecting');
    expect(await page.getByText(/Could not move/).count()).toBe(0);
    expect(errors.filter((m) => !m.includes('status of 422'))).toEqual([]);
    await context.close();
  });

  it('shows a read-only user the board without handles or Move to', async () => {
    const viewer = { email: 'viewer@example.com', password: 'read only passphrase 12' };
    expect((await api('POST', '/api/users', { ...viewer, role: 'read_only' })).status).toBe(201);
    const { page, errors, context } = await e.page(viewer);
    await page.goto('/app/opportunity?view=pipeline');
    await poll(() => page.getByRole('link', { name: 'Board C', exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Move Board C' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Actions for Board C' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('errors people can read', () => {
  it('names the field in a refused inline edit instead of schema shorthand', async () => {
    const account = (await api('POST', '/api/records/account', { name: 'Label Co' })).body.id;
    await api('POST', '/api/records/opportunity', { name: 'Label deal', amount: 5, account, probability: 10 });
    const { page, errors, context } = await e.page();
    await page.goto('/app/opportunity?q=Label');
    const grid = page.getByRole('grid', { name: 'Opportunities' });
    const row = grid.getByRole('row').filter({ has: page.getByRole('link', { name: 'Label deal', exact: true }) });
    await poll(() => row.isVisible()).toBe(true);
    const headers = await grid.getByRole('columnheader').allInnerTexts();
    const i = headers.findIndex((h) => h.trim() === 'Probability');
    expect(i).toBeGreaterThan(0);
    await row.locator('td').nth(i).dblclick();
    const input = page.getByLabel('Probability of Label deal');
    await input.fill('150');
    await input.press('Enter');
    await poll(() => page.getByRole('alert').filter({ hasText: 'Probability must be at most 100' }).isVisible()).toBe(true);
    expect(await page.getByText('≤').count()).toBe(0);
    expect(errors.filter((m) => !m.includes('status of 422'))).toEqual([]);
    await context.close();
  });

  it('says which field in the form, too', async () => {
    const account = (await api('POST', '/api/records/account', { name: 'Form Label Co' })).body.id;
    const opp = (await api('POST', '/api/records/opportunity', { name: 'Form label deal', account })).body.id;
    const { page, errors, context } = await e.page();
    await page.goto(`/app/opportunity/${opp}`);
    await field(page, 'Probability').fill('150');
    await page.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByText('Probability must be at most 100').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
