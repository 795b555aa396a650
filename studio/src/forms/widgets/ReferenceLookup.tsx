/**
 * A reference field: search-as-you-type over the target object (`GET /api/records/<target>?q=…
 * &limit=10`), showing each record by its name field; the value is the target's id. A link
 * beside it opens the referenced record.
 */
import { useMemo, useState } from 'react';
import { Link as RouterLink } from 'react-router';
import { Autocomplete, Box, IconButton, TextField } from '@mui/material';
import LaunchIcon from '@mui/icons-material/Launch';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { listUrl } from '../../api/hooks.ts';
import type { CrmRecord, DeployedObject, Page } from '../../api/types.ts';
import { recordTitle, useRecordTitle } from '../titles.ts';

import { fieldOf, objectNamed, type StrataWidgetProps } from '../context.ts';
import { describedBy } from '../templates.tsx';
import { VisuallyHidden } from '../VisuallyHidden.tsx';
import { useDebounced } from '../../useDebounced.ts';

export interface LookupOption { id: string; label: string }

export function ReferenceLookup(props: StrataWidgetProps) {
  const { id, label, value, required, disabled, readonly, rawErrors = [], onChange, onBlur, onFocus, schema } = props;
  const f = fieldOf(props);
  const targetName = f?.type === 'reference' ? f.to : typeof schema['x-strata-reference'] === 'string' ? schema['x-strata-reference'] : undefined;
  const target = objectNamed(props, targetName);
  const qc = useQueryClient();
  const current = typeof value === 'string' && value ? value : undefined;
  const title = useRecordTitle(target, current);
  const [open, setOpen] = useState(false);
  const [input, setInput] = useState('');
  const q = useDebounced(input.trim(), 250);
  const search = useQuery({
    queryKey: ['lookup', targetName, q],
    enabled: open && !!target,
    staleTime: 10_000,
    queryFn: async ({ signal }) => {
      const t = target as DeployedObject;
      const page = await api<Page<CrmRecord>>(listUrl(t.name, { q: q || undefined, limit: 10, fields: t.nameField }), { signal });
      return page.data.map((r): LookupOption => ({ id: r.id, label: recordTitle(t, r) }));
    },
  });
  // One object per value: a new object each render would make the input reset while typing.
  const selected = useMemo<LookupOption | null>(() => {
    if (!current) return null;
    const label = title.data ?? (title.isPending ? 'Loading…' : title.isError ? 'Could not load' : 'Record not available');
    return { id: current, label };
  }, [current, title.data, title.isPending, title.isError]);
  const options = search.data ?? [];
  const noOptions = search.isError ? 'Search failed' : q ? `No ${target?.pluralLabel?.toLowerCase() ?? 'records'} match “${q}”` : `No ${target?.pluralLabel?.toLowerCase() ?? 'records'} yet`;

  return (
    <Box sx={{ display: 'flex', alignItems: 'flex-start', gap: 0.5 }}>
      <Autocomplete
        id={id}
        sx={{ flex: 1, minWidth: 0 }}
        open={open}
        onOpen={() => setOpen(true)}
        onClose={() => setOpen(false)}
        options={selected && !options.some((o) => o.id === selected.id) ? [selected, ...options] : options}
        value={selected}
        disabled={disabled}
        readOnly={readonly}
        autoHighlight
        filterOptions={(x) => x}
        loading={search.isFetching}
        loadingText="Searching…"
        noOptionsText={noOptions}
        getOptionLabel={(o) => o.label}
        isOptionEqualToValue={(a, b) => a.id === b.id}
        onInputChange={(_e, v, reason) => { if (reason === 'input' || reason === 'clear') setInput(v); }}
        onChange={(_e, next) => {
          if (next && targetName) qc.setQueryData(['title', targetName, next.id], next.label);
          setInput('');
          onChange(next ? next.id : undefined);
        }}
        onBlur={() => onBlur(id, value)}
        onFocus={() => onFocus(id, value)}
        renderOption={(liProps, o) => {
          const { key, ...rest } = liProps;
          return <li key={key} {...rest}>{o.label}</li>;
        }}
        renderInput={(params) => (
          <TextField
            {...params}
            label={label}
            required={required}
            error={rawErrors.length > 0}
            size="small"
            placeholder={open ? `Search ${target?.pluralLabel?.toLowerCase() ?? ''}` : undefined}
            inputProps={{ ...params.inputProps, 'aria-describedby': describedBy(id, !!schema.description, rawErrors.length > 0) }}
          />
        )}
      />
      {current && target && title.data && (
        <IconButton component={RouterLink} to={`/app/${target.name}/${current}`} size="small" sx={{ mt: 0.5 }}>
          <LaunchIcon fontSize="small" aria-hidden />
          <VisuallyHidden>{`Open ${title.data}`}</VisuallyHidden>
        </IconButton>
      )}
    </Box>
  );
}
