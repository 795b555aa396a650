/** Sign-in and sign-out. */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../runtime/engine.ts';
import { badRequest, unauthorized } from '../../runtime/errors.ts';
import { audit } from '../../runtime/security/audit.ts';
import { hashPassword, verifyPassword } from '../../runtime/security/passwords.ts';
import { createSession, endSession, SESSION_ABSOLUTE_HOURS } from '../../runtime/security/sessions.ts';
import { findUserByEmail } from '../../runtime/security/users.ts';
import { credentialOf, requireUser, SESSION_COOKIE } from '../plugins/auth.ts';

export function authRoutes(app: FastifyInstance, engine: Engine): void {
  // Verifying against a real hash when the user is unknown keeps timing the same either way.
  const dummyHash = hashPassword(randomBytes(16).toString('hex'));
  app.post('/api/auth/login', { config: { public: true } }, async (request, reply) => {
    const body = request.body as { email?: unknown; password?: unknown } | undefined;
    const problems = [];
    if (typeof body?.email !== 'string' || body.email.length > 254) problems.push({ field: 'email', code: 'required', message: 'Give your email' });
    if (typeof body?.password !== 'string' || body.password.length > 1024) problems.push({ field: 'password', code: 'required', message: 'Give your password' });
    if (problems.length) throw badRequest('Email and password are required', problems);
    const email = body!.email as string;
    const user = await findUserByEmail(engine.knex, email);
    const ok = await verifyPassword(user?.passwordHash ?? await dummyHash, body!.password as string);
    if (!user || !ok || !user.active) {
      await audit(engine.knex, { action: 'login.failed', actorEmail: email, ip: request.ip });
      throw unauthorized('Wrong email or password');
    }
    const token = await createSession(engine.knex, user.id, { ip: request.ip, userAgent: request.headers['user-agent'] });
    await audit(engine.knex, { action: 'login', actorId: user.id, actorEmail: user.email, ip: request.ip });
    reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true, sameSite: 'strict', path: '/', secure: request.protocol === 'https',
      maxAge: SESSION_ABSOLUTE_HOURS * 3600,
    });
    const { passwordHash: _h, ...publicUser } = user;
    return { token, user: publicUser };
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const token = credentialOf(request);
    if (token) await endSession(engine.knex, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.get('/api/auth/me', async (request) => requireUser(request));
}
