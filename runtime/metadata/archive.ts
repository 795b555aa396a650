/**
 * A package folder packed as one archive (.zip, .tar.gz/.tgz, .tar), as uploaded in the studio
 * or named on the command line. It is unpacked (safely: archive-unpack.ts) into a fresh
 * temporary folder and loaded by the very code that loads package folders, so an archive means
 * exactly what its folder means, problems included. The temporary folder never outlives a call.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ARCHIVE_LIMITS, unpackArchive, type ArchiveFile } from './archive-unpack.ts';
import { loadPackageFolder, PACKAGE_FILE, type LoadResult } from './load.ts';
import type { Problem, ValidationContext } from './validate.ts';

export { ARCHIVE_LIMITS } from './archive-unpack.ts';

/** File names taken for package archives (the content is then told by its first bytes). */
export const ARCHIVE_EXTENSIONS = ['.zip', '.tgz', '.tar.gz', '.tar'] as const;

export function isArchiveName(name: string): boolean {
  const lower = name.toLowerCase();
  return ARCHIVE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * An archive's bytes → the same result as loadPackage of the folder it packs. Problems name
 * files as the archive does (`shop/objects/order.json`), never the temporary folder.
 */
export async function readPackageArchive(bytes: Uint8Array, context?: ValidationContext): Promise<LoadResult> {
  const unpacked = unpackArchive(bytes);
  if (!unpacked.ok) return unpacked;
  const { files, root } = withoutTopFolder(unpacked.files);
  const inArchive = (file: string): string => (root ? `${root}/${file}` : file);

  const dir = await mkdtemp(path.join(tmpdir(), 'strata-archive-'));
  try {
    const problems = await writeFiles(dir, files, inArchive);
    if (problems.length) return { ok: false, problems };
    const loaded = await loadPackageFolder(dir, context);
    if (loaded.ok) return loaded;
    return {
      ok: false,
      problems: loaded.problems.map((p) => ({
        ...p,
        ...(p.file ? { file: inArchive(p.file) } : {}),
        // A file-system error's message may carry the full path: keep the temporary folder out of sight.
        message: p.message.split(`${dir}${path.sep}`).join('').split(dir).join('.'),
      })),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** An archive file on disk (`strata deploy shop.zip`); too large a file is refused unread. */
export async function readPackageArchiveFile(file: string, context?: ValidationContext): Promise<LoadResult> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return { ok: false, problems: [{ path: '', code: 'not_found', message: `${file} is not a file` }] };
  if (info.size > ARCHIVE_LIMITS.archiveBytes) {
    return { ok: false, problems: [{ path: '', code: 'archive_too_large', message: `${file} is larger than ${ARCHIVE_LIMITS.archiveBytes / 1024 / 1024} MB` }] };
  }
  return readPackageArchive(await readFile(file), context);
}

/**
 * Archiving a folder usually packs the folder itself (`shop/strata-package.json`, …): when every
 * file sits under one folder that holds the package file, that folder is the package.
 */
function withoutTopFolder(files: ArchiveFile[]): { files: ArchiveFile[]; root?: string } {
  const top = files[0].path.split('/')[0];
  const allUnder = files.every((f) => f.path.startsWith(`${top}/`));
  if (!allUnder || !files.some((f) => f.path === `${top}/${PACKAGE_FILE}`)) return { files };
  return { files: files.map((f) => ({ ...f, path: f.path.slice(top.length + 1) })), root: top };
}

async function writeFiles(dir: string, files: ArchiveFile[], inArchive: (file: string) => string): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const file of files) {
    const full = path.join(dir, ...file.path.split('/'));
    // archive-unpack.ts already refused every path that leaves the folder; this is the last guard.
    const relative = path.relative(dir, full);
    if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) {
      problems.push({ file: inArchive(file.path), path: '', code: 'unsafe_path', message: 'this path would unpack outside the package folder' });
      continue;
    }
    try {
      await mkdir(path.dirname(full), { recursive: true });
      // `wx`: never write through something already there (a file and a folder of one name).
      await writeFile(full, file.data, { flag: 'wx' });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
      problems.push({ file: inArchive(file.path), path: '', code: 'unpack_failed', message: `this file cannot be unpacked (${code})${code === 'ENOTDIR' || code === 'EEXIST' ? ': a file and a folder share its name' : ''}` });
    }
  }
  return problems;
}
