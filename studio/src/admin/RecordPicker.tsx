/** Pick a record of an object by typing part of its name (the list API's text search). */
import { useState } from 'react';
import { Autocomplete, CircularProgress, TextField } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { api, qs } from '../api/client.ts';
import type { CrmRecord, Page } from '../api/types.ts';
import type { StudioObject } from './types.ts';

export function recordTitle(object: Pick<StudioObject, 'nameField' | 'label'> | undefined, r: CrmRecord): string {
  const v = object?.nameField ? r[object.nameField] : undefined;
  return typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : `${object?.label ?? 'Record'} ${r.id.slice(0, 8)}`;
}

export function RecordPicker({ object, label, value, onChange, size = 'small', helperText }: {
  object: StudioObject | undefined;
  label: string;
  value: CrmRecord | null;
  onChange: (r: CrmRecord | null) => void;
  size?: 'small' | 'medium';
  helperText?: string;
}) {
  const [q, setQ] = useState('');
  const list = useQuery({
    queryKey: ['records', object?.name, 'picker', q],
    queryFn: () => api<Page<CrmRecord>>(`/api/records/${object!.name}${qs({ q: q.trim() || undefined, limit: 20, sort: '-updatedAt' })}`),
    enabled: !!object,
    staleTime: 10_000,
  });
  return (
    <Autocomplete
      size={size}
      options={list.data?.data ?? []}
      value={value}
      onChange={(_e, v) => onChange(v)}
      onInputChange={(_e, v, reason) => { if (reason === 'input') setQ(v); }}
      getOptionLabel={(r) => recordTitle(object, r)}
      isOptionEqualToValue={(a, b) => a.id === b.id}
      filterOptions={(x) => x}
      loading={list.isFetching}
      noOptionsText={list.isError ? 'Could not load records' : q ? 'No record matches' : 'No records yet'}
      renderInput={(params) => (
        <TextField
          {...params}
          label={label}
          helperText={helperText}
          InputProps={{ ...params.InputProps, endAdornment: <>{list.isFetching ? <CircularProgress size={16} aria-hidden /> : null}{params.InputProps.endAdornment}</> }}
        />
      )}
      sx={{ minWidth: 220 }}
    />
  );
}
