/**
 * The field editor: every field type of CONTRACT §3 with its options — picklist values
 * (reorderable), reference target and delete rule, formula and roll-up builders, limits —
 * plus default, required, unique, external id, text search, help text and personal data. Save deploys.
 */
import { useMemo, useState, type FormEvent } from 'react';
import {
  Alert, Box, Button, Checkbox, Dialog, DialogActions, DialogContent, DialogTitle, Divider, FormControlLabel,
  FormGroup, MenuItem, Stack, TextField, Typography, useMediaQuery,
} from '@mui/material';
import { useTheme } from '@mui/material/styles';
import {
  FIELD_TYPES, FORMULA_RETURN_TYPES, type FieldDef, type FieldType, type FormulaReturnType, type JsonLogic, type JsonValue,
  type OnDelete, type PackageBundle,
} from '../../../metadata/types.ts';
import { canFlagSearchable, isSearchField, searchedByDefault } from '../../../metadata/search-fields.ts';
import { putField, putLayout, type Deployed } from './customBundle.ts';
import { TYPE_GROUPS, TYPE_INFO, fieldLabel, isComputed } from './fieldTypes.ts';
import { FormulaBuilder } from './FormulaBuilder.tsx';
import { nameFromLabel, nameProblem } from './names.ts';
import { PicklistOptions, fromEditable, toEditable, type EditableOption } from './PicklistOptions.tsx';
import { RollupBuilder, type RollupDraft } from './RollupBuilder.tsx';
import { ValueInput } from './ValueInput.tsx';
import { useDeploy } from './useDeploy.tsx';
import type { StudioField, StudioMetadata, StudioObject } from './types.ts';

const TEXT_TYPES = new Set(['text', 'longtext', 'richtext', 'email', 'phone', 'url']);
const NUMBER_TYPES = new Set(['decimal', 'currency', 'percent']);
const NO_DEFAULT = new Set(['reference', 'autonumber', 'formula', 'rollup', 'json']);

const ON_DELETE: Array<{ value: OnDelete; label: string }> = [
  { value: 'restrict', label: 'Refuse the delete while records point at it' },
  { value: 'setNull', label: 'Clear this field' },
  { value: 'cascade', label: 'Delete these records too' },
];

