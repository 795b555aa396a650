/**
 * Users and teams in the studio, as an admin does it: add a person (roles, manager, a temporary
 * password shown once), see them in the manager's team, reset their MFA, revoke their API key,
 * deactivate them; the audit log beside the list says each of these in words. A user manager
 * who is not an admin gets this screen only, without the audit log.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { PHONE, startE2E, type E2E } from '../helpers/browser.ts';

let e: E2E;
let page: Page;
let errors: string[];
let password = '';
beforeAll(async () => {
  e = await startE2E();
  await e.t.engine.deploy({
    package: { name: 'people-test', version: '1.0.0', dependsOn: { 'crm-core': '^1.0.0' } },
    roles: [{ name: 'user_admin', label: 'User admin', objects: { account: { read: 'all' } }, abilities: ['manageUsers'] }],
  });
  ({ page, errors } = await e.page());
}, 90_000);
afterAll(async () => { await e?.close(); });
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await e.shot(page, `users-failed-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
});

const audit = () => page.getByRole('list', { name: 'Audit log entries' });
const dialog = () => page.getByRole('dialog');
const openPerson = (name: string) => page.getByRole('table', { name: 'Users' }).getByRole('button', { name }).click();

async function userId(email: string): Promise<string> {
  const users = (await e.t.api('GET', '/api/users')).json() as Array<{ id: string; email: string }>;
  return users.find((u) => u.email === email)!.id;
}

describe('users and teams', () => {
  it('adds a person with roles and a manager, and shows the temporary password once', async () => {
    await page.goto('/studio');
    await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Users and teams' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Users and teams' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Add user' }).click();
    await dialog().getByRole('textbox', { name: /^Email/ }).fill('dana@example.com');
    await dialog().getByRole('textbox', { name: 'Name' }).fill('Dana Rep');
    const roles = dialog().getByRole('combobox', { name: 'Roles' });
    await roles.click();
    await page.getByRole('option', { name: 'Sales rep' }).click();
    await dialog().getByRole('combobox', { name: /^Manager/ }).click();
    await page.getByRole('option', { name: 'Administrator' }).click();
    await e.shot(page, 'users-add-desktop');
    await dialog().getByRole('button', { name: 'Add user' }).click();
    const shown = dialog().getByRole('textbox', { name: 'Temporary password' });
    await shown.waitFor();
    password = await shown.inputValue();
    expect(password.length).toBeGreaterThanOrEqual(12);
    await dialog().getByRole('button', { name: 'Done' }).click();

    const row = page.getByRole('row', { name: /Dana Rep/ });
    await expect.poll(() => row.textContent()).toMatch(/Read only, Sales rep.*Administrator.*Active/);
    await expect.poll(() => audit().textContent()).toContain('admin@example.com created the user dana@example.com');
    // The password shown works.
    expect((await e.t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'dana@example.com', password }, headers: { 'x-forwarded-for': '10.9.9.9' } })).statusCode).toBe(200);
    await e.shot(page, 'users-list-desktop');
  });

  it('shows teams as the manager tree, and adds someone to a team', async () => {
    await e.t.api('POST', '/api/users', { email: 'sam@example.com', name: 'Sam Lead', password: 'a long enough passphrase', role: 'sales_manager' });
    await page.reload();
    await page.getByRole('tab', { name: 'Teams' }).click();
    const adminTeam = page.getByRole('list', { name: 'Administrator’s team' });
    await expect.poll(() => adminTeam.textContent()).toContain('Dana Rep');
    await page.getByRole('button', { name: 'Add to Sam Lead’s team' }).click();
    await dialog().getByRole('combobox', { name: /^Person/ }).click();
    await page.getByRole('option', { name: 'Dana Rep' }).click();
    await dialog().getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Sam Lead’s team' }).textContent()).toContain('Dana Rep');
    await expect.poll(async () => ((await e.t.api('GET', '/api/users')).json() as Array<{ email: string; managerId: string | null }>).find((u) => u.email === 'dana@example.com')?.managerId)
      .toBe(await userId('sam@example.com'));
    await e.shot(page, 'users-teams-desktop');
  });

  it('resets MFA and revokes an API key; the person’s audit lines say so', async () => {
    // Dana turns on MFA and makes an API key herself.
    const token = (await e.t.login('dana@example.com', password));
    const setup = (await e.t.api('POST', '/api/auth/mfa/setup', undefined, { token })).json() as { secret: string };
    const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(setup.secret) });
    expect((await e.t.api('POST', '/api/auth/mfa/enable', { totp: totp.generate() }, { token })).statusCode).toBe(204);
    const key = (await e.t.api('POST', '/api/auth/api-keys', { name: 'Import script' }, { token })).json() as { key: string };

    await page.getByRole('tab', { name: /People/ }).click();
    await page.reload();
    await openPerson('Dana Rep');
    await expect.poll(() => dialog().textContent()).toContain('Multi-factor sign-in: on');
    await dialog().getByRole('list', { name: 'API keys of Dana Rep' }).waitFor();
    await e.shot(page, 'users-person-desktop');
    await dialog().getByRole('button', { name: 'Revoke key Import script' }).click();
    await expect.poll(() => dialog().getByRole('list', { name: 'API keys of Dana Rep' }).textContent()).toContain('Revoked');
    expect((await e.t.api('GET', '/api/auth/me', undefined, { token: key.key })).statusCode).toBe(401);
    await dialog().getByRole('button', { name: 'Reset MFA' }).click();
    await dialog().waitFor({ state: 'detached' });
    await expect.poll(() => page.getByRole('row', { name: /Dana Rep/ }).textContent()).not.toContain('MFA');
    // The audit log now shows Dana's lines only.
    await expect.poll(() => page.getByRole('heading', { name: 'Audit log: Dana Rep' }).isVisible()).toBe(true);
    await expect.poll(() => audit().textContent()).toContain('admin@example.com reset multi-factor sign-in of dana@example.com');
    expect(await audit().textContent()).toContain('admin@example.com revoked an API key of dana@example.com');
    expect(await audit().textContent()).not.toContain('sam@example.com');
  });

  it('deactivates someone after a confirmation: signed out, keys revoked, marked in the list', async () => {
    const token = await e.t.login('dana@example.com', password).catch(() => '');
    await openPerson('Dana Rep');
    await dialog().getByRole('button', { name: 'Deactivate user…' }).click();
    await expect.poll(() => dialog().textContent()).toContain('will be signed out everywhere');
    await dialog().getByRole('button', { name: 'Deactivate', exact: true }).click();
    await dialog().waitFor({ state: 'detached' });
    await expect.poll(() => page.getByRole('row', { name: /Dana Rep/ }).textContent()).toContain('Deactivated');
    await expect.poll(() => audit().textContent()).toContain('dana@example.com: deactivated');
    if (token) expect((await e.t.api('GET', '/api/auth/me', undefined, { token })).statusCode).toBe(401);
    expect(errors).toEqual([]);
  });

  it('fits a phone: the list, a person, and the audit log below', async () => {
    const phone = await e.page({ viewport: PHONE });
    await phone.page.goto('/studio/users');
    await phone.page.getByRole('table', { name: 'Users' }).waitFor();
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflow).toBe(false);
    await e.shot(phone.page, 'users-list-phone');
    await phone.page.getByRole('list', { name: 'Audit log entries' }).scrollIntoViewIfNeeded();
    await e.shot(phone.page, 'users-audit-phone');
    await phone.page.getByRole('table', { name: 'Users' }).getByRole('button', { name: 'Sam Lead' }).click();
    await phone.page.getByRole('dialog').getByText('Multi-factor sign-in: off').waitFor();
    await e.shot(phone.page, 'users-person-phone');
    await phone.context.close();
  });

  it('gives a user manager who is not an admin this screen only, without admin roles or the audit log', async () => {
    await e.t.api('POST', '/api/users', { email: 'hr@example.com', password: 'a long enough passphrase', role: 'user_admin' });
    const hr = await e.page({ email: 'hr@example.com', password: 'a long enough passphrase' });
    await hr.page.goto('/studio');
    await hr.page.waitForURL(/\/studio\/users/);
    const nav = hr.page.getByRole('navigation', { name: 'Studio' });
    await expect.poll(() => nav.getByRole('link').allTextContents()).toEqual(['Users and teams']);
    await expect.poll(() => hr.page.getByText('Only admins may read the audit log.').isVisible()).toBe(true);
    await hr.page.getByRole('button', { name: 'Add user' }).click();
    await hr.page.getByRole('dialog').getByRole('combobox', { name: 'Roles' }).click();
    const options = await hr.page.getByRole('option').allTextContents();
    expect(options).not.toContain('Admin');
    expect(options).toContain('Sales rep');
    await hr.context.close();
  });
});
