// @vitest-environment jsdom
/** The record form's widgets, rendered through the real form (rjsf, MUI) in jsdom. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import RecordForm, { type RecordFormProps } from '../../../studio/src/forms/RecordForm.tsx';
import type { CrmRecord } from '../../../studio/src/api/types.ts';
import { Markdown } from '../../../studio/src/forms/markdown.tsx';
import { DEAL, DEAL_LAYOUT, OBJECTS, fakeFetch, renderWithApp } from './fixtures.tsx';

/** An input by its label, ignoring the required asterisk MUI adds. */
function field(label: string, selector = 'input,select,textarea'): HTMLInputElement {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return screen.getByLabelText(new RegExp(`^${escaped}(\\s*\\*)?$`), { selector }) as HTMLInputElement;
}

const ACCOUNT_ID = '8c5e0a3c-1111-4222-8333-444455556666';
const OTHER_ID = '9d6f1b4d-2222-4333-8444-555566667777';

const stored: CrmRecord = {
  id: '11111111-2222-4333-8444-555555555555', version: 3, ownerId: 'u1', createdAt: '2024-01-01T00:00:00Z', createdBy: 'u1',
  updatedAt: '2024-01-02T00:00:00Z', updatedBy: 'u1',
  name: 'Big deal', email: 'buyer@example.com', phone: null, site: 'https://example.com', account: ACCOUNT_ID, stage: 'open',
  tags: ['vip'], amount: 1234.5, discount: 10, seats: 3, close_date: '2024-03-05', call_at: '2024-03-05T14:00:00.000Z',
  signed: false, summary: 'Hello **world** <script>alert(1)</script>', notes: null, net: 1111.05, line_total: 42, number: 'D-0007',
};

function setup(props: Partial<RecordFormProps> = {}) {
  const onSave = vi.fn(async (changes: Record<string, unknown>, base: CrmRecord | undefined): Promise<CrmRecord> => ({ ...(base ?? stored), ...changes, version: (base?.version ?? 0) + 1 } as CrmRecord));
  renderWithApp(
    <RecordForm object={DEAL} objects={OBJECTS} layout={DEAL_LAYOUT} record={stored} onSave={onSave} onCancel={() => {}} {...props} />,
  );
  return { onSave };
}

let fetchCalls: Array<{ url: string }> = [];
beforeEach(() => {
  const accounts = [{ id: ACCOUNT_ID, name: 'Acme Corp' }, { id: OTHER_ID, name: 'Globex' }];
  const fake = fakeFetch((url) => {
    const u = new URL(url, 'http://test');
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
  // jsdom's language: formats are checked in en-US.
  vi.spyOn(navigator, 'language', 'get').mockReturnValue('en-US');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('labels tie every input to its field label', () => {
  it('finds each field by its label', async () => {
    setup();
    for (const label of ['Name', 'Email', 'Phone', 'Website', 'Account', 'Stage', 'Tags', 'Amount', 'Discount', 'Net amount', 'Seats', 'Close date', 'Call at', 'Signed', 'Line total', 'Number']) {
      expect(field(label), label).toBeTruthy();
    }
    expect(screen.getByRole('button', { name: 'Save' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy();
  });

  it('ties help text to its input', () => {
    setup();
    const email = field('Email', 'input');
    const described = email.getAttribute('aria-describedby') ?? '';
    expect(described.split(' ').map((id) => document.getElementById(id)?.textContent)).toContain('Where the contract goes');
  });
});

describe('text widgets', () => {
  it('edits text and offers a safe link for urls and emails', async () => {
    const { onSave } = setup();
    const user = userEvent.setup();
    const name = field('Name', 'input');
    await user.clear(name);
    await user.type(name, 'Bigger deal');
    expect(screen.getByRole('link', { name: 'Open https://example.com' }).getAttribute('href')).toBe('https://example.com/');
    expect(screen.getByRole('link', { name: 'Email buyer@example.com' }).getAttribute('href')).toBe('mailto:buyer@example.com');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSave).toHaveBeenCalled());
    expect(onSave.mock.calls[0][0]).toEqual({ name: 'Bigger deal' });
  });
});

describe('picklists', () => {
  it('shows option labels and stores values', async () => {
    const { onSave } = setup();
    const user = userEvent.setup();
    const stage = field('Stage', 'select') as unknown as HTMLSelectElement;
    expect([...stage.options].map((o) => o.textContent)).toEqual(['', 'Open', 'Closed won', 'Closed lost']);
    await user.selectOptions(stage, 'lost');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSave).toHaveBeenCalled());
    expect(onSave.mock.calls[0][0]).toEqual({ stage: 'lost' });
  });

  it('multipicklist: chips of labels, adds and removes values', async () => {
    const { onSave } = setup();
    const user = userEvent.setup();
    expect(screen.getByRole('button', { name: 'VIP' })).toBeTruthy();
    await user.click(field('Tags', 'input'));
    await user.click(await screen.findByRole('option', { name: 'Europe' }));
    await user.keyboard('{Escape}');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSave).toHaveBeenCalled());
    expect(onSave.mock.calls[0][0]).toEqual({ tags: ['vip', 'eu'] });
  });
});

describe('numbers', () => {
  it('shows currency and percent formatted, edits the plain number, stores a number', async () => {
    const { onSave } = setup();
    const user = userEvent.setup();
    const amount = field('Amount', 'input');
    expect(amount.value).toBe('1,234.50');
    const discount = field('Discount', 'input');
    expect(discount.value).toBe('10.0');
    expect(screen.getByText('$')).toBeTruthy();
    await user.click(amount);
    expect(amount.value).toBe('1234.5');
    await user.clear(amount);
    await user.type(amount, '2,000.25');
    await user.tab();
    expect(amount.value).toBe('2,000.25');
    // Focus moved on to the discount: it now shows the plain number to edit.
    expect(discount.value).toBe('10');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSave).toHaveBeenCalled());
    expect(onSave.mock.calls[0][0]).toEqual({ amount: 2000.25 });
  });

  it('refuses text that is not a number, on the field', async () => {
    const { onSave } = setup();
    const user = userEvent.setup();
    const seats = field('Seats', 'input');
    await user.clear(seats);
    await user.type(seats, 'many');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Enter a whole number')).toBeTruthy();
    expect(onSave).not.toHaveBeenCalled();
    expect(seats.getAttribute('aria-invalid')).toBe('true');
  });

  it('previews formulas as you type and shows computed fields read-only', async () => {
    setup();
    const user = userEvent.setup();
    const net = field('Net amount', 'input');
    expect(net.readOnly).toBe(true);
    expect(net.value).toBe('$1,111.05');
    expect((field('Line total', 'input')).value).toBe('42');
    expect((field('Number', 'input')).value).toBe('D-0007');
    const amount = field('Amount', 'input');
    await user.clear(amount);
    await user.type(amount, '100');
    await waitFor(() => expect(net.value).toBe('$90.00'));
  });
});

