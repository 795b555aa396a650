/** The list view and kanban editor: columns (ordered), default filter (§4 builder), sort, kanban grouping. */
import { useState, type FormEvent } from 'react';
import {
  Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, IconButton, List, ListItem, ListItemText, MenuItem,
  Stack, TextField, ToggleButton, ToggleButtonGroup, Typography, useMediaQuery,
} from '@mui/material';
import { useTheme } from '@mui/material/styles';
import Add from '@mui/icons-material/Add';
import ArrowDownward from '@mui/icons-material/ArrowDownward';
import ArrowUpward from '@mui/icons-material/ArrowUpward';
import Close from '@mui/icons-material/Close';
import type { RecordFilter, ViewDef } from '../../../metadata/types.ts';
import { putView } from './customBundle.ts';
import { fieldLabel } from './fieldTypes.ts';
import { FieldPicker, SYSTEM_FIELD_LABELS } from './FieldPicker.tsx';
import { FilterBuilder } from './FilterBuilder.tsx';
import { nameFromLabel, nameProblem } from './names.ts';
import { useDeploy } from './useDeploy.tsx';
import type { StudioObject } from './types.ts';

interface SortKey { field: string; desc: boolean }

function move<T>(xs: T[], i: number, by: number): T[] {
  const j = i + by;
  if (j < 0 || j >= xs.length) return xs;
  const out = [...xs];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}

