import { afterAll, beforeAll, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { TYPES_PACKAGE } from './fixtures.ts';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t?.close(); });

it('probe', async () => {
  const d = await t.engine.deploy(TYPES_PACKAGE);
  console.log('deploy', d.applied, d.refusals);
  const acc = (await t.api('POST', '/api/records/account', { name: 'Acme' })).json();
  const cases: Array<[string, string, unknown, Record<string, string>?]> = [
    ['POST', '/api/records/specimen', { title: 'full', notes: 'n', body: '<b>x</b>', email: 'a@b.co', phone: '+1 555 1234', site: 'https://x.org', qty: 3, ratio: 1.125, price: 9.99, pct: 12.5, active: false, day: '2024-02-29', at: '2024-03-01T10:00:00+02:00', color: 'green', tags: ['a', 'c'], account: acc.id, meta: { a: [1, 2] } }],
    ['POST', '/api/records/specimen', { title: 'empty' }],
    ['POST', '/api/records/specimen', { title: 'empties', notes: '', tags: [], meta: null, email: '' }],
    ['POST', '/api/records/specimen', { title: 'nul\u0000' }],
    ['POST', '/api/records/specimen', { title: 'x', meta: { k: 'a\u0000' } }],
    ['POST', '/api/records/specimen', { title: 'x', day: '0000-01-01' }],
    ['POST', '/api/records/specimen', { title: 'x', day: '2023-02-29' }],
    ['POST', '/api/records/specimen', { title: 'x', at: '2024-01-01T10:00:00' }],
    ['POST', '/api/records/specimen', { title: 'x', at: '9999-12-31T23:59:60Z' }],
    ['POST', '/api/records/specimen', { title: 'x', at: '0000-01-01T00:00:00Z' }],
    ['POST', '/api/records/specimen', { title: 'x', qty: 1.5 }],
    ['POST', '/api/records/specimen', { title: 'x', qty: '3' }],
    ['POST', '/api/records/specimen', { title: 'x', price: 1e300 }],
    ['POST', '/api/records/specimen', { title: 'x', ratio: 1e-7 }],
    ['POST', '/api/records/specimen', { title: 'x', site: 'javascript:alert(1)' }],
    ['POST', '/api/records/specimen', { title: 'x', site: 'not a url' }],
    ['POST', '/api/records/specimen', { title: 'x', email: 'nope' }],
    ['POST', '/api/records/specimen', { title: 'x', phone: 'call me' }],
    ['POST', '/api/records/specimen', { title: 'x', account: '00000000-0000-0000-0000-000000000000' }],
    ['POST', '/api/records/specimen', { title: 'x', account: 'abc' }],
    ['POST', '/api/records/specimen', { title: 'x', ownerId: '00000000-0000-0000-0000-000000000000' }],
    ['POST', '/api/records/specimen', { title: 'x', ownerId: 'zzzzzzzz-0000-0000-0000-000000000000' }],
    ['POST', '/api/records/specimen', { title: 'x', __proto__: { a: 1 } }],
    ['POST', '/api/records/specimen', '{"title":"x","__proto__":{"a":1}}'],
    ['POST', '/api/records/specimen', '{"title":"x","constructor":{"prototype":{"a":1}}}'],
    ['POST', '/api/records/specimen', `{"title":"x","meta":${'['.repeat(5000)}${']'.repeat(5000)}}`],
    ['POST', '/api/records/specimen', `{"title":"x","meta":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`],
    ['POST', '/api/records/specimen', { title: 'x', tags: ['a', 'a'] }],
    ['POST', '/api/records/specimen', { title: 'x', tags: ['z'] }],
    ['POST', '/api/records/specimen', { title: 'x', tags: 'a' }],
    ['POST', '/api/records/specimen', { title: 'x', code: 'T-9' }],
    ['POST', '/api/records/specimen', { title: 'x', total: 3 }],
    ['POST', '/api/records/specimen', { title: 'x', id: 'x' }],
    ['POST', '/api/records/specimen', { title: 'x', _deletedAt: 'x' }],
    ['POST', '/api/records/specimen', { title: 'x', createdAt: 'x' }],
    ['POST', '/api/records/specimen', [1]],
    ['POST', '/api/records/specimen', '"str"'],
    ['POST', '/api/records/specimen', 'null'],
    ['POST', '/api/records/specimen', '{bad'],
    ['POST', '/api/records/nope', {}],
    ['POST', '/api/records/__proto__', {}],
    ['POST', '/api/records/constructor', {}],
    ['GET', '/api/records/specimen/abc', undefined],
    ['GET', '/api/records/specimen/00000000-0000-0000-0000-000000000000', undefined],
    ['GET', '/api/records/specimen?limit=0', undefined],
    ['GET', '/api/records/specimen?limit=201', undefined],
    ['GET', '/api/records/specimen?limit=abc', undefined],
    ['GET', '/api/records/specimen?filter=%7B', undefined],
    ['GET', '/api/records/specimen?filter=' + encodeURIComponent('{"qty":{"gt":"a"}}'), undefined],
    ['GET', '/api/records/specimen?filter=' + encodeURIComponent('{"meta":{"gt":1}}'), undefined],
    ['GET', '/api/records/specimen?filter=' + encodeURIComponent('{"at":"2024-13-01"}'), undefined],
    ['GET', '/api/records/specimen?filter=' + encodeURIComponent('{"tags":"a"}') + '&fields=title,tags', undefined],
    ['GET', '/api/records/specimen?filter=a&filter=b', undefined],
    ['GET', '/api/records/specimen?sort=meta', undefined],
    ['GET', '/api/records/specimen?cursor=abc', undefined],
    ['GET', '/api/records/specimen?q=' + encodeURIComponent('%_\\'), undefined],
    ['GET', '/api/records/specimen?expand=title', undefined],
    ['GET', '/api/records/specimen?expand=account&fields=title', undefined],
    ['GET', '/api/records/specimen?fields=nope', undefined],
    ['GET', '/api/records/specimen?filter=' + encodeURIComponent('{"not":'.repeat(100) + '{}' + '}'.repeat(100)), undefined],
  ];
  for (const [m, u, b, h] of cases) {
    const res = await t.api(m, u, b, { headers: h });
    console.log(m, u.slice(0, 90), JSON.stringify(b)?.slice(0, 100), '\n   →', res.statusCode, res.body.slice(0, 400));
  }
});