describe('dates', () => {
  it('edits a date as YYYY-MM-DD and a date-time in local time, stored in UTC', async () => {
    const { onSave } = setup();
    const user = userEvent.setup();
    const date = field('Close date', 'input');
    expect(date.type).toBe('date');
    expect(date.value).toBe('2024-03-05');
    const callAt = field('Call at', 'input');
    expect(callAt.type).toBe('datetime-local');
    await user.clear(date);
    await user.type(date, '2024-04-01');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSave).toHaveBeenCalled());
    expect(onSave.mock.calls[0][0]).toEqual({ close_date: '2024-04-01' });
  });
});

describe('reference lookup', () => {
  it('shows the referenced record by its name and links to it', async () => {
    setup();
    const input = field('Account', 'input');
    await waitFor(() => expect(input.value).toBe('Acme Corp'));
    expect(screen.getByRole('link', { name: 'Open Acme Corp' }).getAttribute('href')).toBe(`/app/account/${ACCOUNT_ID}`);
  });

  it('searches as you type (q, limit 10) and stores the chosen id', async () => {
    const { onSave } = setup();
    const user = userEvent.setup();
    const input = field('Account', 'input');
    await waitFor(() => expect(input.value).toBe('Acme Corp'));
    await user.clear(input);
    await user.type(input, 'glo');
    await waitFor(() => expect(fetchCalls.some((c) => c.url.includes('q=glo') && c.url.includes('limit=10'))).toBe(true));
    const option = await screen.findByRole('option', { name: 'Globex' });
    await user.click(option);
    expect(input.value).toBe('Globex');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSave).toHaveBeenCalled());
    expect(onSave.mock.calls[0][0]).toEqual({ account: OTHER_ID });
  });
});

describe('rich text', () => {
  it('is a textarea with a preview that renders markdown and never injects HTML', async () => {
    setup();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Details' }));
    const textarea = field('Summary', 'textarea') as unknown as HTMLTextAreaElement;
    expect(textarea.value).toContain('<script>');
    await user.click(screen.getByRole('tab', { name: 'Preview' }));
    const panel = screen.getByRole('tabpanel', { name: 'Preview' });
    expect(within(panel).getByText('world').tagName).toBe('STRONG');
    expect(panel.querySelector('script')).toBeNull();
    expect(panel.textContent).toContain('<script>alert(1)</script>');
  });

  it('renders only http(s) and mailto links', () => {
    renderWithApp(<Markdown text={'[ok](https://a.example) and [bad](javascript:alert(1))\n\n- one\n- two'} />);
    expect(screen.getByRole('link', { name: 'ok' }).getAttribute('href')).toBe('https://a.example/');
    expect(screen.queryByRole('link', { name: 'bad' })).toBeNull();
    expect(screen.getAllByRole('listitem')).toHaveLength(2);
  });
});

describe('checkbox', () => {
  it('stores true/false', async () => {
    const { onSave } = setup();
    const user = userEvent.setup();
    await user.click(screen.getByLabelText('Signed'));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSave).toHaveBeenCalled());
    expect(onSave.mock.calls[0][0]).toEqual({ signed: true });
  });
});

describe('plain text of rich text (timeline previews)', () => {
  it('drops the markup, keeps the words and any angle brackets', async () => {
    const { plainText } = await import('../../../studio/src/forms/markdown.tsx');
    expect(plainText('# Plan\n\nAgreed on **three** rockets.\n\n- launch in May\n- see [the plan](https://x.example)\n\n<b>x</b> 2 > 1')).toBe('Plan Agreed on three rockets. launch in May see the plan <b>x</b> 2 > 1');
  });
});
