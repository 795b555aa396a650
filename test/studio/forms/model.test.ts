/** The pure parts of record forms: layout → schema, the browser validator, rules, formats. */
import { describe, expect, it } from 'vitest';
import { fieldSchema, recordSchema } from '../../../metadata/record-schema.ts';
import type { JsonLogic, ObjectDef, ValidationRule } from '../../../metadata/types.ts';
import opportunity from '../../../metadata/packages/crm-core/objects/opportunity.json' with { type: 'json' };
import lead from '../../../metadata/packages/crm-core/objects/lead.json' with { type: 'json' };
import opportunityLayout from '../../../metadata/packages/crm-core/layouts/opportunity.default.json' with { type: 'json' };
import type { DeployedObject, LayoutDef } from '../../../studio/src/api/types.ts';
import { buildForm, changesOf, initialValues, layoutFor, widgetFor } from '../../../studio/src/forms/layout.ts';
import { checkValue } from '../../../studio/src/forms/validator.ts';
import { expressionFields, failingRules, previewFormulas } from '../../../studio/src/forms/rules.ts';
import { displayValue, formatNumber, parseNumber, fromLocalInput, toLocalInput } from '../../../studio/src/forms/format.ts';
import { fieldLabel } from '../../../studio/src/forms/labels.ts';
import type { RJSFSchema } from '@rjsf/utils';
import { DEAL, DEAL_LAYOUT } from './fixtures.tsx';

const deployed = (o: unknown): DeployedObject => {
  const obj = o as ObjectDef;
  return { ...obj, id: obj.name, package: 'crm-core', fields: obj.fields.map((f) => ({ ...f, id: f.name, package: 'crm-core' })) } as DeployedObject;
};
const OPP = deployed(opportunity);
const LEAD = deployed(lead);

describe('layout → form', () => {
  it('places the layout\'s sections and columns, titles fields with their labels, marks required ones', () => {
    const m = buildForm(OPP, opportunityLayout as LayoutDef, { isNew: false });
    expect(m.sections.map((s) => s.label)).toEqual(['Opportunity', 'Amounts', 'Description']);
    expect(m.sections[0].columns[0]).toEqual(['name', 'account', 'contact', 'type', 'lead_source', 'campaign']);
    expect(m.sections[2].collapsed).toBe(true);
    const props = m.schema.properties as Record<string, RJSFSchema>;
    expect(props.name.title).toBe('Name');
    expect(props.close_date.title).toBe('Close date');
    expect(props.net_amount.readOnly).toBe(true);
    expect(m.schema.required).toEqual(['name', 'account', 'stage']);
    expect(m.editable).not.toContain('net_amount');
    expect(m.uiSchema.account).toEqual({ 'ui:widget': 'reference' });
    expect(m.uiSchema.amount).toEqual({ 'ui:widget': 'currency' });
    expect(m.uiSchema.net_amount).toEqual({ 'ui:widget': 'readonly' });
  });

  it('uses the same JSON Schema per field as the server (metadata/record-schema.ts)', () => {
    const m = buildForm(OPP, opportunityLayout as LayoutDef, { isNew: false });
    const server = recordSchema(OPP, 'read').properties ?? {};
    for (const [name, s] of Object.entries(m.schema.properties as Record<string, RJSFSchema>)) {
      const { title: _t, ...mine } = s;
      const { title: _s, ...theirs } = server[name] ?? {};
      expect(mine).toEqual(theirs);
    }
  });

  it('on a new record hides rollups and numbers, and shows required or prefilled fields the layout lacks', () => {
    const m = buildForm(DEAL, { name: 'x', object: 'deal', sections: [{ label: 'A', columns: [{ fields: ['email', 'line_total', 'number'] }] }] }, { isNew: true, include: ['account'] });
    expect(m.sections.map((s) => s.label)).toEqual(['A', 'More fields']);
    expect(m.sections[0].columns[0]).toEqual(['email']);
    expect(m.sections[1].columns[0]).toEqual(['name', 'account', 'stage']);
  });

  it('without a layout shows every field in two columns', () => {
    const m = buildForm(DEAL, undefined, { isNew: false });
    expect(m.sections).toHaveLength(1);
    expect(m.sections[0].columns.flat()).toHaveLength(DEAL.fields.length);
    expect(layoutFor([DEAL_LAYOUT, { ...DEAL_LAYOUT, name: 'other' }], 'deal')?.name).toBe('default');
  });

  it('maps every field type to a widget', () => {
    expect(DEAL.fields.map((f) => [f.name, widgetFor(f)])).toEqual([
      ['name', 'text'], ['email', 'text'], ['phone', 'text'], ['site', 'text'], ['account', 'reference'], ['stage', 'picklist'],
      ['tags', 'multipicklist'], ['amount', 'currency'], ['discount', 'percent'], ['seats', 'number'], ['close_date', 'date'],
      ['call_at', 'datetime'], ['signed', 'checkbox'], ['summary', 'richtext'], ['notes', 'textarea'], ['net', 'readonly'],
      ['line_total', 'readonly'], ['number', 'readonly'],
    ]);
  });

  it('prefills a new record from defaults and the URL, typed by field', () => {
    const { values, prefilled } = initialValues(OPP, new URLSearchParams('account=8c5e0a3c-1111-4222-8333-444455556666&amount=1200&unknown=1'), 'u1');
    expect(values).toMatchObject({ stage: 'prospecting', account: '8c5e0a3c-1111-4222-8333-444455556666', amount: 1200 });
    expect(prefilled).toEqual(['account', 'amount']);
  });

  it('saves only what changed (empty → null), or every filled field of a new record', () => {
    expect(changesOf(['a', 'b', 'c'], { a: 1, b: undefined, c: ['x'] }, { a: 1, b: 'old', c: ['x'] })).toEqual({ b: null });
    expect(changesOf(['a', 'b'], { a: 'x', b: '' }, undefined)).toEqual({ a: 'x' });
  });
});

