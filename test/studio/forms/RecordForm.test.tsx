// @vitest-environment jsdom
/** The record form's behaviour: rules as you type, required fields, server errors, conflicts. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import RecordForm, { type RecordFormProps } from '../../../studio/src/forms/RecordForm.tsx';
import { ApiError } from '../../../studio/src/api/client.ts';
import type { CrmRecord } from '../../../studio/src/api/types.ts';
import { DEAL, DEAL_LAYOUT, OBJECTS, fakeFetch, renderWithApp } from './fixtures.tsx';

function field(label: string, selector = 'input,select,textarea'): HTMLInputElement {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return screen.getByLabelText(new RegExp(`^${escaped}(\\s*\\*)?$`), { selector }) as HTMLInputElement;
}

const stored: CrmRecord = {
  id: '11111111-2222-4333-8444-555555555555', version: 3, ownerId: 'u1', createdAt: '2024-01-01T00:00:00Z', createdBy: 'u1',
  updatedAt: '2024-01-02T00:00:00Z', updatedBy: 'u1', name: 'Big deal', stage: 'open', amount: 100, discount: null, net: 100,
};

type SaveFn = RecordFormProps['onSave'];

function renderForm(props: Partial<RecordFormProps> & { onSave: SaveFn }) {
  const all: RecordFormProps = { object: DEAL, objects: OBJECTS, layout: DEAL_LAYOUT, onCancel: () => {}, ...props };
  const view = renderWithApp(<RecordForm {...all} />);
  return { ...view, rerenderWith: (next: Partial<RecordFormProps>) => view.rerender(<RecordForm {...all} {...next} />) };
}

beforeEach(() => {
  vi.stubGlobal('fetch', fakeFetch(() => ({ body: { data: [], nextCursor: null } })).fn);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('checks before saving', () => {
  it('a new record: required fields are reported on their fields and nothing is sent', async () => {
    const onSave = vi.fn<SaveFn>();
    renderForm({ onSave, initial: {} });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Name is required')).toBeTruthy();
    expect(screen.getByText('Stage is required')).toBeTruthy();
    expect(screen.getByText(/The record was not created/)).toBeTruthy();
    expect(onSave).not.toHaveBeenCalled();
    // Live after the first attempt: fixing the field clears its message.
    await user.type(field('Name'), 'New deal');
    await waitFor(() => expect(screen.queryByText('Name is required')).toBeNull());
  });

  it('a validation rule shows its message on its field as soon as its inputs change', async () => {
    const onSave = vi.fn<SaveFn>();
    renderForm({ onSave, record: stored });
    const user = userEvent.setup();
    expect(screen.queryByText('A won deal needs a close date')).toBeNull();
    await user.selectOptions(field('Stage', 'select'), 'won');
    expect(await screen.findByText('A won deal needs a close date')).toBeTruthy();
    const closeDate = field('Close date');
    expect(closeDate.getAttribute('aria-invalid')).toBe('true');
    expect(closeDate.getAttribute('aria-describedby')).toContain('field_close_date__error');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(onSave).not.toHaveBeenCalled();
    await user.type(closeDate, '2024-06-30');
    await waitFor(() => expect(screen.queryByText('A won deal needs a close date')).toBeNull());
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSave).toHaveBeenCalledWith({ stage: 'won', close_date: '2024-06-30' }, stored));
  });

  it('rules see $previous: a won deal cannot be reopened', async () => {
    const onSave = vi.fn<SaveFn>();
    renderForm({ onSave, record: { ...stored, stage: 'won', close_date: '2024-01-01' } });
    const user = userEvent.setup();
    await user.selectOptions(field('Stage', 'select'), 'open');
    expect(await screen.findByText('A won deal stays won')).toBeTruthy();
  });
});

describe('what the server says', () => {
  it('shows 422 errors on the fields they name, and others above the form', async () => {
    const onSave = vi.fn<SaveFn>(async () => {
      throw new ApiError(422, { detail: 'invalid', errors: [{ field: 'name', code: 'unique', message: 'This name is taken' }, { field: '', code: 'rule', message: 'The whole record is wrong' }] });
    });
    renderForm({ onSave, record: stored });
    const user = userEvent.setup();
    await user.type(field('Name'), '!');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('This name is taken')).toBeTruthy();
    expect(screen.getByText('The whole record is wrong')).toBeTruthy();
    expect(field('Name').getAttribute('aria-invalid')).toBe('true');
    // Changing the field clears its server error.
    await user.type(field('Name'), '?');
    await waitFor(() => expect(screen.queryByText('This name is taken')).toBeNull());
  });

  it('a 412 on a field someone else changed too shows both values and saves the one chosen', async () => {
    const theirs: CrmRecord = { ...stored, version: 4, name: 'Renamed by Bob' };
    const onSave = vi.fn<SaveFn>(async (changes, base) => {
      if (base?.version === 3) throw new ApiError(412, { detail: 'version mismatch' });
      return { ...theirs, ...changes, version: 5 } as CrmRecord;
    });
    const onReload = vi.fn(async () => theirs);
    renderForm({ onSave, onReload, record: stored });
    const user = userEvent.setup();
    await user.type(field('Name'), ' 2');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const choice = await screen.findByRole('radiogroup', { name: 'Name' });
    expect(choice.textContent).toContain('Big deal 2');
    expect(choice.textContent).toContain('Renamed by Bob');
    expect(onSave).toHaveBeenCalledTimes(1);
    expect(field('Name').value).toBe('Big deal 2');
    await user.click(screen.getByRole('radio', { name: /Yours/ }));
    await user.click(screen.getByRole('button', { name: 'Save with these values' }));
    await waitFor(() => expect(onSave).toHaveBeenCalledTimes(2));
    expect(onSave).toHaveBeenLastCalledWith({ name: 'Big deal 2' }, theirs);
    await waitFor(() => expect(screen.queryByRole('radiogroup', { name: 'Name' })).toBeNull());
  });

  it('a 412 on fields only one side changed re-applies my changes on their version without asking', async () => {
    const theirs: CrmRecord = { ...stored, version: 4, amount: 250, net: 250 };
    const onSave = vi.fn<SaveFn>(async (changes, base) => {
      if (base?.version === 3) throw new ApiError(412, { detail: 'version mismatch' });
      return { ...theirs, ...changes, version: 5 } as CrmRecord;
    });
    renderForm({ onSave, onReload: async () => theirs, record: stored });
    const user = userEvent.setup();
    await user.type(field('Name'), ' 2');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(/Your changes were saved on top of theirs/)).toBeTruthy();
    expect(onSave).toHaveBeenLastCalledWith({ name: 'Big deal 2' }, theirs);
    expect(field('Name').value).toBe('Big deal 2');
  });

  it('a newer version arriving while editing shows their changes and keeps mine; a clash asks', async () => {
    const onSave = vi.fn<SaveFn>();
    const view = renderForm({ onSave, record: stored });
    const user = userEvent.setup();
    act(() => view.rerenderWith({ record: { ...stored, version: 4, name: 'Quietly updated' } }));
    await waitFor(() => expect(field('Name').value).toBe('Quietly updated'));
    await user.type(field('Name'), ' (mine)');
    act(() => view.rerenderWith({ record: { ...stored, version: 5, name: 'Changed again' } }));
    expect(await screen.findByRole('radiogroup', { name: 'Name' })).toBeTruthy();
    expect(field('Name').value).toBe('Quietly updated (mine)');
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('computed values', () => {
  it('takes new rollup values of the same version (children changed), even while editing', async () => {
    const onSave = vi.fn<SaveFn>();
    const view = renderForm({ onSave, record: { ...stored, line_total: 0 } });
    const user = userEvent.setup();
    await user.type(field('Name'), '!');
    act(() => view.rerenderWith({ record: { ...stored, line_total: 2500 } }));
    await waitFor(() => expect(field('Line total').value).toBe('2,500'));
    expect(field('Name').value).toBe('Big deal!');
    expect(screen.queryByText(/changed by someone else/)).toBeNull();
  });
});

describe('save and cancel', () => {
  it('Save is enabled only with changes; Cancel discards them', async () => {
    const onSave = vi.fn<SaveFn>();
    renderForm({ onSave, record: stored });
    const user = userEvent.setup();
    const save = screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await user.type(field('Name'), '!');
    expect(save.disabled).toBe(false);
    expect(screen.getByText('Unsaved changes')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(field('Name').value).toBe('Big deal');
    // Cancel starts the form afresh (no errors of the last check linger): ask for the button again.
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('a new record sends its filled fields and prefilled values', async () => {
    const onSave = vi.fn<SaveFn>(async (changes) => ({ ...stored, ...changes, version: 1 }));
    renderForm({ onSave, initial: { stage: 'open', account: '8c5e0a3c-1111-4222-8333-444455556666' }, prefilled: ['account'] });
    const user = userEvent.setup();
    await user.type(field('Name'), 'Fresh');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSave).toHaveBeenCalledWith({ name: 'Fresh', stage: 'open', account: '8c5e0a3c-1111-4222-8333-444455556666' }, undefined));
  });
});
