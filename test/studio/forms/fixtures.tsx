/** A test object with one field of every kind the record form edits, and a render helper. */
import type { ReactElement, ReactNode } from 'react';
import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ThemeProvider } from '@mui/material';
import { theme } from '../../../studio/src/theme.ts';
import type { DeployedField, DeployedObject, LayoutDef } from '../../../studio/src/api/types.ts';

const f = (x: Record<string, unknown>): DeployedField => ({ id: `f-${String(x.name)}`, package: 'test', ...x }) as DeployedField;

export const ACCOUNT: DeployedObject = {
  id: 'o-account', package: 'test', name: 'account', label: 'Account', pluralLabel: 'Accounts', nameField: 'name',
  fields: [f({ name: 'name', label: 'Account name', type: 'text', required: true })],
};

export const DEAL: DeployedObject = {
  id: 'o-deal', package: 'test', name: 'deal', label: 'Deal', pluralLabel: 'Deals', nameField: 'name', trackHistory: true,
  fields: [
    f({ name: 'name', type: 'text', required: true, maxLength: 20 }),
    f({ name: 'email', type: 'email', helpText: 'Where the contract goes' }),
    f({ name: 'phone', type: 'phone' }),
    f({ name: 'site', label: 'Website', type: 'url' }),
    f({ name: 'account', type: 'reference', to: 'account' }),
    f({ name: 'stage', type: 'picklist', required: true, options: [{ value: 'open', label: 'Open' }, { value: 'won', label: 'Closed won' }, { value: 'lost', label: 'Closed lost' }] }),
    f({ name: 'tags', type: 'multipicklist', options: [{ value: 'vip', label: 'VIP' }, { value: 'eu', label: 'Europe' }, { value: 'us', label: 'United States' }] }),
    f({ name: 'amount', type: 'currency', scale: 2 }),
    f({ name: 'discount', type: 'percent', scale: 1, min: 0, max: 100 }),
    f({ name: 'seats', type: 'integer', min: 0 }),
    f({ name: 'close_date', label: 'Close date', type: 'date' }),
    f({ name: 'call_at', label: 'Call at', type: 'datetime' }),
    f({ name: 'signed', type: 'boolean' }),
    f({ name: 'summary', type: 'richtext' }),
    f({ name: 'notes', type: 'longtext' }),
    f({ name: 'net', label: 'Net amount', type: 'formula', returns: 'currency', scale: 2, expression: { '*': [{ var: 'amount' }, { '-': [1, { '/': [{ var: 'discount' }, 100] }] }] } }),
    f({ name: 'line_total', label: 'Line total', type: 'rollup', of: 'deal_line.deal', aggregate: 'sum', field: 'amount' }),
    f({ name: 'number', type: 'autonumber', format: 'D-{0000}' }),
  ],
  validationRules: [
    { name: 'won_needs_close_date', field: 'close_date', when: { and: [{ '==': [{ var: 'stage' }, 'won'] }, { '!': { var: 'close_date' } }] }, message: 'A won deal needs a close date' },
    { name: 'no_reopen', field: 'stage', on: ['update'], when: { and: [{ '==': [{ var: '$previous.stage' }, 'won'] }, { '!=': [{ var: 'stage' }, 'won'] }] }, message: 'A won deal stays won' },
  ],
};

export const DEAL_LAYOUT: LayoutDef = {
  name: 'default', object: 'deal',
  sections: [
    { label: 'Deal', columns: [{ fields: ['name', 'account', 'stage', 'tags', 'email', 'phone', 'site'] }, { fields: ['amount', 'discount', 'net', 'seats', 'close_date', 'call_at', 'signed'] }] },
    { label: 'Totals', columns: [{ fields: ['line_total', 'number'] }] },
    { label: 'Details', collapsed: true, columns: [{ fields: ['summary', 'notes'] }] },
  ],
};

export const OBJECTS = [DEAL, ACCOUNT];

export function renderWithApp(ui: ReactElement) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={qc}>
      <ThemeProvider theme={theme}>
        <MemoryRouter>{children}</MemoryRouter>
      </ThemeProvider>
    </QueryClientProvider>
  );
  return render(ui, { wrapper });
}

/** A fetch that answers from a table of `GET path → body`, recording every request. */
export function fakeFetch(routes: (url: string, init?: RequestInit) => { status?: number; body?: unknown } | undefined) {
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  const fn = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    calls.push({ url, init });
    const r = routes(url, init) ?? { status: 404, body: { title: 'Not Found', status: 404, detail: 'not mocked' } };
    const status = r.status ?? 200;
    return new Response(status === 204 ? null : JSON.stringify(r.body ?? {}), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' } });
  };
  return { fn, calls };
}
