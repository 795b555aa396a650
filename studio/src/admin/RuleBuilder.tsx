/**
 * The validation rule builder: all/any groups of conditions over fields that know their types,
 * comparisons with values, other fields, the stored value ("changed from", `$previous`) or
 * today; a raw JSON Logic tab; and a live test against a real record before saving.
 */
import { useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import {
  Alert, AlertTitle, Box, Button, Checkbox, FormControlLabel, FormGroup, FormLabel, IconButton, MenuItem, Paper, Stack,
  Tab, Tabs, TextField, ToggleButton, ToggleButtonGroup, Typography,
} from '@mui/material';
import Add from '@mui/icons-material/Add';
import Close from '@mui/icons-material/Close';
import type { FieldDef, JsonLogic, JsonValue, ValidationRule } from '../../../metadata/types.ts';
import type { CrmRecord } from '../api/types.ts';
import { useMe } from '../api/hooks.ts';
import { ReferencePicker } from '../app/list/ReferencePicker.tsx';
import { putRule } from './customBundle.ts';
import { fieldLabel, valueKind } from './fieldTypes.ts';
import { FieldPicker } from './FieldPicker.tsx';
import { nameFromLabel, nameProblem } from './names.ts';
import { PageHeader } from './PageHeader.tsx';
import {
  OPERATOR_LABELS, describeRule, emptyGroup, fromJsonLogic, operandShape, operatorsFor, ruleProblems, toJsonLogic, usesPrevious,
  type Condition, type Group, type Operand, type RuleNode,
} from './ruleModel.ts';
import { testRule } from './ruleTester.ts';
import { useDeploy } from './useDeploy.tsx';
import { ValueInput } from './ValueInput.tsx';
import type { StudioMetadata, StudioObject } from './types.ts';

interface Ctx { fields: FieldDef[]; byName: Map<string, FieldDef> }

function defaultOperand(c: Condition, f: FieldDef | undefined): Operand | undefined {
  if (operandShape(c.operator) !== 'one') return undefined;
  if (c.operand) return c.operand;
  return { kind: 'value', value: valueKind(f) === 'boolean' ? true : '' };
}

function ConditionEditor({ c, path, ctx, onChange, onRemove }: { c: Condition; path: string; ctx: Ctx; onChange: (c: Condition) => void; onRemove: () => void }) {
  const field = ctx.byName.get(c.field);
  const kind = valueKind(field);
  const ops = c.field ? operatorsFor(kind) : [c.operator];
  const shape = operandShape(c.operator);
  const operand = c.operand;
  const comparable = ctx.fields.filter((f) => f.name !== c.field && valueKind(f) === kind);
  return (
    <Box role="group" aria-label={`Condition ${path}`} sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'flex-start' }}>
      <FieldPicker label={`Field ${path}`} value={c.field} fields={ctx.fields} emptyLabel="Choose a field"
        onChange={(name) => {
          const nf = ctx.byName.get(name);
          const nops = operatorsFor(valueKind(nf));
          const op = nops.includes(c.operator) ? c.operator : nops[0];
          const next: Condition = { kind: 'condition', field: name, operator: op };
          next.operand = defaultOperand(next, nf);
          onChange(next);
        }} />
      <TextField select size="small" label={`Operator ${path}`} value={c.operator} sx={{ minWidth: 150 }} disabled={!c.field}
        onChange={(e) => {
          const next: Condition = { ...c, operator: e.target.value as Condition['operator'] };
          if (operandShape(next.operator) !== 'one') delete next.operand; else next.operand = defaultOperand(next, field);
          if (operandShape(next.operator) !== 'list') delete next.values;
          onChange(next);
        }}>
        {ops.map((o) => <MenuItem key={o} value={o}>{OPERATOR_LABELS[o]}</MenuItem>)}
      </TextField>
      {shape === 'one' && c.field && (
        <>
          {c.operator !== 'changedFrom' && kind !== 'boolean' && (
            <TextField select size="small" label={`Compare ${path} with`} value={operand?.kind ?? 'value'} sx={{ minWidth: 150 }}
              onChange={(e) => {
                const k = e.target.value as Operand['kind'];
                onChange({ ...c, operand: k === 'value' ? { kind: 'value', value: '' } : k === 'today' ? { kind: 'today' } : { kind: k, field: k === 'previous' ? c.field : comparable[0]?.name ?? '' } });
              }}>
              <MenuItem value="value">a value</MenuItem>
              {comparable.length > 0 && <MenuItem value="field">another field</MenuItem>}
              <MenuItem value="previous">its stored value</MenuItem>
              {kind === 'date' && <MenuItem value="today">today</MenuItem>}
            </TextField>
          )}
          {(!operand || operand.kind === 'value') && (
            <ValueInput label={`Value ${path}`} field={field} value={operand?.kind === 'value' ? operand.value : undefined}
              onChange={(v) => onChange({ ...c, operand: { kind: 'value', value: v ?? '' } })} />
          )}
          {operand?.kind === 'field' && (
            <FieldPicker label={`Other field ${path}`} value={operand.field} fields={comparable} onChange={(name) => onChange({ ...c, operand: { kind: 'field', field: name } })} />
          )}
        </>
      )}
      {shape === 'list' && c.field && (
        field && (field.type === 'picklist' || field.type === 'multipicklist')
          ? <ValueInput label={`Values ${path}`} field={field} multiple value={c.values ?? []} onChange={(v) => onChange({ ...c, values: Array.isArray(v) ? v : [] })} />
          : <TextField size="small" label={`Values ${path}`} helperText="Separate with commas" value={(c.values ?? []).join(', ')}
              onChange={(e) => onChange({ ...c, values: e.target.value.split(',').map((s) => s.trim()).filter(Boolean) })} />
      )}
      <IconButton aria-label={`Remove condition ${path}`} onClick={onRemove} sx={{ mt: 0.5 }}><Close /></IconButton>
    </Box>
  );
}

