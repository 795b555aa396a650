/**
 * Reading and writing metadata packages (CONTRACT §3): a package folder or one JSON bundle in,
 * a validated PackageBundle (or every problem, each naming its file) out; and the reverse,
 * a bundle written as a package folder for `strata export`.
 */
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NAME_PATTERN } from '../../metadata/types.ts';
import type { ExtensionDef, PackageBundle } from '../../metadata/types.ts';
import { schemaProblems, validateBundle } from './validate.ts';
import type { Problem, ValidationContext } from './validate.ts';

export type LoadResult = { ok: true; bundle: PackageBundle } | { ok: false; problems: Problem[] };

export const PACKAGE_FILE = 'strata-package.json';
/** Element folders holding one JSON file per element, in bundle order. */
const FILE_KINDS = ['objects', 'layouts', 'views', 'workflows', 'roles', 'reports', 'dashboards'] as const;
type FileKind = (typeof FILE_KINDS)[number];
/** Layouts and views are per object: `<object>.<name>.json`. */
const PER_OBJECT: ReadonlySet<FileKind> = new Set(['layouts', 'views']);

type Json = Record<string, unknown>;

/**
 * A package folder or a bundle file (`.json`; a path to strata-package.json means its folder).
 * Without a context, objects named by the package but not in it are assumed to come from its
 * `dependsOn` packages: the deploy checks them against what is deployed.
 */
export async function loadPackage(location: string, context?: ValidationContext): Promise<LoadResult> {
  const info = await stat(location).catch(() => undefined);
  if (!info) return fail({ path: '', code: 'not_found', message: `${location} does not exist` });
  if (info.isDirectory()) return loadPackageFolder(location, context);
  if (path.basename(location) === PACKAGE_FILE) return loadPackageFolder(path.dirname(location), context);
  if (!location.toLowerCase().endsWith('.json')) {
    return fail({ path: '', code: 'not_a_package', message: `${location} is neither a package folder nor a .json bundle` });
  }
  const file = path.basename(location);
  const read = await readJsonFile(location, file);
  if (!read.ok) return fail(read.problem);
  const result = parseBundle(read.value, context);
  return result.ok ? result : { ok: false, problems: result.problems.map((p) => ({ file, ...p })) };
}

/** The one-JSON form: validated, then normalized (every list present, `$schema` keys dropped). */
export function parseBundle(input: unknown, context: ValidationContext = { assumeDependencies: true }): LoadResult {
  const problems = validateBundle(input, context);
  if (problems.length) return { ok: false, problems };
  return { ok: true, bundle: normalize(input as Json) };
}

/** The folder form: strata-package.json, objects/<object>.json, layouts/<object>.<name>.json … */
export async function loadPackageFolder(dir: string, context: ValidationContext = { assumeDependencies: true }): Promise<LoadResult> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) return fail({ path: '', code: 'not_found', message: `${dir} is not a folder` });

  const { bundle, sources, problems, broken } = await readFolder(dir);
  // Files that are not even JSON leave holes; semantic checks would blame their absence on
  // everything that names them. Report syntax and shape now, meaning once they parse.
  const found = broken
    ? (isObj(bundle.package) ? schemaProblems('bundle', bundle) : [])
    : validateBundle(bundle, context);
  problems.push(...found.map((p) => inFile(p, sources)));
  if (problems.length) return { ok: false, problems };
  return { ok: true, bundle: normalize(bundle) };
}

/**
 * Writes a bundle as a package folder, creating `dir` if needed. The folder then holds exactly
 * the bundle's elements: element files of this layout that the bundle lacks (a re-export after
 * an object was removed) are deleted, so that deploying the folder back cannot resurrect them;
 * any other file is left alone. Returns the written files, relative to `dir`.
 */
