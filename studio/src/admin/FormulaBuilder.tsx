/** Formula builder: a calculation or joined text from the object's fields, or raw JSON Logic. */
import { useState } from 'react';
import { Alert, Box, Button, IconButton, MenuItem, TextField, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import Add from '@mui/icons-material/Add';
import Close from '@mui/icons-material/Close';
import type { FieldDef, JsonLogic, JsonValue } from '../../../metadata/types.ts';
import { fieldLabel, NUMBER_TYPES, effectiveType } from './fieldTypes.ts';
import { MATH_OPS, fromFormula, toFormula, type FormulaModel, type MathOp, type Term } from './formulaModel.ts';

function TermInput({ term, label, fields, text, onChange }: { term: Term; label: string; fields: FieldDef[]; text: boolean; onChange: (t: Term) => void }) {
  const usable = fields.filter((f) => f.type !== 'json' && (text || NUMBER_TYPES.has(effectiveType(f))));
  return (
    <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
      <TextField select size="small" label={`${label}: kind`} value={term.kind} sx={{ minWidth: 110 }}
        onChange={(e) => {
          const k = e.target.value as Term['kind'];
          onChange(k === 'field' ? { kind: 'field', field: usable[0]?.name ?? '' } : k === 'number' ? { kind: 'number', value: 0 } : { kind: 'text', value: '' });
        }}>
        <MenuItem value="field">Field</MenuItem>
        <MenuItem value="number">Number</MenuItem>
        {text && <MenuItem value="text">Text</MenuItem>}
      </TextField>
      {term.kind === 'field' && (
        <TextField select size="small" label={label} value={term.field} onChange={(e) => onChange({ kind: 'field', field: e.target.value })} sx={{ minWidth: 160 }}>
          {usable.map((f) => <MenuItem key={f.name} value={f.name}>{fieldLabel(f)}</MenuItem>)}
        </TextField>
      )}
      {term.kind === 'number' && (
        <TextField size="small" type="number" label={label} value={term.value} onChange={(e) => onChange({ kind: 'number', value: Number(e.target.value) || 0 })} sx={{ width: 120 }} slotProps={{ htmlInput: { step: 'any' } }} />
      )}
      {term.kind === 'text' && (
        <TextField size="small" label={label} value={term.value} onChange={(e) => onChange({ kind: 'text', value: e.target.value })} sx={{ width: 140 }} />
      )}
    </Box>
  );
}

function describeTerm(t: Term, fields: FieldDef[]): string {
  if (t.kind === 'field') return fieldLabel(fields.find((f) => f.name === t.field) ?? { name: t.field });
  return t.kind === 'text' ? JSON.stringify(t.value) : String(t.value);
}

export function FormulaBuilder({ fields, returns, expression, onChange }: {
  fields: FieldDef[];
  returns: string;
  expression: JsonLogic | undefined;
  onChange: (e: JsonLogic | undefined) => void;
}) {
  const text = returns === 'text';
  const [model, setModel] = useState<FormulaModel | undefined>(() => fromFormula(expression, returns));
  const [raw, setRaw] = useState(() => (expression === undefined ? '' : JSON.stringify(expression, null, 2)));
  const [tab, setTab] = useState<'builder' | 'raw'>(() => (fromFormula(expression, returns) ? 'builder' : 'raw'));
  const [rawError, setRawError] = useState<string>();
  const [note, setNote] = useState<string>();

  const update = (m: FormulaModel) => {
    setModel(m);
    const logic = toFormula(m);
    setRaw(JSON.stringify(logic, null, 2));
    onChange(logic);
  };
  const m = model ?? (text ? { mode: 'join' as const, parts: [] } : { mode: 'math' as const, first: { kind: 'number' as const, value: 0 }, rest: [] });
  const sentence = m.mode === 'math'
    ? [describeTerm(m.first, fields), ...m.rest.map((r) => `${MATH_OPS.find((o) => o.op === r.op)?.label} ${describeTerm(r.term, fields)}`)].join(' ')
    : m.parts.map((p) => describeTerm(p, fields)).join(' + ');

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Typography variant="subtitle2" component="h3" sx={{ flex: 1 }}>Formula</Typography>
        <ToggleButtonGroup size="small" exclusive value={tab} aria-label="Formula editor"
          onChange={(_e, v: 'builder' | 'raw' | null) => {
            if (v === 'builder') {
              const parsed = fromFormula(expression, returns);
              if (!parsed) { setNote('The builder cannot show this formula; keep editing it as JSON Logic.'); return; }
              setModel(parsed);
              setNote(undefined);
            }
            if (v) setTab(v);
          }}>
          <ToggleButton value="builder">Builder</ToggleButton>
          <ToggleButton value="raw">JSON Logic</ToggleButton>
        </ToggleButtonGroup>
      </Box>
      {note && <Alert severity="info">{note}</Alert>}
      {tab === 'builder' ? (
        <>
          <TextField select size="small" label="Formula kind" value={m.mode} sx={{ maxWidth: 260 }}
            onChange={(e) => update(e.target.value === 'join' ? { mode: 'join', parts: [] } : { mode: 'math', first: { kind: 'number', value: 0 }, rest: [] })}>
            <MenuItem value="math">Calculate (left to right)</MenuItem>
            <MenuItem value="join">Join text</MenuItem>
          </TextField>
          {m.mode === 'math' ? (
            <>
              <TermInput label="Start with" term={m.first} fields={fields} text={false} onChange={(t) => update({ ...m, first: t })} />
              {m.rest.map((r, i) => (
                <Box key={i} sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'center' }}>
                  <TextField select size="small" label={`Step ${i + 1}`} value={r.op} sx={{ minWidth: 130 }}
                    onChange={(e) => update({ ...m, rest: m.rest.map((x, j) => (j === i ? { ...x, op: e.target.value as MathOp } : x)) })}>
                    {MATH_OPS.map((o) => <MenuItem key={o.op} value={o.op}>{o.label}</MenuItem>)}
                  </TextField>
                  <TermInput label={`Step ${i + 1} operand`} term={r.term} fields={fields} text={false}
                    onChange={(t) => update({ ...m, rest: m.rest.map((x, j) => (j === i ? { ...x, term: t } : x)) })} />
                  <IconButton aria-label={`Remove step ${i + 1}`} onClick={() => update({ ...m, rest: m.rest.filter((_, j) => j !== i) })}><Close /></IconButton>
                </Box>
              ))}
              <Button size="small" startIcon={<Add />} sx={{ alignSelf: 'flex-start' }} onClick={() => update({ ...m, rest: [...m.rest, { op: '+', term: { kind: 'number', value: 1 } }] })}>Add a step</Button>
            </>
          ) : (
            <>
              {m.parts.map((p, i) => (
                <Box key={i} sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
                  <TermInput label={`Part ${i + 1}`} term={p} fields={fields} text onChange={(t) => update({ ...m, parts: m.parts.map((x, j) => (j === i ? t : x)) })} />
                  <IconButton aria-label={`Remove part ${i + 1}`} onClick={() => update({ ...m, parts: m.parts.filter((_, j) => j !== i) })}><Close /></IconButton>
                </Box>
              ))}
              <Button size="small" startIcon={<Add />} sx={{ alignSelf: 'flex-start' }} onClick={() => update({ ...m, parts: [...m.parts, { kind: 'text', value: ' ' }] })}>Add a part</Button>
            </>
          )}
          <Typography variant="body2" color="text.secondary" aria-live="polite">= {sentence || '…'}</Typography>
        </>
      ) : (
        <TextField
          label="Formula (JSON Logic)" multiline minRows={4} value={raw} error={!!rawError}
          helperText={rawError ?? 'e.g. {"*": [{"var": "price"}, {"var": "quantity"}]}'}
          slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace', fontSize: 13 } } }}
          onChange={(e) => {
            setRaw(e.target.value);
            try {
              const v = JSON.parse(e.target.value) as JsonValue;
              setRawError(undefined);
              onChange(v);
            } catch (err) {
              setRawError((err as Error).message);
              onChange(undefined);
            }
          }}
        />
      )}
    </Box>
  );
}
