/** `strata deploy <archive>`: a zipped or tar.gz'ed package folder deploys like the folder. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync, strToU8, zipSync } from 'fflate';
import { createTar } from 'nanotar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.ts';
import { freshDatabase, type TestDatabase } from '../../helpers/db.ts';

let db: TestDatabase;
let env: Record<string, string>;
let work: string;

const vehicle = { name: 'vehicle', label: 'Vehicle', nameField: 'plate', fields: [{ name: 'plate', type: 'text', required: true }, { name: 'seats', type: 'integer' }] };
const fleet = (objectFile = JSON.stringify(vehicle)): Record<string, Uint8Array> => ({
  'fleet/strata-package.json': strToU8(JSON.stringify({ name: 'fleet', version: '1.0.0' })),
  'fleet/objects/vehicle.json': strToU8(objectFile),
});

beforeAll(async () => {
  db = await freshDatabase();
  env = { DATABASE_URL: db.url };
  work = mkdtempSync(path.join(tmpdir(), 'strata-cli-archive-'));
});
afterAll(async () => {
  await db?.drop();
  rmSync(work, { recursive: true, force: true });
});

describe('strata deploy <archive>', () => {
  it('prints the plan of a .zip dry run and changes nothing', async () => {
    const file = path.join(work, 'fleet.zip');
    writeFileSync(file, zipSync(fleet()));
    const r = await runCli(['deploy', file, '--dry-run'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('creates object vehicle with 2 fields');
    expect(r.stdout).toContain('Dry run: nothing was changed');
    const { rows } = await db.knex.raw(`select to_regclass('crm.vehicle') as t`);
    expect(rows[0].t).toBeNull();
  });

  it('applies a .tar.gz', async () => {
    const file = path.join(work, 'fleet.tar.gz');
    writeFileSync(file, gzipSync(createTar(Object.entries(fleet()).map(([name, data]) => ({ name, data })))));
    const r = await runCli(['deploy', file], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Applied: registry version \d+/);
    const { rows } = await db.knex.raw(`select to_regclass('crm.vehicle') as t`);
    expect(rows[0].t).not.toBeNull();
  });

  it('refuses a broken archive with its problems named by file inside it, exit 1', async () => {
    const file = path.join(work, 'broken.tgz');
    writeFileSync(file, gzipSync(createTar(Object.entries(fleet('{ not json')).map(([name, data]) => ({ name, data })))));
    const r = await runCli(['deploy', file], env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toContain('fleet/objects/vehicle.json: invalid JSON');
    expect(r.stdout).not.toContain('strata-archive-');

    const garbage = path.join(work, 'garbage.zip');
    writeFileSync(garbage, 'not a zip at all');
    const g = await runCli(['deploy', garbage, '--dry-run'], env);
    expect(g.code).toBe(1);
    expect(g.stdout).toContain('not a .zip, .tar.gz or .tar archive');
  });
});
