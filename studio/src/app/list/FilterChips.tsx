/** The active filter in words, one removable chip per condition ("Stage is any of Closed won"). */
import { Box, Button, Chip } from '@mui/material';
import { useQueries } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { CrmRecord } from '../../api/types.ts';
import { titleOf } from '../apps.ts';
import { optionLabel } from './fields.ts';
import { describeRule, isComplete, ME, TODAY, type FilterModel } from './filterModel.ts';
import { formatValue } from './format.ts';
import type { ListMeta } from './useListMeta.ts';

export interface FilterChipsProps {
  meta: ListMeta;
  model: FilterModel;
  onChange: (m: FilterModel) => void;
  onEdit: () => void;
}

export function FilterChips({ meta, model, onChange, onEdit }: FilterChipsProps) {
  const refs = model.rules
    .map((r) => ({ r, f: meta.byName.get(r.field) }))
    .filter(({ r, f }) => f?.kind === 'reference' && f.to && typeof r.value === 'string' && r.value)
    .map(({ r, f }) => ({ to: f!.to!, id: r.value as string }));
  const names = useQueries({
    queries: refs.map((x) => ({
      queryKey: ['record', x.to, x.id, undefined],
      queryFn: () => api<CrmRecord>(`/api/records/${x.to}/${x.id}`),
      staleTime: 60_000,
      retry: false,
    })),
  });
  const nameOf = (id: string) => {
    const i = refs.findIndex((x) => x.id === id);
    const rec = i >= 0 ? names[i]?.data : undefined;
    return rec ? titleOf(meta.objects.find((o) => o.name === refs[i].to), rec) : 'a record';
  };

  const shown = model.rules.map((r, i) => ({ r, i })).filter(({ r }) => isComplete(r));
  if (!shown.length && !model.locked) return null;
  return (
    <Box component="ul" aria-label="Active filters" sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.75, listStyle: 'none', p: 0, m: 0, mb: 1, alignItems: 'center' }}>
      {model.locked && (
        <li>
          <Chip size="small" label="View filter" onClick={onEdit} onDelete={() => onChange({ ...model, locked: undefined })} />
        </li>
      )}
      {shown.map(({ r, i }, n) => {
        const f = meta.byName.get(r.field);
        const text = describeRule(r, f, (v) => {
          if (v === TODAY) return 'today';
          if (v === ME) return 'me';
          if (!f) return String(v);
          if (f.kind === 'picklist' || f.kind === 'multipicklist') return optionLabel(f, String(v));
          if (f.kind === 'reference') return nameOf(String(v));
          return formatValue(f, v, meta.format);
        });
        return (
          <li key={`${r.field}-${i}`}>
            {n > 0 && model.match === 'or' && <Box component="span" sx={{ mr: 0.75, typography: 'caption', color: 'text.secondary' }}>or</Box>}
            <Chip
              size="small" color="primary" variant="outlined" label={text} onClick={onEdit}
              onDelete={() => onChange({ ...model, rules: model.rules.filter((_, j) => j !== i) })}
              aria-label={`Filter: ${text}. Press Delete to remove it.`}
            />
          </li>
        );
      })}
      <li>
        <Button size="small" onClick={() => onChange({ match: 'and', rules: [] })}>Clear filters</Button>
      </li>
    </Box>
  );
}
