/**
 * The filter builder: conditions "field – operator – value", joined by all (AND) or any (OR),
 * with operators and value editors chosen by the field's kind (filterModel.ts). It edits a
 * copy and hands the model back on Apply; the list turns it into the §4 filter.
 */
import { useState } from 'react';
import {
  Alert, Box, Button, Chip, Dialog, DialogActions, DialogContent, DialogTitle, IconButton, TextField, Typography,
  useMediaQuery,
} from '@mui/material';
import { useTheme } from '@mui/material/styles';
import AddIcon from '@mui/icons-material/Add';
import DeleteOutlineIcon from '@mui/icons-material/DeleteOutline';
import type { ListField } from './fields.ts';
import { FieldInput } from './FieldInput.tsx';
import { fromEditorText, toLocalInput, type Draft } from './fieldValue.ts';
import {
  initialValue, normalizeModel, operatorLabel, operatorsFor, TODAY, type FilterModel, type FilterRule, type RuleOp, type RuleValue,
} from './filterModel.ts';
import type { ListMeta } from './useListMeta.ts';

export interface FilterBuilderProps {
  open: boolean;
  meta: ListMeta;
  model: FilterModel;
  onApply: (model: FilterModel) => void;
  onClose: () => void;
}

/** Fields one may filter by: all but JSON documents, by label. */
export function filterableFields(meta: ListMeta): ListField[] {
  return meta.fields.filter((f) => f.kind !== 'json').sort((a, b) => Number(a.system) - Number(b.system) || a.label.localeCompare(b.label));
}

function draftOfRule(field: ListField, rule: FilterRule): Draft {
  const v = rule.value;
  if (Array.isArray(v)) return v;
  if (typeof v === 'boolean') return v;
  if (v === null) return null;
  if (field.kind === 'datetime' && typeof v === 'string' && v !== TODAY) return toLocalInput(v);
  return String(v);
}

function valueOfRuleDraft(field: ListField, d: Draft): RuleValue {
  if (field.kind === 'datetime' && typeof d === 'string' && d) {
    const parsed = fromEditorText('datetime', d);
    return parsed.ok ? parsed.value : d;
  }
  return d;
}

function RuleRow({ index, rule, fields, meta, onChange, onRemove }: {
  index: number; rule: FilterRule; fields: ListField[]; meta: ListMeta;
  onChange: (r: FilterRule) => void; onRemove: () => void;
}) {
  const field = meta.byName.get(rule.field);
  const kind = field?.kind ?? 'text';
  const ops = operatorsFor(kind);
  const opList: RuleOp[] = ops.includes(rule.op) ? ops : [...ops, rule.op];
  const needsValue = rule.op !== 'isNull' && rule.op !== 'notNull';
  const dated = kind === 'date' || kind === 'datetime';
  const n = index + 1;
  return (
    <Box
      role="group" aria-label={`Condition ${n}`}
      sx={{ display: 'grid', gap: 1, alignItems: 'start', gridTemplateColumns: { xs: '1fr auto', sm: 'minmax(140px, 1fr) minmax(130px, 0.8fr) minmax(180px, 1.4fr) auto' }, py: 1, borderBottom: 1, borderColor: 'divider' }}
    >
      <TextField
        select size="small" label="Field" value={rule.field}
        onChange={(e) => {
          const f = meta.byName.get(e.target.value);
          const op = operatorsFor(f?.kind ?? 'text')[0];
          onChange({ field: e.target.value, op, value: initialValue(op, f?.kind ?? 'text') });
        }}
        slotProps={{ select: { native: true }, inputLabel: { shrink: true } }}
        sx={{ gridColumn: { xs: '1 / 2', sm: 'auto' } }}
      >
        {fields.map((f) => <option key={f.name} value={f.name}>{f.label}</option>)}
      </TextField>
      <IconButton aria-label={`Remove condition ${n}`} onClick={onRemove} sx={{ display: { xs: 'inline-flex', sm: 'none' } }}>
        <DeleteOutlineIcon />
      </IconButton>
      <TextField
        select size="small" label="Operator" value={rule.op}
        onChange={(e) => {
          const op = e.target.value as RuleOp;
          const keep = (op === 'in' || op === 'nin') === Array.isArray(rule.value) && rule.value !== null && rule.op !== 'isNull' && rule.op !== 'notNull';
          onChange({ ...rule, op, value: keep ? rule.value : initialValue(op, kind) });
        }}
        slotProps={{ select: { native: true }, inputLabel: { shrink: true } }}
        sx={{ gridColumn: { xs: '1 / -1', sm: 'auto' } }}
      >
        {opList.map((op) => <option key={op} value={op}>{operatorLabel(op, kind)}</option>)}
      </TextField>
      <Box sx={{ gridColumn: { xs: '1 / -1', sm: 'auto' }, display: 'flex', gap: 1, alignItems: 'center', minWidth: 0 }}>
        {needsValue && field && (dated && rule.value === TODAY ? (
          <Chip label="Today" onDelete={() => onChange({ ...rule, value: '' })} />
        ) : (
          <Box sx={{ flex: 1, minWidth: 0 }}>
            <FieldInput
              field={field} draft={draftOfRule(field, rule)} label={rule.op === 'in' || rule.op === 'nin' ? 'Values' : 'Value'}
              multiple={rule.op === 'in' || rule.op === 'nin'} allowEmpty={false} fullWidth
              onChange={(d) => onChange({ ...rule, value: valueOfRuleDraft(field, d) })}
            />
          </Box>
        ))}
        {needsValue && dated && rule.value !== TODAY && (
          <Button size="small" onClick={() => onChange({ ...rule, value: TODAY })}>Today</Button>
        )}
      </Box>
      <IconButton aria-label={`Remove condition ${n}`} onClick={onRemove} sx={{ display: { xs: 'none', sm: 'inline-flex' } }}>
        <DeleteOutlineIcon />
      </IconButton>
    </Box>
  );
}

