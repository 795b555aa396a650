import { afterAll, beforeAll, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t?.close(); });
it('scratch', async () => {
  let r = await t.api('GET', '/api/metadata/export?package=custom');
  console.log('export none', r.statusCode, r.body.slice(0, 200));
  const bundle = { package: { name: 'custom', version: '1.0.1' }, objects: [
    { name: 'vehicle', label: 'Vehicle', fields: [{ name: 'name', type: 'text', required: true }] },
    { name: 'case', label: 'Case', fields: [], validationRules: [{ name: 'r1', when: { '==': [{ var: 'status' }, 'x'] }, message: 'no' }] },
  ] };
  r = await t.api('POST', '/api/metadata/deploy?dryRun=true', bundle);
  console.log('dry', r.statusCode, r.body);
  r = await t.api('POST', '/api/metadata/deploy?dryRun=true', { ...bundle, objects: [bundle.objects[0]], layouts: [{ name: 'default', object: 'case', sections: [{ label: 'A', columns: [{ fields: ['subject'] }] }] }] });
  console.log('layout on case', r.statusCode, r.body);
  r = await t.api('POST', '/api/metadata/deploy?dryRun=true', { ...bundle, objects: [bundle.objects[0], { name: 'case', label: 'Case', fields: [{ name: 'x1', type: 'text' }] }], layouts: [{ name: 'default', object: 'case', sections: [{ label: 'A', columns: [{ fields: ['subject', 'x1'] }] }] }] });
  console.log('layout on case with case in bundle', r.statusCode, r.body);
  const meta0 = (await t.api('GET', '/api/metadata')).json();
  const caseFields = meta0.objects.find((o: {name: string}) => o.name === 'case').fields.map(({ id: _i, package: _p, ...f }: Record<string, unknown>) => f);
  r = await t.api('POST', '/api/metadata/deploy?dryRun=false', { ...bundle, objects: [bundle.objects[0], { name: 'case', label: 'Case', fields: caseFields, validationRules: [{ name: 'r1', when: { '==': [{ var: 'subject' }, 'x'] }, message: 'no' }] }] });
  console.log('apply', r.statusCode, r.body.slice(0, 300));
  r = await t.api('GET', '/api/metadata/export?package=custom');
  console.log('export', r.statusCode, r.body);
  r = await t.api('GET', '/api/metadata/recycle-bin');
  console.log('bin', r.statusCode, r.body);
  r = await t.api('GET', '/api/metadata');
  const m = r.json();
  console.log(JSON.stringify(m.packages), JSON.stringify(m.objects.find((o: {name: string}) => o.name === 'case').validationRules));
});
