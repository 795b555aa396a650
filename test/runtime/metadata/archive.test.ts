/**
 * Package folder archives: a .zip, .tar.gz or .tar of a package folder loads exactly like the
 * folder; hostile archives (paths leaving the folder, links, bombs, floods of entries, garbage)
 * give problems that name the file inside the archive; no temporary folder survives a call.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, strToU8, zipSync, type Zippable } from 'fflate';
import { createTar } from 'nanotar';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_LIMITS, isArchiveName, readPackageArchive, readPackageArchiveFile } from '../../../runtime/metadata/archive.ts';
import { unpackArchive } from '../../../runtime/metadata/archive-unpack.ts';
import { loadPackage, type LoadResult } from '../../../runtime/metadata/load.ts';
import type { Problem } from '../../../runtime/metadata/validate.ts';

const SHOP_DIR = fileURLToPath(new URL('../../fixtures/packages/shop/', import.meta.url));
const CRM_CORE = fileURLToPath(new URL('../../../metadata/packages/crm-core/', import.meta.url));
const MB = 1024 * 1024;

// Every temporary folder of this file lands in a scratch TMPDIR (os.tmpdir() reads it on each
// call), so "nothing left behind" can be checked without racing other test runs.
const scratch = mkdtempSync(path.join(tmpdir(), 'strata-archive-test-'));
const scratchTmp = path.join(scratch, 'tmp');
const savedTmpdir = process.env.TMPDIR;
beforeAll(() => {
  mkdirSync(scratchTmp);
  process.env.TMPDIR = scratchTmp;
});
afterEach(() => {
  expect(readdirSync(scratchTmp), 'a temporary folder was left behind').toEqual([]);
});
afterAll(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  rmSync(scratch, { recursive: true, force: true });
});

type Files = Record<string, Uint8Array>;

/** A folder's files by relative path (`objects/order.json`). */
function filesOf(dir: string, under = ''): Files {
  const files: Files = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, name);
    if (statSync(full).isFile()) files[`${under}${name.split(path.sep).join('/')}`] = new Uint8Array(readFileSync(full));
  }
  return files;
}

function withFiles(files: Files, changes: Record<string, string | null>): Files {
  const out = { ...files };
  for (const [name, text] of Object.entries(changes)) {
    if (text === null) delete out[name];
    else out[name] = strToU8(text);
  }
  return out;
}

const zip = (files: Files, opts: Record<string, { os?: number; attrs?: number }> = {}): Uint8Array =>
  zipSync(Object.fromEntries(Object.entries(files).map(([name, data]) => [name, opts[name] ? [data, opts[name]] : data])) as Zippable);
const tar = (files: Files): Uint8Array => createTar(Object.entries(files).map(([name, data]) => ({ name, data })));
const tgz = (files: Files): Uint8Array => gzipSync(tar(files));

/** A tar with one entry's type flag changed (nanotar writes only files and folders). */
function tarWithType(files: Files, name: string, type: '1' | '2'): Uint8Array {
  const bytes = tar(files);
  for (let at = 0; at < bytes.length; at += 512) {
    if (new TextDecoder().decode(bytes.subarray(at, at + name.length)) === name && bytes[at + name.length] === 0) {
      bytes[at + 156] = type.charCodeAt(0);
      return bytes;
    }
  }
  throw new Error(`${name} is not in the tar`);
}

function problemsOf(result: LoadResult): Problem[] {
  if (result.ok) throw new Error('expected the archive to be refused');
  expect(JSON.stringify(result.problems)).not.toContain(scratchTmp);
  return result.problems;
}
const codes = (result: LoadResult): string[] => problemsOf(result).map((p) => `${p.file ?? '-'} ${p.code}`).sort();

let shop: Files;
let shopLoaded: LoadResult;
beforeAll(async () => {
  shop = filesOf(SHOP_DIR);
  shopLoaded = await loadPackage(SHOP_DIR);
  expect(shopLoaded.ok).toBe(true);
});

