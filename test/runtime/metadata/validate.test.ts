/**
 * validateBundle: the good fixture passes; each broken variant gives exactly the expected
 * problems (path + code), all of them at once.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIELD_TYPES, FORMULA_RETURN_TYPES, NAME_PATTERN } from '../../../metadata/types.ts';
import type { ObjectDef, PackageBundle } from '../../../metadata/types.ts';
import { METADATA_SCHEMAS } from '../../../runtime/metadata/schemas.ts';
import { formatProblem, schemaProblems, validateBundle } from '../../../runtime/metadata/validate.ts';
import type { Problem, ValidationContext } from '../../../runtime/metadata/validate.ts';

const GOOD_TEXT = readFileSync(new URL('../../fixtures/packages/shop.bundle.json', import.meta.url), 'utf8');
const good = (): PackageBundle => JSON.parse(GOOD_TEXT) as PackageBundle;

/** Loose access for writing broken variants: the tests break the types on purpose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;
const loose = (b: PackageBundle): Loose => b as unknown as Loose;

/** `/path code`, sorted: order of reporting is not part of the contract. */
const summary = (problems: Problem[]): string[] => problems.map((p) => `${p.path} ${p.code}`).sort();

function broken(mutate: (b: Loose) => void): PackageBundle {
  const b = good();
  mutate(loose(b));
  return b;
}

// objects: 0 customer, 1 order, 2 order_line. order fields: 0 number, 1 customer, 2 status,
// 3 amount, 4 discount_pct, 5 net_amount, 6 lines_total, 7 order_date, 8 shipped_at, 9 paid.
const O = '/objects/1';

interface Case { name: string; mutate: (b: Loose) => void; expected: string[]; context?: ValidationContext }