describe('the browser validator interprets the record schema without eval', () => {
  const schema = (fields: DeployedObject['fields'], required: string[] = []): RJSFSchema =>
    ({ type: 'object', properties: Object.fromEntries(fields.map((f) => [f.name, { ...fieldSchema(f), title: fieldLabel(f) }])), required }) as RJSFSchema;
  const s = schema(DEAL.fields, ['name', 'stage']);

  it('reports required fields with their labels', () => {
    const errors = checkValue(s, { name: '' });
    expect(errors.map((e) => [e.property, e.message])).toEqual([['.name', 'Name is required'], ['.stage', 'Stage is required']]);
  });

  it('checks formats, limits, options and scale with messages for people', () => {
    const errors = checkValue(s, {
      name: 'x'.repeat(21), stage: 'nope', email: 'not-an-email', phone: 'call me', site: 'javascript:alert(1)',
      account: 'abc', amount: 1.234, seats: 1.5, close_date: '2024-02-30', tags: ['vip', 'vip'],
    });
    const byField = Object.fromEntries(errors.map((e) => [e.property, e.message]));
    expect(byField).toEqual({
      '.name': 'At most 20 characters',
      '.stage': 'Choose one of the options',
      '.email': 'Enter an email address, e.g. name@example.com',
      '.phone': 'Enter a phone number, e.g. +1 555 123 4567',
      '.site': 'Enter a web address starting with http:// or https://',
      '.account': 'Choose a record',
      '.amount': 'At most 2 decimal places',
      '.seats': 'Enter a whole number',
      '.close_date': 'Enter a date',
      '.tags': 'Choose each option only once',
    });
  });

  it('accepts a valid record, and null for empty fields', () => {
    expect(checkValue(s, { name: 'Deal', stage: 'won', email: 'a@b.co', phone: '+1 (555) 123-4567', site: 'https://x.example', account: '8c5e0a3c-1111-4222-8333-444455556666', amount: 10.5, close_date: '2024-02-29', tags: ['vip'], notes: null })).toEqual([]);
  });

  it('says "Enter a number" for text typed into a number field', () => {
    expect(checkValue(s, { name: 'x', stage: 'won', amount: 'abc' }).map((e) => e.message)).toEqual(['Enter a number']);
  });
});