export async function bundleToFolder(bundle: PackageBundle, dir: string): Promise<string[]> {
  const files = new Map<string, string>();
  const put = (file: string, content: string): void => {
    if (files.has(file)) throw new Error(`cannot export: two elements would both be written to ${file}`);
    files.set(file, content);
  };
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  // Names become file names: only safe ones, never a path.
  const safe = (name: unknown, what: string): string => {
    if (typeof name !== 'string' || !NAME_PATTERN.test(name)) throw new Error(`cannot export ${what}: ${JSON.stringify(name)} is not a valid name`);
    return name;
  };

  put(PACKAGE_FILE, json(bundle.package));
  for (const kind of FILE_KINDS) {
    for (const element of bundle[kind] ?? []) {
      const name = safe(element.name, `a ${kind.slice(0, -1)}`);
      const base = PER_OBJECT.has(kind) && 'object' in element ? `${safe(element.object, `${kind} ${name}`)}.${name}` : name;
      put(`${kind}/${base}.json`, json(element));
    }
  }
  for (const extension of bundle.extensions ?? []) {
    const name = safe(extension.manifest.name, 'an extension');
    put(`extensions/${name}/extension.json`, json(extension.manifest));
    put(`extensions/${name}/index.ts`, extension.source);
  }

  await mkdir(dir, { recursive: true });
  await removeStale(dir, files);
  for (const [file, content] of files) {
    await mkdir(path.join(dir, path.dirname(file)), { recursive: true });
    await writeFile(path.join(dir, file), content, 'utf8');
  }
  return [...files.keys()];
}

/** JSON text → value, or where and why it is not JSON (1-based line and column). */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; line: number; column: number; reason: string } {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(clean) };
  } catch {
    // V8's messages do not always carry a position: find it ourselves.
    const { offset, reason } = locateJsonError(clean);
    const before = clean.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    return { ok: false, line, column, reason };
  }
}

// ───────────────────────────── reading a folder ─────────────────────────────

/** Where each part of the assembled bundle came from: `/objects/3` ← objects/contact.json. */
interface Source { prefix: string; file: string }

interface FolderRead {
  bundle: Json;
  sources: Source[];
  problems: Problem[];
  /** Some file could not be read or parsed. */
  broken: boolean;
}

async function readFolder(dir: string): Promise<FolderRead> {
  const read: FolderRead = { bundle: {}, sources: [], problems: [], broken: false };
  const { bundle, sources, problems } = read;

  const manifest = await readJsonFile(path.join(dir, PACKAGE_FILE), PACKAGE_FILE);
  if (manifest.ok) {
    bundle.package = withoutSchemaRef(manifest.value);
    sources.push({ prefix: '/package', file: PACKAGE_FILE });
  } else {
    read.broken = true;
    problems.push(manifest.problem.code === 'not_found'
      ? { file: PACKAGE_FILE, path: '', code: 'missing_file', message: `a package folder needs ${PACKAGE_FILE} ({"name": …, "version": …})` }
      : manifest.problem);
  }

  for (const kind of FILE_KINDS) {
    const elements: unknown[] = [];
    bundle[kind] = elements;
    for (const entry of await listFolder(dir, kind, read)) {
      const file = `${kind}/${entry.name}`;
      if (!entry.isFile || !entry.name.endsWith('.json')) {
        problems.push({ file, path: '', code: 'unexpected_file', message: `${kind}/ holds only <name>.json files` });
        continue;
      }
      const parsed = await readJsonFile(path.join(dir, kind, entry.name), file);
      if (!parsed.ok) { read.broken = true; problems.push(parsed.problem); continue; }
      const element = withoutSchemaRef(parsed.value);
      sources.push({ prefix: `/${kind}/${elements.length}`, file });
      elements.push(element);
      problems.push(...fileNameProblems(kind, entry.name.slice(0, -'.json'.length), element, file));
    }
  }

  const extensions: ExtensionDef[] = [];
  bundle.extensions = extensions;
  for (const entry of await listFolder(dir, 'extensions', read)) {
    const folder = `extensions/${entry.name}`;
    if (entry.isFile) {
      problems.push({ file: folder, path: '', code: 'unexpected_file', message: 'extensions/ holds one folder per extension: <name>/extension.json + index.ts' });
      continue;
    }
    const manifest = await readJsonFile(path.join(dir, folder, 'extension.json'), `${folder}/extension.json`);
    const source = await readFile(path.join(dir, folder, 'index.ts'), 'utf8').catch(() => undefined);
    if (!manifest.ok) {
      read.broken = true;
      problems.push(manifest.problem.code === 'not_found'
        ? { file: `${folder}/extension.json`, path: '', code: 'missing_file', message: `extension folder ${folder} has no extension.json` }
        : manifest.problem);
    }
    if (source === undefined) {
      read.broken = true;
      problems.push({ file: `${folder}/index.ts`, path: '', code: 'missing_file', message: `extension folder ${folder} has no index.ts` });
    }
    if (!manifest.ok || source === undefined) continue;
    const value = withoutSchemaRef(manifest.value);
    const i = extensions.length;
    sources.push({ prefix: `/extensions/${i}/manifest`, file: `${folder}/extension.json` });
    sources.push({ prefix: `/extensions/${i}/source`, file: `${folder}/index.ts` });
    // Shape is checked by the schema; the bundle form holds whatever the file held.
    extensions.push({ manifest: value, source } as ExtensionDef);
    if (isObj(value) && typeof value.name === 'string' && value.name !== entry.name) {
      problems.push({
        file: `${folder}/extension.json`, path: '/name', code: 'name_mismatch',
        message: `the folder is named '${entry.name}' but the extension inside is '${value.name}'`,
      });
    }
  }
  return read;
}

