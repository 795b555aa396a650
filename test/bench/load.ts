/**
 * A small HTTP load generator (autocannon is not a dependency): `concurrency` keep-alive
 * connections, each sending its next request as soon as the previous answer is read, until
 * `maxRequests` were sent or `maxSeconds` passed. It runs in a worker thread so that it does
 * not share an event loop with the servers it measures, and only ever talks to 127.0.0.1.
 */
import http from 'node:http';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

export interface LoadJob {
  port: number;
  method: 'GET' | 'POST';
  /** Cycled through, one per request. */
  paths: string[];
  /** JSON bodies, cycled through likewise. */
  bodies?: string[];
  headers?: Record<string, string>;
  concurrency: number;
  maxRequests: number;
  maxSeconds: number;
}

export interface LoadResult {
  requests: number;
  /** Answers outside 2xx, and failed connections. */
  errors: number;
  seconds: number;
  rps: number;
  p50ms: number;
  p99ms: number;
  /** The first unexpected answer, to say why. */
  firstError?: string;
}

const HOST = '127.0.0.1';

function once(agent: http.Agent, job: LoadJob, path: string, body: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...job.headers };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const req = http.request({ host: HOST, port: job.port, method: job.method, path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs one job in this thread. */
export async function drive(job: LoadJob): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const latencies: number[] = [];
  let sent = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + job.maxSeconds * 1000;
  const loop = async () => {
    while (sent < job.maxRequests && performance.now() < deadline) {
      const path = job.paths[sent % job.paths.length];
      const body = job.bodies?.length ? job.bodies[sent % job.bodies.length] : undefined;
      sent += 1;
      const t0 = performance.now();
      try {
        const res = await once(agent, job, path, body);
        if (res.status < 200 || res.status >= 300) {
          errors += 1;
          firstError ??= `${res.status} ${res.body.slice(0, 200)}`;
        }
      } catch (err) {
        errors += 1;
        firstError ??= String(err);
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { requests: sent, errors, seconds, rps: sent / seconds, p50ms: percentile(latencies, 50), p99ms: percentile(latencies, 99), firstError };
}

/** A worker thread that runs jobs one after the other. */
export class LoadGenerator {
  // The worker runs this same TypeScript file: it registers tsx's loader first, then imports it.
  private readonly worker = new Worker(
    `(async () => { (await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})).register(); await import(${JSON.stringify(import.meta.url)}); })()`,
    { eval: true },
  );

  run(job: LoadJob): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onMessage = (result: LoadResult) => { this.worker.off('error', reject); resolve(result); };
      this.worker.once('message', onMessage);
      this.worker.once('error', reject);
      this.worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', (job: LoadJob) => {
    void drive(job).then((result) => port.postMessage(result));
  });
}
