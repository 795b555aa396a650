/**
 * Loading packages: a folder and its one-JSON bundle give the same bundle; broken folders give
 * every problem, each naming its file and a path inside it; bundleToFolder round-trips.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { PackageBundle } from '../../../metadata/types.ts';
import { bundleToFolder, loadPackage, loadPackageFolder, parseBundle, parseJson } from '../../../runtime/metadata/load.ts';
import type { LoadResult } from '../../../runtime/metadata/load.ts';
import type { Problem } from '../../../runtime/metadata/validate.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/packages/', import.meta.url));
const SHOP_DIR = path.join(FIXTURES, 'shop');
const SHOP_BUNDLE = path.join(FIXTURES, 'shop.bundle.json');
const CRM_CORE = fileURLToPath(new URL('../../../metadata/packages/crm-core/', import.meta.url));

const scratch = mkdtempSync(path.join(tmpdir(), 'strata-load-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;
function freshDir(): string {
  const dir = path.join(scratch, String(++counter));
  mkdirSync(dir);
  return dir;
}

/** The good shop folder, copied, with files replaced (string or JSON), moved or deleted (null). */
function shopWith(edits: Record<string, string | object | null> = {}, moves: Record<string, string> = {}): string {
  const dir = freshDir();
  cpSync(SHOP_DIR, dir, { recursive: true });
  for (const [from, to] of Object.entries(moves)) {
    mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
    cpSync(path.join(dir, from), path.join(dir, to), { recursive: true });
    rmSync(path.join(dir, from), { recursive: true });
  }
  for (const [file, content] of Object.entries(edits)) {
    const full = path.join(dir, file);
    if (content === null) { rmSync(full, { recursive: true }); continue; }
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

function shopFile(file: string): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return JSON.parse(readFileSync(path.join(SHOP_DIR, file), 'utf8'));
}

function problemsOf(result: LoadResult): Problem[] {
  if (result.ok) throw new Error('expected the package to be refused');
  return result.problems;
}
const where = (problems: Problem[]): string[] => problems.map((p) => `${p.file ?? '-'} ${p.path} ${p.code}`).sort();

function bundleOf(result: LoadResult): PackageBundle {
  if (!result.ok) throw new Error(`expected the package to load:\n${JSON.stringify(result.problems, null, 2)}`);
  return result.bundle;
}

describe('a good package', () => {
  it('loads from a folder and from a bundle file identically', async () => {
    const fromFolder = bundleOf(await loadPackageFolder(SHOP_DIR));
    const fromFile = bundleOf(await loadPackage(SHOP_BUNDLE));
    expect(fromFolder).toEqual(fromFile);
    expect(fromFolder.objects!.map((o) => o.name)).toEqual(['customer', 'order', 'order_line']);
    expect(fromFolder.extensions![0].source).toContain('export function bump');
  });

  it('drops $schema editor hints', async () => {
    const bundle = bundleOf(await loadPackage(SHOP_DIR));
    expect(bundle.objects![2]).not.toHaveProperty('$schema');
  });

  it('loads through loadPackage given the folder or its strata-package.json', async () => {
    const direct = bundleOf(await loadPackageFolder(SHOP_DIR));
    expect(bundleOf(await loadPackage(SHOP_DIR))).toEqual(direct);
    expect(bundleOf(await loadPackage(path.join(SHOP_DIR, 'strata-package.json')))).toEqual(direct);
  });

  it('parseBundle gives the same, with every list present and nothing shared with the input', () => {
    const input = JSON.parse(readFileSync(SHOP_BUNDLE, 'utf8')) as PackageBundle;
    const bundle = bundleOf(parseBundle(input));
    expect(bundle).toEqual(input);
    bundle.objects![0].label = 'changed';
    expect(input.objects![0].label).toBe('Customer');

    const minimal = bundleOf(parseBundle({ $schema: 'x', package: { name: 'empty', version: '0.0.1' } }));
    expect(minimal).toEqual({
      package: { name: 'empty', version: '0.0.1' },
      objects: [], layouts: [], views: [], workflows: [], roles: [], reports: [], dashboards: [], extensions: [],
    });
  });

  it('the standard package crm-core loads', async () => {
    bundleOf(await loadPackage(CRM_CORE));
  });
});

interface FolderCase {
  name: string;
  edits?: Record<string, string | object | null>;
  moves?: Record<string, string>;
  expected: string[];
}

const folderCases: FolderCase[] = [
  { name: 'bad JSON', edits: { 'objects/order_line.json': '{\n  "name": "order_line",\n}' },
    expected: ['objects/order_line.json  invalid_json'] },
  { name: 'an object file named after another object', moves: { 'objects/order_line.json': 'objects/line.json' },
    expected: ['objects/line.json /name name_mismatch'] },
  { name: 'a layout file whose names disagree', moves: { 'layouts/order.default.json': 'layouts/customer.main.json' },
    expected: ['layouts/customer.main.json /name name_mismatch', 'layouts/customer.main.json /object name_mismatch'] },
  { name: 'a view file not named <object>.<name>.json', moves: { 'views/order.board.json': 'views/board.json' },
    expected: ['views/board.json  bad_file_name'] },
  { name: 'a workflow file named after another', moves: { 'workflows/nightly.json': 'workflows/daily.json' },
    expected: ['workflows/daily.json /name name_mismatch'] },
  { name: 'no strata-package.json', edits: { 'strata-package.json': null },
    expected: ['strata-package.json  missing_file'] },
  { name: 'an extension without index.ts', edits: { 'extensions/loyalty/index.ts': null },
    expected: ['extensions/loyalty/index.ts  missing_file'] },
  { name: 'an extension folder named differently', moves: { 'extensions/loyalty': 'extensions/points' },
    expected: ['extensions/points/extension.json /name name_mismatch'] },
  { name: 'stray files', edits: { 'objects/readme.md': '# objects', 'extensions/notes.txt': 'x', 'roles/.DS_Store': 'ignored' },
    expected: ['extensions/notes.txt  unexpected_file', 'objects/readme.md  unexpected_file'] },
  { name: 'semantic problems point into the file that has them', edits: {
    'objects/order_line.json': { ...shopFile('objects/order_line.json'), fields: [{ name: 'order', type: 'reference', to: 'orders' }, ...shopFile('objects/order_line.json').fields.slice(1)] },
  }, expected: [
    'layouts/order.default.json /relatedLists/0/field invalid_related_list',
    'objects/order.json /fields/6/of invalid_rollup',
    'objects/order_line.json /fields/0/to unknown_object',
  ] },
  { name: 'three mistakes in three files, three problems', edits: {
    'objects/order.json': { ...shopFile('objects/order.json'), trackHistroy: true },
    'views/order.all.json': { ...shopFile('views/order.all.json'), columns: ['number', 'total'] },
    'workflows/nightly.json': { ...shopFile('workflows/nightly.json'), trigger: { on: 'schedule' } },
  }, expected: [
    'objects/order.json /trackHistroy unknown_property',
    'views/order.all.json /columns/1 unknown_field',
    'workflows/nightly.json /trigger/cron required',
  ] },
  { name: 'bad JSON does not hide shape problems elsewhere', edits: {
    'roles/sales_rep.json': '{"name": "sales_rep" "objects": {}}',
    'objects/order.json': { ...shopFile('objects/order.json'), label: 7 },
  }, expected: ['objects/order.json /label invalid_type', 'roles/sales_rep.json  invalid_json'] },
  { name: 'a hostile name in a file', edits: {
    'objects/order_line.json': { ...shopFile('objects/order_line.json'), fields: [...shopFile('objects/order_line.json').fields, { name: 'x"; drop table y; --', type: 'text' }] },
  }, expected: ['objects/order_line.json /fields/4/name invalid_name'] },
];

describe('a broken package folder', () => {
  it.each(folderCases)('$name', async ({ edits, moves, expected }) => {
    const problems = problemsOf(await loadPackageFolder(shopWith(edits, moves)));
    expect(where(problems)).toEqual([...expected].sort());
  });

  it('says where JSON breaks', async () => {
    const dir = shopWith({ 'objects/order_line.json': '{\n  "name": "order_line",\n}' });
    const [problem] = problemsOf(await loadPackage(dir));
    expect(problem.message).toBe('invalid JSON at line 3, column 1: a trailing comma is not allowed in JSON');
  });

  it('objects from a dependency are checked at deploy, not at load', async () => {
    const dir = shopWith({
      'strata-package.json': { name: 'shop', version: '1.2.0', dependsOn: { 'crm-core': '^1.0.0' } },
      'objects/order_line.json': { ...shopFile('objects/order_line.json'), fields: [...shopFile('objects/order_line.json').fields, { name: 'account', type: 'reference', to: 'account' }] },
    });
    bundleOf(await loadPackage(dir));
    // Given what is deployed, the loader checks for real.
    expect(where(problemsOf(await loadPackage(dir, { deployedObjects: [] })))).toEqual(['objects/order_line.json /fields/4/to unknown_object']);
  });
});

describe('loadPackage', () => {
  it('a path that does not exist', async () => {
    expect(where(problemsOf(await loadPackage(path.join(scratch, 'nope'))))).toEqual(['-  not_found']);
  });

  it('a file that is not a .json bundle', async () => {
    const file = path.join(freshDir(), 'shop.yaml');
    writeFileSync(file, 'name: shop');
    expect(where(problemsOf(await loadPackage(file)))).toEqual(['-  not_a_package']);
  });

  it('a bundle file with problems names the file', async () => {
    const dir = freshDir();
    const bundle = JSON.parse(readFileSync(SHOP_BUNDLE, 'utf8'));
    bundle.objects[1].fields[1].to = 'client';
    bundle.objects[1].fields[9].type = 'bool';
    writeFileSync(path.join(dir, 'shop.json'), JSON.stringify(bundle));
    expect(where(problemsOf(await loadPackage(path.join(dir, 'shop.json'))))).toEqual([
      'shop.json /layouts/0/relatedLists/0/field invalid_related_list',
      'shop.json /objects/0/fields/5/of invalid_rollup',
      'shop.json /objects/0/fields/6/of invalid_rollup',
      'shop.json /objects/0/fields/7/of invalid_rollup',
      'shop.json /objects/1/fields/1/to unknown_object',
      'shop.json /objects/1/fields/9/type invalid_value',
    ]);
  });

  it('a bundle file that is not JSON', async () => {
    const file = path.join(freshDir(), 'shop.json');
    writeFileSync(file, '{"package": {"name": "shop"');
    const problems = problemsOf(await loadPackage(file));
    expect(where(problems)).toEqual(['shop.json  invalid_json']);
    expect(problems[0].message).toBe('invalid JSON at line 1, column 28: unexpected end of file');
  });

  it('a bundle that is not an object', async () => {
    const file = path.join(freshDir(), 'shop.json');
    writeFileSync(file, '[1, 2]');
    expect(where(problemsOf(await loadPackage(file)))).toEqual(['shop.json  invalid_type']);
  });
});

describe('bundleToFolder', () => {
  const shop = (): PackageBundle => JSON.parse(readFileSync(SHOP_BUNDLE, 'utf8')) as PackageBundle;

  it('writes a folder that loads back to the same bundle', async () => {
    const dir = path.join(freshDir(), 'out');
    const written = await bundleToFolder(shop(), dir);
    expect(written).toContain('layouts/order.default.json');
    expect(written).toContain('extensions/loyalty/index.ts');
    expect(bundleOf(await loadPackageFolder(dir))).toEqual(bundleOf(parseBundle(shop())));
    expect(readFileSync(path.join(dir, 'objects/order.json'), 'utf8')).toMatch(/^\{\n {2}"name": "order",/);
  });

  it('re-exporting removes elements that are gone and keeps other files', async () => {
    const dir = freshDir();
    await bundleToFolder(shop(), dir);
    writeFileSync(path.join(dir, 'README.md'), 'mine');
    writeFileSync(path.join(dir, 'objects', 'notes.txt'), 'mine');
    const smaller = shop();
    smaller.objects = smaller.objects!.filter((o) => o.name !== 'customer');
    smaller.extensions = [];
    await bundleToFolder(smaller, dir);
    expect(existsSync(path.join(dir, 'objects/customer.json'))).toBe(false);
    expect(existsSync(path.join(dir, 'extensions/loyalty'))).toBe(false);
    expect(existsSync(path.join(dir, 'objects/order.json'))).toBe(true);
    expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toBe('mine');
    expect(readFileSync(path.join(dir, 'objects/notes.txt'), 'utf8')).toBe('mine');
  });

  it('refuses names that would escape the folder', async () => {
    const bad = shop();
    bad.layouts![0].name = '../../escape';
    await expect(bundleToFolder(bad, freshDir())).rejects.toThrow(/not a valid name/);
  });
});

describe('parseJson', () => {
  it.each([
    ['{"a": 1,}', 1, 9, 'a trailing comma is not allowed in JSON'],
    ['[1, 2,]', 1, 7, 'a trailing comma is not allowed in JSON'],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, "expected ',' or '}' (a missing comma?)"],
    ['{\n  // note\n  "a": 1\n}', 2, 3, 'comments are not allowed in JSON'],
    ['{"a": tru}', 1, 7, 'unexpected "t"'],
    ["{'a': 1}", 1, 2, 'expected a "quoted" property name'],
    ['{"a": "x', 1, 7, 'unterminated string'],
    ['', 1, 1, 'unexpected end of file'],
    ['{} {}', 1, 4, 'unexpected text after the end of the JSON value'],
  ])('%j', (text, line, column, reason) => {
    expect(parseJson(text)).toEqual({ ok: false, line, column, reason });
  });

  it('reads JSON with a byte-order mark', () => {
    expect(parseJson('\uFEFF{"a": [1, "ü"]}')).toEqual({ ok: true, value: { a: [1, 'ü'] } });
  });
});
