/** Roll-up builder: which related records, which summary, of which field, and which records count. */
import { Alert, Box, MenuItem, TextField } from '@mui/material';
import type { RecordFilter, RollupAggregate } from '../../../metadata/types.ts';
import { effectiveType, fieldLabel, NUMBER_TYPES } from './fieldTypes.ts';
import { FilterBuilder } from './FilterBuilder.tsx';
import type { StudioObject } from './types.ts';

export interface RollupDraft { of?: string; aggregate?: RollupAggregate; field?: string; filter?: RecordFilter }

const AGGREGATES: Array<{ value: RollupAggregate; label: string }> = [
  { value: 'count', label: 'Count' }, { value: 'sum', label: 'Sum' }, { value: 'avg', label: 'Average' },
  { value: 'min', label: 'Smallest' }, { value: 'max', label: 'Largest' },
];

export function RollupBuilder({ object, objects, value, onChange }: {
  object: StudioObject | { name: string; label: string };
  objects: StudioObject[];
  value: RollupDraft;
  onChange: (v: RollupDraft) => void;
}) {
  const sources = objects.flatMap((o) => o.fields
    .filter((f) => f.type === 'reference' && f.to === object.name)
    .map((f) => ({ key: `${o.name}.${f.name}`, label: `${o.pluralLabel ?? o.label} (by ${fieldLabel(f)})`, child: o })));
  if (!sources.length) {
    return (
      <Alert severity="info">
        No object points at {object.label} yet. A roll-up summarizes related records: first add a reference field to {object.label} on another object.
      </Alert>
    );
  }
  const source = sources.find((s) => s.key === value.of);
  const aggregate = value.aggregate ?? 'count';
  const numeric = source?.child.fields.filter((f) => NUMBER_TYPES.has(effectiveType(f))) ?? [];
  const comparable = source?.child.fields.filter((f) => NUMBER_TYPES.has(effectiveType(f)) || ['date', 'datetime'].includes(effectiveType(f))) ?? [];
  const candidates = aggregate === 'min' || aggregate === 'max' ? comparable : numeric;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <TextField select size="small" label="Related records" value={value.of ?? ''} required
        onChange={(e) => onChange({ ...value, of: e.target.value, field: undefined, filter: undefined })} helperText="Records that point at this one">
        {sources.map((s) => <MenuItem key={s.key} value={s.key}>{s.label}</MenuItem>)}
      </TextField>
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
        <TextField select size="small" label="Summary" value={aggregate} sx={{ minWidth: 160 }}
          onChange={(e) => onChange({ ...value, aggregate: e.target.value as RollupAggregate, ...(e.target.value === 'count' ? { field: undefined } : {}) })}>
          {AGGREGATES.map((a) => <MenuItem key={a.value} value={a.value}>{a.label}</MenuItem>)}
        </TextField>
        {aggregate !== 'count' && (
          <TextField select size="small" label="Of field" value={value.field ?? ''} required sx={{ minWidth: 200 }} disabled={!source}
            onChange={(e) => onChange({ ...value, field: e.target.value })}
            helperText={source && !candidates.length ? `${source.child.label} has no ${aggregate === 'min' || aggregate === 'max' ? 'number or date' : 'number'} field` : undefined}>
            {candidates.map((f) => <MenuItem key={f.name} value={f.name}>{fieldLabel(f)}</MenuItem>)}
          </TextField>
        )}
      </Box>
      {source && (
        <FilterBuilder label="Only records that match (optional)" fields={source.child.fields} value={value.filter}
          onChange={(filter) => onChange({ ...value, filter })} />
      )}
    </Box>
  );
}
