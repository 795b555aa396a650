/**
 * Running a statement knex has already compiled, without building it again: the hot reads
 * (a record by id, a list page) compile once per shape of request and then only run.
 * Goes through knex's own connection handling (pool, or the transaction's connection).
 */
import type { Knex } from 'knex';

/** Compiled SQL with PostgreSQL's $n placeholders, and its bindings. */
export interface NativeQuery {
  sql: string;
  bindings: readonly unknown[];
}

interface PgConnection {
  query(config: { text: string; values: unknown[] }): Promise<{ rows: Array<Record<string, unknown>> }>;
}

interface ConnectionSource {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<unknown>;
}

export function compileNative(qb: Knex.QueryBuilder): NativeQuery {
  const native = qb.toSQL().toNative();
  return { sql: native.sql, bindings: native.bindings };
}

export async function runNative(knex: Knex | Knex.Transaction, query: NativeQuery, bindings: readonly unknown[] = query.bindings): Promise<Array<Record<string, unknown>>> {
  const client = knex.client as ConnectionSource;
  const connection = await client.acquireConnection();
  try {
    return (await connection.query({ text: query.sql, values: bindings as unknown[] })).rows;
  } finally {
    await client.releaseConnection(connection);
  }
}

/** A small map that forgets its oldest entry when full. */
export class CompiledCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max = 500) {}

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, value);
  }
}
