import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../runtime/engine.ts';
import { sendProblem } from '../plugins/problem.ts';

export function healthRoutes(app: FastifyInstance, engine: Engine): void {
  app.get('/health', async (_request, reply) => {
    try {
      await engine.knex.raw('select 1');
      return { status: 'ok' };
    } catch {
      return sendProblem(reply, 503, 'database_unavailable', 'The database does not answer');
    }
  });
}
