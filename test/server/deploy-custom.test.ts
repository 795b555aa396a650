/** The studio's package `custom` may state only what it adds to another package's object. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t?.close(); });

describe('deploying customizations of crm-core', () => {
  it('accepts a rule on crm-core fields from a package that states none of them, and exports it again', async () => {
    const bundle = {
      package: { name: 'custom', version: '1.0.1' },
      objects: [{ name: 'case', label: 'Case', fields: [{ name: 'escalation_note', type: 'text' }],
        validationRules: [{ name: 'escalated_needs_note', field: 'escalation_note', when: { and: [{ '==': [{ var: 'status' }, 'escalated'] }, { '!': { var: 'escalation_note' } }] }, message: 'Say why it is escalated' }] }],
    };
    const dry = await t.api('POST', '/api/metadata/deploy?dryRun=true', bundle);
    expect(dry.statusCode).toBe(200);
    const res = await t.api('POST', '/api/metadata/deploy', bundle);
    expect(res.statusCode).toBe(200);
    expect(res.json().applied).toBe(true);
    const created = await t.api('POST', '/api/records/case', { subject: 'Broken', status: 'escalated' });
    expect(created.statusCode).toBe(422);
    expect(created.json().errors.map((e: { code: string }) => e.code)).toContain('escalated_needs_note');
    const exported = (await t.api('GET', '/api/metadata/export?package=custom')).json();
    expect(exported.objects[0].validationRules[0].name).toBe('escalated_needs_note');
    expect(exported.objects[0].fields.map((f: { name: string }) => f.name)).toEqual(['escalation_note']);
  });
});
