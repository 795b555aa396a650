/** Choose a record of another object by typing part of its name (the list API's `q`). */
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { Autocomplete, CircularProgress, TextField } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { listUrl, useMetadata, useRecord } from '../../api/hooks.ts';
import type { CrmRecord, Page } from '../../api/types.ts';
import { titleOf } from '../apps.ts';

export interface ReferencePickerProps {
  to: string;
  value: string | null;
  /** The expanded record when the caller has it (saves a request for its name). */
  known?: CrmRecord | null;
  onChange: (id: string | null, record: CrmRecord | null) => void;
  label: string;
  autoFocus?: boolean;
  size?: 'small' | 'medium';
  error?: string;
  invalid?: boolean;
  describedBy?: string;
  onKeyDown?: (e: KeyboardEvent) => void;
  onBlur?: () => void;
  /** Hide the visible label (a cell editor labelled by its column). */
  hiddenLabel?: boolean;
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function ReferencePicker({ to, value, known, onChange, label, autoFocus, size = 'small', error, invalid, describedBy, onKeyDown, onBlur, hiddenLabel }: ReferencePickerProps) {
  const meta = useMetadata();
  const target = meta.data?.objects.find((o) => o.name === to);
  const [input, setInput] = useState('');
  const q = useDebounced(input, 250);
  const options = useQuery({
    queryKey: ['refpick', to, q],
    queryFn: ({ signal }) => api<Page<CrmRecord>>(listUrl(to, { q: q || undefined, limit: 20, sort: target?.nameField }), { signal }),
    enabled: !!target,
    staleTime: 30_000,
  });
  const needsLookup = !!value && !(known && known.id === value);
  const current = useRecord(to, needsLookup ? value : undefined);
  const selected = useMemo(() => {
    if (!value) return null;
    if (known && known.id === value) return known;
    return current.data ?? options.data?.data.find((r) => r.id === value) ?? null;
  }, [value, known, current.data, options.data]);
  return (
    <Autocomplete<CrmRecord>
      size={size}
      options={options.data?.data ?? []}
      value={selected}
      filterOptions={(x) => x}
      getOptionLabel={(r) => titleOf(target, r)}
      isOptionEqualToValue={(a, b) => a.id === b.id}
      onChange={(_, r) => onChange(r?.id ?? null, r)}
      onInputChange={(_, v, reason) => { if (reason === 'input' || reason === 'clear') setInput(v); }}
      loading={options.isFetching}
      openOnFocus
      autoHighlight
      noOptionsText={options.isError ? 'Could not load records' : 'No matching records'}
      onBlur={onBlur}
      renderInput={({ InputProps, inputProps, InputLabelProps, ...params }) => (
        <TextField
          {...params}
          label={hiddenLabel ? undefined : label}
          autoFocus={autoFocus}
          error={!!error || !!invalid}
          helperText={error}
          onKeyDown={onKeyDown}
          slotProps={{
            inputLabel: InputLabelProps,
            htmlInput: { ...inputProps, 'aria-label': hiddenLabel ? label : undefined, 'aria-describedby': describedBy },
            input: {
              ...InputProps,
              endAdornment: (
                <>
                  {options.isFetching ? <CircularProgress color="inherit" size={16} aria-hidden /> : null}
                  {InputProps.endAdornment}
                </>
              ),
            },
          }}
        />
      )}
    />
  );
}
