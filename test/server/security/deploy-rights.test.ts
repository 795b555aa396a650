/**
 * No self-promotion through a deploy: a holder of only the `studio` ability may change objects,
 * but a plan that puts or removes a role (record or field access, abilities) needs the rights
 * to manage roles (an admin, or `manageUsers`), through every door: a deploy, its dry run, an
 * uploaded archive, an API key. The plan marks those steps; refusals and deploys are audited.
 */
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { json, makeUsers, problem, type TestUser } from './helpers.ts';

let t: TestApp;
let designer: TestUser;
let manager: TestUser;

const ROLES_PACKAGE = {
  package: { name: 'rights-test', version: '1.0.0', dependsOn: { 'crm-core': '^1.0.0' } },
  roles: [
    { name: 'designer', label: 'Designer', objects: { account: { read: 'all' } }, abilities: ['studio'] },
    { name: 'role_keeper', label: 'Role keeper', objects: { account: { read: 'all' } }, abilities: ['studio', 'manageUsers'] },
  ],
};
/** The same package, its designer role now able to manage users: the escalation of the report. */
const promoted = (version = '1.1.0') => ({
  ...ROLES_PACKAGE,
  package: { ...ROLES_PACKAGE.package, version },
  roles: [{ ...ROLES_PACKAGE.roles[0], abilities: ['studio', 'manageUsers'] }, ROLES_PACKAGE.roles[1]],
});
const OBJECTS_ONLY = {
  package: { name: 'designer-objects', version: '1.0.0' },
  objects: [{ name: 'gadget', label: 'Gadget', nameField: 'title', fields: [{ name: 'title', type: 'text' }] }],
};

type Step = { kind: string; description: string; needsRoleRights?: boolean };
type Refusal = ReturnType<typeof problem> & { plan?: Step[]; applied?: boolean };

async function designerRole() {
  const roles = json<{ roles: Array<{ name: string; abilities?: string[] }> }>(await t.api('GET', '/api/metadata'), 200).roles;
  return roles.find((r) => r.name === 'designer');
}
const auditLog = async () => json<Array<{ action: string; actorId: string | null; actorEmail: string | null; target: string | null; detail: Record<string, unknown> }>>(
  await t.api('GET', '/api/audit?limit=1000'), 200);

beforeAll(async () => {
  t = await startTestApp();
  json(await t.api('POST', '/api/metadata/deploy', ROLES_PACKAGE), 200);
  ({ designer, manager } = await makeUsers(t, {
    designer: { email: 'designer@example.com', role: 'designer' },
    manager: { email: 'keeper@example.com', role: 'role_keeper' },
  }));
});
afterAll(async () => { await t?.close(); });

