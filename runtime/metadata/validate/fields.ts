/**
 * Field definitions, type by type: options and defaults, references, rollups, formulas,
 * autonumber formats, scales and ranges.
 */
import { rollupType } from '../../../metadata/rollup-type.ts';
import type { Checker } from './checker.ts';
import { checkExpression } from './expressions.ts';
import { DATE_TYPES, NUMERIC_TYPES } from './field-types.ts';
import { checkFilter } from './filters.ts';
import { arr, objs, str } from './json.ts';
import type { Json } from './json.ts';
import { checkerLookup, valueType } from './value-types.ts';

export function checkFieldDef(c: Checker, object: Json, field: Json, path: string): void {
  const type = str(field.type);
  switch (type) {
    case 'picklist': case 'multipicklist': {
      const options = objs(field.options);
      c.duplicates(options.map(([o, m]) => [str(o.value), `${path}/options/${m}/value`]), (v) => `option '${v}'`, 'duplicate_option');
      const values = new Set(options.map(([o]) => str(o.value)));
      if (type === 'picklist' && typeof field.default === 'string' && !values.has(field.default)) {
        c.report(`${path}/default`, 'invalid_default', `default '${field.default}' is not one of the options`);
      }
      if (type === 'multipicklist') {
        arr(field.default).forEach((v, m) => {
          if (typeof v === 'string' && !values.has(v)) c.report(`${path}/default/${m}`, 'invalid_default', `default '${v}' is not one of the options`);
        });
      }
      break;
    }
    case 'reference':
      c.objectNamed(field.to, `${path}/to`, `reference '${str(field.name) ?? '?'}'`);
      break;
    case 'rollup':
      checkRollup(c, object, field, path);
      break;
    case 'formula':
      checkExpression(c, object, field.expression, `${path}/expression`);
      break;
    case 'autonumber':
      if (typeof field.format === 'string') {
        const counters = field.format.match(/\{0+\}/g) ?? [];
        const stray = /[{}]/.test(field.format.replace(/\{0+\}/g, ''));
        if (counters.length !== 1 || stray) {
          c.report(`${path}/format`, 'invalid_autonumber_format', `'${field.format}' must hold exactly one counter like {0000} (and no other braces)`);
        }
      }
      break;
    case 'decimal': case 'currency': case 'percent': {
      const precision = typeof field.precision === 'number' ? field.precision : 18;
      if (typeof field.scale === 'number' && field.scale > precision) {
        c.report(`${path}/scale`, 'invalid_scale', `scale ${field.scale} is larger than the precision ${precision}`);
      }
      checkRange(c, field, path);
      break;
    }
    case 'integer':
      checkRange(c, field, path);
      break;
    case 'text': case 'longtext': case 'richtext': case 'email': case 'phone': case 'url':
      if (typeof field.default === 'string' && typeof field.maxLength === 'number' && field.default.length > field.maxLength) {
        c.report(`${path}/default`, 'invalid_default', `the default is longer than maxLength ${field.maxLength}`);
      }
      break;
  }
}

function checkRange(c: Checker, field: Json, path: string): void {
  if (typeof field.min === 'number' && typeof field.max === 'number' && field.min > field.max) {
    c.report(`${path}/min`, 'invalid_range', `min ${field.min} is larger than max ${field.max}`);
  }
  const d = field.default;
  if (typeof d === 'number' && ((typeof field.min === 'number' && d < field.min) || (typeof field.max === 'number' && d > field.max))) {
    c.report(`${path}/default`, 'invalid_default', `the default ${d} is outside min/max`);
  }
}

function checkRollup(c: Checker, parent: Json, field: Json, path: string): void {
  if (typeof field.of !== 'string' || !field.of.includes('.')) return;
  const [childName, refName] = field.of.split('.');
  const parentName = str(parent.name) ?? '?';
  const child = c.objectNamed(childName, `${path}/of`, `rollup '${str(field.name) ?? '?'}'`);
  if (!child) return;
  const ref = c.fields(child).get(refName);
  if (!ref) {
    c.report(`${path}/of`, 'unknown_field', `'${refName}' is not a field of '${childName}'`);
  } else if (!pointsAt(ref, parentName)) {
    c.report(`${path}/of`, 'invalid_rollup', `'${field.of}' must be a reference field of '${childName}' pointing at '${parentName}'`);
  }
  let sourceKnown = field.aggregate === 'count';
  if (typeof field.field === 'string') {
    const type = c.checkField(child, field.field, `${path}/field`, true);
    const aggregate = str(field.aggregate);
    const source = c.fields(child).get(field.field);
    const effective = source ? valueType(c, source) : type;
    sourceKnown = type !== undefined;
    if (type !== undefined && aggregate !== 'count' && effective !== undefined) {
      const numeric = NUMERIC_TYPES.has(effective) || effective === 'rollup';
      const ok = aggregate === 'sum' || aggregate === 'avg' ? numeric : numeric || DATE_TYPES.has(effective);
      if (!ok) {
        const needs = aggregate === 'sum' || aggregate === 'avg' ? 'a number field' : 'a number or date field';
        c.report(`${path}/field`, 'invalid_rollup', `${aggregate ?? '?'} needs ${needs}; '${field.field}' of '${childName}' is ${effective}`);
      }
    }
  }
  // A stated result type must be the one the deploy derives (min/max of dates: a date).
  const stated = str(field.returns);
  if (stated !== undefined && sourceKnown) {
    const derived = rollupType(field, checkerLookup(c));
    if (derived !== stated) {
      const of = `${childName}${typeof field.field === 'string' ? `.${field.field}` : ''}`;
      c.report(`${path}/returns`, 'invalid_rollup', `the ${str(field.aggregate) ?? '?'} of ${of} is ${article(derived)}, so returns must be '${derived}' (or left out), not '${stated}'`);
    }
  }
  if (field.filter !== undefined) checkFilter(c, child, field.filter, `${path}/filter`);
}

function article(type: string): string {
  return type === 'number' ? 'a number' : type === 'date' ? 'a date' : 'a datetime';
}

/** Whether a field is a reference to `object`; a reference missing its `to` counts (reported already). */
export function pointsAt(field: Json, object: string | undefined): boolean {
  return field.type === 'reference' && (typeof field.to !== 'string' || field.to === object);
}
