/**
 * Every kind of field type change, run for real: the data checks and the USING conversion are
 * SQL text, so each is executed here on stored values. A change either converts every value
 * as expected, or is refused with the count of records that would not convert (and changes
 * nothing), or applies with a warning.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldDef, ObjectDef } from '../../../metadata/types.ts';
import type { TestDatabase } from '../../helpers/db.ts';
import { StrataError } from '../../../runtime/errors.ts';
import { deployBundle } from '../../../runtime/schema/deploy.ts';
import { bundle, columnsOf, systemDatabase } from './helpers.ts';

let db: TestDatabase;
let knex: Knex;
beforeAll(async () => {
  db = await systemDatabase();
  knex = db.knex;
  // A target for reference fields.
  await deployBundle(knex, bundle('targets', '1.0.0', [{ name: 'target', label: 'Target', fields: [{ name: 'name', type: 'text' }] }]));
  await knex.withSchema('crm').table('target').insert({ id: T1, name: 'T1' });
});
afterAll(async () => {
  await db.drop();
});

/** A field without its name (distributes over the union, so each type keeps its own properties). */
type Spec = FieldDef extends infer F ? (F extends FieldDef ? Omit<F, 'name'> : never) : never;
type Outcome =
  | { values: unknown[]; column: string; warnings?: string[] }
  | { refused: string[] };

interface Case { title: string; from: Spec; to: Spec; data: unknown[]; outcome: Outcome }

const T1 = '0b0e5f0a-6f5e-4a55-9d43-1c1f0a3b7c01';
const opts = (...values: string[]) => values.map((value) => ({ value }));

