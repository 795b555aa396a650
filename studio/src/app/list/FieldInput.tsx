/**
 * The editor for one field, picked by its kind: a text, number or date box, a yes/no or
 * option select, a multi-select of options, a record picker, or a user select. It edits a
 * Draft (fieldValue.ts); the caller turns it into the API value.
 */
import type { KeyboardEvent } from 'react';
import { Autocomplete, TextField } from '@mui/material';
import type { CrmRecord } from '../../api/types.ts';
import type { ListField } from './fields.ts';
import { optionLabel } from './fields.ts';
import { inputType, isTyped, type Draft } from './fieldValue.ts';
import { ME } from './filterModel.ts';
import { useUsers } from './listApi.ts';
import { ReferencePicker } from './ReferencePicker.tsx';

export interface FieldInputProps {
  field: ListField;
  draft: Draft;
  onChange: (draft: Draft, picked?: CrmRecord | null) => void;
  label: string;
  /** No visible label: the column header labels a cell editor; `label` is then its aria-label. */
  hiddenLabel?: boolean;
  autoFocus?: boolean;
  error?: string;
  /** Marked invalid, with the message shown elsewhere (`describedBy` names it). */
  invalid?: boolean;
  describedBy?: string;
  onKeyDown?: (e: KeyboardEvent) => void;
  onBlur?: () => void;
  /** The expanded record a reference points at now. */
  known?: CrmRecord | null;
  /** Pick several options of a picklist (filters: is any of). */
  multiple?: boolean;
  fullWidth?: boolean;
  /** A select offers "empty" (not for filters, where emptiness has its own operators). */
  allowEmpty?: boolean;
}

function UserSelect(p: FieldInputProps) {
  const users = useUsers();
  const value = typeof p.draft === 'string' ? p.draft : ME;
  return (
    <TextField
      select size="small" fullWidth={p.fullWidth} label={p.hiddenLabel ? undefined : p.label} value={value}
      onChange={(e) => p.onChange(e.target.value)} autoFocus={p.autoFocus}
      slotProps={{ select: { native: true }, htmlInput: { 'aria-label': p.hiddenLabel ? p.label : undefined }, inputLabel: { shrink: true } }}
    >
      <option value={ME}>Me</option>
      {(users.data ?? []).map((u) => <option key={u.id} value={u.id}>{u.name ?? u.email}</option>)}
      {value !== ME && !users.data?.some((u) => u.id === value) && <option value={value}>User {value.slice(0, 8)}</option>}
    </TextField>
  );
}

export function FieldInput(p: FieldInputProps) {
  const { field, draft, onChange, label, hiddenLabel, autoFocus, error, onKeyDown, onBlur, fullWidth } = p;
  const common = {
    size: 'small' as const, fullWidth, autoFocus, error: !!error || !!p.invalid, helperText: error, onKeyDown, onBlur,
    label: hiddenLabel ? undefined : label,
  };
  const aria = { ...(hiddenLabel ? { 'aria-label': label } : {}), ...(p.describedBy ? { 'aria-describedby': p.describedBy } : {}) };

  if (field.kind === 'user') return <UserSelect {...p} />;

  if (field.kind === 'reference' && field.to) {
    return (
      <ReferencePicker
        to={field.to} value={typeof draft === 'string' ? draft : null} known={p.known}
        onChange={(id, rec) => onChange(id, rec)} label={label} hiddenLabel={hiddenLabel}
        autoFocus={autoFocus} error={error} invalid={p.invalid} describedBy={p.describedBy} onKeyDown={onKeyDown} onBlur={onBlur}
      />
    );
  }

  if (field.kind === 'multipicklist' || (field.kind === 'picklist' && p.multiple)) {
    const values = Array.isArray(draft) ? draft : [];
    return (
      <Autocomplete<string, true>
        multiple size="small" fullWidth={fullWidth} options={(field.options ?? []).map((o) => o.value)}
        value={values} getOptionLabel={(v) => optionLabel(field, v)} onChange={(_, v) => onChange(v)}
        openOnFocus autoHighlight disableCloseOnSelect onBlur={onBlur}
        renderInput={({ InputProps, inputProps, InputLabelProps, ...params }) => (
          <TextField
            {...params} label={hiddenLabel ? undefined : label} autoFocus={autoFocus} error={!!error || !!p.invalid} helperText={error}
            onKeyDown={onKeyDown}
            slotProps={{ inputLabel: InputLabelProps, input: InputProps, htmlInput: { ...inputProps, ...aria } }}
          />
        )}
      />
    );
  }

  if (field.kind === 'picklist' || field.kind === 'boolean') {
    const value = draft === null || draft === undefined ? '' : String(draft);
    const options = field.kind === 'boolean'
      ? [{ value: 'true', label: 'Yes' }, { value: 'false', label: 'No' }]
      : (field.options ?? []).map((o) => ({ value: o.value, label: o.label ?? o.value }));
    return (
      <TextField
        select {...common} value={value}
        onChange={(e) => {
          const v = e.target.value;
          onChange(field.kind === 'boolean' ? (v === '' ? null : v === 'true') : v === '' ? null : v);
        }}
        slotProps={{ select: { native: true }, htmlInput: aria, inputLabel: { shrink: true } }}
      >
        {(p.allowEmpty !== false || value === '') && <option value="">{field.required && value !== '' ? '' : '—'}</option>}
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </TextField>
    );
  }

  if (isTyped(field.kind)) {
    const type = inputType(field.kind);
    const multiline = field.kind === 'longtext';
    return (
      <TextField
        {...common} type={type} value={typeof draft === 'string' ? draft : ''} multiline={multiline} maxRows={multiline ? 6 : undefined}
        onChange={(e) => onChange(e.target.value)}
        slotProps={{
          htmlInput: { ...aria, ...(type === 'number' ? { step: 'any', inputMode: 'decimal' } : {}) },
          inputLabel: type === 'date' || type === 'datetime-local' ? { shrink: true } : undefined,
        }}
      />
    );
  }

  return <TextField {...common} value={JSON.stringify(draft)} disabled slotProps={{ htmlInput: aria }} />;
}

