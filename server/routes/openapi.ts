/**
 * `GET /api/openapi.json`: OpenAPI 3.1 generated from the deployed metadata for the caller's
 * roles (runtime/openapi), cached per registry version and role set. `GET /docs`: an
 * interactive reference (Swagger UI, served from node_modules: works offline, no CDN).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Engine } from '../../runtime/engine.ts';
import { OpenApiCache } from '../../runtime/openapi/document.ts';
import { policyFor } from '../../runtime/security/policy.ts';
import { requireUser, SESSION_COOKIE } from '../plugins/auth.ts';

export const OPENAPI_URL = '/api/openapi.json';
export const DOCS_URL = '/docs';

/** The only files of swagger-ui-dist we serve (not its demo index.html or initializer). */
const UI_FILES = new Set(['/swagger-ui.css', '/swagger-ui-bundle.js', '/swagger-ui-standalone-preset.js', '/favicon-32x32.png', '/favicon-16x16.png']);

function swaggerUiDir(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('swagger-ui-dist/package.json'));
}

const DOCS_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Strata API reference</title>
  <link rel="stylesheet" href="${DOCS_URL}/swagger-ui.css">
  <link rel="icon" type="image/png" href="${DOCS_URL}/favicon-32x32.png" sizes="32x32">
  <style>
    body { margin: 0; font-family: system-ui, sans-serif; }
    #strata-signin { max-width: 22rem; margin: 4rem auto; display: none; }
    #strata-signin label { display: block; margin-top: .75rem; font-weight: 600; }
    #strata-signin input { width: 100%; box-sizing: border-box; padding: .4rem; margin-top: .25rem; }
    #strata-signin button { margin-top: 1rem; padding: .5rem 1.25rem; }
    #strata-message { color: #b00020; min-height: 1.2em; }
  </style>
</head>
<body>
  <main>
    <form id="strata-signin" aria-labelledby="strata-signin-title">
      <h1 id="strata-signin-title">Sign in to see the API reference</h1>
      <p id="strata-message" role="alert"></p>
      <label for="strata-email">Email</label>
      <input id="strata-email" name="email" type="email" autocomplete="username" required>
      <label for="strata-password">Password</label>
      <input id="strata-password" name="password" type="password" autocomplete="current-password" required>
      <label for="strata-totp">One-time code (if you use two-factor sign-in)</label>
      <input id="strata-totp" name="totp" inputmode="numeric" autocomplete="one-time-code">
      <button type="submit">Sign in</button>
    </form>
    <div id="swagger-ui"></div>
  </main>
  <script src="${DOCS_URL}/swagger-ui-bundle.js"></script>
  <script src="${DOCS_URL}/swagger-ui-standalone-preset.js"></script>
  <script src="${DOCS_URL}/strata-docs.js"></script>
</body>
</html>
`;

/** Loads the document with the session cookie; shows a sign-in form when there is none. */
const DOCS_JS = `(function () {
  'use strict';
  var SPEC_URL = ${JSON.stringify(OPENAPI_URL)};
  var form = document.getElementById('strata-signin');
  var message = document.getElementById('strata-message');

  function withCredentials(request) { request.credentials = 'include'; return request; }

  function showUi() {
    form.style.display = 'none';
    window.ui = SwaggerUIBundle({
      url: SPEC_URL,
      dom_id: '#swagger-ui',
      deepLinking: true,
      withCredentials: true,
      requestInterceptor: withCredentials,
      validatorUrl: null,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: 'BaseLayout'
    });
  }

  function showSignIn(text) {
    message.textContent = text || '';
    form.style.display = 'block';
    document.getElementById('strata-email').focus();
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var body = { email: form.email.value, password: form.password.value };
    if (form.totp.value) body.totp = form.totp.value.trim();
    fetch('/api/auth/login', { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (res) {
        if (res.ok) { showUi(); return; }
        return res.json().then(function (p) { showSignIn(p.detail || 'Sign-in failed'); }, function () { showSignIn('Sign-in failed'); });
      })
      .catch(function () { showSignIn('The server cannot be reached'); });
  });

  fetch(SPEC_URL, { credentials: 'include', headers: { accept: 'application/json' } })
    .then(function (res) {
      if (res.status === 401) showSignIn('');
      else showUi();
    })
    .catch(function () { showSignIn('The server cannot be reached'); });
})();
`;

export function openApiRoutes(app: FastifyInstance, engine: Engine): void {
  const cache = new OpenApiCache();

  app.get(OPENAPI_URL, async (request, reply) => {
    const user = requireUser(request);
    const registry = engine.registry.current;
    const access = policyFor(registry, { id: user.id, roles: user.roles, teamIds: request.teamIds });
    const { json, etag } = cache.get(registry, user.roles, access, { sessionCookie: SESSION_COOKIE });
    reply.header('etag', etag).header('cache-control', 'private, no-cache').header('vary', 'Authorization, Cookie');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(json);
  });

  const page = (_request: unknown, reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(DOCS_HTML);
  app.get(DOCS_URL, page);
  app.get(`${DOCS_URL}/`, page);
  app.get(`${DOCS_URL}/strata-docs.js`, (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(DOCS_JS));

  void app.register(fastifyStatic, {
    root: swaggerUiDir(),
    prefix: `${DOCS_URL}/`,
    decorateReply: false,
    index: false,
    dotfiles: 'ignore',
    allowedPath: (pathName) => UI_FILES.has(pathName),
    maxAge: '1d',
  });
}