describe('rules in the browser (json-logic-js), as the server has them', () => {
  it('fails crm-core\'s "won needs a close date" on its field, with its message', () => {
    const problems = failingRules(OPP.validationRules, { name: 'x', stage: 'closed_won', amount: 10 });
    expect(problems.map((p) => [p.rule, p.field, p.message])).toEqual([['won_needs_close_date', 'close_date', 'A won deal needs a close date']]);
    expect([...problems[0].reads].sort()).toEqual(['close_date', 'stage']);
    expect(failingRules(OPP.validationRules, { name: 'x', stage: 'closed_won', amount: 10, close_date: '2024-05-01' })).toEqual([]);
  });

  it('gives rules $previous on update and honours `on`', () => {
    const rules = LEAD.validationRules;
    expect(failingRules(rules, { last_name: 'x', email: 'a@b.co', status: 'working' }, { previous: { status: 'converted' } }).map((p) => p.rule)).toEqual(['conversion_is_final']);
    expect(failingRules(rules, { last_name: 'x', email: 'a@b.co', status: 'working' }).map((p) => p.rule)).toEqual([]);
    expect(failingRules(rules, { last_name: 'x', status: 'new' }).map((p) => p.rule)).toEqual(['email_or_phone']);
  });

  it('previews formulas as the server computes them', () => {
    expect(previewFormulas(OPP, { amount: 1000, discount_pct: 15, probability: 40 })).toMatchObject({ net_amount: 850, expected_revenue: 400 });
    expect(previewFormulas(LEAD, { first_name: 'Ada', last_name: 'Lovelace' }).full_name).toBe('Ada Lovelace');
    expect(previewFormulas(OPP, { amount: null }).net_amount).toBeNull();
  });

  it('knows which fields an expression reads', () => {
    expect([...expressionFields({ and: [{ var: 'a.b' }, { '!': { var: ['c', 1] } }, { var: '$previous.d' }] })]).toEqual(['a', 'c']);
  });

  it('supports Strata\'s operations (today, lower, coalesce, date_diff)', () => {
    const when: JsonLogic = { and: [{ '==': [{ lower: { var: 'x' } }, 'abc'] }, { '==': [{ coalesce: [null, 2] }, 2] }, { '==': [{ date_diff: ['2024-01-01', '2024-01-31'] }, 30] }, { '<=': [{ var: 'd' }, { today: [] }] }] };
    const rules: ValidationRule[] = [{ name: 'r', field: 'x', message: 'm', when }];
    expect(failingRules(rules, { x: 'ABC', d: '2000-01-01' })).toHaveLength(1);
  });
});

describe('locale formats', () => {
  it('formats currency, percent and numbers in the locale', () => {
    expect(formatNumber(1234.5, 'currency', 2, 'en-US')).toBe('$1,234.50');
    expect(formatNumber(12.5, 'percent', 1, 'en-US')).toBe('12.5%');
    expect(formatNumber(1234.5, 'decimal', 2, 'de-DE')).toBe('1.234,50');
  });

  it('reads numbers typed in the locale, with grouping, symbols or junk', () => {
    expect(parseNumber('1,234.50', 'en-US')).toBe(1234.5);
    expect(parseNumber('$ 99', 'en-US')).toBe(99);
    expect(parseNumber('1.234,5', 'de-DE')).toBe(1234.5);
    expect(parseNumber('12,5 %', 'de-DE')).toBe(12.5);
    expect(parseNumber('', 'en-US')).toBeUndefined();
    expect(parseNumber('twelve', 'en-US')).toBeNaN();
  });

  it('shows stored values as text (labels, dates, booleans)', () => {
    const stage = OPP.fields.find((f) => f.name === 'stage');
    expect(displayValue(stage, 'closed_won')).toBe('Closed won');
    expect(displayValue(OPP.fields.find((f) => f.name === 'close_date'), '2024-03-05', 'en-US')).toBe('Mar 5, 2024');
    expect(displayValue(DEAL.fields.find((f) => f.name === 'signed'), true)).toBe('Yes');
  });

  it('edits date-times in local time and stores UTC', () => {
    const iso = '2024-05-01T09:30:00.000Z';
    expect(fromLocalInput(toLocalInput(iso))).toBe(iso);
  });
});