describe('an archive of a good package', () => {
  it('loads like the folder, from .zip, .tar.gz and .tar (the extension included)', async () => {
    expect(await readPackageArchive(zip(shop))).toEqual(shopLoaded);
    expect(await readPackageArchive(tgz(shop))).toEqual(shopLoaded);
    expect(await readPackageArchive(tar(shop))).toEqual(shopLoaded);
  });

  it('loads crm-core like its folder', async () => {
    const crm = filesOf(CRM_CORE);
    const expected = await loadPackage(CRM_CORE);
    expect(expected.ok).toBe(true);
    expect(await readPackageArchive(zip(crm))).toEqual(expected);
    expect(await readPackageArchive(tgz(crm))).toEqual(expected);
  });

  it('takes a single top folder holding strata-package.json as the package, folder entries and OS junk ignored', async () => {
    const nested = { ...filesOf(SHOP_DIR, 'shop-1.2.0/') };
    const junk: Files = {
      '__MACOSX/shop-1.2.0/._strata-package.json': strToU8('resource fork'),
      'shop-1.2.0/.DS_Store': strToU8('finder'),
      'shop-1.2.0/objects/._order.json': strToU8('apple double'),
    };
    // Explicit folder entries, as most zip tools write them.
    const folders: Files = { 'shop-1.2.0/': new Uint8Array(0), 'shop-1.2.0/objects/': new Uint8Array(0) };
    expect(await readPackageArchive(zip({ ...folders, ...nested, ...junk }))).toEqual(shopLoaded);
    const tarFolders = createTar([{ name: 'shop-1.2.0/' }, ...Object.entries({ ...nested, ...junk }).map(([name, data]) => ({ name, data }))]);
    expect(await readPackageArchive(gzipSync(tarFolders))).toEqual(shopLoaded);
    // `./` prefixes (tar run in the folder) are no folder of their own.
    expect(await readPackageArchive(tar(filesOf(SHOP_DIR, './')))).toEqual(shopLoaded);
  });

  it('keeps a top folder that is not the package, and says the package file is missing', async () => {
    const twoDeep = filesOf(SHOP_DIR, 'outer/shop/');
    expect(codes(await readPackageArchive(zip(twoDeep)))).toEqual(['strata-package.json missing_file']);
  });

  it('reads an archive file from disk, and refuses one over 20 MB unread', async () => {
    const file = path.join(scratch, 'shop.tgz');
    writeFileSync(file, tgz(shop));
    expect(await readPackageArchiveFile(file)).toEqual(shopLoaded);
    const huge = path.join(scratch, 'huge.zip');
    writeFileSync(huge, '');
    truncateSync(huge, ARCHIVE_LIMITS.archiveBytes + 1);
    expect(codes(await readPackageArchiveFile(huge))).toEqual(['- archive_too_large']);
    expect(isArchiveName('x.ZIP') && isArchiveName('x.tar.gz') && isArchiveName('x.tgz') && isArchiveName('x.tar')).toBe(true);
    expect(isArchiveName('x.json')).toBe(false);
  });
});

describe('a broken package inside an archive', () => {
  it('names the file inside the archive, with the stripped top folder', async () => {
    const broken = withFiles(filesOf(SHOP_DIR, 'shop/'), { 'shop/objects/order_line.json': '{\n  "name": "order_line",\n}' });
    const problems = problemsOf(await readPackageArchive(zip(broken)));
    expect(problems.map((p) => `${p.file} ${p.code}`)).toEqual(['shop/objects/order_line.json invalid_json']);
    expect(problems[0].message).toMatch(/line 3, column 1/);
  });

  it('points semantic problems into the file that has them', async () => {
    const order = JSON.parse(new TextDecoder().decode(shop['objects/order.json'])) as Record<string, unknown>;
    const changed = withFiles(shop, { 'objects/order.json': JSON.stringify({ ...order, trackHistroy: true }) });
    expect(problemsOf(await readPackageArchive(tgz(changed))).map((p) => `${p.file} ${p.path} ${p.code}`))
      .toEqual(['objects/order.json /trackHistroy unknown_property']);
  });
});

