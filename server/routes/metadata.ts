/** Metadata routes: read the deployed metadata, deploy a package, export it again. */
import type { FastifyInstance } from 'fastify';
import { readPackageBytes, type Engine } from '../../runtime/engine.ts';
import { badRequest, notFound, StrataError } from '../../runtime/errors.ts';
import { ARCHIVE_LIMITS } from '../../runtime/metadata/archive.ts';
import { exportBundle } from '../../runtime/metadata/export.ts';
import { listRecycleBin, restoreFromBin } from '../../runtime/schema/restore.ts';
import { audit } from '../../runtime/security/audit.ts';
import { requireUser } from '../plugins/auth.ts';
import { forbidden } from '../../runtime/errors.ts';
import type { FastifyRequest } from 'fastify';
import { policyFor } from '../../runtime/security/policy.ts';
import { objectRights } from '../../runtime/security/rights.ts';
import type { AccessPolicy } from '../../runtime/security/access.ts';
import type { DeployedObject } from '../../runtime/metadata/deployed.ts';

const DEPLOY_BODY_LIMIT = 20 * 1024 * 1024;
/** What a folder archive may come as: browsers and tools name .zip, .tgz and .tar differently. */
const ARCHIVE_TYPES = ['application/zip', 'application/x-zip-compressed', 'application/gzip', 'application/x-gzip', 'application/x-tar', 'application/octet-stream'];

/** Deploys, exports and the recycle bin belong to admins and holders of the `studio` ability. */
function requireStudio(engine: Engine, request: FastifyRequest) {
  const user = requireUser(request);
  if (!policyFor(engine.registry.current, user).hasAbility('studio')) throw forbidden('This needs the studio ability');
  return user;
}

/** Objects the caller may read, without the fields hidden from them. */
function visibleObjects(objects: DeployedObject[], access: AccessPolicy): DeployedObject[] {
  return objects
    .filter((o) => access.canSeeObject(o))
    .map((o) => ({ ...o, fields: o.fields.filter((f) => access.field(o, f.name) !== 'none') }));
}

function stripOwnership<T extends { package?: string }>(items: T[]): Array<Omit<T, 'package'>> {
  return items.map(({ package: _p, ...rest }) => rest);
}

export function metadataRoutes(app: FastifyInstance, engine: Engine): void {
  app.get('/api/metadata', async (request) => {
    const user = requireUser(request);
    const reg = engine.registry.current;
    const access = policyFor(reg, user);
    const objects = visibleObjects(reg.objects, access);
    const seen = new Set(objects.map((o) => o.name));
    const isAdmin = user.roles.includes('admin');
    return {
      version: reg.version,
      packages: reg.packages,
      objects,
      layouts: stripOwnership(reg.layouts.filter((l) => seen.has(l.object))),
      views: stripOwnership(reg.views.filter((v) => seen.has(v.object))),
      workflows: isAdmin ? stripOwnership(reg.workflows) : [],
      roles: isAdmin ? stripOwnership(reg.roles) : stripOwnership(reg.roles.filter((r) => user.roles.includes(r.name))),
      reports: stripOwnership(reg.reports.filter((r) => seen.has(r.object))),
      dashboards: stripOwnership(reg.dashboards),
      extensions: isAdmin ? reg.extensions.map((e) => e.manifest) : [],
      access: Object.fromEntries(objects.map((o) => [o.name, objectRights(access, o)])),
    };
  });

  app.get<{ Params: { object: string } }>('/api/metadata/objects/:object', async (request) => {
    const user = requireUser(request);
    const reg = engine.registry.current;
    const obj = visibleObjects(reg.objects.filter((o) => o.name === request.params.object), policyFor(reg, user))[0];
    if (!obj) throw notFound(`No object named ${JSON.stringify(request.params.object).slice(0, 60)}`);
    return obj;
  });

  app.post<{ Querystring: { dryRun?: string } }>('/api/metadata/deploy', { bodyLimit: DEPLOY_BODY_LIMIT }, async (request) => {
    const user = requireStudio(engine, request);
    const dry = request.query.dryRun;
    if (dry !== undefined && dry !== 'true' && dry !== 'false') {
      throw badRequest('dryRun must be true or false', [{ field: 'dryRun', code: 'type', message: 'true or false' }]);
    }
    const result = await engine.deploy(request.body, { dryRun: dry === 'true', actor: { id: user.id, email: user.email } });
    if (result.applied) {
      await audit(engine.knex, { action: 'deploy', actorId: user.id, actorEmail: user.email, ip: request.ip,
        target: `${result.package.name}@${result.package.version}`, detail: { version: result.version, steps: result.plan.length } });
    }
    return result;
  });

  // Archive bytes are parsed only here: a plugin of its own keeps the parser off every other route.
  void app.register(async (scope) => {
    scope.addContentTypeParser(ARCHIVE_TYPES, { parseAs: 'buffer', bodyLimit: ARCHIVE_LIMITS.archiveBytes }, (_request, body, done) => done(null, body));
    scope.post('/api/metadata/archive', {
      bodyLimit: ARCHIVE_LIMITS.archiveBytes,
      // Refused before the body is read: only those who may deploy get to make the server unpack.
      onRequest: async (request) => { requireStudio(engine, request); },
    }, async (request) => {
      if (!Buffer.isBuffer(request.body)) {
        throw new StrataError(415, 'unsupported_media_type', 'Send the archive\'s bytes as application/zip, application/gzip or application/x-tar');
      }
      // The bundle only: the studio shows its plan (a dry-run deploy) before anything changes.
      return readPackageBytes(request.body);
    });
  });

  app.get<{ Querystring: { package?: string } }>('/api/metadata/export', async (request) => {
    requireStudio(engine, request);
    const bundle = exportBundle(engine.registry.current, request.query.package);
    if (!bundle) throw notFound(`No package named ${JSON.stringify(request.query.package)}`);
    return bundle;
  });

  app.get('/api/metadata/recycle-bin', async (request) => {
    requireStudio(engine, request);
    return listRecycleBin(engine.knex);
  });

  app.post<{ Params: { id: string } }>('/api/metadata/recycle-bin/:id/restore', async (request) => {
    const user = requireStudio(engine, request);
    const result = await restoreFromBin(engine.knex, request.params.id, { id: user.id, email: user.email });
    await engine.registry.reload();
    return result;
  });
}
