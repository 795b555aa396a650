/**
 * The record filter builder (CONTRACT §4): all/any groups of "field operator value", with the
 * current user and today as values, and the raw JSON for what the builder cannot show.
 */
import { useEffect, useState } from 'react';
import { Alert, Box, Button, IconButton, MenuItem, Paper, TextField, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import Add from '@mui/icons-material/Add';
import Close from '@mui/icons-material/Close';
import type { FieldDef, JsonValue, RecordFilter } from '../../../metadata/types.ts';
import { filterKind } from './fieldTypes.ts';
import { FieldPicker, SYSTEM_FIELD_LABELS } from './FieldPicker.tsx';
import {
  FILTER_OP_LABELS, SPECIAL_VALUES, emptyFilterGroup, filterOpShape, filterOpsFor, fromFilter, toFilter,
  type FilterCondition, type FilterGroup, type FilterNode,
} from './filterModel.ts';
import { ValueInput } from './ValueInput.tsx';

interface Ctx { fields: FieldDef[]; label: string }

function ConditionRow({ c, index, ctx, onChange, onRemove }: { c: FilterCondition; index: number; ctx: Ctx; onChange: (c: FilterCondition) => void; onRemove: () => void }) {
  const field = ctx.fields.find((f) => f.name === c.field);
  const kind = filterKind(field, c.field in SYSTEM_FIELD_LABELS ? c.field : undefined);
  const ops = c.field ? filterOpsFor(kind) : [c.op];
  const shape = filterOpShape(c.op);
  const specials: Record<string, string> = kind === 'user' ? { '$user.id': SPECIAL_VALUES['$user.id'] } : kind === 'date' ? { $today: SPECIAL_VALUES.$today } : {};
  const n = index + 1;
  return (
    <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'flex-start' }} role="group" aria-label={`${ctx.label} condition ${n}`}>
      <FieldPicker label={`Field ${n}`} value={c.field} fields={ctx.fields} system
        onChange={(f) => {
          const nf = ctx.fields.find((x) => x.name === f);
          const nextOps = filterOpsFor(filterKind(nf, f in SYSTEM_FIELD_LABELS ? f : undefined));
          onChange({ kind: 'condition', field: f, op: nextOps.includes(c.op) ? c.op : nextOps[0] });
        }} />
      <TextField select size="small" label={`Operator ${n}`} value={c.op} onChange={(e) => onChange({ ...c, op: e.target.value as FilterCondition['op'] })} sx={{ minWidth: 150 }}>
        {ops.map((o) => <MenuItem key={o} value={o}>{FILTER_OP_LABELS[o]}</MenuItem>)}
      </TextField>
      {shape === 'one' && (
        <ValueInput label={`Value ${n}`} field={field} value={c.value} specials={specials} onChange={(v) => onChange({ ...c, value: v })} />
      )}
      {shape === 'list' && (
        field && (field.type === 'picklist' || field.type === 'multipicklist')
          ? <ValueInput label={`Values ${n}`} field={field} multiple value={c.values ?? []} onChange={(v) => onChange({ ...c, values: Array.isArray(v) ? v : [] })} />
          : <TextField size="small" label={`Values ${n}`} helperText="Separate with commas" value={(c.values ?? []).join(', ')}
              onChange={(e) => onChange({ ...c, values: e.target.value.split(',').map((s) => s.trim()).filter(Boolean) })} />
      )}
      <IconButton aria-label={`Remove condition ${n}`} onClick={onRemove} sx={{ mt: 0.5 }}><Close /></IconButton>
    </Box>
  );
}

