/** `POST /api/records/:object/bulk` (CONTRACT §2): thin, runtime/records/bulk.ts does the work. */
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../runtime/engine.ts';
import { bulkRecords } from '../../runtime/records/bulk.ts';
import { recordContext } from './records.ts';

/** Bulk bodies may be large: up to 10,000 records in at most 20 MB. */
export const BULK_BODY_LIMIT = 20 * 1024 * 1024;

export function bulkRoutes(app: FastifyInstance, engine: Engine): void {
  app.post<{ Params: { object: string } }>('/api/records/:object/bulk', { bodyLimit: BULK_BODY_LIMIT }, async (request) => {
    return bulkRecords(recordContext(engine, request), request.params.object, request.body);
  });
}