const cases: Case[] = [
  // ── names (new fields go to order_line, index 4 on: nothing else names them) ──
  { name: 'SQL in a field name', mutate: (b) => { b.objects[2].fields.push({ name: 'x"; drop table y; --', type: 'text' }); },
    expected: ['/objects/2/fields/4/name invalid_name'] },
  { name: 'unicode field name', mutate: (b) => { b.objects[2].fields.push({ name: 'montant_€', type: 'text' }); },
    expected: ['/objects/2/fields/4/name invalid_name'] },
  { name: '41-character field name', mutate: (b) => { b.objects[2].fields.push({ name: 'a'.repeat(41), type: 'text' }); },
    expected: ['/objects/2/fields/4/name invalid_name'] },
  { name: 'uppercase, leading digit, leading _', mutate: (b) => {
    b.objects[2].fields.push({ name: 'Sku', type: 'text' }, { name: '1sku', type: 'text' }, { name: '_sku', type: 'text' });
  }, expected: ['/objects/2/fields/4/name invalid_name', '/objects/2/fields/5/name invalid_name', '/objects/2/fields/6/name invalid_name'] },
  { name: 'accented and uppercase object names', mutate: (b) => {
    b.objects.push({ name: 'ligne_de_commandé', label: 'L', fields: [] }, { name: 'OrderLine', label: 'L', fields: [] });
  }, expected: ['/objects/3/name invalid_name', '/objects/4/name invalid_name'] },
  { name: 'a 40-character name is fine', mutate: (b) => { b.objects[2].fields.push({ name: 'a'.repeat(40), type: 'text' }); }, expected: [] },
  { name: 'SQL keywords are fine names', mutate: (b) => {
    b.objects[2].fields.push({ name: 'select', type: 'text' }, { name: 'group', type: 'text' }, { name: 'table', type: 'integer' });
    b.objects.push({ name: 'user', label: 'User', fields: [{ name: 'from', type: 'text' }] });
  }, expected: [] },
  { name: 'fields named id and version', mutate: (b) => { b.objects[2].fields.push({ name: 'id', type: 'text' }, { name: 'version', type: 'integer' }); },
    expected: ['/objects/2/fields/4/name reserved_name', '/objects/2/fields/5/name reserved_name'] },
  { name: "fields named after PostgreSQL's system columns", mutate: (b) => { b.objects[2].fields.push({ name: 'xmin', type: 'text' }, { name: 'ctid', type: 'text' }, { name: 'tableoid', type: 'integer' }); },
    expected: ['/objects/2/fields/4/name reserved_name', '/objects/2/fields/5/name reserved_name', '/objects/2/fields/6/name reserved_name'] },
  { name: 'a NUL character in labels, help text and option keys (a CLI deploy never reaches the HTTP guard)', mutate: (b) => {
    b.objects[0].label = 'Cus\u0000tomer'; b.objects[2].fields[0].helpText = '\u0000'; b.package.description = 'a\u0000b';
  }, expected: ['/objects/0/label invalid_character', '/objects/2/fields/0/helpText invalid_character', '/package/description invalid_character'] },
  { name: 'hostile layout and role names', mutate: (b) => { b.layouts[0].name = '../../etc'; b.roles[0].name = 'Admin'; },
    expected: ['/layouts/0/name invalid_name', '/roles/0/name invalid_name'] },
  { name: 'a role named like the built-in admin', mutate: (b) => { b.roles[0].name = 'admin'; },
    expected: ['/roles/0/name reserved_name'] },
  { name: 'hostile role object key', mutate: (b) => { b.roles[0].objects['x"y'] = { read: true }; },
    expected: ['/roles/0/objects/x"y invalid_name', '/roles/0/objects/x"y unknown_object'] },

  // ── field shapes ──
  { name: 'reference without to', mutate: (b) => { delete b.objects[1].fields[1].to; },
    expected: [`${O}/fields/1/to required`] },
  { name: 'picklist without options', mutate: (b) => { delete b.objects[1].fields[2].options; delete b.objects[1].fields[2].default; },
    expected: [`${O}/fields/2/options required`] },
  { name: 'picklist with no options', mutate: (b) => { b.objects[1].fields[2].options = []; delete b.objects[1].fields[2].default; },
    expected: [`${O}/fields/2/options too_few`] },
  { name: 'misspelled property', mutate: (b) => { b.objects[0].fields[0].maxLenght = 3; },
    expected: ['/objects/0/fields/0/maxLenght unknown_property'] },
  { name: 'property of another type', mutate: (b) => { b.objects[0].fields[0].to = 'order'; b.objects[0].fields[0].scale = 2; },
    expected: ['/objects/0/fields/0/scale unknown_property', '/objects/0/fields/0/to unknown_property'] },
  { name: 'unknown field type', mutate: (b) => { b.objects[1].fields[9].type = 'bool'; },
    expected: [`${O}/fields/9/type invalid_value`] },
  { name: 'field without a type', mutate: (b) => { delete b.objects[1].fields[9].type; delete b.objects[1].fields[9].default; },
    expected: [`${O}/fields/9/type required`] },
  { name: 'bad onDelete', mutate: (b) => { b.objects[1].fields[1].onDelete = 'nullify'; },
    expected: [`${O}/fields/1/onDelete invalid_value`] },
  { name: 'formula without returns and expression', mutate: (b) => { delete b.objects[1].fields[5].returns; delete b.objects[1].fields[5].expression; },
    expected: [`${O}/fields/5/expression required`, `${O}/fields/5/returns required`] },
  { name: 'formula returning a picklist', mutate: (b) => { b.objects[1].fields[5].returns = 'picklist'; },
    expected: [`${O}/fields/5/returns invalid_value`] },
  { name: 'default on a formula', mutate: (b) => { b.objects[1].fields[5].default = 0; },
    expected: [`${O}/fields/5/default not_allowed`] },
  { name: 'default of the wrong type', mutate: (b) => { b.objects[1].fields[9].default = 'yes'; b.objects[2].fields[2].default = 1.5; },
    expected: [`${O}/fields/9/default invalid_type`, '/objects/2/fields/2/default invalid_type'] },
  { name: 'rollup sum without field', mutate: (b) => { delete b.objects[1].fields[6].field; },
    expected: [`${O}/fields/6/field required`] },
  { name: 'rollup of not child.field', mutate: (b) => { b.objects[1].fields[6].of = 'order_line'; },
    expected: [`${O}/fields/6/of invalid_format`] },
  { name: 'bad rollup aggregate', mutate: (b) => { b.objects[1].fields[6].aggregate = 'median'; },
    expected: [`${O}/fields/6/aggregate invalid_value`] },
  { name: 'precision out of range, negative scale', mutate: (b) => { b.objects[1].fields[3].precision = 99; b.objects[1].fields[3].scale = -1; },
    expected: [`${O}/fields/3/precision out_of_range`, `${O}/fields/3/scale out_of_range`] },
  { name: 'non-boolean required', mutate: (b) => { b.objects[1].fields[1].required = 'yes'; },
    expected: [`${O}/fields/1/required invalid_type`] },
  { name: 'fields not a list', mutate: (b) => { b.objects[2].fields = { order: 'reference' }; },
    expected: ['/objects/2/fields invalid_type',
      // the view, layout, rollup and workflow naming order_line's fields now find none
      '/layouts/1/relatedLists/0/field unknown_field', '/layouts/1/relatedLists/0/columns/0 unknown_field',
      '/layouts/1/relatedLists/0/columns/1 unknown_field', '/layouts/1/relatedLists/0/columns/2 unknown_field',
      `${O}/fields/6/of unknown_field`, `${O}/fields/6/field unknown_field`,
      '/workflows/0/actions/5/values/order unknown_field', '/workflows/0/actions/5/values/product unknown_field',
      '/workflows/0/actions/5/values/price unknown_field'] },
  { name: 'object without label, unknown property', mutate: (b) => { delete b.objects[2].label; b.objects[2].plural = 'Lines'; },
    expected: ['/objects/2/label required', '/objects/2/plural unknown_property'] },

  // ── references between names ──
  { name: 'reference to an unknown object', mutate: (b) => { b.objects[1].fields[1].to = 'client'; },
    expected: [`${O}/fields/1/to unknown_object`, '/layouts/0/relatedLists/0/field invalid_related_list', '/objects/0/fields/5/of invalid_rollup',
      '/objects/0/fields/6/of invalid_rollup', '/objects/0/fields/7/of invalid_rollup'] },
  { name: 'reference to a deployed object', context: { deployedObjects: [{ name: 'client', label: 'Client', fields: [] } satisfies ObjectDef] },
    mutate: (b) => { b.objects[2].fields.push({ name: 'client', type: 'reference', to: 'client' }); }, expected: [] },
  { name: 'rollup from an unknown child', mutate: (b) => { b.objects[1].fields[6].of = 'line.order'; },
    expected: [`${O}/fields/6/of unknown_object`] },
  { name: 'rollup through a missing reference field', mutate: (b) => { b.objects[1].fields[6].of = 'order_line.parent'; },
    expected: [`${O}/fields/6/of unknown_field`] },
  { name: 'rollup through a field that is no reference here', mutate: (b) => { b.objects[1].fields[6].of = 'order_line.product'; },
    expected: [`${O}/fields/6/of invalid_rollup`] },
  { name: 'rollup through a reference to another object', mutate: (b) => { b.objects[0].fields[6].of = 'order_line.order'; },
    expected: ['/objects/0/fields/6/of invalid_rollup'] },
  { name: 'rollup summing text', mutate: (b) => { b.objects[1].fields[6].field = 'product'; },
    expected: [`${O}/fields/6/field invalid_rollup`] },
  { name: 'rollup of an unknown child field', mutate: (b) => { b.objects[1].fields[6].field = 'cost'; },
    expected: [`${O}/fields/6/field unknown_field`] },
  { name: 'rollup max of a date and count without field are fine', mutate: (b) => { b.objects[0].fields[7].aggregate = 'min'; }, expected: [] },
  { name: 'rollup filter on an unknown child field', mutate: (b) => { b.objects[0].fields[5].filter = { state: 'x' }; },
    expected: ['/objects/0/fields/5/filter/state unknown_field'] },
  { name: 'formula naming an unknown field', mutate: (b) => { b.objects[1].fields[5].expression['*'][0].var = 'amt'; },
    expected: [`${O}/fields/5/expression/*/0/var unknown_field`] },
  { name: 'formula cycle', mutate: (b) => {
    b.objects[1].fields.push({ name: 'gross', type: 'formula', returns: 'currency', expression: { '+': [{ var: 'net_amount' }, 1] } });
    b.objects[1].fields[5].expression = { var: ['gross', 0] };
  }, expected: [`${O}/fields/10/expression formula_cycle`, `${O}/fields/5/expression formula_cycle`] },
  { name: '$previous and $user are fine, $previous of an unknown field is not', mutate: (b) => {
    b.objects[1].fields[5].expression = { '+': [{ var: '$previous.amount' }, { var: '$previous.amt' }, { '==': [{ var: '$user.id' }, 1] }] };
  }, expected: [`${O}/fields/5/expression/+/1/var unknown_field`] },
  { name: 'vars inside map read the items, not the record', mutate: (b) => {
    b.objects[1].fields[5].expression = { reduce: [{ map: [{ var: 'amount' }, { var: 'x' }] }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] };
  }, expected: [] },
  // ── what the expression engine refuses (issue 11: `pg_sleep` deployed and gave null) ──
  { name: 'unknown operators in a formula, a validation rule and a workflow condition', mutate: (b) => {
    b.objects[1].fields[5].expression = { '+': [{ pg_sleep: [2] }, { var: 'amount' }] };
    b.objects[1].validationRules[0].when = { and: [true, { eval: 'x' }] };
    b.workflows[0].trigger.when = { '==': [{ var: 'paid' }, { system: ['rm'] }] };
  }, expected: [`${O}/fields/5/expression/+/0/pg_sleep unknown_operator`, `${O}/validationRules/0/when/and/1/eval unknown_operator`,
    '/workflows/0/trigger/when/==/1/system unknown_operator'] },
  { name: 'an object of several keys is data, not an operation', mutate: (b) => {
    b.objects[1].fields[5].returns = 'boolean';
    b.objects[1].fields[5].expression = { in: [{ var: 'amount' }, [{ pg_sleep: 1, other: 2 }]] };
  }, expected: [] },
  { name: 'wrong argument count and a bad unit', mutate: (b) => {
    b.objects[1].fields[5].expression = { round: [1, 2, 3] };
    b.objects[1].validationRules[0].when = { '>': [{ date_diff: [{ var: 'order_date' }, '2024-01-01', 'weeks'] }, 3] };
  }, expected: [`${O}/fields/5/expression invalid_expression`, `${O}/validationRules/0/when invalid_expression`] },
  { name: 'a formula nested 5,000 levels deep', mutate: (b) => {
    let e: unknown = { var: 'amount' };
    for (let i = 0; i < 5000; i++) e = { '+': [e, 1] };
    b.objects[1].fields[5].expression = e;
  }, expected: [`${O}/fields/5/expression too_deep`] },
  { name: 'a validation rule nested 5,000 levels deep', mutate: (b) => {
    let e: unknown = true;
    for (let i = 0; i < 5000; i++) e = { '!': [e] };
    b.objects[1].validationRules[0].when = e;
  }, expected: [`${O}/validationRules/0/when too_deep`] },
  { name: 'validation rule on unknown names', mutate: (b) => {
    b.objects[1].validationRules[0].field = 'ship_date';
    b.objects[1].validationRules[0].when.and[1]['!'].var = 'ship_date';
  }, expected: [`${O}/validationRules/0/field unknown_field`, `${O}/validationRules/0/when/and/1/!/var unknown_field`] },
  { name: 'nameField and index on unknown fields', mutate: (b) => { b.objects[1].nameField = 'title'; b.objects[1].indexes[0].fields[1] = 'date'; },
    expected: [`${O}/indexes/0/fields/1 unknown_field`, `${O}/nameField unknown_field`] },

  // ── duplicates ──
  { name: 'duplicate object', mutate: (b) => { b.objects.push({ name: 'order_line', label: 'Again', fields: [] }); },
    expected: ['/objects/3/name duplicate_name'] },
  { name: 'duplicate field', mutate: (b) => { b.objects[1].fields.push({ name: 'amount', type: 'text' }); },
    expected: [`${O}/fields/10/name duplicate_name`] },
  { name: 'duplicate validation rule', mutate: (b) => { b.objects[1].validationRules[1].name = 'shipped_needs_date'; },
    expected: [`${O}/validationRules/1/name duplicate_name`] },
  { name: 'duplicate layout of one object; same name on two objects is fine', mutate: (b) => { b.layouts.push({ ...b.layouts[1] }); },
    expected: ['/layouts/2/name duplicate_name'] },
  { name: 'duplicate view', mutate: (b) => { b.views[1].name = 'all'; },
    expected: ['/views/1/name duplicate_name'] },
  { name: 'duplicate workflow, role, report, dashboard, extension', mutate: (b) => {
    b.workflows[2].name = 'confirm_paid';
    b.roles.push({ name: 'sales_rep', objects: {} });
    b.reports.push({ name: 'sales_by_status', object: 'order' });
    b.dashboards.push({ name: 'sales', widgets: [] });
    b.extensions.push(structuredClone(b.extensions[0]));
  }, expected: ['/dashboards/1/name duplicate_name', '/extensions/1/manifest/name duplicate_name', '/reports/1/name duplicate_name',
    '/roles/1/name duplicate_name', '/workflows/2/name duplicate_name'] },
  { name: 'duplicate picklist option, default not an option', mutate: (b) => {
    b.objects[1].fields[2].options.push({ value: 'new' });
    b.objects[1].fields[2].default = 'open';
    b.objects[0].fields[4].default = ['retail', 'export'];
  }, expected: [`${O}/fields/2/default invalid_default`, `${O}/fields/2/options/4/value duplicate_option`, '/objects/0/fields/4/default/1 invalid_default'] },
  { name: 'renamedFrom onto an existing field', mutate: (b) => { b.objects[1].fields[8].renamedFrom = 'paid'; },
    expected: [`${O}/fields/8/renamedFrom rename_collision`] },
  { name: 'two fields renamed from one', mutate: (b) => { b.objects[1].fields[8].renamedFrom = 'old'; b.objects[1].fields[9].renamedFrom = 'old'; },
    expected: [`${O}/fields/9/renamedFrom rename_collision`] },
  { name: 'object renamed from one still defined', mutate: (b) => { b.objects[2].renamedFrom = 'order'; },
    expected: ['/objects/2/renamedFrom rename_collision'] },

  // ── per-type checks ──
  { name: 'autonumber without a counter', mutate: (b) => { b.objects[1].fields[0].format = 'ORD-'; },
    expected: [`${O}/fields/0/format invalid_autonumber_format`] },
  { name: 'autonumber with two counters', mutate: (b) => { b.objects[1].fields[0].format = '{00}-{0000}'; },
    expected: [`${O}/fields/0/format invalid_autonumber_format`] },
  { name: 'scale above precision, min above max', mutate: (b) => { b.objects[1].fields[3].scale = 14; b.objects[2].fields[2].min = 20000; },
    expected: [`${O}/fields/3/scale invalid_scale`, '/objects/2/fields/2/default invalid_default', '/objects/2/fields/2/min invalid_range'] },

  // ── layouts, views ──
  { name: 'layout and view of unknown objects', mutate: (b) => { b.layouts[0].object = 'client'; b.views[0].object = 'orders'; },
    expected: ['/layouts/0/object unknown_object', '/views/0/object unknown_object'] },
  { name: 'layout with unknown and repeated fields', mutate: (b) => {
    b.layouts[0].sections[0].columns[1].fields.push('phone', 'email');
  }, expected: ['/layouts/0/sections/0/columns/1/fields/3 unknown_field', '/layouts/0/sections/0/columns/1/fields/4 duplicate_field'] },
  { name: 'related list through a non-reference', mutate: (b) => { b.layouts[1].relatedLists[0].field = 'product'; },
    expected: ['/layouts/1/relatedLists/0/field invalid_related_list'] },
  { name: 'view columns, sort and path', mutate: (b) => {
    b.views[0].columns.push('total', 'customer.region', 'amount.value', 'updatedBy', 'version');
    b.views[0].sort.push('-due');
  }, expected: ['/views/0/columns/6 unknown_field', '/views/0/columns/7 unknown_field', '/views/0/columns/8 invalid_path', '/views/0/sort/2 unknown_field'] },
  { name: 'kanban by a non-picklist', mutate: (b) => { b.views[1].groupBy = 'paid'; },
    expected: ['/views/1/groupBy not_a_picklist'] },
  { name: 'kanban without groupBy', mutate: (b) => { delete b.views[1].groupBy; },
    expected: ['/views/1/groupBy required'] },
  { name: 'view filter with unknown operator and field', mutate: (b) => { b.views[0].filter.and.push({ amount: { greater: 3 } }, { colour: 'red' }, { or: 'x' }); },
    expected: ['/views/0/filter/and/3/amount/greater unknown_operator', '/views/0/filter/and/4/colour unknown_field', '/views/0/filter/and/5/or invalid_filter'] },

  // ── workflows ──
  { name: 'record trigger without object, schedule without cron, webhook without secret', mutate: (b) => {
    delete b.workflows[0].object;
    delete b.workflows[2].trigger.cron;
    delete b.workflows[1].trigger.secret;
  }, expected: ['/workflows/0/object required', '/workflows/1/trigger/secret required', '/workflows/2/trigger/cron required'] },
  { name: 'unknown trigger and action types', mutate: (b) => { b.workflows[0].trigger.on = 'save'; b.workflows[0].actions[4].type = 'sleep'; },
    expected: ['/workflows/0/actions/4/type invalid_value', '/workflows/0/trigger/on invalid_value'] },
  { name: 'action properties per type', mutate: (b) => {
    b.workflows[0].actions[1].url = 'https://x';
    delete b.workflows[0].actions[1].subject;
    b.workflows[0].actions[4].duration = '3 days';
  }, expected: ['/workflows/0/actions/1/subject required', '/workflows/0/actions/1/url unknown_property', '/workflows/0/actions/4/duration invalid_format'] },
  { name: 'workflow writing unknown and computed fields', mutate: (b) => {
    b.workflows[0].actions[0].set = { state: 'x', net_amount: 3 };
    b.workflows[0].trigger.changed = ['payed'];
    b.workflows[2].actions[0].object = 'orders';
  }, expected: ['/workflows/0/actions/0/set/net_amount read_only_field', '/workflows/0/actions/0/set/state unknown_field',
    '/workflows/0/trigger/changed/0 unknown_field', '/workflows/2/actions/0/object unknown_object'] },

  // ── roles, reports, dashboards, extensions ──
  { name: 'role on unknown object and field, bad access', mutate: (b) => {
    b.roles[0].objects.invoice = { read: 'all' };
    b.roles[0].objects.order.update = 'mine';
    b.roles[0].fields['customer.phone'] = 'read';
    b.roles[0].fields['customer.email'] = 'write';
    b.roles[0].abilities.push('fly');
  }, expected: ['/roles/0/abilities/2 invalid_value', '/roles/0/fields/customer.email invalid_value', '/roles/0/fields/customer.phone unknown_field',
    '/roles/0/objects/invoice unknown_object', '/roles/0/objects/order/update invalid_value'] },
  { name: 'report on unknown names', mutate: (b) => {
    b.reports[0].groupBy.push('customer.region', { field: 'status', bucket: 'month' });
    b.reports[0].aggregates.push({ fn: 'avg', field: 'number', as: 'avg_number' }, { fn: 'sum', as: 'total' });
    b.reports[0].sort.push('profit');
  }, expected: ['/reports/0/aggregates/2/field invalid_aggregate', '/reports/0/aggregates/3/field required', '/reports/0/groupBy/2 unknown_field',
    '/reports/0/groupBy/3/bucket invalid_bucket', '/reports/0/sort/1 unknown_field'] },
  { name: 'report of an unknown object', mutate: (b) => { b.reports[0].object = 'sale'; },
    expected: ['/reports/0/object unknown_object'] },
  { name: 'dashboard showing an unknown report', mutate: (b) => { b.dashboards[0].widgets[0].report = 'sales_by_region'; },
    expected: ['/dashboards/0/widgets/0/report unknown_report'] },
  { name: 'dashboard showing a deployed report', context: { deployedReports: [{ name: 'sales_by_region' }] },
    mutate: (b) => { b.dashboards[0].widgets[0].report = 'sales_by_region'; }, expected: [] },
  { name: 'extension: unknown hook object, missing function, duplicate endpoint, bad limits', mutate: (b) => {
    const m = b.extensions[0].manifest;
    m.hooks[0].object = 'invoice';
    m.hooks.push({ object: 'order', event: 'afterSave', function: 'notDefined' });
    m.endpoints.push({ method: 'GET', path: '/points/:customer', function: 'points' });
    m.limits.timeoutMs = 0;
    m.version = 'v1';
  }, expected: ['/extensions/0/manifest/endpoints/1/path duplicate_endpoint', '/extensions/0/manifest/hooks/0/object unknown_object',
    '/extensions/0/manifest/hooks/1/function missing_function', '/extensions/0/manifest/limits/timeoutMs out_of_range',
    '/extensions/0/manifest/version invalid_format'] },
  { name: 'package manifest', mutate: (b) => { b.package.name = 'Shop'; b.package.version = '1.2'; b.package.dependsOn = { shop: '^1.0.0' }; },
    expected: ['/package/name invalid_name', '/package/version invalid_format'] },
  { name: 'package depending on itself', mutate: (b) => { b.package.dependsOn = { shop: '^1.0.0' }; },
    expected: ['/package/dependsOn/shop invalid_dependency'] },
  { name: 'bundle without package, with an unknown section', mutate: (b) => { delete b.package; b.scripts = []; },
    expected: ['/package required', '/scripts unknown_property'] },

  // ── every problem at once ──
  { name: 'three mistakes, three problems', mutate: (b) => {
    b.objects[1].fields[9].type = 'bool';
    b.views[1].groupBy = 'stage';
    b.roles[0].objects.invoice = { read: 'all' };
  }, expected: [`${O}/fields/9/type invalid_value`, '/roles/0/objects/invoice unknown_object', '/views/1/groupBy unknown_field'] },
];