function GroupBox({ g, ctx, depth, onChange, onRemove }: { g: FilterGroup; ctx: Ctx; depth: number; onChange: (g: FilterGroup) => void; onRemove?: () => void }) {
  const set = (i: number, n: FilterNode) => onChange({ ...g, children: g.children.map((c, j) => (j === i ? n : c)) });
  const remove = (i: number) => onChange({ ...g, children: g.children.filter((_, j) => j !== i) });
  return (
    <Paper variant="outlined" sx={{ p: 1.5, display: 'flex', flexDirection: 'column', gap: 1.5, bgcolor: depth ? 'grey.50' : undefined }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="body2">Match</Typography>
        <ToggleButtonGroup size="small" exclusive value={g.op} onChange={(_e, v: 'and' | 'or' | null) => v && onChange({ ...g, op: v })} aria-label={`${ctx.label}: match all or any`}>
          <ToggleButton value="and">all</ToggleButton>
          <ToggleButton value="or">any</ToggleButton>
        </ToggleButtonGroup>
        <Typography variant="body2">of these</Typography>
        <Box sx={{ flex: 1 }} />
        {onRemove && <Button size="small" onClick={onRemove}>Remove group</Button>}
      </Box>
      {g.children.length === 0 && <Typography variant="body2" color="text.secondary">No conditions: every record matches.</Typography>}
      {g.children.map((c, i) => c.kind === 'group'
        ? <GroupBox key={i} g={c} ctx={ctx} depth={depth + 1} onChange={(n) => set(i, n)} onRemove={() => remove(i)} />
        : <ConditionRow key={i} c={c} index={i} ctx={ctx} onChange={(n) => set(i, n)} onRemove={() => remove(i)} />)}
      <Box sx={{ display: 'flex', gap: 1 }}>
        <Button size="small" startIcon={<Add />} onClick={() => onChange({ ...g, children: [...g.children, { kind: 'condition', field: '', op: 'eq' }] })}>Add condition</Button>
        {depth < 2 && <Button size="small" startIcon={<Add />} onClick={() => onChange({ ...g, children: [...g.children, emptyFilterGroup(g.op === 'and' ? 'or' : 'and')] })}>Add group</Button>}
      </Box>
    </Paper>
  );
}

export function FilterBuilder({ label, fields, value, onChange }: {
  label: string;
  fields: FieldDef[];
  value: RecordFilter | undefined;
  onChange: (f: RecordFilter | undefined) => void;
}) {
  const [model, setModel] = useState<FilterGroup | undefined>(() => fromFilter(value));
  const [raw, setRaw] = useState(() => (value ? JSON.stringify(value, null, 2) : ''));
  const [rawMode, setRawMode] = useState(() => fromFilter(value) === undefined);
  const [rawError, setRawError] = useState<string>();
  useEffect(() => {
    if (!rawMode) setRaw(value ? JSON.stringify(value, null, 2) : '');
  }, [value, rawMode]);

  const update = (g: FilterGroup) => {
    setModel(g);
    onChange(toFilter(g));
  };
  const ctx: Ctx = { fields, label };
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Typography variant="subtitle2" component="h3" sx={{ flex: 1 }}>{label}</Typography>
        <ToggleButtonGroup size="small" exclusive value={rawMode ? 'raw' : 'builder'} aria-label={`${label}: editor`}
          onChange={(_e, v: string | null) => {
            if (v === 'raw') setRawMode(true);
            if (v === 'builder') {
              const m = fromFilter(value);
              if (m) { setModel(m); setRawMode(false); } else setRawError('The builder cannot show this filter (e.g. "not"); keep editing it as JSON.');
            }
          }}>
          <ToggleButton value="builder">Builder</ToggleButton>
          <ToggleButton value="raw">JSON</ToggleButton>
        </ToggleButtonGroup>
      </Box>
      {rawMode ? (
        <TextField
          label={`${label} (JSON)`} multiline minRows={3} value={raw} error={!!rawError} helperText={rawError ?? 'e.g. {"status": "open", "amount": {"gte": 100}}'}
          slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace', fontSize: 13 } } }}
          onChange={(e) => {
            setRaw(e.target.value);
            if (!e.target.value.trim()) { setRawError(undefined); onChange(undefined); return; }
            try {
              const parsed = JSON.parse(e.target.value) as JsonValue;
              if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('A filter is a JSON object');
              setRawError(undefined);
              onChange(parsed as RecordFilter);
            } catch (err) { setRawError((err as Error).message); }
          }}
        />
      ) : (
        <>
          {rawError && <Alert severity="warning">{rawError}</Alert>}
          <GroupBox g={model ?? emptyFilterGroup()} ctx={ctx} depth={0} onChange={update} />
        </>
      )}
    </Box>
  );
}
