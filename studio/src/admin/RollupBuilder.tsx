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

/** What smallest and largest of a date or time field give (they keep its type). */
const DATE_RESULT = new Map([['date', 'The result is a date'], ['datetime', 'The result is a date and time']]);

/** Fields of the child a summary can take: numbers for all, dates and times too for smallest and largest. */
export function candidatesFor(child: Pick<StudioObject, 'fields'>, aggregate: RollupAggregate): StudioObject['fields'] {
  if (aggregate === 'count') return [];
  const picksOne = aggregate === 'min' || aggregate === 'max';
  return child.fields.filter((f) => NUMBER_TYPES.has(effectiveType(f)) || (picksOne && DATE_RESULT.has(effectiveType(f))));
}

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
  const candidates = source ? candidatesFor(source.child, aggregate) : [];
  const chosen = candidates.find((f) => f.name === value.field);
  // Smallest and largest keep the field's type: the latest order date is a date.
  const result = chosen && (aggregate === 'min' || aggregate === 'max') ? DATE_RESULT.get(effectiveType(chosen)) : undefined;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <TextField select size="small" label="Related records" value={value.of ?? ''} required
        onChange={(e) => onChange({ ...value, of: e.target.value, field: undefined, filter: undefined })} helperText="Records that point at this one">
        {sources.map((s) => <MenuItem key={s.key} value={s.key}>{s.label}</MenuItem>)}
      </TextField>
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
        <TextField select size="small" label="Summary" value={aggregate} sx={{ minWidth: 160 }}
          onChange={(e) => {
            const next = e.target.value as RollupAggregate;
            // A date field cannot be summed: the choice goes when the new summary cannot take it.
            const keeps = next !== 'count' && !!source && candidatesFor(source.child, next).some((f) => f.name === value.field);
            onChange({ ...value, aggregate: next, ...(keeps ? {} : { field: undefined }) });
          }}>
          {AGGREGATES.map((a) => <MenuItem key={a.value} value={a.value}>{a.label}</MenuItem>)}
        </TextField>
        {aggregate !== 'count' && (
          <TextField select size="small" label="Of field" value={value.field ?? ''} required sx={{ minWidth: 200 }} disabled={!source}
            onChange={(e) => onChange({ ...value, field: e.target.value })}
            helperText={source && !candidates.length ? `${source.child.label} has no ${aggregate === 'min' || aggregate === 'max' ? 'number or date' : 'number'} field` : result}>
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
