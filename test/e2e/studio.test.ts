/**
 * The studio in a real browser: an admin who never saw the JSON format builds an object with
 * fields, a layout (mouse and keyboard dragging), a validation rule and a role; every save is a
 * deploy shown as a plan in words; the rule fires in /app; a rename keeps the data; a sales
 * user uses the new object at once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import type { Locator, Page } from 'playwright-core';
import { PHONE, startE2E, type E2E } from '../helpers/browser.ts';

let e: E2E;
let page: Page;
let errors: string[];
beforeAll(async () => {
  e = await startE2E();
  ({ page, errors } = await e.page());
}, 90_000);
afterAll(async () => { await e?.close(); });
// A failing step leaves a picture of what the browser showed.
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await e.shot(page, `studio-failed-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
});

/** A text box by its label (MUI marks required ones with " *"). */
const box = (scope: Page | Locator, label: string) => scope.getByRole('textbox', { name: new RegExp(`^${label}( \\*)?$`) });
/** An MUI select (button-like combobox) by its label; picks an option. */
async function choose(scope: Page | Locator, label: string, option: string | RegExp) {
  // Its name is the label, then the value shown.
  await scope.getByRole('combobox', { name: new RegExp(`^${label}\\b`) }).click();
  await page.getByRole('option', { name: option }).click();
}

/** Confirms the open deploy dialog after checking its plan says `expected`; returns the plan text. */
async function applyDeploy(expected: RegExp, shot?: string): Promise<string> {
  const dialog = page.getByRole('dialog', { name: 'Review and deploy' });
  const plan = dialog.getByRole('list', { name: 'Deploy plan' });
  await plan.waitFor();
  const text = (await plan.textContent()) ?? '';
  expect(text).toMatch(expected);
  if (shot) await e.shot(page, shot);
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await dialog.waitFor({ state: 'detached' });
  return text;
}

async function dragTo(source: Locator, target: Locator, where: 'center' | 'bottom' = 'center') {
  const a = (await source.boundingBox())!;
  const b = (await target.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height / 2 + 10, { steps: 4 });
  const y = where === 'bottom' ? b.y + b.height - 8 : b.y + b.height / 2;
  await page.mouse.move(b.x + b.width / 2, y, { steps: 15 });
  await page.waitForTimeout(100);
  await page.mouse.up();
}

const fieldsIn = async (column: Locator) => (await column.getByRole('button', { name: /^Field / }).allTextContents());

