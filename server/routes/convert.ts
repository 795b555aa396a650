/** Lead conversion (crm-core): `POST /api/records/lead/:id/convert`. Thin: runtime/crm does the work. */
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../runtime/engine.ts';
import { convertLead, parseConvertOptions } from '../../runtime/crm/convert-lead.ts';
import { recordContext } from './records.ts';

export function convertRoutes(app: FastifyInstance, engine: Engine): void {
  app.post<{ Params: { id: string } }>('/api/records/lead/:id/convert', async (request, reply) => {
    const ctx = recordContext(engine, request);
    const options = parseConvertOptions(request.body);
    const result = await convertLead(ctx, request.params.id, options);
    return reply.code(200).send(result);
  });
}