describe('validateBundle', () => {
  it('accepts the good package', () => {
    expect(validateBundle(good())).toEqual([]);
  });

  it.each(cases)('$name', ({ mutate, expected, context }) => {
    expect(summary(validateBundle(broken(mutate), context))).toEqual([...expected].sort());
  });

  it.each([42, null, 'shop', [], true])('a bundle that is not an object (%j) is one problem', (input) => {
    const problems = validateBundle(input);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: '', code: 'invalid_type' });
    expect(problems[0].message).toMatch(/must be a JSON object/);
  });

  it('reports objects named by a dependency only when told to assume dependencies', () => {
    const b = broken((x) => { x.package.dependsOn = { 'crm-core': '^1.0.0' }; x.objects[2].fields.push({ name: 'account', type: 'reference', to: 'account' }); });
    expect(summary(validateBundle(b))).toEqual(['/objects/2/fields/4/to unknown_object']);
    expect(validateBundle(b, { assumeDependencies: true })).toEqual([]);
    // Without dependsOn, nothing outside the package can be meant.
    delete loose(b).package.dependsOn;
    expect(summary(validateBundle(b, { assumeDependencies: true }))).toEqual(['/objects/2/fields/4/to unknown_object']);
  });

  it('lets the bundle replace a deployed object of the same name', () => {
    const deployed: ObjectDef = { name: 'order_line', label: 'Old', fields: [{ name: 'sku', type: 'text' }] };
    expect(validateBundle(good(), { deployedObjects: [deployed] })).toEqual([]);
  });

  it('writes messages a person can act on', () => {
    const problems = validateBundle(broken((b) => {
      b.objects[0].fields[0].maxLenght = 3;
      b.objects[1].fields[1].to = 'client';
      b.objects[1].fields[2].name = 'x"; drop table y; --';
      b.objects[1].fields[0].format = 'A-{00}-{00}';
    }));
    const text = problems.map(formatProblem).join('\n');
    expect(text).toContain(`/objects/0/fields/0/maxLenght: unknown property 'maxLenght' for type 'text' (did you mean 'maxLength'?) [unknown_property]`);
    expect(text).toContain(`/objects/1/fields/1/to: reference 'customer' names object 'client', which is neither in this package nor deployed [unknown_object]`);
    expect(text).toContain(`/objects/1/fields/2/name: "x\\"; drop table y; --" is not a name`);
    expect(text).toContain(`'A-{00}-{00}' must hold exactly one counter`);
  });

  it('keeps long hostile values short in messages', () => {
    const [problem] = validateBundle(broken((b) => { b.objects[2].name = 'X'.repeat(5000); }));
    expect(problem.message.length).toBeLessThan(200);
  });
});