describe('a hostile archive', () => {
  it('refuses a path with ".." in the zip and in the tar', async () => {
    const evil = withFiles(shop, { '../evil.json': '{}', 'objects/../../up.json': '{}' });
    expect(codes(await readPackageArchive(zip(evil)))).toEqual(['../evil.json parent_path', 'objects/../../up.json parent_path']);
    // nanotar would quietly turn `../evil.json` into `evil.json`: the name as written counts.
    expect(codes(await readPackageArchive(tgz(evil)))).toEqual(['../evil.json parent_path', 'objects/../../up.json parent_path']);
  });

  it('refuses absolute paths', async () => {
    const evil = withFiles(shop, { '/etc/evil.json': '{}', 'C:\\evil.json': '{}' });
    expect(codes(await readPackageArchive(zip(evil)))).toEqual(['/etc/evil.json absolute_path', 'C:\\evil.json absolute_path']);
    expect(codes(await readPackageArchive(tar(evil)))).toEqual(['/etc/evil.json absolute_path', 'C:\\evil.json absolute_path']);
  });

  it('refuses symbolic links (zip made on Unix, tar) and hard links', async () => {
    const linked = withFiles(shop, { 'objects/passwd.json': '/etc/passwd' });
    const zipped = zip(linked, { 'objects/passwd.json': { os: 3, attrs: 0o120777 << 16 } });
    expect(codes(await readPackageArchive(zipped))).toEqual(['objects/passwd.json link_not_allowed']);
    expect(codes(await readPackageArchive(tarWithType(linked, 'objects/passwd.json', '2')))).toEqual(['objects/passwd.json link_not_allowed']);
    expect(codes(await readPackageArchive(gzipSync(tarWithType(linked, 'objects/passwd.json', '1'))))).toEqual(['objects/passwd.json link_not_allowed']);
  });

  it('stops a zip bomb at the unpacked cap, zip and tar.gz alike', async () => {
    const bomb = { ...shop, 'objects/bomb.json': new Uint8Array(ARCHIVE_LIMITS.unpackedBytes + MB) };
    const zipped = zipSync(bomb, { level: 1 });
    expect(zipped.length).toBeLessThan(MB);
    const tgzipped = gzipSync(tar(bomb), { level: 1 });
    expect(tgzipped.length).toBeLessThan(MB);
    for (const archive of [zipped, tgzipped]) {
      const problems = problemsOf(await readPackageArchive(archive));
      expect(problems.map((p) => p.code)).toEqual(['unpacked_too_large']);
      expect(problems[0].message).toMatch(/more than 50 MB/);
    }
  });

  it('stops inflating a gzip stream once it passes the cap, before the tar is read', () => {
    const limits = { archiveBytes: MB, unpackedBytes: MB, entries: 10 };
    const bomb = gzipSync(tar({ 'strata-package.json': shop['strata-package.json'], 'objects/bomb.json': new Uint8Array(4 * MB) }));
    const result = unpackArchive(bomb, limits);
    expect(result).toEqual({ ok: false, problems: [{ path: '', code: 'unpacked_too_large', message: expect.stringMatching(/more than 1 MB/) }] });
    expect(unpackArchive(gzipSync(tar({ 'strata-package.json': shop['strata-package.json'] })), limits).ok).toBe(true);
  });

  it('trusts no size a zip declares: a lying entry is cut at its declared size', async () => {
    const big = `{"name": "order", ${' '.repeat(5 * MB)}}`;
    const bytes = zip(withFiles(shop, { 'objects/order.json': big }));
    // Declare 100 bytes in the central directory entry of objects/order.json.
    const name = strToU8('objects/order.json');
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    let patched = false;
    for (let at = 0; at + 46 < bytes.length; at++) {
      if (view.getUint32(at, true) !== 0x02014b50) continue;
      const length = view.getUint16(at + 28, true);
      if (length === name.length && bytes.subarray(at + 46, at + 46 + length).every((b, i) => b === name[i])) {
        view.setUint32(at + 24, 100, true);
        patched = true;
      }
    }
    expect(patched).toBe(true);
    expect(codes(await readPackageArchive(bytes))).toEqual(['objects/order.json invalid_json']);
  });

  it('refuses more than 5,000 entries', async () => {
    const many: Files = { ...shop };
    for (let i = 0; i < ARCHIVE_LIMITS.entries; i++) many[`notes/n${i}.txt`] = strToU8('x');
    expect(codes(await readPackageArchive(zip(many)))).toEqual(['- too_many_entries']);
    expect(codes(await readPackageArchive(tgz(many)))).toEqual(['- too_many_entries']);
  });

  it('refuses garbage, truncated archives, JSON and empty archives with a clear problem', async () => {
    const random = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251);
    expect(codes(await readPackageArchive(random))).toEqual(['- not_an_archive']);
    expect(codes(await readPackageArchive(new Uint8Array(0)))).toEqual(['- not_an_archive']);
    const json = problemsOf(await readPackageArchive(strToU8('{"package": {"name": "x"}}')));
    expect(json[0].message).toMatch(/upload a JSON bundle as a \.json file/);

    const zipped = zip(shop);
    expect(codes(await readPackageArchive(zipped.subarray(0, 2000)))).toEqual(['- unreadable_archive']);
    expect(codes(await readPackageArchive(new Uint8Array([0x50, 0x4b, 3, 4, ...random])))).toEqual(['- unreadable_archive']);
    const gz = tgz(shop);
    expect(codes(await readPackageArchive(gz.subarray(0, gz.length / 2)))).toEqual(['- unreadable_archive']);
    // Random bytes after a gzip header inflate to an error or to something that is no tar.
    expect(codes(await readPackageArchive(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, ...random])))[0]).toMatch(/^- (unreadable_archive|not_an_archive)$/);
    expect(codes(await readPackageArchive(gzipSync(strToU8('not a tar'))))).toEqual(['- not_an_archive']);

    expect(codes(await readPackageArchive(zip({})))).toEqual(['- empty_archive']);
    expect(codes(await readPackageArchive(zip({ '__MACOSX/._x': strToU8('x'), 'folder/': new Uint8Array(0) })))).toEqual(['- empty_archive']);
  });

  it('refuses the same file twice, and a file where a folder must be', async () => {
    expect(codes(await readPackageArchive(zip({ ...shop, './objects//order.json': shop['objects/order.json'] }))))
      .toEqual(['./objects//order.json duplicate_entry']);
    // Two tars back to back (the first without its end blocks): the same name twice.
    const first = tar(shop);
    const used = Object.values(shop).reduce((n, d) => n + 512 + Math.ceil(d.length / 512) * 512, 0);
    const again = createTar([{ name: 'objects/order.json', data: shop['objects/order.json'] }]);
    const joined = new Uint8Array(used + again.length);
    joined.set(first.subarray(0, used));
    joined.set(again, used);
    expect(codes(await readPackageArchive(joined))).toEqual(['objects/order.json duplicate_entry']);

    const clash = withFiles(shop, { 'extensions/loyalty/index.ts/x': 'x' });
    const problems = problemsOf(await readPackageArchive(zip(clash)));
    expect(problems.map((p) => p.code)).toEqual(['unpack_failed']);
    expect(problems[0].file).toMatch(/^extensions\/loyalty\/index\.ts/);
  });
});