/** A file's name must say what its content says. */
function fileNameProblems(kind: FileKind, base: string, element: unknown, file: string): Problem[] {
  if (!isObj(element)) return [];
  const problems: Problem[] = [];
  const mismatch = (prop: string, fromFile: string): void => {
    const inside = element[prop];
    if (typeof inside === 'string' && inside !== fromFile) {
      problems.push({ file, path: `/${prop}`, code: 'name_mismatch', message: `the file name says ${prop} '${fromFile}' but the content says '${inside}'` });
    }
  };
  if (PER_OBJECT.has(kind)) {
    const parts = base.split('.');
    if (parts.length !== 2) {
      problems.push({ file, path: '', code: 'bad_file_name', message: `${kind} files are named <object>.<name>.json` });
    } else {
      mismatch('object', parts[0]);
      mismatch('name', parts[1]);
    }
  } else {
    mismatch('name', base);
  }
  return problems;
}

interface Entry { name: string; isFile: boolean }

/** The entries of a package subfolder, sorted (bundle order is file-name order); none if absent. */
async function listFolder(dir: string, sub: string, read: FolderRead): Promise<Entry[]> {
  const full = path.join(dir, sub);
  const info = await stat(full).catch(() => undefined);
  if (!info) return [];
  if (!info.isDirectory()) {
    read.problems.push({ file: sub, path: '', code: 'unexpected_file', message: `${sub} must be a folder` });
    return [];
  }
  const entries: Entry[] = [];
  for (const entry of await readdir(full, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue; // .DS_Store, editor swap files
    // Follow symlinks: a package may link shared files in.
    const isFile = entry.isSymbolicLink()
      ? (await stat(path.join(full, entry.name)).catch(() => undefined))?.isFile() ?? false
      : entry.isFile();
    entries.push({ name: entry.name, isFile });
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

type JsonRead = { ok: true; value: unknown } | { ok: false; problem: Problem };

async function readJsonFile(full: string, file: string): Promise<JsonRead> {
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      ok: false,
      problem: { file, path: '', code: missing ? 'not_found' : 'unreadable', message: missing ? `${file} does not exist` : `${file} cannot be read: ${(err as Error).message}` },
    };
  }
  const parsed = parseJson(text);
  if (parsed.ok) return parsed;
  return {
    ok: false,
    problem: { file, path: '', code: 'invalid_json', message: `invalid JSON at line ${parsed.line}, column ${parsed.column}: ${parsed.reason}` },
  };
}

/** A bundle-wide problem restated in the file it comes from, with a path inside that file. */
function inFile(problem: Problem, sources: Source[]): Problem {
  let best: Source | undefined;
  for (const source of sources) {
    const inside = problem.path === source.prefix || problem.path.startsWith(`${source.prefix}/`);
    if (inside && (!best || source.prefix.length > best.prefix.length)) best = source;
  }
  return best ? { ...problem, file: best.file, path: problem.path.slice(best.prefix.length) } : problem;
}

// ───────────────────────────── writing a folder ─────────────────────────────

/** Deletes element files of the package layout that are not about to be written. */
async function removeStale(dir: string, keep: Map<string, string>): Promise<void> {
  for (const kind of FILE_KINDS) {
    const entries = await readdir(path.join(dir, kind), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const file = `${kind}/${entry.name}`;
      if (entry.isFile() && entry.name.endsWith('.json') && !keep.has(file)) await rm(path.join(dir, file));
    }
  }
  const extensions = await readdir(path.join(dir, 'extensions'), { withFileTypes: true }).catch(() => []);
  for (const entry of extensions) {
    const folder = `extensions/${entry.name}`;
    if (!entry.isDirectory() || keep.has(`${folder}/extension.json`)) continue;
    const isExtension = await stat(path.join(dir, folder, 'extension.json')).then(() => true, () => false);
    if (isExtension) await rm(path.join(dir, folder), { recursive: true, force: true });
  }
}

// ───────────────────────────── helpers ─────────────────────────────

function fail(problem: Problem): LoadResult {
  return { ok: false, problems: [problem] };
}

function isObj(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `$schema` lets editors check a file; it is not metadata. */
function withoutSchemaRef(value: unknown): unknown {
  if (!isObj(value) || !('$schema' in value)) return value;
  const { $schema: _ignored, ...rest } = value;
  return rest;
}

/** Every list present, `$schema` gone, nothing shared with the caller's input. */
function normalize(input: Json): PackageBundle {
  const source = structuredClone(input);
  const list = (key: string): unknown[] => (Array.isArray(source[key]) ? source[key] : []).map(withoutSchemaRef);
  const bundle = {
    package: withoutSchemaRef(source.package),
    objects: list('objects'),
    layouts: list('layouts'),
    views: list('views'),
    workflows: list('workflows'),
    roles: list('roles'),
    reports: list('reports'),
    dashboards: list('dashboards'),
    extensions: list('extensions').map((e) => (isObj(e) ? { ...e, manifest: withoutSchemaRef(e.manifest) } : e)),
  };
  // Validated against bundle.schema.json before we get here.
  return bundle as PackageBundle;
}

// ───────────────────────────── JSON syntax errors ─────────────────────────────

class JsonSyntaxError { constructor(readonly offset: number, readonly reason: string) {} }

/** Scans text that JSON.parse refused and says where and why (a validator, not a parser). */
function locateJsonError(text: string): { offset: number; reason: string } {
  let i = 0;
  const fail = (reason: string, at = i): never => { throw new JsonSyntaxError(at, reason); };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
    if (text[i] === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) fail('comments are not allowed in JSON');
  };
  const string = (): void => {
    const start = i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const ch = text[i];
      if (ch === '"') { i++; return; }
      if (ch === '\n') fail('unterminated string (a line break inside quotes)', start);
      if (ch < ' ') fail('control character inside a string');
      if (ch === '\\') {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad \\u escape');
          i += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) fail(`bad escape \\${next ?? ''}`);
        i += 2;
        continue;
      }
      i++;
    }
  };
  const value = (): void => {
    space();
    if (i >= text.length) fail('unexpected end of file');
    const ch = text[i];
    if (ch === '{') {
      i++; space();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        space();
        if (text[i] === '}') fail('a trailing comma is not allowed in JSON');
        if (text[i] !== '"') fail(i >= text.length ? 'unexpected end of file' : 'expected a "quoted" property name');
        string(); space();
        if (text[i] !== ':') fail("expected ':' after the property name");
        i++;
        value(); space();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail(i >= text.length ? 'unexpected end of file' : "expected ',' or '}' (a missing comma?)");
      }
    }
    if (ch === '[') {
      i++; space();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(); space();
        if (text[i] === ',') {
          i++; space();
          if (text[i] === ']') fail('a trailing comma is not allowed in JSON');
          continue;
        }
        if (text[i] === ']') { i++; return; }
        fail(i >= text.length ? 'unexpected end of file' : "expected ',' or ']' (a missing comma?)");
      }
    }
    if (ch === '"') return string();
    const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    number.lastIndex = i;
    if (number.test(text)) { i = number.lastIndex; return; }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) { i += literal.length; return; }
    }
    if (ch === "'") fail('strings take double quotes in JSON');
    fail(`unexpected ${JSON.stringify(ch)}`);
  };
  try {
    value(); space();
    if (i < text.length) fail('unexpected text after the end of the JSON value');
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { offset: err.offset, reason: err.reason };
    throw err;
  }
  // JSON.parse refused it, yet the scan passed (should not happen): point at the start.
  return { offset: 0, reason: 'not valid JSON' };
}