describe('schemaProblems', () => {
  it('validates one element and prefixes the path', () => {
    expect(summary(schemaProblems('field', { name: 'a', type: 'reference' }, '/fields/3'))).toEqual(['/fields/3/to required']);
    expect(schemaProblems('object', good().objects![0])).toEqual([]);
  });
});

describe('the schemas agree with metadata/types.ts', () => {
  const field = METADATA_SCHEMAS.field as { properties: { type: { enum: string[] } }; $defs: { formula: { properties: { returns: { enum: string[] } } } } };
  const common = METADATA_SCHEMAS.common as { $defs: { name: { pattern: string } } };
  it('field types', () => expect(field.properties.type.enum).toEqual([...FIELD_TYPES]));
  it('formula return types', () => expect(field.$defs.formula.properties.returns.enum).toEqual([...FORMULA_RETURN_TYPES]));
  it('the name pattern', () => expect(common.$defs.name.pattern).toEqual(NAME_PATTERN.source));
  it('every field type has its own branch', () => {
    const all = METADATA_SCHEMAS.field as { allOf: Array<{ if: { properties: { type: { const?: string; enum?: string[] } } } }> };
    const covered = all.allOf.flatMap((branch) => branch.if.properties.type.enum ?? [branch.if.properties.type.const ?? '']);
    expect(covered.sort()).toEqual([...FIELD_TYPES].sort());
  });
});
