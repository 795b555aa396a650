/**
 * Serves the built front end (studio/dist) at `/`: assets as files, every other GET that a
 * browser navigates to (/app/…, /studio/…, /login) gets index.html so the client router runs.
 * Files go out precompressed (brotli or gzip) where the build wrote them.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { REPO_ROOT } from '../../runtime/engine.ts';

export const STUDIO_DIST = path.join(REPO_ROOT, 'studio', 'dist');

export async function registerStudio(app: FastifyInstance): Promise<void> {
  if (!existsSync(path.join(STUDIO_DIST, 'index.html'))) return;
  await app.register(fastifyStatic, {
    root: STUDIO_DIST,
    prefix: '/',
    wildcard: false,
    index: false,
    // studio-build.ts writes .br and .gz beside each file: sent with Content-Encoding and
    // `Vary: accept-encoding` to browsers that accept them.
    preCompressed: true,
    // Hashed assets never change; index.html always revalidates.
    setHeaders: (res, file) => {
      res.header('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}

/** For the not-found handler: answer a browser navigation with the app shell. */
export function serveAppShell(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  const url = request.url.split('?')[0];
  if (url.startsWith('/api/') || url === '/api' || url.startsWith('/docs') || url === '/health') return undefined;
  if (path.extname(url)) return undefined; // a missing asset stays a 404
  if (!existsSync(path.join(STUDIO_DIST, 'index.html'))) return undefined;
  return reply.header('cache-control', 'no-cache').sendFile('index.html', STUDIO_DIST);
}