const cases: Case[] = [
  { title: 'integer → text', from: { type: 'integer' }, to: { type: 'text' }, data: [1, -2, null], outcome: { values: ['1', '-2', null], column: 'text' } },
  { title: 'decimal → integer, whole values', from: { type: 'decimal' }, to: { type: 'integer' }, data: [2, -3, null], outcome: { values: [2, -3, null], column: 'bigint' } },
  { title: 'decimal → integer, a fraction', from: { type: 'decimal' }, to: { type: 'integer' }, data: [2, 3.5], outcome: { refused: ['1 record has a v that is not a whole number'] } },
  { title: 'integer → decimal(5,2), too large', from: { type: 'integer' }, to: { type: 'decimal', precision: 5, scale: 2 }, data: [123, 12345, -999], outcome: { refused: ['1 record has a v too large for 3 digits before the point'] } },
  { title: 'integer → decimal', from: { type: 'integer' }, to: { type: 'currency' }, data: [123, null], outcome: { values: [123, null], column: 'numeric(18,2)' } },
  { title: 'decimal → wider decimal', from: { type: 'decimal', scale: 2 }, to: { type: 'percent', precision: 20, scale: 4 }, data: [1.25], outcome: { values: [1.25], column: 'numeric(20,4)' } },
  {
    title: 'text → decimal, rounding and not numbers', from: { type: 'text' }, to: { type: 'decimal', scale: 2 }, data: ['1.5', '1.239', 'x', ' ', null],
    outcome: { refused: ['1 record has text that is not a number', '1 record has more than 2 decimal places in v'] },
  },
  { title: 'text → decimal', from: { type: 'text' }, to: { type: 'decimal', scale: 2 }, data: ['1.5', ' 2 ', '', null], outcome: { values: [1.5, 2, null, null], column: 'numeric(18,2)' } },
  { title: 'text → boolean', from: { type: 'text' }, to: { type: 'boolean' }, data: ['yes', 'no', 'true', 'maybe'], outcome: { refused: ['1 record has text that is not yes or no'] } },
  { title: 'text → boolean, all convert', from: { type: 'text' }, to: { type: 'boolean' }, data: ['yes', 'no', 'TRUE', '0'], outcome: { values: [true, false, true, false], column: 'boolean' } },
  { title: 'text → date', from: { type: 'text' }, to: { type: 'date' }, data: ['2024-01-31', 'soon'], outcome: { refused: ['1 record has text that is not a date'] } },
  { title: 'text → date, all convert', from: { type: 'text' }, to: { type: 'date' }, data: ['2024-01-31', ''], outcome: { values: ['2024-01-31', null], column: 'date' } },
  { title: 'text → datetime', from: { type: 'text' }, to: { type: 'datetime' }, data: ['2024-01-31 10:00', '2024-02-01T00:00:00+02:00'], outcome: { values: ['2024-01-31T10:00:00.000Z', '2024-01-31T22:00:00.000Z'], column: 'timestamp with time zone' } },
  { title: 'datetime → date, a time of day', from: { type: 'datetime' }, to: { type: 'date' }, data: ['2024-01-01T00:00:00Z', '2024-01-02T10:00:00Z'], outcome: { refused: ['1 record has a time of day in v that a date would lose'] } },
  { title: 'datetime → date, midnights', from: { type: 'datetime' }, to: { type: 'date' }, data: ['2024-01-01T00:00:00Z'], outcome: { values: ['2024-01-01'], column: 'date' } },
  { title: 'date → datetime', from: { type: 'date' }, to: { type: 'datetime' }, data: ['2024-01-01'], outcome: { values: ['2024-01-01T00:00:00.000Z'], column: 'timestamp with time zone' } },
  { title: 'boolean → integer', from: { type: 'boolean' }, to: { type: 'integer' }, data: [true, false, null], outcome: { values: [1, 0, null], column: 'bigint' } },
  { title: 'integer → boolean', from: { type: 'integer' }, to: { type: 'boolean' }, data: [0, 5], outcome: { values: [false, true], column: 'boolean' } },
  { title: 'boolean → date', from: { type: 'boolean' }, to: { type: 'date' }, data: [true, null], outcome: { refused: ['1 record has a boolean value that cannot become date'] } },
  { title: 'boolean → date, all empty', from: { type: 'boolean' }, to: { type: 'date' }, data: [null], outcome: { values: [null], column: 'date' } },
  {
    title: 'multipicklist → picklist, more than one value', from: { type: 'multipicklist', options: opts('a', 'b') }, to: { type: 'picklist', options: opts('a', 'b') },
    data: [['a'], ['a', 'b']], outcome: { refused: ['1 record has a v that is not one of its options'] },
  },
  { title: 'multipicklist → picklist', from: { type: 'multipicklist', options: opts('a', 'b') }, to: { type: 'picklist', options: opts('a', 'b') }, data: [['a'], ['b'], null], outcome: { values: ['a', 'b', null], column: 'text' } },
  { title: 'text → multipicklist, unknown values', from: { type: 'text' }, to: { type: 'multipicklist', options: opts('a', 'b') }, data: ['a', 'a;b', 'z', null], outcome: { refused: ['1 record has a v value that is not one of its options'] } },
  { title: 'text → multipicklist', from: { type: 'text' }, to: { type: 'multipicklist', options: opts('a', 'b') }, data: ['a;b', 'b', ''], outcome: { values: [['a', 'b'], ['b'], null], column: 'text[]' } },
  { title: 'multipicklist → integer', from: { type: 'multipicklist', options: opts('1') }, to: { type: 'integer' }, data: [['1']], outcome: { refused: ['1 record has a multipicklist value that cannot become integer'] } },
  { title: 'multipicklist → json', from: { type: 'multipicklist', options: opts('a', 'b') }, to: { type: 'json' }, data: [['a', 'b']], outcome: { values: [['a', 'b']], column: 'jsonb' } },
  { title: 'text → email', from: { type: 'text' }, to: { type: 'email' }, data: ['x@y.io', 'nope', null], outcome: { refused: ['1 record has text that is not an email address'] } },
  { title: 'text → picklist', from: { type: 'text' }, to: { type: 'picklist', options: opts('new', 'old') }, data: ['new', 'bogus', null], outcome: { refused: ['1 record has a v that is not one of its options'] } },
  { title: 'text → picklist, all options', from: { type: 'text' }, to: { type: 'picklist', options: opts('new', 'old') }, data: ['new', 'old'], outcome: { values: ['new', 'old'], column: 'text' } },
  {
    title: 'picklist loses an option in use: a warning', from: { type: 'picklist', options: opts('a', 'b') }, to: { type: 'picklist', options: opts('a') }, data: ['a', 'b', 'b'],
    outcome: { values: ['a', 'b', 'b'], column: 'text', warnings: ['2 records have a v that is not one of its options'] },
  },
  { title: 'shorter maxLength', from: { type: 'text', maxLength: 10 }, to: { type: 'text', maxLength: 3 }, data: ['abcd', 'ab'], outcome: { refused: ['1 record has a v longer than 3 characters'] } },
  { title: 'integer → text with a maxLength', from: { type: 'integer' }, to: { type: 'text', maxLength: 2 }, data: [7, 123], outcome: { refused: ['1 record has a v longer than 2 characters'] } },
  { title: 'json → integer', from: { type: 'json' }, to: { type: 'integer' }, data: [5, 'abc', null], outcome: { refused: ['1 record has JSON that is not a whole number'] } },
  { title: 'json → integer, all numbers', from: { type: 'json' }, to: { type: 'integer' }, data: [5, '7'], outcome: { values: [5, 7], column: 'bigint' } },
  { title: 'json → decimal, rounding', from: { type: 'json' }, to: { type: 'decimal', scale: 2 }, data: [1.234, 2], outcome: { refused: ['1 record has more than 2 decimal places in v'] } },
  { title: 'json → text', from: { type: 'json' }, to: { type: 'text' }, data: ['hi', 3], outcome: { values: ['hi', '3'], column: 'text' } },
  { title: 'text → json', from: { type: 'text' }, to: { type: 'json' }, data: ['hi', null], outcome: { values: ['hi', null], column: 'jsonb' } },
  { title: 'reference → text', from: { type: 'reference', to: 'target' }, to: { type: 'text' }, data: [T1, null], outcome: { values: [T1, null], column: 'text' } },
  { title: 'text → reference', from: { type: 'text' }, to: { type: 'reference', to: 'target' }, data: [T1], outcome: { refused: ['1 record has a v that cannot point at the new target'] } },
  { title: 'text → autonumber over values', from: { type: 'text' }, to: { type: 'autonumber', format: 'N{00}' }, data: ['mine', null], outcome: { refused: ['1 record has a v that a computed field would overwrite'] } },
  { title: 'text → autonumber, empty', from: { type: 'text' }, to: { type: 'autonumber', format: 'N{00}' }, data: [null, null], outcome: { values: ['N01', 'N02'], column: 'text' } },
  { title: 'autonumber → text keeps the numbers', from: { type: 'autonumber' }, to: { type: 'text' }, data: [], outcome: { values: [], column: 'text' } },
  { title: 'formula text → formula integer: recomputed', from: { type: 'formula', returns: 'text', expression: 'x' }, to: { type: 'formula', returns: 'integer', expression: 1 }, data: ['x'], outcome: { values: [null], column: 'bigint' } },
  { title: 'longtext → text', from: { type: 'longtext' }, to: { type: 'text' }, data: ['long'], outcome: { values: ['long'], column: 'text' } },
];

