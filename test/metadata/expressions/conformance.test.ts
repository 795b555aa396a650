/**
 * The official JSON Logic test suite (/work/shared/conformance/jsonlogic/tests.json, 280
 * cases) through the compiled path. A missing or short file FAILS the run: a conformance
 * suite that silently skips proves nothing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileExpression, getCompiled, type ExpressionData } from '../../../metadata/expressions/index.ts';
import type { JsonLogic } from '../../../metadata/types.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const suitePath = path.resolve(repoRoot, '../shared/conformance/jsonlogic/tests.json');
const EXPECTED_CASES = 280;

interface Case { section: string; index: number; rule: JsonLogic; data: unknown; expected: unknown }

function loadSuite(): { cases: Case[]; error?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(suitePath, 'utf8'));
  } catch (err) {
    return { cases: [], error: `cannot read ${suitePath}: ${(err as Error).message}` };
  }
  if (!Array.isArray(raw)) return { cases: [], error: `${suitePath} is not a JSON array` };
  const cases: Case[] = [];
  let section = '(no heading)';
  let index = 0;
  for (const entry of raw) {
    if (typeof entry === 'string') {
      section = entry.replace(/^#\s*/, '');
      index = 0;
    } else if (Array.isArray(entry) && entry.length === 3) {
      cases.push({ section, index: index++, rule: entry[0] as JsonLogic, data: entry[1], expected: entry[2] });
    } else {
      return { cases, error: `unexpected entry in ${suitePath}: ${JSON.stringify(entry)}` };
    }
  }
  return { cases };
}

const suite = loadSuite();

describe('JSON Logic conformance (compiled)', () => {
  it(`loads all ${EXPECTED_CASES} cases from the shared suite`, () => {
    expect(suite.error).toBeUndefined();
    expect(suite.cases).toHaveLength(EXPECTED_CASES);
  });

  for (const c of suite.cases) {
    it(`${c.section} #${c.index}: ${JSON.stringify(c.rule)}`, () => {
      // The suite's data is sometimes null, a number or an array, not a record.
      const data = c.data as ExpressionData;
      expect(compileExpression(c.rule)(data)).toEqual(c.expected);
      // The cached path must agree, and stay right on a second run of the same function.
      const cached = getCompiled(c.rule);
      expect(cached(data)).toEqual(c.expected);
      expect(cached(data)).toEqual(c.expected);
    });
  }
});
