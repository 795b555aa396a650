/**
 * `COPY … FROM STDIN` (text format) through a plain pg client, for the bulk baseline:
 * pg-copy-streams is not a dependency, so this speaks the few protocol messages it needs
 * (pg's own Connection.sendCopyFromChunk / endCopyFrom) as a query object pg accepts.
 * Benchmark code only; nothing of Strata's.
 */
import type pg from 'pg';

const CHUNK = 1 << 20;

interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

class CopyIn {
  callback?: (err: Error | null) => void;
  rowCount = 0;
  private readonly done: Promise<number>;
  private resolve!: (n: number) => void;
  private reject!: (err: Error) => void;

  constructor(private readonly text: string, private readonly data: Buffer) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  get finished(): Promise<number> {
    return this.done;
  }

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    for (let at = 0; at < this.data.length; at += CHUNK) connection.sendCopyFromChunk(this.data.subarray(at, at + CHUNK));
    connection.endCopyFrom();
  }

  handleCommandComplete(msg: { text?: string }): void {
    this.rowCount = Number(/(\d+)$/.exec(msg.text ?? '')?.[1] ?? 0);
  }

  handleReadyForQuery(): void {
    this.resolve(this.rowCount);
  }

  handleError(err: Error): void {
    this.reject(err);
  }
}

/** One value in COPY's text format. */
function field(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  const s = typeof v === 'string' ? v : String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!) : s;
}

/** Writes `rows` into `table` (columns as given, quoted) with one COPY; returns the row count. */
export async function copyRows(client: pg.PoolClient | pg.Client, table: string, columns: string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): Promise<number> {
  let text = '';
  for (const row of rows) text += row.map(field).join('\t') + '\n';
  const copy = new CopyIn(`COPY ${table} (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`, Buffer.from(text));
  void client.query(copy as unknown as pg.QueryConfig);
  return copy.finished;
}