function GroupEditor({ g, path, ctx, onChange, onRemove }: { g: Group; path: string; ctx: Ctx; onChange: (g: Group) => void; onRemove?: () => void }) {
  const set = (i: number, n: RuleNode) => onChange({ ...g, children: g.children.map((c, j) => (j === i ? n : c)) });
  const remove = (i: number) => onChange({ ...g, children: g.children.filter((_, j) => j !== i) });
  const sub = (i: number) => (path ? `${path}.${i + 1}` : String(i + 1));
  return (
    <Paper variant="outlined" sx={{ p: 1.5, display: 'flex', flexDirection: 'column', gap: 1.5, bgcolor: path ? 'grey.50' : undefined }} role="group" aria-label={path ? `Group ${path}` : 'Conditions'}>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="body2">When</Typography>
        <ToggleButtonGroup size="small" exclusive value={g.op} onChange={(_e, v: 'and' | 'or' | null) => v && onChange({ ...g, op: v })} aria-label={path ? `Group ${path}: all or any` : 'All or any'}>
          <ToggleButton value="and">all</ToggleButton>
          <ToggleButton value="or">any</ToggleButton>
        </ToggleButtonGroup>
        <Typography variant="body2">of these hold</Typography>
        <Box sx={{ flex: 1 }} />
        {onRemove && <Button size="small" onClick={onRemove}>Remove group</Button>}
      </Box>
      {g.children.map((c, i) => c.kind === 'group'
        ? <GroupEditor key={i} g={c} path={sub(i)} ctx={ctx} onChange={(n) => set(i, n)} onRemove={() => remove(i)} />
        : <ConditionEditor key={i} c={c} path={sub(i)} ctx={ctx} onChange={(n) => set(i, n)} onRemove={() => remove(i)} />)}
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
        <Button size="small" startIcon={<Add />} onClick={() => onChange({ ...g, children: [...g.children, { kind: 'condition', field: '', operator: 'eq' }] })}>Add condition</Button>
        {path.split('.').length < 3 && (
          <Button size="small" startIcon={<Add />} onClick={() => onChange({ ...g, children: [...g.children, { ...emptyGroup(g.op === 'and' ? 'or' : 'and'), children: [{ kind: 'condition', field: '', operator: 'eq' }] }] })}>
            Add group
          </Button>
        )}
      </Box>
    </Paper>
  );
}

