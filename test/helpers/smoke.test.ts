import { describe, it, expect } from 'vitest';
import { freshDatabase } from './db.ts';

describe('test database', () => {
  it('is a real, empty PostgreSQL database', async () => {
    const db = await freshDatabase();
    const { rows } = await db.knex.raw('select current_database() as name, version() as v');
    expect(rows[0].name).toMatch(/^strata_t_/);
    expect(rows[0].v).toMatch(/PostgreSQL 1[5-9]/);
    await db.drop();
  });
});
