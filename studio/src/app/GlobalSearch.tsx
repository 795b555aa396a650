/**
 * The top bar's search box: as you type, a listbox suggests matching records of the main
 * objects (the same `q` text search as the search page); arrows pick one, Enter opens it, and
 * Enter without a pick opens all results. MUI's Autocomplete gives the combobox/listbox
 * semantics and keyboard handling.
 */
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { useQueries } from '@tanstack/react-query';
import { Autocomplete, Box, InputBase, Typography } from '@mui/material';
import SearchIcon from '@mui/icons-material/Search';
import { api } from '../api/client.ts';
import { listUrl, useMetadata } from '../api/hooks.ts';
import type { CrmRecord, Page } from '../api/types.ts';
import { titleOf } from './apps.ts';

/** Suggested from these, in this order, when the caller may see them. */
const MAIN_OBJECTS = ['account', 'contact', 'lead', 'opportunity', 'case'];
const PER_OBJECT = 3;
const DEBOUNCE_MS = 200;

interface Suggestion { object: string; objectLabel: string; id: string; title: string }

export function GlobalSearch() {
  const [q, setQ] = useState('');
  const [debounced, setDebounced] = useState('');
  const navigate = useNavigate();
  const meta = useMetadata();
  useEffect(() => {
    const t = setTimeout(() => setDebounced(q.trim()), DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [q]);
  const objects = MAIN_OBJECTS.flatMap((n) => meta.data?.objects.find((o) => o.name === n) ?? []);
  const results = useQueries({
    queries: objects.map((o) => ({
      queryKey: ['search', o.name, debounced, PER_OBJECT],
      queryFn: () => api<Page<CrmRecord>>(listUrl(o.name, { q: debounced, limit: PER_OBJECT })),
      enabled: debounced.length >= 2,
      staleTime: 10_000,
    })),
  });
  const options: Suggestion[] = debounced.length >= 2 ? objects.flatMap((o, i) => (results[i]?.data?.data ?? []).map((r) => ({
    object: o.name, objectLabel: o.label, id: String(r.id), title: titleOf(o, r),
  }))) : [];
  const loading = debounced.length >= 2 && results.some((r) => r.isFetching);
  const searchAll = (text: string) => { if (text.trim()) navigate(`/app/search?q=${encodeURIComponent(text.trim())}`); };

  return (
    <Autocomplete<Suggestion, false, false, true>
      freeSolo
      options={options}
      filterOptions={(x) => x}
      getOptionLabel={(o) => (typeof o === 'string' ? o : o.title)}
      groupBy={(o) => o.objectLabel}
      inputValue={q}
      onInputChange={(_e, v, reason) => { if (reason !== 'reset') setQ(v); }}
      value={null}
      onChange={(_e, v) => {
        if (v && typeof v !== 'string') { setQ(''); navigate(`/app/${v.object}/${v.id}`); }
        else if (typeof v === 'string') searchAll(v);
      }}
      loading={loading}
      clearOnBlur={false}
      blurOnSelect
      sx={{ flex: '0 1 420px', minWidth: 0 }}
      slotProps={{ listbox: { 'aria-label': 'Suggested records' } as object }}
      renderOption={({ key, ...props }, o) => (
        <li key={key} {...props}>
          <Typography variant="body2" noWrap>{o.title}</Typography>
        </li>
      )}
      renderInput={(params) => (
        <Box
          component="form"
          role="search"
          ref={params.InputProps.ref}
          onSubmit={(e) => { e.preventDefault(); searchAll(q); }}
          sx={{ display: 'flex', alignItems: 'center', bgcolor: 'rgba(255,255,255,0.15)', borderRadius: 1, px: 1, minWidth: 0 }}
        >
          <SearchIcon aria-hidden sx={{ mr: 1 }} />
          <InputBase
            inputProps={{ ...params.inputProps, 'aria-label': 'Search' }}
            placeholder="Search records"
            sx={{ color: 'inherit', flex: 1, minWidth: 0 }}
          />
        </Box>
      )}
    />
  );
}
