/** The `strata` command line against a real database: output, effects and exit codes. */
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../helpers/db.ts';
import { runCli } from '../../helpers/cli.ts';
import { readAuditLog } from '../../../runtime/security/audit.ts';

let db: TestDatabase;
let env: Record<string, string>;
let work: string;

function writePackage(dir: string, objects: unknown[], version = '1.0.0'): string {
  mkdirSync(path.join(dir, 'objects'), { recursive: true });
  writeFileSync(path.join(dir, 'strata-package.json'), JSON.stringify({ name: 'fleet', version }));
  for (const o of objects as Array<{ name: string }>) writeFileSync(path.join(dir, 'objects', `${o.name}.json`), JSON.stringify(o));
  return dir;
}

const vehicle = (plateType = 'text') => ({
  name: 'vehicle', label: 'Vehicle', nameField: 'plate',
  fields: [{ name: 'plate', type: plateType, required: true }, { name: 'seats', type: 'integer' }],
});

beforeAll(async () => {
  db = await freshDatabase();
  env = { DATABASE_URL: db.url };
  work = mkdtempSync(path.join(tmpdir(), 'strata-cli-'));
});
afterAll(async () => { await db?.drop(); });

describe('strata deploy', () => {
  it('prints the plan of a dry run and changes nothing', async () => {
    const dir = writePackage(path.join(work, 'p1'), [vehicle()]);
    const r = await runCli(['deploy', dir, '--dry-run'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('creates object vehicle with 2 fields');
    expect(r.stdout).toContain('Dry run: nothing was changed');
    const { rows } = await db.knex.raw(`select to_regclass('crm.vehicle') as t`);
    expect(rows[0].t).toBeNull();
  });

  it('applies the package, and a second deploy of the same package is an empty plan', async () => {
    const dir = path.join(work, 'p1');
    const r = await runCli(['deploy', dir], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Applied: registry version \d+/);
    const again = await runCli(['deploy', dir], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to change');
    const { rows } = await db.knex.raw(`select to_regclass('crm.vehicle') as t`);
    expect(rows[0].t).not.toBeNull();
  });

  it('is audited like a deploy over HTTP: actor cli (with the OS user), package and plan; a dry run is not', async () => {
    const log = await readAuditLog(db.knex, { limit: 1000 });
    const deploys = log.filter((e) => e.action === 'deploy' && e.target === 'fleet@1.0.0');
    expect(deploys).toHaveLength(1);
    expect(deploys[0]).toMatchObject({ actorId: null, actorEmail: 'cli', detail: { door: 'cli', osUser: userInfo().username, plan: ['installs package fleet 1.0.0', 'creates object vehicle with 2 fields'] } });
  });

  it('deploys as the system, with the rights to change roles (whoever runs it could change the database itself)', async () => {
    const dir = path.join(work, 'roles');
    mkdirSync(path.join(dir, 'roles'), { recursive: true });
    writeFileSync(path.join(dir, 'strata-package.json'), JSON.stringify({ name: 'cli-roles', version: '1.0.0' }));
    mkdirSync(path.join(dir, 'objects'));
    writeFileSync(path.join(dir, 'objects', 'depot.json'), JSON.stringify({ name: 'depot', label: 'Depot', nameField: 'city', fields: [{ name: 'city', type: 'text' }] }));
    writeFileSync(path.join(dir, 'roles', 'fleet_manager.json'), JSON.stringify({ name: 'fleet_manager', objects: { depot: { read: 'all' } }, abilities: ['manageUsers'] }));
    const r = await runCli(['deploy', dir], env);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const entry = (await readAuditLog(db.knex, { limit: 1000 })).find((e) => e.action === 'deploy' && e.target === 'cli-roles@1.0.0');
    expect(entry?.detail).toMatchObject({ door: 'cli', plan: expect.arrayContaining(['adds role fleet_manager [role]']) });
  });

  it('prints under a changed role which access changed', async () => {
    const dir = path.join(work, 'roles');
    writeFileSync(path.join(dir, 'roles', 'fleet_manager.json'), JSON.stringify({ name: 'fleet_manager', objects: { depot: { read: 'all', update: 'own' } }, fields: { 'depot.city': 'read' }, abilities: ['manageUsers', 'export'] }));
    const r = await runCli(['deploy', dir, '--dry-run'], env);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.includes('changes role fleet_manager'));
    expect(at, r.stdout).toBeGreaterThan(-1);
    expect(lines.slice(at + 1, at + 4).map((l) => l.trim())).toEqual(['depot update none → own', 'field depot.city default → read', 'ability export added']);
  });

  it('refuses a type change that stored values cannot take, with the count, exit 1', async () => {
    await db.knex.raw(`insert into crm.vehicle (plate) values ('AB-123'), ('CD-456')`);
    const dir = writePackage(path.join(work, 'p2'), [vehicle('integer')], '1.1.0');
    const r = await runCli(['deploy', dir], env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/2 records have text that is not a (whole )?number/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    const { rows } = await db.knex.raw(`select data_type from information_schema.columns where table_schema='crm' and table_name='vehicle' and column_name='plate'`);
    expect(rows[0].data_type).toBe('text');
  });

  it('refuses a broken package whole with every problem listed, exit 1', async () => {
    const dir = writePackage(path.join(work, 'p3'), [{ name: 'Bad Name', label: 'x', fields: [{ name: 'a', type: 'nope' }, { name: 'r', type: 'reference', to: 'ghost' }] }]);
    writeFileSync(path.join(dir, 'objects', 'broken.json'), '{ not json');
    const r = await runCli(['deploy', dir], env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toContain('objects/broken.json');
  });

  it('exits 2 on bad arguments and unknown commands', async () => {
    expect((await runCli(['deploy'], env)).code).toBe(2);
    expect((await runCli(['deploy', path.join(work, 'does-not-exist')], env)).code).toBe(2);
    expect((await runCli(['frobnicate'], env)).code).toBe(2);
    expect((await runCli(['deploy', '--no-such-flag', 'x'], env)).code).toBe(2);
  });
});

describe('strata export and user create', () => {
  it('exports the deployed metadata as a package folder that deploys again', async () => {
    const out = path.join(work, 'exported');
    const r = await runCli(['export', '--out', out, '--package', 'fleet'], env);
    expect(r.code).toBe(0);
    expect(existsSync(path.join(out, 'strata-package.json'))).toBe(true);
    const obj = JSON.parse(readFileSync(path.join(out, 'objects', 'vehicle.json'), 'utf8'));
    expect(obj.fields.map((f: { name: string }) => f.name)).toEqual(['plate', 'seats']);
    const again = await runCli(['deploy', out, '--dry-run'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to change');
  });

  it('creates a user, and refuses a weak password with exit 1', async () => {
    const ok = await runCli(['user', 'create', '--email', 'rep@example.com', '--password', 'a long enough passphrase', '--role', 'sales_rep'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('rep@example.com');
    // Audited through the same rule as POST /api/users, as the command line.
    const entry = (await readAuditLog(db.knex, { limit: 1000 })).find((e) => e.action === 'user.create' && e.target === 'rep@example.com');
    expect(entry).toMatchObject({ actorEmail: 'cli', detail: { roles: ['sales_rep'], osUser: userInfo().username } });
    const weak = await runCli(['user', 'create', '--email', 'x@example.com', '--password', 'short'], env);
    expect(weak.code).toBe(1);
    const missing = await runCli(['user', 'create', '--email', 'y@example.com'], env);
    expect(missing.code).toBe(2);
  });
});