function objectWith(name: string, spec: Spec): ObjectDef {
  return { name, label: name, fields: [{ name: 'n', type: 'integer' }, { ...spec, name: 'v' } as FieldDef] };
}

async function insertData(table: string, spec: Spec, data: unknown[]): Promise<void> {
  for (const [n, v] of data.entries()) {
    const value = spec.type === 'json' && v !== null ? JSON.stringify(v) : v;
    await knex.withSchema('crm').table(table).insert({ n, v: value, createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, n)).toISOString() });
  }
}

describe('field type changes on real data', () => {
  for (const [i, c] of cases.entries()) {
    it(c.title, async () => {
      const name = `c${i}`;
      await deployBundle(knex, bundle(name, '1.0.0', [objectWith(name, c.from)]));
      await insertData(name, c.from, c.data);
      const before = await knex.withSchema('crm').table(name).select('n', 'v').orderBy('n');
      const columnBefore = (await columnsOf(knex, name)).v;
      const backfilled: string[] = [];
      const change = bundle(name, '1.1.0', [objectWith(name, c.to)]);
      const run = deployBundle(knex, change, { backfill: async (_trx, _reg, items) => { backfilled.push(...items.map((x) => x.field)); } });
      if ('refused' in c.outcome) {
        const err = await run.then(() => undefined, (e: unknown) => e);
        expect(err, 'refused').toBeInstanceOf(StrataError);
        expect((err as StrataError).status).toBe(409);
        const reasons = ((err as StrataError).message.split('; ')).map((m) => m.replace(/^refuses to .*?: (?=\d+ records? )/, ''));
        expect(reasons).toEqual(c.outcome.refused);
        expect((await columnsOf(knex, name)).v).toBe(columnBefore);
        expect(await knex.withSchema('crm').table(name).select('n', 'v').orderBy('n')).toEqual(before);
        return;
      }
      const res = await run;
      expect(res.applied).toBe(true);
      expect((await columnsOf(knex, name)).v).toBe(c.outcome.column);
      const rows = await knex.withSchema('crm').table(name).select('v').orderBy('n');
      expect(rows.map((r: { v: unknown }) => r.v)).toEqual(c.outcome.values);
      const warnings = res.plan.flatMap((s) => (s.warnings ?? []).map((w) => `${w.count} record${w.count === 1 ? '' : 's'} ${w.reason}`));
      expect(warnings).toEqual(c.outcome.warnings ?? []);
      if (c.to.type === 'formula') expect(backfilled).toEqual(['v']);
    });
  }
});
