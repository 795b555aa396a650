// @vitest-environment jsdom
/**
 * The admin's value input for a reference field: a record picked by its name (never a pasted
 * id), its title shown for a saved id, the specials ("the current user") beside the records,
 * and the same picker inside the filter builder.
 */
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { JsonValue, RecordFilter } from '../../../metadata/types.ts';
import { ValueInput } from '../../../studio/src/admin/ValueInput.tsx';
import { FilterBuilder } from '../../../studio/src/admin/FilterBuilder.tsx';
import { DEAL, OBJECTS, fakeFetch, renderWithApp } from '../forms/fixtures.tsx';

const ACME = '8c5e0a3c-1111-4222-8333-444455556666';
const GLOBEX = '9d6f1b4d-2222-4333-8444-555566667777';
const accountField = DEAL.fields.find((f) => f.name === 'account')!;

let fetchCalls: Array<{ url: string }> = [];
beforeEach(() => {
  const accounts = [{ id: ACME, name: 'Acme Corp' }, { id: GLOBEX, name: 'Globex' }];
  const fake = fakeFetch((url) => {
    const u = new URL(url, 'http://test');
    if (u.pathname === '/api/metadata') return { body: { version: 1, packages: [], objects: OBJECTS, layouts: [], views: [], roles: [], reports: [], dashboards: [] } };
    if (u.pathname === '/api/records/account') {
      const filter = u.searchParams.get('filter');
      const q = (u.searchParams.get('q') ?? '').toLowerCase();
      const rows = filter ? accounts.filter((a) => filter.includes(a.id)) : accounts.filter((a) => a.name.toLowerCase().includes(q));
      return { body: { data: rows, nextCursor: null } };
    }
    return undefined;
  });
  fetchCalls = fake.calls;
  vi.stubGlobal('fetch', fake.fn);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** A ValueInput holding its own value, as the builders do; `changes` records what it reported. */
function Holder({ initial, specials, changes }: { initial?: JsonValue; specials?: Record<string, string>; changes: Array<JsonValue | undefined> }) {
  const [value, setValue] = useState<JsonValue | undefined>(initial);
  return <ValueInput label="Value 1" field={accountField} value={value} specials={specials} onChange={(v) => { changes.push(v); setValue(v); }} />;
}

const input = () => screen.getByRole('combobox', { name: 'Value 1' }) as HTMLInputElement;

describe('ValueInput for a reference field', () => {
  it('lists the records matching what is typed and stores the chosen one\'s id', async () => {
    const changes: Array<JsonValue | undefined> = [];
    renderWithApp(<Holder changes={changes} />);
    const user = userEvent.setup();
    await user.type(input(), 'glo');
    await waitFor(() => expect(fetchCalls.some((c) => c.url.includes('/api/records/account') && c.url.includes('q=glo'))).toBe(true));
    await waitFor(() => expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['Globex']));
    await user.click(screen.getByRole('option', { name: 'Globex' }));
    expect(changes).toEqual([GLOBEX]);
    // The name shows, not the id; and choosing costs no request for the title.
    expect(input().value).toBe('Globex');
    expect(fetchCalls.some((c) => c.url.includes('filter='))).toBe(false);
  });

  it('is used with the keyboard alone', async () => {
    const changes: Array<JsonValue | undefined> = [];
    renderWithApp(<Holder changes={changes} />);
    const user = userEvent.setup();
    await user.tab();
    expect(document.activeElement).toBe(input());
    await user.keyboard('acm');
    await screen.findByRole('option', { name: 'Acme Corp' });
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(1));
    await user.keyboard('{Enter}');
    expect(changes).toEqual([ACME]);
    expect(input().value).toBe('Acme Corp');
  });

  it('shows a saved id as its record\'s title', async () => {
    renderWithApp(<Holder initial={ACME} changes={[]} />);
    await waitFor(() => expect(input().value).toBe('Acme Corp'));
    expect(input().value).not.toContain(ACME);
  });

  it('says so when a saved id names no record', async () => {
    renderWithApp(<Holder initial="00000000-0000-4000-8000-000000000000" changes={[]} />);
    await waitFor(() => expect(input().value).toBe('Record not available'));
  });

  it('offers the specials above the records, and shows a chosen one by its words', async () => {
    const changes: Array<JsonValue | undefined> = [];
    renderWithApp(<Holder specials={{ '$user.id': 'the current user' }} changes={changes} />);
    const user = userEvent.setup();
    await user.click(input());
    await waitFor(() => expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['the current user', 'Acme Corp', 'Globex']));
    await user.click(screen.getByRole('option', { name: 'the current user' }));
    expect(changes).toEqual(['$user.id']);
    expect(input().value).toBe('the current user');
    // Typing filters the specials too.
    await user.clear(input());
    await user.type(input(), 'glo');
    await waitFor(() => expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['Globex']));
  });

  it('shows a saved special by its words, with no record lookup', async () => {
    renderWithApp(<Holder initial="$user.id" specials={{ '$user.id': 'the current user' }} changes={[]} />);
    expect(input().value).toBe('the current user');
    await waitFor(() => expect(fetchCalls.some((c) => c.url.includes('/api/metadata'))).toBe(true));
    expect(fetchCalls.some((c) => c.url.includes('filter='))).toBe(false);
  });

  it('clears back to no value', async () => {
    const changes: Array<JsonValue | undefined> = [];
    renderWithApp(<Holder initial={ACME} changes={changes} />);
    const user = userEvent.setup();
    await waitFor(() => expect(input().value).toBe('Acme Corp'));
    await user.clear(input());
    expect(changes).toEqual([undefined]);
    expect(input().value).toBe('');
  });
});

describe('the filter builder with a reference field', () => {
  it('builds `account = <id>` from a record picked by name', async () => {
    const filters: Array<RecordFilter | undefined> = [];
    renderWithApp(<FilterBuilder label="Show only records that match" fields={DEAL.fields} value={undefined} onChange={(f) => filters.push(f)} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Add condition' }));
    await user.click(screen.getByRole('combobox', { name: /^Field 1/ }));
    await user.click(await screen.findByRole('option', { name: /^Account/ }));
    await user.type(screen.getByRole('combobox', { name: 'Value 1' }), 'acme');
    await user.click(await screen.findByRole('option', { name: 'Acme Corp' }));
    expect(filters.at(-1)).toEqual({ account: ACME });
  });
});
