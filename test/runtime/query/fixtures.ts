/** Metadata shared by the query tests: account ← contact ← order, plus a self-reference. */
import type { FieldDef } from '../../../metadata/types.ts';
import type { DeployedObject } from '../../../runtime/metadata/deployed.ts';
import type { QueryContext } from '../../../runtime/query/context.ts';

function object(name: string, fields: FieldDef[], nameField?: string): DeployedObject {
  return {
    id: `obj-${name}`, package: 'test', name, label: name, nameField,
    fields: fields.map((f) => ({ ...f, id: `${name}.${f.name}`, package: 'test' })),
    validationRules: [], indexes: [],
  };
}

export const account = object('account', [
  { name: 'name', type: 'text' },
  { name: 'industry', type: 'picklist', options: [{ value: 'retail' }, { value: 'tech' }, { value: 'energy' }] },
  { name: 'tags', type: 'multipicklist', options: [{ value: 'vip' }, { value: 'new' }, { value: 'churn' }] },
  { name: 'revenue', type: 'currency' },
  { name: 'employees', type: 'integer' },
  { name: 'active', type: 'boolean' },
  { name: 'founded', type: 'date' },
  { name: 'parent', type: 'reference', to: 'account' },
  { name: 'notes', type: 'longtext' },
  { name: 'data', type: 'json' },
  { name: 'secret', type: 'text' },
], 'name');

export const contact = object('contact', [
  { name: 'first_name', type: 'text' },
  { name: 'last_name', type: 'text' },
  { name: 'email', type: 'email' },
  { name: 'phone', type: 'phone' },
  { name: 'account', type: 'reference', to: 'account' },
  { name: 'birthdate', type: 'date' },
  { name: 'score', type: 'formula', returns: 'integer', expression: 1 },
], 'last_name');

export const order = object('order', [
  { name: 'name', type: 'text' },
  { name: 'status', type: 'picklist', options: [{ value: 'new' }, { value: 'paid' }, { value: 'shipped' }] },
  { name: 'amount', type: 'currency' },
  { name: 'quantity', type: 'integer' },
  { name: 'placed_at', type: 'datetime' },
  { name: 'paid', type: 'boolean' },
  { name: 'contact', type: 'reference', to: 'contact' },
  { name: 'tags', type: 'multipicklist', options: [{ value: 'gift' }, { value: 'rush' }, { value: 'fragile' }] },
  { name: 'notes', type: 'longtext' },
  { name: 'ship_date', type: 'date' },
  { name: 'orphan', type: 'reference', to: 'nowhere' },
], 'name');

const objects = new Map([account, contact, order].map((o) => [o.name, o]));

export const USER_ID = '11111111-1111-4111-8111-111111111111';

export function ctxFor(root: DeployedObject, extra: Partial<QueryContext> = {}): QueryContext {
  return {
    object: root,
    objectByName: (name) => objects.get(name),
    user: { id: USER_ID },
    today: '2024-06-15',
    ...extra,
  };
}