export function ViewEditor({ object, view, taken, onClose }: { object: StudioObject; view?: ViewDef; taken: string[]; onClose: () => void }) {
  const deploy = useDeploy();
  const theme = useTheme();
  const phone = useMediaQuery(theme.breakpoints.down('sm'));
  const [label, setLabel] = useState(view?.label ?? '');
  const [name, setName] = useState<string | undefined>(view?.name);
  const [type, setType] = useState<'table' | 'kanban'>(view?.type ?? 'table');
  const [columns, setColumns] = useState<string[]>(view?.columns ?? (object.nameField ? [object.nameField] : object.fields.slice(0, 1).map((f) => f.name)));
  const [adding, setAdding] = useState('');
  const [filter, setFilter] = useState<RecordFilter | undefined>(view?.filter);
  const [sort, setSort] = useState<SortKey[]>((view?.sort ?? []).map((s) => ({ field: s.replace(/^-/, ''), desc: s.startsWith('-') })));
  const [groupBy, setGroupBy] = useState(view?.groupBy ?? '');
  const [tried, setTried] = useState(false);

  const viewName = name ?? nameFromLabel(label);
  const nameErr = view ? undefined : nameProblem(viewName, { taken });
  const picklists = object.fields.filter((f) => f.type === 'picklist');
  const labelOf = (n: string) => SYSTEM_FIELD_LABELS[n] ?? fieldLabel(object.fields.find((f) => f.name === n) ?? { name: n });
  const problems = [
    ...(!label.trim() ? ['Give the view a label'] : []),
    ...(nameErr ? [`Name: ${nameErr}`] : []),
    ...(!columns.length ? ['Choose at least one column'] : []),
    ...(type === 'kanban' && !groupBy ? ['A kanban board needs a picklist to group by'] : []),
  ];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (problems.length) return;
    const def: ViewDef = {
      name: viewName, object: object.name, label: label.trim(), columns,
      ...(type === 'kanban' ? { type, groupBy } : view?.type ? { type: 'table' } : {}),
      ...(filter && Object.keys(filter).length ? { filter } : {}),
      ...(sort.length ? { sort: sort.filter((s) => s.field).map((s) => `${s.desc ? '-' : ''}${s.field}`) } : {}),
    };
    const result = await deploy({ title: `${view ? 'Change' : 'Add'} list view ${def.label} of ${object.label}`, change: (base) => putView(base, def) });
    if (result?.applied) onClose();
  };

  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="md" fullScreen={phone} aria-labelledby="view-editor-title">
      <form onSubmit={submit} noValidate>
        <DialogTitle id="view-editor-title">{view ? `List view ${view.label ?? view.name}` : `New list view of ${object.pluralLabel ?? object.label}`}</DialogTitle>
        <DialogContent dividers>
          <Stack spacing={2.5}>
            <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', sm: '2fr 1fr' } }}>
              <TextField label="View label" value={label} onChange={(e) => setLabel(e.target.value)} required autoFocus={!view} error={tried && !label.trim()} />
              <TextField label="View name" value={viewName} onChange={(e) => setName(e.target.value)} required disabled={!!view} error={(tried || name !== undefined) && !!nameErr}
                helperText={(tried || name !== undefined) && nameErr ? nameErr : undefined} slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }} />
            </Box>
            <Box>
              <Typography variant="subtitle2" component="h3" gutterBottom>Show as</Typography>
              <ToggleButtonGroup exclusive size="small" value={type} onChange={(_e, v: 'table' | 'kanban' | null) => v && setType(v)} aria-label="Show as">
                <ToggleButton value="table">Table</ToggleButton>
                <ToggleButton value="kanban" disabled={!picklists.length}>Kanban board</ToggleButton>
              </ToggleButtonGroup>
              {!picklists.length && <Typography variant="caption" color="text.secondary" component="p">A kanban board groups by a picklist; {object.label} has none.</Typography>}
              {type === 'kanban' && (
                <TextField select label="Group into columns by" value={groupBy} onChange={(e) => setGroupBy(e.target.value)} size="small" sx={{ mt: 2, minWidth: 240, display: 'flex', maxWidth: 320 }}
                  required error={tried && !groupBy}>
                  {picklists.map((f) => <MenuItem key={f.name} value={f.name}>{fieldLabel(f)}</MenuItem>)}
                </TextField>
              )}
            </Box>
            <Box>
              <Typography variant="subtitle2" component="h3">{type === 'kanban' ? 'Shown on each card' : 'Columns'}</Typography>
              <List dense aria-label="Columns">
                {columns.map((c, i) => (
                  <ListItem key={c} disableGutters secondaryAction={
                    <Box>
                      <IconButton aria-label={`Move column ${labelOf(c)} up`} disabled={i === 0} onClick={() => setColumns(move(columns, i, -1))}><ArrowUpward /></IconButton>
                      <IconButton aria-label={`Move column ${labelOf(c)} down`} disabled={i === columns.length - 1} onClick={() => setColumns(move(columns, i, 1))}><ArrowDownward /></IconButton>
                      <IconButton aria-label={`Remove column ${labelOf(c)}`} onClick={() => setColumns(columns.filter((x) => x !== c))}><Close /></IconButton>
                    </Box>
                  }>
                    <ListItemText primary={`${i + 1}. ${labelOf(c)}`} />
                  </ListItem>
                ))}
              </List>
              <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
                <FieldPicker label="Add a column" value={adding} system fields={object.fields.filter((f) => !columns.includes(f.name))} emptyLabel="Choose…"
                  onChange={(n) => { if (n && !columns.includes(n)) setColumns([...columns, n]); setAdding(''); }} />
              </Box>
            </Box>
            <FilterBuilder label="Show only records that match" fields={object.fields} value={filter} onChange={setFilter} />
            <Box>
              <Typography variant="subtitle2" component="h3" gutterBottom>Sort</Typography>
              <Stack spacing={1}>
                {sort.map((s, i) => (
                  <Box key={i} sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
                    <FieldPicker label={`Sort ${i + 1} by`} value={s.field} system fields={object.fields} onChange={(n) => setSort(sort.map((x, j) => (j === i ? { ...x, field: n } : x)))} />
                    <TextField select size="small" label={`Sort ${i + 1} order`} value={s.desc ? 'desc' : 'asc'} sx={{ minWidth: 150 }}
                      onChange={(e) => setSort(sort.map((x, j) => (j === i ? { ...x, desc: e.target.value === 'desc' } : x)))}>
                      <MenuItem value="asc">Ascending (A→Z, 1→9)</MenuItem>
                      <MenuItem value="desc">Descending (Z→A, 9→1)</MenuItem>
                    </TextField>
                    <IconButton aria-label={`Remove sort ${i + 1}`} onClick={() => setSort(sort.filter((_, j) => j !== i))}><Close /></IconButton>
                  </Box>
                ))}
                <Button size="small" startIcon={<Add />} sx={{ alignSelf: 'flex-start' }} onClick={() => setSort([...sort, { field: object.nameField ?? 'createdAt', desc: false }])}>Add sort</Button>
              </Stack>
            </Box>
            {tried && problems.length > 0 && <Alert severity="error" role="alert">{problems.map((p) => <div key={p}>{p}</div>)}</Alert>}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained">Save view</Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
