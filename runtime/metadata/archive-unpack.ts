/**
 * Unpacking an archive (.zip, .tar.gz/.tgz, .tar) into a list of files, treating the bytes as
 * hostile: sizes and entry counts are checked before anything is inflated (a zip bomb stops
 * at the cap, it never fills memory), links and paths that could leave the target folder are
 * refused, and what operating systems add on their own (`__MACOSX/`, `.DS_Store`) is dropped.
 * Nothing here touches the disk: archive.ts writes what this returns.
 */
import { Gunzip, unzipSync, type UnzipFileInfo } from 'fflate';
import { parseTar, type ParsedTarFileItemMeta } from 'nanotar';
import type { Problem } from './validate.ts';

const MB = 1024 * 1024;

export interface ArchiveLimits {
  /** The archive itself, as uploaded. */
  archiveBytes: number;
  /** All files together once unpacked. */
  unpackedBytes: number;
  /** Entries of any kind (files, folders, links): each costs work even when skipped. */
  entries: number;
}

export const ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({ archiveBytes: 20 * MB, unpackedBytes: 50 * MB, entries: 5000 });

/** A file of the archive: its path (`/`-separated, relative, no `.` or `..`) and content. */
export interface ArchiveFile { path: string; data: Uint8Array }

export type UnpackResult = { ok: true; files: ArchiveFile[] } | { ok: false; problems: Problem[] };

export type ArchiveFormat = 'zip' | 'gzip' | 'tar';

/** The format by its first bytes (the file name may lie, or be absent for an upload). */
export function archiveFormat(bytes: Uint8Array): ArchiveFormat | undefined {
  // `PK\x03\x04` starts a zip's first entry; `PK\x05\x06` is a zip with no entries at all.
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6))) return 'zip';
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  if (isTar(bytes)) return 'tar';
  return undefined;
}

