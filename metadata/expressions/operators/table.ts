/**
 * Every operator compileExpression accepts, and its code template. The templates live with
 * their family; the order here is the order of EXPRESSION_OPERATORS.
 */
import type { OpCompiler } from '../compiler.ts';
import { arithmetic, minOperator, maxOperator, minusOperator, plusOperator, timesOperator } from './arithmetic.ts';
import { inOperator, mergeOperator, reduceOperator, scopedOp } from './arrays.ts';
import { call } from './call.ts';
import { between, binary } from './comparison.ts';
import { missingOperator, missingSomeOperator, varOperator } from './data.ts';
import { dateCall } from './dates.ts';
import { andOr, coalesceOperator, doubleNotOperator, ifOp, notOperator } from './logic.ts';
import { logOperator } from './misc.ts';
import { catOperator, substrOperator } from './strings.ts';

export const OPERATORS: ReadonlyMap<string, OpCompiler> = new Map<string, OpCompiler>([
  ['var', varOperator],
  ['missing', missingOperator],
  ['missing_some', missingSomeOperator],
  ['if', ifOp],
  ['?:', ifOp],
  ['==', binary('==')],
  ['===', binary('===')],
  ['!=', binary('!=')],
  ['!==', binary('!==')],
  ['>', binary('>')],
  ['>=', binary('>=')],
  ['<', between('<', 'lt3')],
  ['<=', between('<=', 'le3')],
  ['!', notOperator],
  ['!!', doubleNotOperator],
  ['and', andOr(true)],
  ['or', andOr(false)],
  ['%', arithmetic('%')],
  ['/', arithmetic('/')],
  ['+', plusOperator],
  ['*', timesOperator],
  ['-', minusOperator],
  ['min', minOperator],
  ['max', maxOperator],
  ['cat', catOperator],
  ['substr', substrOperator],
  ['in', inOperator],
  ['merge', mergeOperator],
  ['map', scopedOp('map', 'array')],
  ['filter', scopedOp('filter', 'array')],
  ['all', scopedOp('all', 'bool')],
  ['none', scopedOp('none', 'bool')],
  ['some', scopedOp('some', 'bool')],
  ['reduce', reduceOperator],
  ['log', logOperator],
  // Strata additions (see the header).
  ['today', call('today', 'str', 0, 0)],
  ['now', call('now', 'str', 0, 0)],
  ['date_diff', dateCall('dateDiff', 'scalar')],
  ['date_add', dateCall('dateAdd', 'scalar')],
  ['year', call('year', 'scalar', 1, 1)],
  ['month', call('month', 'scalar', 1, 1)],
  ['lower', call('lower', 'scalar', 1, 1)],
  ['upper', call('upper', 'scalar', 1, 1)],
  ['trim', call('trim', 'scalar', 1, 1)],
  ['length', call('length', 'num', 1, 1)],
  ['round', call('round', 'scalar', 1, 2)],
  ['abs', call('abs', 'scalar', 1, 1)],
  ['coalesce', coalesceOperator],
]);
