/**
 * Choose a record of another object by typing part of its name (the list API's `q`). The one
 * record picker of the studio: lookups in lists, the rule tester's record, and reference values
 * in the admin's builders — those add specials such as "the current user", offered above the
 * records, because a role filter like `ownerId = $user.id` names no record.
 */
import { useMemo, useState, type KeyboardEvent } from 'react';
import { Autocomplete, CircularProgress, TextField, type SxProps, type Theme } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { listUrl, useMetadata } from '../../api/hooks.ts';
import type { CrmRecord, Page } from '../../api/types.ts';
import { recordTitle, useRecordTitle } from '../../forms/titles.ts';
import { useDebounced } from '../../useDebounced.ts';

export interface ReferencePickerProps {
  to: string;
  /** The chosen record's id, or one of `specials`' keys. */
  value: string | null;
  /** The expanded record when the caller has it (saves a request for its name). */
  known?: CrmRecord | null;
  /** The id (or special) chosen, and the record when it is one. */
  onChange: (id: string | null, record: CrmRecord | null) => void;
  label: string;
  /** Values that stand for a record without being one (`$user.id` → "the current user"). */
  specials?: Record<string, string>;
  /** The order of the suggestions (a list API `sort`); by the target's name field if not given. */
  sort?: string;
  autoFocus?: boolean;
  size?: 'small' | 'medium';
  sx?: SxProps<Theme>;
  error?: string;
  helperText?: string;
  invalid?: boolean;
  describedBy?: string;
  onKeyDown?: (e: KeyboardEvent) => void;
  onBlur?: () => void;
  /** Hide the visible label (a cell editor labelled by its column). */
  hiddenLabel?: boolean;
}

/** One line of the list: a record, or a special value (which has no record). */
interface Choice { id: string; label: string; record: CrmRecord | null; special: boolean }

export function ReferencePicker({
  to, value, known, onChange, label, specials = {}, sort, autoFocus, size = 'small', sx,
  error, helperText, invalid, describedBy, onKeyDown, onBlur, hiddenLabel,
}: ReferencePickerProps) {
  const meta = useMetadata();
  const target = meta.data?.objects.find((o) => o.name === to);
  const qc = useQueryClient();
  const [input, setInput] = useState('');
  const q = useDebounced(input.trim(), 250);
  const order = sort ?? target?.nameField;
  const search = useQuery({
    queryKey: ['refpick', to, q, order],
    queryFn: ({ signal }) => api<Page<CrmRecord>>(listUrl(to, { q: q || undefined, limit: 20, sort: order }), { signal }),
    enabled: !!target,
    staleTime: 30_000,
  });

  // Callers pass specials inline: compare them by content, or every render would make a new
  // choice and the input would drop what is being typed.
  const specialsKey = JSON.stringify(specials);
  const specialList = useMemo(() => Object.entries(JSON.parse(specialsKey) as Record<string, string>), [specialsKey]);
  const specialLabel = value === null ? undefined : specialList.find(([k]) => k === value)?.[1];
  const special = specialLabel !== undefined;
  const fromKnown = value && known && known.id === value ? known : undefined;
  // The title of a value set before (a saved filter holds only the id); cached per id, shared
  // with the record form's lookups, and filled in on a pick so choosing costs no request.
  const title = useRecordTitle(target, value && !special && !fromKnown ? value : undefined);
  const selected = useMemo<Choice | null>(() => {
    if (!value) return null;
    if (specialLabel !== undefined) return { id: value, label: specialLabel, record: null, special: true };
    if (fromKnown) return { id: value, label: recordTitle(target, fromKnown), record: fromKnown, special: false };
    const text = title.data ?? (title.isPending ? 'Loading…' : title.isError ? 'Could not load' : 'Record not available');
    return { id: value, label: text, record: null, special: false };
  }, [value, specialLabel, fromKnown, target, title.data, title.isPending, title.isError]);

  const options = useMemo<Choice[]>(() => {
    const typed = input.trim().toLowerCase();
    const extra = specialList
      .filter(([, l]) => !typed || l.toLowerCase().includes(typed))
      .map(([id, l]): Choice => ({ id, label: l, record: null, special: true }));
    const records = (search.data?.data ?? []).map((r): Choice => ({ id: r.id, label: recordTitle(target, r), record: r, special: false }));
    const all = [...extra, ...records];
    // The current choice stays in the list, so it reads as chosen and the picker knows it.
    return selected && !all.some((c) => c.id === selected.id) ? [selected, ...all] : all;
  }, [input, specialList, search.data, target, selected]);

  return (
    <Autocomplete<Choice>
      size={size}
      sx={sx}
      options={options}
      value={selected}
      filterOptions={(x) => x}
      getOptionLabel={(c) => c.label}
      isOptionEqualToValue={(a, b) => a.id === b.id}
      onChange={(_, c) => {
        if (c && !c.special) qc.setQueryData(['title', to, c.id], c.label);
        setInput('');
        onChange(c?.id ?? null, c?.record ?? null);
      }}
      onInputChange={(_, v, reason) => { if (reason === 'input' || reason === 'clear') setInput(v); }}
      loading={search.isFetching}
      loadingText="Searching…"
      openOnFocus
      autoHighlight
      noOptionsText={search.isError ? 'Could not load records' : q ? `No ${target?.pluralLabel?.toLowerCase() ?? 'records'} match “${q}”` : 'No records yet'}
      onBlur={onBlur}
      renderOption={({ key: _byLabel, ...li }, c) => (
        // Keyed by id, not by the label MUI uses: two records may share a name.
        <li key={c.id} {...li}>{c.special ? <em>{c.label}</em> : c.label}</li>
      )}
      renderInput={({ InputProps, inputProps, InputLabelProps, ...params }) => (
        <TextField
          {...params}
          label={hiddenLabel ? undefined : label}
          autoFocus={autoFocus}
          error={!!error || !!invalid}
          helperText={error ?? helperText}
          onKeyDown={onKeyDown}
          slotProps={{
            inputLabel: InputLabelProps,
            htmlInput: { ...inputProps, 'aria-label': hiddenLabel ? label : undefined, 'aria-describedby': describedBy },
            input: {
              ...InputProps,
              endAdornment: (
                <>
                  {search.isFetching ? <CircularProgress color="inherit" size={16} aria-hidden /> : null}
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