function display(f: FieldDef | undefined, v: JsonValue): string {
  if (f && (f.type === 'picklist' || f.type === 'multipicklist')) return `“${f.options.find((o) => o.value === v)?.label ?? String(v)}”`;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return typeof v === 'string' ? `“${v}”` : JSON.stringify(v);
}

function Tester({ object, meta, when, message }: { object: StudioObject; meta: StudioMetadata; when: JsonLogic | undefined; message: string }) {
  const me = useMe();
  const [record, setRecord] = useState<CrmRecord | null>(null);
  const [asNew, setAsNew] = useState(false);
  const [changeField, setChangeField] = useState('');
  const [changeValue, setChangeValue] = useState<JsonValue | undefined>();
  const fields = object.fields.filter((f) => f.type !== 'formula' && f.type !== 'rollup' && f.type !== 'autonumber');
  const outcome = useMemo(() => {
    // A new record has no stored values and no previous version: no record to pick.
    if (when === undefined || (!record && !asNew)) return undefined;
    const values: Record<string, unknown> = asNew ? {} : { ...record };
    if (changeField) values[changeField] = changeValue ?? null;
    return testRule(when, values, { previous: asNew ? undefined : record ?? undefined, userId: me.data?.id });
  }, [record, when, asNew, changeField, changeValue, me.data]);
  void meta;
  return (
    <Paper sx={{ p: 2 }} component="section" aria-labelledby="tester-heading">
      <Typography id="tester-heading" variant="subtitle1" component="h2">Try it on a real record</Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Pick a {object.label.toLowerCase()} and see whether the rule would refuse saving it. Optionally change one field first, as an edit would.
      </Typography>
      <Stack spacing={2}>
        {!asNew && (
          <ReferencePicker to={object.name} label="Test record" value={record?.id ?? null} known={record} sort="-updatedAt"
            onChange={(_id, r) => setRecord(r)} sx={{ minWidth: 220 }} />
        )}
        <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'flex-start' }}>
          <FieldPicker label="Change field" value={changeField} fields={fields} emptyLabel="No change" onChange={(n) => { setChangeField(n); setChangeValue(undefined); }} />
          {changeField && <ValueInput label="To" field={object.fields.find((f) => f.name === changeField)} value={changeValue} onChange={setChangeValue} />}
        </Box>
        <FormControlLabel control={<Checkbox checked={asNew} onChange={(e) => setAsNew(e.target.checked)} />} label="Test as a new record (no stored values)" />
        <Box aria-live="polite">
          {!record && !asNew && <Typography variant="body2" color="text.secondary">{when === undefined ? 'Finish the conditions first.' : 'No record picked yet.'}</Typography>}
          {(record || asNew) && when === undefined && <Alert severity="info">Finish the conditions to test the rule.</Alert>}
          {asNew && when !== undefined && (
            <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
              Tested on a new {object.label.toLowerCase()} with {changeField ? 'only the changed field' : 'no field'} filled in.
            </Typography>
          )}
          {outcome?.error && <Alert severity="warning">The rule could not be evaluated in the browser: {outcome.error}</Alert>}
          {outcome && !outcome.error && (outcome.fires
            ? <Alert severity="error"><AlertTitle>The rule fires</AlertTitle>Saving this record would be refused: “{message || 'your message'}”</Alert>
            : <Alert severity="success"><AlertTitle>The rule lets it through</AlertTitle>This record would save.</Alert>)}
        </Box>
      </Stack>
    </Paper>
  );
}