function numOrUndef(s: string): number | undefined {
  if (s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

function str(n: number | undefined): string {
  return n === undefined ? '' : String(n);
}

/** Adds a new field at the end of the layout's last section (the column with fewest fields). */
function placeOnLayout(bundle: PackageBundle, deployed: Deployed, object: string, field: string): PackageBundle {
  const layouts = deployed.layouts.filter((l) => l.object === object);
  const current = (bundle.layouts ?? []).find((l) => l.object === object && l.name === 'default')
    ?? layouts.find((l) => l.name === 'default') ?? layouts[0];
  if (!current) return bundle;
  const layout = structuredClone(current);
  if (layout.sections.some((s) => s.columns.some((c) => c.fields.includes(field)))) return bundle;
  const section = layout.sections[layout.sections.length - 1];
  const column = section.columns.reduce((a, b) => (b.fields.length < a.fields.length ? b : a));
  column.fields.push(field);
  return putLayout(bundle, layout);
}

export function FieldEditor({ object, meta, field, onClose }: { object: StudioObject; meta: StudioMetadata; field?: StudioField; onClose: () => void }) {
  const deploy = useDeploy();
  const theme = useTheme();
  const phone = useMediaQuery(theme.breakpoints.down('sm'));
  const isNew = !field;
  const f = field as (FieldDef & Record<string, unknown>) | undefined;

  const [label, setLabel] = useState(field ? fieldLabel(field) : '');
  const [name, setName] = useState<string>();
  const [type, setType] = useState<FieldType>(field?.type ?? 'text');
  const [helpText, setHelpText] = useState(field?.helpText ?? '');
  const [required, setRequired] = useState(!!field?.required);
  const [unique, setUnique] = useState(!!field?.unique);
  const [externalId, setExternalId] = useState(!!field?.externalId);
  const [pii, setPii] = useState(!!field?.pii);
  // Found by text search: the field's own say, else what the default rule gives it.
  const [searchable, setSearchable] = useState(field ? isSearchField(field, object.nameField) : false);
  const [def, setDef] = useState<JsonValue | undefined>(field?.default);
  const [maxLength, setMaxLength] = useState(str(f?.maxLength as number | undefined));
  const [min, setMin] = useState(str(f?.min as number | undefined));
  const [max, setMax] = useState(str(f?.max as number | undefined));
  const [precision, setPrecision] = useState(str(f?.precision as number | undefined));
  const [scale, setScale] = useState(str(f?.scale as number | undefined));
  const [options, setOptions] = useState<EditableOption[]>(() => (field && (field.type === 'picklist' || field.type === 'multipicklist') ? toEditable(field.options) : []));
  const [to, setTo] = useState(field?.type === 'reference' ? field.to : '');
  const [onDelete, setOnDelete] = useState<OnDelete>(field?.type === 'reference' ? field.onDelete ?? 'setNull' : 'setNull');
  const [format, setFormat] = useState(field?.type === 'autonumber' ? field.format ?? '' : '');
  const [startAt, setStartAt] = useState(field?.type === 'autonumber' ? str(field.startAt) : '');
  const [returns, setReturns] = useState<FormulaReturnType>(field?.type === 'formula' ? field.returns : 'decimal');
  const [expression, setExpression] = useState<JsonLogic | undefined>(field?.type === 'formula' ? field.expression : undefined);
  const [rollup, setRollup] = useState<RollupDraft>(field?.type === 'rollup' ? { of: field.of, aggregate: field.aggregate, field: field.field, filter: field.filter } : { aggregate: 'count' });
  const [place, setPlace] = useState(true);
  const [tried, setTried] = useState(false);

  const fieldName = field?.name ?? name ?? nameFromLabel(label);
  const taken = object.fields.filter((x) => x.name !== field?.name).map((x) => x.name);
  const nameErr = isNew ? nameProblem(fieldName, { taken, field: true }) : undefined;
  const otherFields = object.fields.filter((x) => x.name !== field?.name);
  const hasLayout = meta.layouts.some((l) => l.object === object.name);

  const draftForDefault = useMemo<FieldDef>(() => {
    if (type === 'picklist' || type === 'multipicklist') return { name: fieldName, type, options: fromEditable(options) };
    return { name: fieldName, type } as FieldDef;
  }, [type, options, fieldName]);

  const build = (): { def?: FieldDef; problems: string[] } => {
    const problems: string[] = [];
    if (!label.trim()) problems.push('Give the field a label');
    if (nameErr) problems.push(`Name: ${nameErr}`);
    const out: Record<string, JsonValue> = { name: fieldName, type };
    if (label.trim()) out.label = label.trim();
    if (helpText.trim()) out.helpText = helpText.trim();
    if (required && !isComputed({ type })) out.required = true;
    if (unique && !isComputed({ type }) && type !== 'boolean') out.unique = true;
    if (externalId && TEXT_TYPES.has(type)) out.externalId = true;
    if (pii) out.pii = true;
    if (canFlagSearchable(type)) {
      // Only what differs from the default is written, so the default can evolve.
      const byDefault = searchedByDefault({ ...(out as unknown as FieldDef) }, object.nameField);
      if (searchable !== byDefault) out.searchable = searchable;
    }
    if (def !== undefined && def !== '' && !NO_DEFAULT.has(type) && !(Array.isArray(def) && !def.length)) out.default = def;
    const n = (k: string, s: string) => { const v = numOrUndef(s); if (v !== undefined) out[k] = v; };
    if (TEXT_TYPES.has(type)) n('maxLength', maxLength);
    if (type === 'integer') { n('min', min); n('max', max); }
    if (NUMBER_TYPES.has(type)) { n('precision', precision); n('scale', scale); n('min', min); n('max', max); }
    if (type === 'picklist' || type === 'multipicklist') {
      const opts = fromEditable(options);
      if (!opts.length) problems.push('Add at least one picklist value');
      if (opts.some((o) => !o.value)) problems.push('Every picklist value needs a value');
      if (new Set(opts.map((o) => o.value)).size !== opts.length) problems.push('Picklist values must be different');
      out.options = opts as unknown as JsonValue;
      if (type === 'picklist' && typeof out.default === 'string' && !opts.some((o) => o.value === out.default)) delete out.default;
    }
    if (type === 'reference') {
      if (!to) problems.push('Choose the object it points at');
      out.to = to;
      out.onDelete = onDelete;
    }
    if (type === 'autonumber') {
      if (format.trim()) {
        if ((format.match(/\{0+\}/g) ?? []).length !== 1) problems.push('The format needs exactly one counter like {0000}');
        out.format = format.trim();
      }
      n('startAt', startAt);
    }
    if (type === 'formula') {
      out.returns = returns;
      if (expression === undefined) problems.push('Build the formula (or fix its JSON)');
      else out.expression = expression;
      if (['decimal', 'currency', 'percent'].includes(returns)) n('scale', scale);
    }
    if (type === 'rollup') {
      if (!rollup.of) problems.push('Choose the related records to summarize');
      else out.of = rollup.of;
      out.aggregate = rollup.aggregate ?? 'count';
      if (out.aggregate !== 'count') {
        if (!rollup.field) problems.push('Choose the field to summarize');
        else out.field = rollup.field;
      }
      if (rollup.filter && Object.keys(rollup.filter).length) out.filter = rollup.filter;
      n('scale', scale);
    }
    return { def: problems.length ? undefined : (out as unknown as FieldDef), problems };
  };

  const { problems } = build();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    const { def: built } = build();
    if (!built) return;
    const l = built.label ?? built.name;
    const result = await deploy({
      title: isNew ? `Add field ${l} to ${object.label}` : `Change field ${l} of ${object.label}`,
      change: (base, deployed) => {
        const b = putField(base, object, built);
        return isNew && place ? placeOnLayout(b, deployed, object.name, built.name) : b;
      },
    });
    if (result?.applied) onClose();
  };

  const typeChanged = !isNew && field.type !== type;
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="md" fullScreen={phone} aria-labelledby="field-editor-title">
      <form onSubmit={submit} noValidate>
        <DialogTitle id="field-editor-title">{isNew ? `New field on ${object.label}` : `Edit field ${fieldLabel(field)}`}</DialogTitle>
        <DialogContent dividers>
          <Stack spacing={2.5}>
            <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr 1fr' } }}>
              <TextField label="Label" value={label} onChange={(e) => setLabel(e.target.value)} required autoFocus={isNew}
                error={tried && !label.trim()} helperText={tried && !label.trim() ? 'Give the field a label' : 'What people see'} />
              <TextField label="Name" value={fieldName} onChange={(e) => setName(e.target.value)} required disabled={!isNew}
                error={(tried || name !== undefined) && !!nameErr}
                helperText={!isNew ? 'Use Rename to change it' : (tried || name !== undefined) && nameErr ? nameErr : 'Used in the API'}
                slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }} />
              <TextField select label="Type" value={type} onChange={(e) => { setType(e.target.value as FieldType); setDef(undefined); }}
                helperText={TYPE_INFO[type].hint} slotProps={{ select: { native: true } }}>
                {TYPE_GROUPS.map((g) => (
                  <optgroup key={g} label={g}>
                    {FIELD_TYPES.filter((t) => TYPE_INFO[t].group === g).map((t) => <option key={t} value={t}>{TYPE_INFO[t].label}</option>)}
                  </optgroup>
                ))}
              </TextField>
            </Box>
            {typeChanged && (
              <Alert severity="warning">
                Changing the type from {TYPE_INFO[field.type].label} to {TYPE_INFO[type].label} converts every stored value. The plan shows how many
                records could not be converted, and then nothing changes.
              </Alert>
            )}

            {TEXT_TYPES.has(type) && (
              <TextField label="Maximum length" type="number" value={maxLength} onChange={(e) => setMaxLength(e.target.value)} sx={{ maxWidth: 220 }}
                helperText={type === 'text' ? 'Default 255 characters' : 'Optional'} slotProps={{ htmlInput: { min: 1 } }} />
            )}
            {(type === 'integer' || NUMBER_TYPES.has(type)) && (
              <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
                {NUMBER_TYPES.has(type) && <TextField label="Decimal places" type="number" value={scale} onChange={(e) => setScale(e.target.value)} helperText="Default 2" sx={{ width: 160 }} slotProps={{ htmlInput: { min: 0, max: 38 } }} />}
                {NUMBER_TYPES.has(type) && <TextField label="Total digits" type="number" value={precision} onChange={(e) => setPrecision(e.target.value)} helperText="Default 18" sx={{ width: 160 }} slotProps={{ htmlInput: { min: 1, max: 38 } }} />}
                <TextField label="Smallest allowed" type="number" value={min} onChange={(e) => setMin(e.target.value)} sx={{ width: 160 }} />
                <TextField label="Largest allowed" type="number" value={max} onChange={(e) => setMax(e.target.value)} sx={{ width: 160 }} />
              </Box>
            )}
            {(type === 'picklist' || type === 'multipicklist') && <PicklistOptions options={options} onChange={setOptions} />}
            {type === 'reference' && (
              <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' } }}>
                <TextField select label="Points at" value={to} onChange={(e) => setTo(e.target.value)} required error={tried && !to}
                  helperText={tried && !to ? 'Choose the object it points at' : 'The object whose records this field links to'}>
                  {[...meta.objects].sort((a, b) => a.label.localeCompare(b.label)).map((o) => <MenuItem key={o.name} value={o.name}>{o.label}</MenuItem>)}
                </TextField>
                <TextField select label="When that record is deleted" value={onDelete} onChange={(e) => setOnDelete(e.target.value as OnDelete)}>
                  {ON_DELETE.map((o) => <MenuItem key={o.value} value={o.value}>{o.label}</MenuItem>)}
                </TextField>
              </Box>
            )}
            {type === 'autonumber' && (
              <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
                <TextField label="Format" value={format} onChange={(e) => setFormat(e.target.value)} placeholder="VEH-{0000}" helperText="The braces hold the zero-padded counter" />
                <TextField label="Start at" type="number" value={startAt} onChange={(e) => setStartAt(e.target.value)} sx={{ width: 140 }} helperText="Default 1" />
              </Box>
            )}
            {type === 'formula' && (
              <>
                <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
                  <TextField select label="Result type" value={returns} onChange={(e) => setReturns(e.target.value as FormulaReturnType)} sx={{ minWidth: 200 }}>
                    {FORMULA_RETURN_TYPES.map((t) => <MenuItem key={t} value={t}>{TYPE_INFO[t].label}</MenuItem>)}
                  </TextField>
                  {['decimal', 'currency', 'percent'].includes(returns) && (
                    <TextField label="Decimal places" type="number" value={scale} onChange={(e) => setScale(e.target.value)} sx={{ width: 160 }} />
                  )}
                </Box>
                <FormulaBuilder key={returns} fields={otherFields} returns={returns} expression={expression} onChange={setExpression} />
              </>
            )}
            {type === 'rollup' && <RollupBuilder object={object} objects={meta.objects} value={rollup} onChange={setRollup} />}

            <Divider />
            <TextField label="Help text" value={helpText} onChange={(e) => setHelpText(e.target.value)} multiline minRows={1} helperText="Shown next to the field on forms" />
            {!NO_DEFAULT.has(type) && (
              <Box>
                <ValueInput
                  label="Default value" field={draftForDefault} value={def} onChange={setDef} size="medium" sx={{ maxWidth: 360 }}
                  multiple={type === 'multipicklist'}
                  specials={type === 'date' ? { $today: 'Today' } : type === 'datetime' ? { $now: 'Now' } : {}}
                  helperText="Filled in on new records" emptyLabel="No default"
                />
              </Box>
            )}
            <FormGroup row>
              {!isComputed({ type }) && <FormControlLabel control={<Checkbox checked={required} onChange={(e) => setRequired(e.target.checked)} />} label="Required" />}
              {!isComputed({ type }) && type !== 'boolean' && <FormControlLabel control={<Checkbox checked={unique} onChange={(e) => setUnique(e.target.checked)} />} label="Unique" />}
              {TEXT_TYPES.has(type) && <FormControlLabel control={<Checkbox checked={externalId} onChange={(e) => setExternalId(e.target.checked)} />} label="External ID (for imports)" />}
              {canFlagSearchable(type) && <FormControlLabel control={<Checkbox checked={searchable} onChange={(e) => setSearchable(e.target.checked)} />} label="Found by text search" />}
              <FormControlLabel control={<Checkbox checked={pii} onChange={(e) => setPii(e.target.checked)} />} label="Personal data (erased on a GDPR request)" />
              {isNew && hasLayout && <FormControlLabel control={<Checkbox checked={place} onChange={(e) => setPlace(e.target.checked)} />} label="Show it on the record page" />}
            </FormGroup>
            {tried && problems.length > 0 && (
              <Alert severity="error" role="alert">
                <Typography component="div" variant="body2">{problems.map((p) => <div key={p}>{p}</div>)}</Typography>
              </Alert>
            )}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained">{isNew ? 'Save field' : 'Save changes'}</Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
