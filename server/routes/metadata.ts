/** Metadata routes: read the deployed metadata, deploy a package, export it again. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readPackageBytes, type Engine } from '../../runtime/engine.ts';
import { badRequest, notFound, StrataError } from '../../runtime/errors.ts';
import { ARCHIVE_LIMITS } from '../../runtime/metadata/archive.ts';
import { exportBundle } from '../../runtime/metadata/export.ts';
import { listRecycleBin, restoreFromBin } from '../../runtime/schema/restore.ts';
import { checkArchiveAs, deployAs } from '../../runtime/security/deploys.ts';
import { requireStudio as studioRights } from '../../runtime/security/rights.ts';
import { visibleMetadata, visibleObject } from '../../runtime/security/visible-metadata.ts';
import { requireUser } from '../plugins/auth.ts';
import { actorOf } from './auth.ts';

const DEPLOY_BODY_LIMIT = 20 * 1024 * 1024;
/** What a folder archive may come as: browsers and tools name .zip, .tgz and .tar differently. */
const ARCHIVE_TYPES = ['application/zip', 'application/x-zip-compressed', 'application/gzip', 'application/x-gzip', 'application/x-tar', 'application/octet-stream'];

function requireStudio(engine: Engine, request: FastifyRequest) {
  return studioRights(engine.registry.current, requireUser(request));
}

export function metadataRoutes(app: FastifyInstance, engine: Engine): void {
  app.get('/api/metadata', async (request) => {
    return visibleMetadata(engine.registry.current, requireUser(request));
  });

  app.get<{ Params: { object: string } }>('/api/metadata/objects/:object', async (request) => {
    const obj = visibleObject(engine.registry.current, requireUser(request), request.params.object);
    if (!obj) throw notFound(`No object named ${JSON.stringify(request.params.object).slice(0, 60)}`);
    return obj;
  });

  app.post<{ Querystring: { dryRun?: string } }>('/api/metadata/deploy', { bodyLimit: DEPLOY_BODY_LIMIT }, async (request) => {
    requireStudio(engine, request);
    const dry = request.query.dryRun;
    if (dry !== undefined && dry !== 'true' && dry !== 'false') {
      throw badRequest('dryRun must be true or false', [{ field: 'dryRun', code: 'type', message: 'true or false' }]);
    }
    return deployAs(engine, actorOf(request), request.body, { dryRun: dry === 'true', door: 'http' });
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
      const bundle = await readPackageBytes(request.body);
      await checkArchiveAs(engine, actorOf(request), bundle);
      return bundle;
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