export default function RuleBuilder({ object, meta }: { object: StudioObject; meta: StudioMetadata }) {
  const { rule: ruleParam = 'new' } = useParams();
  const navigate = useNavigate();
  const deploy = useDeploy();
  const existing = ruleParam === 'new' ? undefined : (object.validationRules ?? []).find((r) => r.name === ruleParam);
  const fields = object.fields.filter((f) => f.type !== 'json');
  const byName = useMemo(() => new Map(object.fields.map((f) => [f.name, f as FieldDef])), [object]);
  const kindOf = (n: string) => valueKind(byName.get(n));

  const [message, setMessage] = useState(existing?.message ?? '');
  const [name, setName] = useState<string | undefined>(existing?.name);
  const [field, setField] = useState(existing?.field ?? '');
  const [onCreate, setOnCreate] = useState(!existing?.on || existing.on.includes('create'));
  const [onUpdate, setOnUpdate] = useState(!existing?.on || existing.on.includes('update'));
  const [model, setModel] = useState<Group>(() => (existing ? fromJsonLogic(existing.when) ?? emptyGroup() : { ...emptyGroup(), children: [{ kind: 'condition', field: '', operator: 'eq' }] }));
  const [tab, setTab] = useState<'builder' | 'raw'>(() => (existing && !fromJsonLogic(existing.when) ? 'raw' : 'builder'));
  const [raw, setRaw] = useState(() => (existing ? JSON.stringify(existing.when, null, 2) : ''));
  const [rawLogic, setRawLogic] = useState<JsonLogic | undefined>(existing?.when);
  const [rawError, setRawError] = useState<string>();
  const [tried, setTried] = useState(false);
  const [note, setNote] = useState<string>();

  if (ruleParam !== 'new' && !existing) {
    return <Alert severity="warning">{object.label} has no rule named “{ruleParam}”.</Alert>;
  }

  const ruleName = name ?? (nameFromLabel(message).slice(0, 40).replace(/_+$/, '') || '');
  const taken = (object.validationRules ?? []).filter((r) => r.name !== existing?.name).map((r) => r.name);
  const nameErr = nameProblem(ruleName, { taken });
  const builderLogic = toJsonLogic(model, kindOf);
  const when = tab === 'builder' ? builderLogic : rawLogic;
  const problems = [
    ...(!message.trim() ? ['Write the message people see'] : []),
    ...(nameErr ? [`Name: ${nameErr}`] : []),
    ...(!onCreate && !onUpdate ? ['Check the rule on create, on update, or both'] : []),
    ...(tab === 'builder' ? ruleProblems(model) : rawError ? [`JSON: ${rawError}`] : rawLogic === undefined ? ['Write the rule as JSON Logic'] : []),
  ];
  const logicReady = tab === 'builder' ? !ruleProblems(model).length : !rawError && rawLogic !== undefined;
  const sentence = describeRule(model, (n) => fieldLabel(byName.get(n) ?? { name: n }), (n, v) => display(byName.get(n), v));

  const switchTab = (t: 'builder' | 'raw') => {
    if (t === tab) return;
    if (t === 'raw') {
      const logic = builderLogic ?? rawLogic;
      setRaw(logic === undefined ? '' : JSON.stringify(logic, null, 2));
      setRawLogic(logic);
      setRawError(undefined);
      setNote(undefined);
      setTab('raw');
      return;
    }
    const m = fromJsonLogic(rawLogic);
    if (!m) { setNote('The builder cannot show this JSON Logic; keep editing it here.'); return; }
    setModel(m);
    setNote(undefined);
    setTab('builder');
  };

  const save = async () => {
    setTried(true);
    if (problems.length || when === undefined) return;
    const rule: ValidationRule = {
      name: ruleName, when, message: message.trim(),
      ...(field ? { field } : {}),
      ...(onCreate && onUpdate ? {} : { on: onCreate ? ['create'] : ['update'] }),
    };
    const result = await deploy({
      title: `${existing ? 'Change' : 'Add'} validation rule ${ruleName} on ${object.label}`,
      change: (base) => putRule(base, object, rule, existing?.name),
    });
    if (result?.applied) navigate(`/studio/objects/${object.name}/rules`);
  };

  const prevOnCreate = tab === 'builder' && usesPrevious(model) && onCreate;
  return (
    <Stack spacing={2}>
      <PageHeader
        title={existing ? `Rule ${existing.name}` : 'New validation rule'}
        subtitle={`${object.label}: refuse a save when…`}
        actions={<>
          <Button onClick={() => navigate(`/studio/objects/${object.name}/rules`)}>Cancel</Button>
          <Button variant="contained" onClick={() => void save()}>Save rule</Button>
        </>}
      />
      <Paper sx={{ p: 2 }} component="section" aria-label="Message">
        <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', md: '2fr 1fr 1fr' } }}>
          <TextField label="Error message" value={message} onChange={(e) => setMessage(e.target.value)} required error={tried && !message.trim()}
            helperText="Shown to people when the rule refuses their save" />
          <TextField label="Rule name" value={ruleName} onChange={(e) => setName(e.target.value)} required disabled={!!existing}
            error={(tried || name !== undefined) && !!nameErr} helperText={(tried || name !== undefined) && nameErr ? nameErr : 'Used in the API'}
            slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }} />
          <FieldPicker label="Show the message on" value={field} fields={fields} emptyLabel="The whole record" onChange={setField} size="medium" />
        </Box>
        <FormGroup row sx={{ mt: 1, alignItems: 'center', gap: 1 }}>
          <FormLabel component="span" sx={{ mr: 1 }}>Check it</FormLabel>
          <FormControlLabel control={<Checkbox checked={onCreate} onChange={(e) => setOnCreate(e.target.checked)} />} label="when a record is created" />
          <FormControlLabel control={<Checkbox checked={onUpdate} onChange={(e) => setOnUpdate(e.target.checked)} />} label="when a record is updated" />
        </FormGroup>
      </Paper>

      <Paper sx={{ p: 2 }} component="section" aria-labelledby="conditions-heading">
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1, flexWrap: 'wrap' }}>
          <Typography id="conditions-heading" variant="subtitle1" component="h2" sx={{ flex: 1 }}>Refuse the save when</Typography>
          <Tabs value={tab} onChange={(_e, v: 'builder' | 'raw') => switchTab(v)} aria-label="Rule editor">
            <Tab value="builder" label="Builder" />
            <Tab value="raw" label="Raw JSON" />
          </Tabs>
        </Box>
        {note && <Alert severity="info" sx={{ mb: 1 }}>{note}</Alert>}
        {tab === 'builder' ? (
          <>
            <GroupEditor g={model} path="" ctx={{ fields, byName }} onChange={setModel} />
            <Typography variant="body2" sx={{ mt: 1.5 }} aria-live="polite">
              <strong>In words:</strong> refuse the save when {sentence || '…'}
            </Typography>
            {prevOnCreate && (
              <Alert severity="info" sx={{ mt: 1 }}>
                “Changed” and stored values only mean something when a record is updated: on create there is no stored value, so those conditions do not hold.
              </Alert>
            )}
          </>
        ) : (
          <TextField
            label="Rule (JSON Logic)" multiline minRows={6} fullWidth value={raw} error={!!rawError}
            helperText={rawError ?? 'True means refuse. {"var": "field"} reads a field; {"var": "$previous.field"} its stored value on update.'}
            slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace', fontSize: 13 } } }}
            onChange={(e) => {
              setRaw(e.target.value);
              try {
                setRawLogic(JSON.parse(e.target.value) as JsonValue);
                setRawError(undefined);
              } catch (err) {
                setRawError((err as Error).message);
                setRawLogic(undefined);
              }
            }}
          />
        )}
      </Paper>

      {tried && problems.length > 0 && (
        <Alert severity="error" role="alert"><AlertTitle>Not saved yet</AlertTitle>{problems.map((p) => <div key={p}>{p}</div>)}</Alert>
      )}

      <Tester object={object} meta={meta} when={logicReady ? when : undefined} message={message} />
    </Stack>
  );
}