export default function FilterBuilder({ open, meta, model, onApply, onClose }: FilterBuilderProps) {
  const theme = useTheme();
  const phone = useMediaQuery(theme.breakpoints.down('sm'));
  const fields = filterableFields(meta);
  const [draft, setDraft] = useState<FilterModel>(() => normalizeModel(model, meta.kinds));
  const [keys, setKeys] = useState<number[]>(() => model.rules.map((_, i) => i));
  const [nextKey, setNextKey] = useState(model.rules.length);

  const add = () => {
    const f = fields.find((x) => x.name === meta.object.nameField) ?? fields[0];
    if (!f) return;
    const op = operatorsFor(f.kind)[0];
    setDraft({ ...draft, rules: [...draft.rules, { field: f.name, op, value: initialValue(op, f.kind) }] });
    setKeys([...keys, nextKey]);
    setNextKey(nextKey + 1);
  };
  const update = (i: number, r: FilterRule) => setDraft({ ...draft, rules: draft.rules.map((x, j) => (j === i ? r : x)) });
  const remove = (i: number) => {
    setDraft({ ...draft, rules: draft.rules.filter((_, j) => j !== i) });
    setKeys(keys.filter((_, j) => j !== i));
  };

  return (
    <Dialog open={open} onClose={onClose} fullScreen={phone} fullWidth maxWidth="md" aria-labelledby="filter-title">
      <DialogTitle id="filter-title">Filter {meta.object.pluralLabel?.toLowerCase() ?? meta.object.label.toLowerCase()}</DialogTitle>
      <DialogContent dividers>
        {draft.locked && (
          <Alert
            severity="info" sx={{ mb: 2 }}
            action={<Button color="inherit" size="small" onClick={() => setDraft({ ...draft, locked: undefined })}>Remove</Button>}
          >
            This view has a filter the builder cannot show as conditions; it still applies.
          </Alert>
        )}
        {draft.rules.length > 1 && (
          <TextField
            select size="small" label="Match" value={draft.match}
            onChange={(e) => setDraft({ ...draft, match: e.target.value === 'or' ? 'or' : 'and' })}
            slotProps={{ select: { native: true }, inputLabel: { shrink: true } }} sx={{ mb: 1, minWidth: 240 }}
          >
            <option value="and">All conditions (and)</option>
            <option value="or">Any condition (or)</option>
          </TextField>
        )}
        {draft.rules.length === 0 && (
          <Typography color="text.secondary" sx={{ py: 2 }}>No conditions: every record shows. Add one to narrow the list.</Typography>
        )}
        {draft.rules.map((r, i) => (
          <RuleRow key={keys[i] ?? i} index={i} rule={r} fields={fields} meta={meta} onChange={(x) => update(i, x)} onRemove={() => remove(i)} />
        ))}
        <Button startIcon={<AddIcon />} onClick={add} sx={{ mt: 1 }}>Add condition</Button>
      </DialogContent>
      <DialogActions sx={{ flexWrap: 'wrap', gap: 1 }}>
        <Button onClick={() => { setDraft({ match: 'and', rules: [] }); setKeys([]); }} disabled={!draft.rules.length && !draft.locked}>Clear all</Button>
        <Box sx={{ flex: 1 }} />
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" onClick={() => onApply(draft)}>Apply</Button>
      </DialogActions>
    </Dialog>
  );
}
