/** Lead conversion: one transaction creating account, contact and opportunity, then the lead converted. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPackage, STANDARD_PACKAGE_DIR } from '../../runtime/engine.ts';
import type { PackageBundle } from '../../metadata/types.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t?.close(); });

async function newLead(values: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await t.api('POST', '/api/records/lead', { status: 'qualified', ...values });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function count(object: string, filter: Record<string, unknown>): Promise<number> {
  const res = await t.api('GET', `/api/records/${object}?filter=${encodeURIComponent(JSON.stringify(filter))}&limit=200`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { data: unknown[] }).data.length;
}

describe('POST /api/records/lead/:id/convert', () => {
  it('creates the account, the contact on it and the opportunity, and marks the lead converted', async () => {
    const lead = await newLead({
      first_name: 'Ada', last_name: 'Lovelace', company: 'Analytical Engines', email: 'ada@engines.example',
      phone: '+44 20 1234 5678', industry: 'technology', city: 'London', source: 'web', title: 'CTO',
    });
    const res = await t.api('POST', `/api/records/lead/${lead.id as string}/convert`, { opportunityName: 'Engines — first order', amount: 12000 });
    expect(res.statusCode, res.body).toBe(200);
    const out = res.json();
    expect(out.account).toMatchObject({ name: 'Analytical Engines', industry: 'technology', billing_city: 'London', phone: '+44 20 1234 5678' });
    expect(out.contact).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace', email: 'ada@engines.example', account: out.account.id, lead_source: 'web', title: 'CTO' });
    expect(out.opportunity).toMatchObject({ name: 'Engines — first order', account: out.account.id, contact: out.contact.id, amount: 12000, stage: 'prospecting', lead_source: 'web' });
    expect(out.lead).toMatchObject({ status: 'converted', converted_account: out.account.id, converted_contact: out.contact.id, converted_opportunity: out.opportunity.id });
    expect(typeof out.lead.converted_at).toBe('string');
    expect(out.accountCreated).toBe(true);
    expect(out.contactCreated).toBe(true);

    // Rollups applied through the shared transaction: the account's open pipeline counts the deal.
    const account = (await t.api('GET', `/api/records/account/${out.account.id as string}`)).json();
    expect(account.open_pipeline).toBe(12000);
    // The lead's history records the conversion.
    const history = (await t.api('GET', `/api/records/lead/${lead.id as string}/history`)).json() as Array<{ field: string; to: unknown }>;
    expect(history.some((h) => h.field === 'status' && h.to === 'converted')).toBe(true);
  });

  it('converts a consumer lead (no company) into an account named after the person, without an opportunity', async () => {
    const lead = await newLead({ first_name: 'Grace', last_name: 'Hopper', phone: '555 0100' });
    const res = await t.api('POST', `/api/records/lead/${lead.id as string}/convert`, { createOpportunity: false });
    expect(res.statusCode, res.body).toBe(200);
    const out = res.json();
    expect(out.account).toMatchObject({ name: 'Grace Hopper', segment: 'Consumer' });
    expect(out.opportunity).toBeNull();
    expect(out.lead.converted_opportunity).toBeNull();
  });

  it('links an existing contact with the same email instead of creating a duplicate', async () => {
    const existing = (await t.api('POST', '/api/records/contact', { last_name: 'Existing', email: 'same@example.com' })).json();
    const lead = await newLead({ last_name: 'Newcomer', company: 'Same Co', email: 'same@example.com' });
    const out = (await t.api('POST', `/api/records/lead/${lead.id as string}/convert`, {})).json();
    expect(out.contact.id).toBe(existing.id);
    expect(out.contactCreated).toBe(false);
  });

  it('refuses a lead that is already converted with 409, and creates nothing more', async () => {
    const lead = await newLead({ last_name: 'Twice', company: 'Twice Ltd', email: 'twice@example.com' });
    expect((await t.api('POST', `/api/records/lead/${lead.id as string}/convert`, {})).statusCode).toBe(200);
    const again = await t.api('POST', `/api/records/lead/${lead.id as string}/convert`, {});
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(await count('account', { name: 'Twice Ltd' })).toBe(1);
  });

  it('answers 404 for an unknown lead and 400 for bad options', async () => {
    expect((await t.api('POST', '/api/records/lead/00000000-0000-4000-8000-000000000000/convert', {})).statusCode).toBe(404);
    const lead = await newLead({ last_name: 'Options', email: 'options@example.com' });
    const bad = await t.api('POST', `/api/records/lead/${lead.id as string}/convert`, { createOpportunity: 'yes', colour: 'red' });
    expect(bad.statusCode).toBe(400);
    expect((bad.json().errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(['colour', 'createOpportunity']);
  });

  it('rolls everything back when the contact fails validation: nothing is created, the lead is unchanged', async () => {
    // crm-core with one more contact rule: a contact named "Refused" is invalid.
    const bundle = (await readPackage(STANDARD_PACKAGE_DIR)) as PackageBundle;
    bundle.package = { ...bundle.package, version: '1.0.1' };
    const contact = bundle.objects?.find((o) => o.name === 'contact');
    if (!contact) throw new Error('crm-core has no contact');
    contact.validationRules = [...(contact.validationRules ?? []), {
      name: 'no_refused', field: 'last_name', when: { '==': [{ var: 'last_name' }, 'Refused'] }, message: 'This contact is refused',
    }];
    const deployed = await t.engine.deploy(bundle, { actor: { email: 'test' } });
    expect(deployed.applied).toBe(true);

    const lead = await newLead({ last_name: 'Refused', company: 'Rollback Inc', email: 'refused@example.com' });
    const res = await t.api('POST', `/api/records/lead/${lead.id as string}/convert`, { opportunityName: 'Rollback deal' });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().errors).toEqual([{ field: 'last_name', code: 'no_refused', message: 'This contact is refused' }]);
    expect(await count('account', { name: 'Rollback Inc' })).toBe(0);
    expect(await count('contact', { email: 'refused@example.com' })).toBe(0);
    expect(await count('opportunity', { name: 'Rollback deal' })).toBe(0);
    const after = (await t.api('GET', `/api/records/lead/${lead.id as string}`)).json();
    expect(after).toMatchObject({ status: 'qualified', converted_account: null, converted_contact: null, version: lead.version });
  });
});
