/**
 * The official JSON Logic test suite, from the in-repo copy test/fixtures/jsonlogic/tests.json
 * (source and licence in its README). A missing or short file is an error the caller fails on:
 * a conformance suite that silently skips proves nothing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonLogic } from '../../metadata/types.ts';

export const SUITE_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/jsonlogic/tests.json');
export const EXPECTED_CASES = 280;

export interface SuiteCase { section: string; index: number; rule: JsonLogic; data: unknown; expected: unknown }

export function loadJsonLogicSuite(): { cases: SuiteCase[]; error?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(SUITE_PATH, 'utf8'));
  } catch (err) {
    return { cases: [], error: `cannot read ${SUITE_PATH}: ${(err as Error).message}` };
  }
  if (!Array.isArray(raw)) return { cases: [], error: `${SUITE_PATH} is not a JSON array` };
  const cases: SuiteCase[] = [];
  let section = '(no heading)';
  let index = 0;
  for (const entry of raw) {
    if (typeof entry === 'string') {
      section = entry.replace(/^#\s*/, '');
      index = 0;
    } else if (Array.isArray(entry) && entry.length === 3) {
      cases.push({ section, index: index++, rule: entry[0] as JsonLogic, data: entry[1], expected: entry[2] });
    } else {
      return { cases, error: `unexpected entry in ${SUITE_PATH}: ${JSON.stringify(entry)}` };
    }
  }
  return { cases };
}