describe('a holder of the studio ability only', () => {
  it('cannot give their own role manageUsers: 403 naming the role, nothing applied, still no user list', async () => {
    const res = await t.api('POST', '/api/metadata/deploy', promoted(), { token: designer.token });
    expect(res.statusCode, res.body).toBe(403);
    const body = problem(res) as Refusal;
    expect(body.errors).toEqual([expect.objectContaining({ field: '/roles/0', code: 'needs_role_rights', message: expect.stringContaining('designer') })]);
    // The plan says which step needed the rights.
    expect(body.plan?.filter((s) => s.needsRoleRights).map((s) => s.description)).toEqual(['changes role designer']);
    expect((await designerRole())?.abilities).toEqual(['studio']);
    expect((await t.api('GET', '/api/users', undefined, { token: designer.token })).statusCode).toBe(403);
  });

  it('is refused the dry run alike', async () => {
    const res = await t.api('POST', '/api/metadata/deploy?dryRun=true', promoted(), { token: designer.token });
    expect(res.statusCode).toBe(403);
    expect(problem(res).errors?.[0].code).toBe('needs_role_rights');
  });

  it('cannot add a new role, nor remove one', async () => {
    const newRole = { package: { name: 'sneaky', version: '1.0.0' }, roles: [{ name: 'sneaky', objects: { account: { read: 'all', update: 'all' } } }] };
    expect((await t.api('POST', '/api/metadata/deploy', newRole, { token: designer.token })).statusCode).toBe(403);
    const withoutRoles = { package: { ...ROLES_PACKAGE.package, version: '1.2.0' } };
    const res = await t.api('POST', '/api/metadata/deploy?dryRun=true', withoutRoles, { token: designer.token });
    expect(res.statusCode).toBe(403);
    expect(problem(res).errors?.map((e) => e.message)).toEqual([expect.stringContaining('removes role designer'), expect.stringContaining('removes role role_keeper')]);
  });

  it('cannot even dry-run a role named admin (no one can deploy one)', async () => {
    const admin = { package: { name: 'crown', version: '1.0.0' }, roles: [{ name: 'admin', objects: {} }] };
    for (const token of [designer.token, t.adminToken]) {
      const res = await t.api('POST', '/api/metadata/deploy?dryRun=true', admin, { token });
      expect(res.statusCode).toBe(400);
      expect(problem(res).errors).toContainEqual(expect.objectContaining({ field: '/roles/0/name', code: 'reserved_name' }));
    }
  });

  it('may still deploy what changes no role, and no step is marked', async () => {
    const result = json<{ applied: boolean; plan: Step[] }>(await t.api('POST', '/api/metadata/deploy', OBJECTS_ONLY, { token: designer.token }), 200);
    expect(result.applied).toBe(true);
    expect(result.plan.some((s) => s.needsRoleRights)).toBe(false);
  });

  it('cannot get around it with an admin\'s API key limited to the designer role', async () => {
    const key = json<{ key: string }>(await t.api('POST', '/api/auth/api-keys', { name: 'designer key', role: 'designer' }), 201).key;
    expect((await t.api('POST', '/api/metadata/deploy?dryRun=true', promoted(), { token: key })).statusCode).toBe(403);
  });

  it('is refused an uploaded archive that changes a role, which an admin may upload', async () => {
    const files = {
      'rights/strata-package.json': strToU8(JSON.stringify(promoted().package)),
      'rights/roles/designer.json': strToU8(JSON.stringify(promoted().roles[0])),
      'rights/roles/role_keeper.json': strToU8(JSON.stringify(promoted().roles[1])),
    };
    const upload = (token: string) => t.app.inject({
      method: 'POST', url: '/api/metadata/archive', payload: Buffer.from(zipSync(files)),
      headers: { 'content-type': 'application/zip', authorization: `Bearer ${token}` },
    });
    const refused = await upload(designer.token);
    expect(refused.statusCode).toBe(403);
    expect(problem(refused).errors?.[0].code).toBe('needs_role_rights');
    expect(json<{ roles: unknown[] }>(await upload(t.adminToken), 200).roles).toHaveLength(2);
    expect((await designerRole())?.abilities).toEqual(['studio']);
  });

  it('leaves each refusal in the audit log, with who tried', async () => {
    const refusals = (await auditLog()).filter((e) => e.action === 'deploy.refused');
    expect(refusals.length).toBeGreaterThanOrEqual(6);
    // The designer's own tries, and the admin's key (named in the entry) limited to designer.
    expect(refusals.filter((e) => !e.detail.apiKey).every((e) => e.actorId === designer.id && e.actorEmail === designer.email)).toBe(true);
    expect(refusals.filter((e) => e.detail.apiKey)).toHaveLength(1);
    expect(refusals.map((e) => e.detail.door)).toEqual(expect.arrayContaining(['http', 'archive']));
  });
});

describe('those who may manage roles', () => {
  it('a holder of studio and manageUsers may change a role; the plan marks the step', async () => {
    const result = json<{ applied: boolean; plan: Step[] }>(await t.api('POST', '/api/metadata/deploy', promoted('1.3.0'), { token: manager.token }), 200);
    expect(result.applied).toBe(true);
    expect(result.plan.filter((s) => s.needsRoleRights).map((s) => s.description)).toEqual(['changes role designer']);
    expect((await designerRole())?.abilities).toEqual(['studio', 'manageUsers']);
  });

  it('the deploy is audited with its actor and plan', async () => {
    const entry = (await auditLog()).find((e) => e.action === 'deploy' && e.target === 'rights-test@1.3.0');
    expect(entry).toMatchObject({ actorId: manager.id, actorEmail: manager.email, detail: { door: 'http', plan: expect.arrayContaining(['changes role designer [role]']) } });
  });
});