describe('the studio', () => {
  it('lists objects and refuses people without the studio ability', async () => {
    await page.goto('/studio');
    await page.getByRole('heading', { name: 'Objects', level: 1 }).waitFor();
    await expect.poll(() => page.getByRole('link', { name: 'Opportunity', exact: true }).isVisible()).toBe(true);
    await e.shot(page, 'studio-objects');

    const res = await e.t.api('POST', '/api/users', { email: 'sam@example.com', password: 'sales rep passphrase 1', role: 'sales_rep', name: 'Sam' });
    expect(res.statusCode, res.body).toBe(201);
    const sam = await e.page({ email: 'sam@example.com', password: 'sales rep passphrase 1' });
    await sam.page.goto('/studio');
    await sam.page.getByRole('heading', { name: 'You need the studio ability' }).waitFor();
    await sam.context.close();
  });

  it('creates an object with three fields, each save a deploy', async () => {
    await page.getByRole('button', { name: 'New object' }).click();
    const dlg = page.getByRole('dialog', { name: 'New object' });
    await box(dlg, 'Label').fill('Vehicle');
    expect(await box(dlg, 'Plural label').inputValue()).toBe('Vehicles');
    expect(await box(dlg, 'Name').inputValue()).toBe('vehicle');
    await dlg.getByRole('button', { name: 'Create' }).click();
    await applyDeploy(/creates object vehicle/);
    await page.waitForURL(/\/studio\/objects\/vehicle\/fields$/);

    // Year: a whole number, on the record page.
    await page.getByRole('button', { name: 'New field' }).click();
    let fe = page.getByRole('dialog', { name: 'New field on Vehicle' });
    await box(fe, 'Label').fill('Year');
    await fe.getByRole('combobox', { name: /^Type/ }).selectOption('integer');
    await fe.getByRole('button', { name: 'Save field' }).click();
    await applyDeploy(/adds field Year \(year\) \(integer\) to vehicle/);

    // Fuel: a picklist whose values are reordered with the keyboard.
    await page.getByRole('button', { name: 'New field' }).click();
    fe = page.getByRole('dialog', { name: 'New field on Vehicle' });
    await box(fe, 'Label').fill('Fuel');
    await fe.getByRole('combobox', { name: /^Type/ }).selectOption('picklist');
    for (const [i, label] of ['Diesel', 'Petrol', 'Electric'].entries()) {
      await fe.getByRole('button', { name: 'Add value' }).click();
      await box(fe, `Option ${i + 1} label`).fill(label);
    }
    expect(await box(fe, 'Option 3 value').inputValue()).toBe('electric');
    // Electric to the top: space, up, up, space.
    await fe.getByRole('button', { name: 'Reorder option Electric' }).focus();
    for (const key of ['Space', 'ArrowUp', 'ArrowUp', 'Space']) {
      await page.keyboard.press(key);
      await page.waitForTimeout(200); // dnd-kit measures between moves
    }
    await expect.poll(() => box(fe, 'Option 1 label').inputValue()).toBe('Electric');
    await e.shot(page, 'studio-field-editor');
    await fe.getByRole('button', { name: 'Save field' }).click();
    await applyDeploy(/adds field Fuel \(fuel\) \(picklist\) to vehicle/);

    // Plate: text, kept off the record page (it waits in the layout palette).
    await page.getByRole('button', { name: 'New field' }).click();
    fe = page.getByRole('dialog', { name: 'New field on Vehicle' });
    await box(fe, 'Label').fill('Plate');
    await fe.getByRole('checkbox', { name: 'Show it on the record page' }).uncheck();
    await fe.getByRole('button', { name: 'Save field' }).click();
    await applyDeploy(/adds field Plate \(plate\) \(text\) to vehicle/);

    const table = page.getByRole('table', { name: 'Fields of Vehicle' });
    await expect.poll(() => table.getByRole('row').count()).toBe(5);
    const fuel = (await e.t.api('GET', '/api/metadata/objects/vehicle')).json().fields.find((f: { name: string }) => f.name === 'fuel');
    expect(fuel.options.map((o: { value: string }) => o.value)).toEqual(['electric', 'diesel', 'petrol']);
  }, 120_000);

  it('drags fields into a new section with the mouse and the keyboard', async () => {
    await page.getByRole('tab', { name: 'Page layouts' }).click();
    await page.getByRole('link', { name: /Vehicle page/ }).click();
    await page.getByRole('heading', { name: 'Layout: Vehicle page' }).waitFor();
    const palette = page.getByRole('list', { name: 'Field palette' });
    expect(await fieldsIn(palette)).toEqual([expect.stringContaining('Plate')]);

    await box(page, 'New section name').fill('Registration');
    await page.getByRole('button', { name: 'Add section' }).click();
    const reg = page.getByRole('list', { name: 'Section Registration, column 1' });
    await reg.waitFor();

    // Mouse: Plate from the palette, then Year from section Vehicle.
    await dragTo(page.getByRole('button', { name: 'Field Plate' }), reg);
    await expect.poll(() => fieldsIn(reg)).toEqual([expect.stringContaining('Plate')]);
    await dragTo(page.getByRole('button', { name: 'Field Year' }), reg, 'bottom');
    await expect.poll(async () => (await fieldsIn(reg)).length).toBe(2);
    const order = (await fieldsIn(reg)).map((t) => (t.includes('Year') ? 'Year' : 'Plate'));

    // Keyboard: focus the second, space, arrow up, space → it is first.
    const second = order[1];
    await page.getByRole('button', { name: `Field ${second}` }).focus();
    await page.keyboard.press('Space');
    await page.waitForTimeout(150);
    await page.keyboard.press('ArrowUp');
    await page.waitForTimeout(150);
    await page.keyboard.press('Space');
    await expect.poll(async () => (await fieldsIn(reg))[0]).toContain(second);
    // The live region said where it went.
    await expect.poll(async () => (await page.locator('[id^="DndLiveRegion"]').allTextContents()).join(' ')).toMatch(/was dropped in section Registration/);
    expect(await fieldsIn(palette)).toEqual([]);
    await page.waitForTimeout(400); // the drop animation
    await e.shot(page, 'studio-layout');

    await page.getByRole('button', { name: 'Save layout' }).click();
    await applyDeploy(/changes layout vehicle\.default/);
    const layout = (await e.t.api('GET', '/api/metadata')).json().layouts.find((l: { object: string; name: string }) => l.object === 'vehicle' && l.name === 'default');
    expect(layout.sections.map((s: { label: string }) => s.label)).toEqual(['Vehicle', 'Registration']);
    expect(layout.sections[1].columns[0].fields).toEqual([second.toLowerCase(), order[0].toLowerCase()]);
  }, 90_000);

  it('adds a validation rule with the builder, tests it on a real record, and it fires in /app', async () => {
    const old = await e.t.api('POST', '/api/records/vehicle', { name: 'Old Ford', year: 1850 });
    expect(old.statusCode, old.body).toBe(201);
    await page.goto('/studio/objects/vehicle/rules');
    await page.getByRole('link', { name: 'New rule' }).click();
    await box(page, 'Error message').fill('Year must be 1900 or later');
    await choose(page, 'Field 1', /^Year/);
    await choose(page, 'Operator 1', 'is less than');
    await page.getByRole('spinbutton', { name: 'Value 1' }).fill('1900');
    await expect.poll(() => page.getByText('refuse the save when Year is less than 1900').isVisible()).toBe(true);

    // Live test against a real record.
    await page.getByRole('combobox', { name: 'Test record' }).click();
    await page.getByRole('option', { name: 'Old Ford' }).click();
    await expect.poll(() => page.getByText('The rule fires').isVisible()).toBe(true);
    await choose(page, 'Change field', /^Year/);
    await page.getByRole('spinbutton', { name: 'To' }).fill('1999');
    await expect.poll(() => page.getByText('The rule lets it through').isVisible()).toBe(true);

    // The same rule as JSON Logic, and back.
    await page.getByRole('tab', { name: 'Raw JSON' }).click();
    expect(JSON.parse(await page.getByRole('textbox', { name: 'Rule (JSON Logic)' }).inputValue())).toEqual({ '<': [{ var: 'year' }, 1900] });
    await page.getByRole('tab', { name: 'Builder' }).click();
    await page.getByRole('button', { name: 'Save rule' }).click();
    await applyDeploy(/adds validation rule year_must_be_1900_or_later on vehicle/, 'studio-plan');
    await page.waitForURL(/\/rules$/);

    // An end user's form: the rule fires on save.
    await page.goto('/app/vehicle/new');
    await box(page, 'Name').fill('Test car');
    await page.getByLabel('Year').fill('1850');
    await box(page, 'Plate').fill('AB-123');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByText('Year must be 1900 or later').first().isVisible()).toBe(true);
    expect(page.url()).toMatch(/\/app\/vehicle\/new/);
    await page.getByLabel('Year').fill('1999');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/\/app\/vehicle\/[0-9a-f-]{36}/);
  }, 90_000);

  it('renames a field with data and keeps the data', async () => {
    const list = (await e.t.api('GET', '/api/records/vehicle?filter=' + encodeURIComponent(JSON.stringify({ name: 'Test car' })))).json();
    const id = list.data[0].id as string;
    expect(list.data[0].plate).toBe('AB-123');

    await page.goto('/studio/objects/vehicle/fields');
    await page.getByRole('button', { name: 'Rename field Plate' }).click();
    const dlg = page.getByRole('dialog', { name: 'Rename field Plate' });
    await box(dlg, 'New label').fill('Registration');
    expect(await box(dlg, 'New name').inputValue()).toBe('registration');
    await dlg.getByRole('button', { name: 'Rename' }).click();
    await applyDeploy(/renames field vehicle\.plate to registration, keeping its data/);

    const rec = (await e.t.api('GET', `/api/records/vehicle/${id}`)).json();
    expect(rec.registration).toBe('AB-123');
    expect(rec.plate).toBeUndefined();
    const layout = (await e.t.api('GET', '/api/metadata')).json().layouts.find((l: { object: string; name: string }) => l.object === 'vehicle' && l.name === 'default');
    expect(layout.sections[1].columns[0].fields).toContain('registration');
  }, 60_000);

  it('refuses a type change that stored values cannot take, in words, and applies nothing', async () => {
    await page.getByRole('button', { name: 'Edit field Registration' }).click();
    const fe = page.getByRole('dialog', { name: 'Edit field Registration' });
    await fe.getByRole('combobox', { name: /^Type/ }).selectOption('integer');
    await fe.getByRole('button', { name: 'Save changes' }).click();
    const dialog = page.getByRole('dialog', { name: 'Review and deploy' });
    await dialog.getByRole('list', { name: 'Deploy plan' }).waitFor();
    expect(await dialog.textContent()).toMatch(/refuses: 1 record has text that is not/);
    expect(await dialog.getByRole('button', { name: 'Apply' }).isDisabled()).toBe(true);
    await e.shot(page, 'studio-plan-refused');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await fe.getByRole('button', { name: 'Cancel' }).click();
    const f = (await e.t.api('GET', '/api/metadata/objects/vehicle')).json().fields.find((x: { name: string }) => x.name === 'registration');
    expect(f.type).toBe('text');
  }, 60_000);

  it('gives a role access in the grid, and a sales user uses the object at once', async () => {
    await page.goto('/studio/roles');
    await page.getByRole('link', { name: 'Sales rep' }).click();
    await page.getByRole('combobox', { name: 'Vehicle: read' }).selectOption('all');
    await page.getByRole('checkbox', { name: 'Vehicle: create' }).check();
    await page.getByRole('combobox', { name: 'Vehicle: update' }).selectOption('own');
    await e.shot(page, 'studio-role');
    await page.getByRole('button', { name: 'Save role' }).click();
    await applyDeploy(/changes role sales_rep/);

    const sam = await e.page({ email: 'sam@example.com', password: 'sales rep passphrase 1' });
    await sam.page.goto('/app/vehicle');
    await expect.poll(() => sam.page.getByText('Test car').first().isVisible(), { timeout: 15_000 }).toBe(true);
    await sam.context.close();
  }, 60_000);

  it('removes a field to the recycle bin and restores it', async () => {
    await page.goto('/studio/objects/vehicle/fields');
    await page.getByRole('button', { name: 'Remove field Fuel' }).click();
    await applyDeploy(/moves field vehicle\.fuel and its data to the recycle bin/);
    await page.getByRole('link', { name: 'Recycle bin' }).click();
    await page.getByRole('button', { name: 'Restore field fuel of vehicle' }).click();
    await expect.poll(() => page.getByText('is back, with its data').isVisible()).toBe(true);
    const fields = (await e.t.api('GET', '/api/metadata/objects/vehicle')).json().fields.map((f: { name: string }) => f.name);
    expect(fields).toContain('fuel');
  }, 60_000);

  it('makes a kanban view with a default filter and sort', async () => {
    await page.goto('/studio/objects/vehicle/views');
    await page.getByRole('button', { name: 'New list view' }).click();
    const dlg = page.getByRole('dialog', { name: /New list view/ });
    await box(dlg, 'View label').fill('By fuel');
    await dlg.getByRole('button', { name: 'Kanban board' }).click();
    await choose(dlg, 'Group into columns by', 'Fuel');
    await choose(dlg, 'Add a column', /^Year/);
    await dlg.getByRole('button', { name: 'Add condition' }).click();
    await choose(dlg, 'Field 1', /^Year/);
    await choose(dlg, 'Operator 1', 'is at least');
    await dlg.getByRole('spinbutton', { name: 'Value 1' }).fill('1900');
    await dlg.getByRole('button', { name: 'Add sort' }).click();
    await choose(dlg, 'Sort 1 order', /Descending/);
    await e.shot(page, 'studio-view-editor');
    await dlg.getByRole('button', { name: 'Save view' }).click();
    await applyDeploy(/adds list view vehicle\.by_fuel/);
    const view = (await e.t.api('GET', '/api/metadata')).json().views.find((v: { object: string; name: string }) => v.object === 'vehicle' && v.name === 'by_fuel');
    expect(view).toEqual({ name: 'by_fuel', object: 'vehicle', label: 'By fuel', type: 'kanban', groupBy: 'fuel', columns: ['name', 'year'], filter: { year: { gte: 1900 } }, sort: ['-name'] });
  }, 60_000);

  it('filters a view by a record picked by its name, never by a pasted id', async () => {
    const account = async (name: string) => (await e.t.api('POST', '/api/records/account', { name })).json().id as string;
    const north = await account('Northwind Traders');
    const south = await account('Southwind Shipping');
    for (const [name, acc] of [['Northwind renewal', north], ['Southwind pilot', south]]) {
      const res = await e.t.api('POST', '/api/records/opportunity', { name, account: acc, stage: 'prospecting' });
      expect(res.statusCode, res.body).toBe(201);
    }
    await page.goto('/studio/objects/opportunity/views');
    await page.getByRole('button', { name: 'New list view' }).click();
    const dlg = page.getByRole('dialog', { name: /New list view/ });
    await box(dlg, 'View label').fill('Northwind deals');
    await dlg.getByRole('button', { name: 'Add condition' }).click();
    await choose(dlg, 'Field 1', /^Account/);
    const value = dlg.getByRole('combobox', { name: 'Value 1' });
    await value.fill('north');
    // The search is debounced: the list narrows once the server answered for "north".
    await expect.poll(() => page.getByRole('option').allTextContents()).toEqual(['Northwind Traders']);
    await e.shot(page, 'studio-view-reference-filter');
    await page.getByRole('option', { name: 'Northwind Traders' }).click();
    expect(await value.inputValue()).toBe('Northwind Traders');
    await dlg.getByRole('button', { name: 'Save view' }).click();
    await applyDeploy(/adds list view opportunity\.northwind_deals/);
    const view = (await e.t.api('GET', '/api/metadata')).json().views.find((v: { object: string; name: string }) => v.object === 'opportunity' && v.name === 'northwind_deals');
    expect(view.filter).toEqual({ account: north });

    // Opened again, the saved id reads as the account's name.
    await page.getByRole('button', { name: 'Edit list view Northwind deals' }).click();
    const again = page.getByRole('dialog', { name: /List view Northwind deals/ });
    await expect.poll(() => again.getByRole('combobox', { name: 'Value 1' }).inputValue()).toBe('Northwind Traders');
    await again.getByRole('button', { name: 'Cancel' }).click();

    // The view shows only that account's opportunities.
    await page.goto('/app/opportunity?view=northwind_deals');
    await expect.poll(() => page.getByText('Northwind renewal').first().isVisible()).toBe(true);
    expect(await page.getByText('Southwind pilot').count()).toBe(0);

    // At phone width the picker and its list fit the screen.
    const phone = await e.page({ viewport: PHONE });
    await phone.page.goto('/studio/objects/opportunity/views');
    await phone.page.getByRole('button', { name: 'Edit list view Northwind deals' }).click();
    const pv = phone.page.getByRole('combobox', { name: 'Value 1' });
    await expect.poll(() => pv.inputValue()).toBe('Northwind Traders');
    await pv.fill('wind');
    await phone.page.getByRole('option', { name: 'Southwind Shipping' }).waitFor();
    await e.shot(phone.page, 'studio-phone-reference-filter');
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)).toBe(false);
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  }, 90_000);

  it('shows the problems of an invalid package instead of deploying it', async () => {
    await page.goto('/studio/packages');
    const bad = { package: { name: 'shop', version: '1.0.0' }, objects: [{ name: 'order_note', label: 'Order note', fields: [{ name: 'total', type: 'integer', default: 'lots' }] }] };
    await page.locator('input[type=file]').setInputFiles({ name: 'shop.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    const dialog = page.getByRole('dialog', { name: 'Review and deploy' });
    await dialog.getByRole('list', { name: 'Problems' }).waitFor();
    expect(await dialog.textContent()).toMatch(/Order note › field total › default/);
    expect(await dialog.getByRole('button', { name: 'Apply' }).count()).toBe(0);
    await e.shot(page, 'studio-invalid-package');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('installs a package folder uploaded as a zip archive, plan first, and lists an archive\'s problems', async () => {
    await page.goto('/studio/packages');
    await page.getByRole('button', { name: 'Upload a package (bundle or folder archive)' }).waitFor();
    const garage = (bay: string) => Buffer.from(zipSync({
      'garage/strata-package.json': strToU8(JSON.stringify({ name: 'garage', version: '1.0.0', label: 'Garage' })),
      'garage/objects/garage_bay.json': strToU8(bay),
    }));
    const bay = JSON.stringify({ name: 'garage_bay', label: 'Garage bay', fields: [{ name: 'code', type: 'text', required: true }] });
    await page.locator('input[type=file]').setInputFiles({ name: 'garage.zip', mimeType: 'application/zip', buffer: garage(bay) });
    await applyDeploy(/creates object garage_bay/, 'studio-archive-plan');
    const table = page.getByRole('table', { name: 'Installed packages' });
    await expect.poll(() => table.getByText('Garage', { exact: true }).isVisible()).toBe(true);

    await page.locator('input[type=file]').setInputFiles({ name: 'garage-broken.zip', mimeType: 'application/zip', buffer: garage('{ "name": "garage_bay", }') });
    const alert = page.getByRole('alert').filter({ hasText: 'garage-broken.zip' });
    await alert.getByRole('list', { name: 'Problems in the upload' }).waitFor();
    expect(await alert.textContent()).toMatch(/garage\/objects\/garage_bay\.json: invalid JSON/);
    expect(await page.getByRole('dialog', { name: 'Review and deploy' }).count()).toBe(0);
  }, 60_000);

  it('lists packages with versions, and the custom package exports everything customized', async () => {
    await page.goto('/studio/packages');
    const table = page.getByRole('table', { name: 'Installed packages' });
    await expect.poll(() => table.getByText('crm-core').isVisible()).toBe(true);
    await expect.poll(() => table.getByText('Your customizations').isVisible()).toBe(true);
    const custom = (await e.t.api('GET', '/api/metadata/export?package=custom')).json();
    expect(custom.objects.map((o: { name: string }) => o.name)).toContain('vehicle');
    expect(custom.package.version).toMatch(/^1\.0\.\d+$/);
  });

  it('works at phone width without sideways scrolling', async () => {
    const phone = await e.page({ viewport: PHONE });
    await phone.page.goto('/studio/objects/vehicle/layouts/default');
    await phone.page.getByRole('heading', { name: 'Layout: Vehicle page' }).waitFor();
    await e.shot(phone.page, 'studio-phone');
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)).toBe(false);
    await phone.page.goto('/studio/objects/vehicle/fields');
    await phone.page.getByRole('heading', { name: 'Fields' }).waitFor();
    await e.shot(phone.page, 'studio-phone-fields');
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)).toBe(false);
    await phone.page.getByRole('button', { name: 'Menu' }).click();
    await phone.page.getByRole('link', { name: 'Roles' }).click();
    await phone.page.getByRole('heading', { name: 'Roles', level: 1 }).waitFor();
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  });

  it('had no errors in the console', () => {
    // 404: no custom package yet; 400: the invalid package; 422: the rule firing. All expected answers.
    expect(errors.filter((x) => !/Failed to load resource: the server responded with a status of (400|404|422)/.test(x))).toEqual([]);
  });
});
