/**
 * The official JSON Logic test suite (test/fixtures/jsonlogic/tests.json, 280
 * cases) through the compiled path. A missing or short file FAILS the run: a conformance
 * suite that silently skips proves nothing.
 */
import { describe, expect, it } from 'vitest';
import { compileExpression, getCompiled, type ExpressionData } from '../../../metadata/expressions/index.ts';
import { EXPECTED_CASES, loadJsonLogicSuite } from '../../helpers/jsonlogic-suite.ts';

const suite = loadJsonLogicSuite();

describe('JSON Logic conformance (compiled)', () => {
  it(`loads all ${EXPECTED_CASES} cases from the in-repo suite`, () => {
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