export function unpackArchive(bytes: Uint8Array, limits: ArchiveLimits = ARCHIVE_LIMITS): UnpackResult {
  if (bytes.length > limits.archiveBytes) {
    return fail({ path: '', code: 'archive_too_large', message: `the archive is larger than ${megabytes(limits.archiveBytes)}` });
  }
  const format = archiveFormat(bytes);
  if (!format) {
    const looksJson = /^\s*[{[]/.test(new TextDecoder().decode(bytes.subarray(0, 64)));
    return fail({
      path: '', code: 'not_an_archive',
      message: looksJson
        ? 'this is JSON, not an archive: upload a JSON bundle as a .json file'
        : 'this is not a .zip, .tar.gz or .tar archive',
    });
  }
  const collector = new Collector(limits);
  let files: ArchiveFile[];
  try {
    if (format === 'zip') {
      files = unzip(bytes, collector);
    } else {
      const tar = format === 'gzip' ? gunzip(bytes, limits) : bytes;
      if (!isTar(tar)) return fail({ path: '', code: 'not_an_archive', message: 'the gzip file does not hold a tar archive' });
      files = untar(tar, collector);
    }
  } catch (err) {
    if (err instanceof LimitReached) return { ok: false, problems: [...collector.problems, err.problem] };
    // fflate and nanotar throw plain errors on data they cannot read; their messages say why.
    const reason = err instanceof Error ? err.message.slice(0, 200) : 'unknown error';
    const kind = format === 'zip' ? 'zip archive' : format === 'gzip' ? '.tar.gz archive' : 'tar archive';
    return { ok: false, problems: [...collector.problems, { path: '', code: 'unreadable_archive', message: `the ${kind} cannot be read (${reason})` }] };
  }
  if (collector.problems.length) return { ok: false, problems: collector.problems };
  if (!files.length) return fail({ path: '', code: 'empty_archive', message: 'the archive holds no files' });
  return { ok: true, files };
}

// ───────────────────────────── entries, whatever the format ─────────────────────────────

type EntryKind = 'file' | 'directory' | 'link' | 'other';

/** Thrown from inside a library's callback: stops it at once, before it unpacks any more. */
class LimitReached extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

/** Decides about each entry before its data is unpacked, and keeps the count and the sum. */
class Collector {
  readonly problems: Problem[] = [];
  private readonly seen = new Set<string>();
  private entries = 0;
  private unpacked = 0;

  constructor(readonly limits: ArchiveLimits) {}

  /** The path to unpack this entry to, or undefined to skip it (a problem says so where it is wrong). */
  admit(rawName: string, kind: EntryKind, size: number): string | undefined {
    if (++this.entries > this.limits.entries) {
      throw new LimitReached({ path: '', code: 'too_many_entries', message: `the archive holds more than ${this.limits.entries} entries` });
    }
    const file = shown(rawName);
    const checked = safePath(rawName);
    if (!checked.ok) {
      this.problems.push({ file, path: '', code: checked.code, message: checked.message });
      return undefined;
    }
    const at = checked.path;
    if (at === undefined || isJunk(at) || kind === 'directory') return undefined;
    if (kind === 'link') {
      this.problems.push({ file, path: '', code: 'link_not_allowed', message: 'links (symbolic or hard) are not unpacked: put the file itself in the archive' });
      return undefined;
    }
    if (kind === 'other') {
      this.problems.push({ file, path: '', code: 'unsupported_entry', message: 'only files and folders are unpacked (not devices or pipes)' });
      return undefined;
    }
    if (this.seen.has(at)) {
      this.problems.push({ file, path: '', code: 'duplicate_entry', message: `the archive holds ${at} more than once` });
      return undefined;
    }
    this.seen.add(at);
    if (!Number.isSafeInteger(size) || size < 0) {
      this.problems.push({ file, path: '', code: 'unreadable_entry', message: 'the archive does not say how large this file is' });
      return undefined;
    }
    this.unpacked += size;
    if (this.unpacked > this.limits.unpackedBytes) {
      throw new LimitReached({
        path: '', code: 'unpacked_too_large',
        message: `the archive unpacks to more than ${megabytes(this.limits.unpackedBytes)} (reached at ${file}); a package is far smaller`,
      });
    }
    return at;
  }
}

type PathCheck = { ok: true; path: string | undefined } | { ok: false; code: string; message: string };

/** A relative `/`-separated path that stays inside the folder, or why not; undefined for the root itself. */
function safePath(raw: string): PathCheck {
  // Some Windows tools write `\` between folders.
  const name = raw.replace(/\\/g, '/');
  if (name.includes('\0')) return { ok: false, code: 'unsafe_path', message: 'the file name holds a NUL character' };
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) {
    return { ok: false, code: 'absolute_path', message: 'an absolute path would unpack outside the package folder' };
  }
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return { ok: false, code: 'parent_path', message: "a '..' in a path would unpack outside the package folder" };
  return { ok: true, path: segments.length ? segments.join('/') : undefined };
}

/** Files an operating system adds by itself: macOS resource forks and folder settings, Windows thumbnails. */
function isJunk(at: string): boolean {
  const segments = at.split('/');
  const base = segments[segments.length - 1];
  return segments.includes('__MACOSX') || base === '.DS_Store' || base.startsWith('._') || base === 'Thumbs.db' || base === 'desktop.ini';
}

/** A name as a problem shows it: names may be hostile or huge. */
function shown(raw: string): string {
  return raw.length > 200 ? `${raw.slice(0, 197)}…` : raw;
}

// ───────────────────────────── zip ─────────────────────────────

function unzip(bytes: Uint8Array, collector: Collector): ArchiveFile[] {
  const kinds = zipEntryKinds(bytes, collector.limits.entries);
  const kept = new Map<string, string>();
  let index = 0;
  // fflate calls the filter once per entry, in central-directory order, before inflating it.
  const filter = (info: UnzipFileInfo): boolean => {
    const kind = info.name.endsWith('/') ? 'directory' : kinds[index] ?? 'file';
    index++;
    // A stored entry is copied at its stored size, an inflated one is given exactly its declared
    // size (fflate never grows that buffer): together they bound what unpacking allocates.
    const size = info.compression === 0 ? Math.max(info.size, info.originalSize) : info.originalSize;
    const at = collector.admit(info.name, kind, size);
    if (at === undefined) return false;
    if (info.compression !== 0 && info.compression !== 8) {
      collector.problems.push({ file: shown(info.name), path: '', code: 'unsupported_compression', message: 'only stored and deflated zip entries can be read: pack it again with a standard zip tool' });
      return false;
    }
    kept.set(info.name, at);
    return true;
  };
  const out = unzipSync(bytes, { filter });
  const files: ArchiveFile[] = [];
  for (const [raw, at] of kept) {
    const data = Object.hasOwn(out, raw) ? out[raw] : undefined;
    if (data) files.push({ path: at, data });
    else collector.problems.push({ file: shown(raw), path: '', code: 'unreadable_entry', message: 'this entry cannot be read' });
  }
  return files;
}

/**
 * The kind of each zip entry, in central-directory order. fflate does not expose the entries'
 * attributes, where a zip made on Unix marks symbolic links, so this walks the same directory.
 */
function zipEntryKinds(b: Uint8Array, maxEntries: number): EntryKind[] {
  const u16 = (i: number): number => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
  const u32 = (i: number): number => (u16(i) | (u16(i + 2) << 16)) >>> 0;
  let end = b.length - 22;
  while (end > 0 && u32(end) !== 0x06054b50 && b.length - end <= 65558) end--;
  if (end < 0 || u32(end) !== 0x06054b50) return [];
  let count = u16(end + 8);
  let at = u32(end + 16);
  if (end >= 20 && u32(end - 20) === 0x07064b50) {
    const zip64 = u32(end - 12);
    if (u32(zip64) === 0x06064b50) {
      count = u32(zip64 + 32);
      at = u32(zip64 + 48);
    }
  }
  const kinds: EntryKind[] = [];
  for (let i = 0; i < count && i <= maxEntries && at + 46 <= b.length && u32(at) === 0x02014b50; i++) {
    const madeOnUnix = b[at + 5] === 3 || b[at + 5] === 19; // Unix, macOS
    const attributes = u32(at + 38);
    const type = madeOnUnix ? (attributes >>> 16) & 0o170000 : 0;
    kinds.push(type === 0o120000 ? 'link'
      : type === 0o040000 || (attributes & 0x10) !== 0 ? 'directory'
        : type === 0 || type === 0o100000 ? 'file' : 'other');
    at += 46 + u16(at + 28) + u16(at + 30) + u16(at + 32);
  }
  return kinds;
}

// ───────────────────────────── gzip and tar ─────────────────────────────

/** Small input steps keep what one step may inflate to a few megabytes, however compressible. */
const GUNZIP_STEP = 8 * 1024;

function gunzip(bytes: Uint8Array, limits: ArchiveLimits): Uint8Array {
  // Tar headers and padding cost up to a few blocks per entry on top of the files themselves.
  const cap = limits.unpackedBytes + limits.entries * 2048 + 10240;
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stream = new Gunzip((chunk) => {
    total += chunk.length;
    if (total > cap) {
      throw new LimitReached({ path: '', code: 'unpacked_too_large', message: `the archive unpacks to more than ${megabytes(limits.unpackedBytes)}; a package is far smaller` });
    }
    chunks.push(chunk);
  });
  for (let at = 0; at < bytes.length; at += GUNZIP_STEP) stream.push(bytes.subarray(at, at + GUNZIP_STEP), at + GUNZIP_STEP >= bytes.length);
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function isTar(bytes: Uint8Array): boolean {
  // POSIX writes `ustar\0`, GNU tar `ustar `: both start so.
  return bytes.length >= 512 && new TextDecoder().decode(bytes.subarray(257, 262)) === 'ustar';
}

function untar(bytes: Uint8Array, collector: Collector): ArchiveFile[] {
  // nanotar reads `data.buffer` from its start: give it a view that is its whole buffer.
  const tar = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  const headerNames = tarHeaderNames(tar, collector.limits.entries);
  const paths: string[] = [];
  let index = 0;
  const filter = (meta: ParsedTarFileItemMeta): boolean => {
    // nanotar hands over names already "cleaned" (`../x` becomes `x`, `/x` becomes `x`): judge
    // the name as written: a long name from an extended header, else the header's own.
    const extended = (meta.attrs as Record<string, unknown> | undefined)?.path;
    const raw = typeof extended === 'string' && extended ? extended : headerNames[index] ?? meta.name;
    index++;
    const at = collector.admit(raw, tarKind(meta.type), meta.size);
    if (at === undefined) return false;
    paths.push(at);
    return true;
  };
  const items = parseTar(tar, { filter });
  if (items.length !== paths.length) throw new Error('entries and headers disagree');
  return items.map((item, i) => ({ path: paths[i], data: item.data ?? new Uint8Array(0) }));
}

function tarKind(type: ParsedTarFileItemMeta['type']): EntryKind {
  switch (type) {
    case 'file': case 'contiguousFile': return 'file';
    case 'directory': case 'gnuDirectory': return 'directory';
    case 'symbolicLink': case 'hardLink': return 'link';
    default: return 'other';
  }
}

/**
 * Each entry's name as its header writes it (with the ustar prefix), in the order nanotar's
 * filter sees the entries: this walk follows nanotar's own, skipping the same extended headers.
 */
function tarHeaderNames(tar: Uint8Array, maxEntries: number): string[] {
  const text = (at: number, length: number): string => {
    const field = tar.subarray(at, at + length);
    const nul = field.indexOf(0);
    return new TextDecoder().decode(nul === -1 ? field : field.subarray(0, nul));
  };
  const names: string[] = [];
  let offset = 0;
  while (offset < tar.length - 512 && names.length <= maxEntries) {
    const name = text(offset, 100);
    if (!name) break;
    const size = Number.parseInt(text(offset + 124, 12), 8);
    const type = text(offset + 156, 1) || '0';
    const prefix = text(offset + 257, 5) === 'ustar' ? text(offset + 345, 155) : '';
    offset += 512 + 512 * Math.trunc(size / 512) + (size % 512 ? 512 : 0);
    // pax (`x`, `g`) and GNU long-name (`L`, `N`, `K`) headers describe the next entry.
    if (['x', 'g', 'L', 'N', 'K'].includes(type)) continue;
    names.push(prefix ? `${prefix}/${name}` : name);
  }
  return names;
}

// ───────────────────────────── helpers ─────────────────────────────

function fail(problem: Problem): UnpackResult {
  return { ok: false, problems: [problem] };
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / MB)} MB`;
}
