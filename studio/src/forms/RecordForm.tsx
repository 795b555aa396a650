/**
 * The record form: the layout rendered by react-jsonschema-form (MUI theme) with Strata's
 * widgets. Checks in the browser before saving — the record schema (required, types, formats,
 * limits) and the object's validation rules, live as you type — and shows what the server
 * refuses on the fields it names. Saves send only what changed, against the version the form
 * started from: a record someone else saved meanwhile is a conflict (412), never overwritten.
 *
 * Loaded lazily (rjsf is the heavy part of the record page).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Alert, AlertTitle, Box, Button, CircularProgress, Typography } from '@mui/material';
import { ConflictPanel } from './ConflictPanel.tsx';
import { rebase, type FieldConflict } from './merge.ts';
import { fieldErrorText } from './problemText.ts';
import { generateForm } from '@rjsf/mui';
import type { IChangeEvent } from '@rjsf/core';
import type Form from '@rjsf/core';
import type { CustomValidator, ErrorSchema, FormValidation, RJSFSchema, RJSFValidationError } from '@rjsf/utils';
import { ApiError } from '../api/client.ts';
import type { CrmRecord, DeployedObject, LayoutDef } from '../api/types.ts';
import type { RecordFormContext, Values } from './context.ts';
import { buildForm, changesOf, sameValue } from './layout.ts';
import { failingRules, previewFormulas } from './rules.ts';
import { templates } from './templates.tsx';
import { RecordSchemaValidator } from './validator.ts';
import { fields, widgets } from './widgets/index.ts';

const RjsfForm = generateForm<Values, RJSFSchema, RecordFormContext>();
const recordValidator = new RecordSchemaValidator<RecordFormContext>();

export interface RecordFormProps {
  object: DeployedObject;
  objects: DeployedObject[];
  layout?: LayoutDef;
  /** The stored record, as last fetched; undefined for a new record. */
  record?: CrmRecord;
  /** A new record's starting values (defaults and prefill). */
  initial?: Values;
  /** Fields the URL prefilled: shown even when the layout has no place for them. */
  prefilled?: string[];
  user?: { id: string; email?: string };
  /** Sends the changes (create, or update against `base.version`); rejects with an ApiError. */
  onSave(changes: Values, base: CrmRecord | undefined): Promise<CrmRecord>;
  /** Leaves a new record's form. */
  onCancel(): void;
  /** Fetches the stored record again (after a conflict, or a change someone else made). */
  onReload?(): Promise<CrmRecord | undefined>;
  onDirtyChange?(dirty: boolean): void;
  /** Fields the caller may read but not change, or `all` when the record is not theirs to change. */
  readOnly?: readonly string[] | 'all';
}

type FieldErrors = Record<string, string[]>;

function addError(map: FieldErrors, field: string, message: string): void {
  const list = (map[field] ??= []);
  if (!list.includes(message)) list.push(message);
}

function toErrorSchema(map: FieldErrors): ErrorSchema<Values> {
  const out: Record<string, { __errors: string[] }> = {};
  for (const [field, messages] of Object.entries(map)) if (messages.length) out[field] = { __errors: messages };
  return out as ErrorSchema<Values>;
}

export default function RecordForm(props: RecordFormProps) {
  const { object, objects, layout, record, initial, prefilled, user, onSave, onCancel, onReload, onDirtyChange, readOnly } = props;
  const isNew = !record;
  const locked = !isNew && readOnly === 'all';
  const model = useMemo(() => buildForm(object, layout, { isNew, include: prefilled, readOnly }), [object, layout, isNew, prefilled, readOnly]);
  const pick = useCallback((r: Values | undefined): Values => {
    const out: Values = {};
    for (const f of model.fields) {
      const v = r?.[f.name];
      if (v !== null && v !== undefined) out[f.name] = v;
    }
    return out;
  }, [model]);

  const [base, setBase] = useState<CrmRecord | undefined>(record);
  const startValues = useMemo(() => (base ? pick(base) : pick(initial)), [base, initial, pick]);
  const [formData, setFormData] = useState<Values>(startValues);
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [submitted, setSubmitted] = useState(false);
  const [clientErrors, setClientErrors] = useState(0);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [generalErrors, setGeneralErrors] = useState<string[]>([]);
  const [conflict, setConflict] = useState(false);
  /** Fields both this person and someone else changed, to settle one by one. */
  const [conflicts, setConflicts] = useState<FieldConflict[]>([]);
  /** What the person chose per conflicting field; saving waits until each has a choice. */
  const [chosen, setChosen] = useState<Record<string, 'mine' | 'theirs'>>({});
  const unsettled = conflicts.some((c) => !chosen[c.field]);
  /** Said once the person's edits were put on someone else's newer version. */
  const [merged, setMerged] = useState<string | undefined>();
  /** Remounts rjsf: it keeps the errors of its last validation until it validates again. */
  const [formKey, setFormKey] = useState(0);
  const [changedElsewhere, setChangedElsewhere] = useState(false);
  const [saving, setSaving] = useState(false);
  const [reloading, setReloading] = useState(false);
  const savingRef = useRef(false);
  const formRef = useRef<Form<Values, RJSFSchema, RecordFormContext>>(null);

  const dirty = Object.keys(changesOf(model.editable, formData, startValues)).length > 0;
  useEffect(() => { onDirtyChange?.(dirty); }, [dirty, onDirtyChange]);

  // Leaving the page with unsaved changes asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => { e.preventDefault(); };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const adopt = useCallback((r: CrmRecord) => {
    setBase(r);
    setFormData(pick(r));
    setTouched(new Set());
    setSubmitted(false);
    setClientErrors(0);
    setServerErrors({});
    setGeneralErrors([]);
    setConflict(false);
    setConflicts([]);
    setChangedElsewhere(false);
    setFormKey((k) => k + 1);
  }, [pick]);

  /**
   * Takes `fresh` as the base and keeps this person's edits on top; returns what is left to
   * settle, or undefined when nothing of theirs was left (the form now simply shows `fresh`).
   */
  const rebaseOnto = useCallback((fresh: CrmRecord, from: CrmRecord, current: Values): FieldConflict[] | undefined => {
    const r = rebase(model.editable, pick(from), pick(fresh), current);
    // Nothing of mine differs from what is stored now (they made the same change, or converted
    // the lead I was editing): take the stored version, with no stale errors.
    if (!r.mine.some((n) => !sameValue(r.values[n], fresh[n]))) {
      adopt(fresh);
      return undefined;
    }
    setBase(fresh);
    setFormData({ ...pick(fresh), ...r.values });
    setConflicts(r.conflicts);
    setChosen({});
    setConflict(false);
    setChangedElsewhere(false);
    setServerErrors({});
    setGeneralErrors([]);
    setTouched(new Set(r.mine));
    return r.conflicts;
  }, [model.editable, pick, adopt]);

  // A newer stored version (someone else saved; live events refetch it): take it while the
  // form is unchanged, else say so and let the person decide.
  useEffect(() => {
    if (!record || record === base || savingRef.current) return;
    if (base && record.version < base.version) return;
    if (base && record.version === base.version) {
      // Same version, new values: only computed fields (rollups follow child records without a
      // new version). Take them, whatever is being edited.
      const computed = model.fields.filter((f) => !model.editable.includes(f.name));
      if (computed.some((f) => !sameValue(record[f.name], base[f.name]))) {
        setBase(record);
        setFormData((d) => {
          const next = { ...d };
          for (const f of computed) next[f.name] = record[f.name] ?? undefined;
          return next;
        });
      }
      return;
    }
    if (!dirty || !base) adopt(record);
    else {
      // Their changes show at once; this person's stay on top (a field both changed asks which to keep).
      const left = rebaseOnto(record, base, formData);
      if (left && !left.length) setChangedElsewhere(true);
    }
  }, [record, dirty, base, adopt, model, rebaseOnto, formData]);

  const ruleContext = useMemo(() => ({ previous: base, user }), [base, user]);
  const fieldNames = useMemo(() => new Set(model.fields.map((f) => f.name)), [model]);

  // Rules whose inputs the person has changed, checked as they type (before any save).
  const live = useMemo(() => {
    const fieldErrs: FieldErrors = {};
    const general: string[] = [];
    if (submitted || !touched.size) return { fieldErrs, general };
    for (const p of failingRules(object.validationRules, { ...base, ...formData }, ruleContext)) {
      if (![...p.reads].some((n) => touched.has(n)) && !touched.has(p.field)) continue;
      if (p.field && fieldNames.has(p.field)) addError(fieldErrs, p.field, p.message);
      else general.push(p.message);
    }
    return { fieldErrs, general };
  }, [submitted, touched, object.validationRules, base, formData, ruleContext, fieldNames]);

  const extraErrors = useMemo(() => {
    const merged: FieldErrors = {};
    for (const [f, ms] of Object.entries(serverErrors)) for (const m of ms) addError(merged, f, m);
    for (const [f, ms] of Object.entries(live.fieldErrs)) for (const m of ms) addError(merged, f, m);
    return toErrorSchema(merged);
  }, [serverErrors, live]);

  const formContext = useMemo<RecordFormContext>(() => ({
    object, objects, sections: model.sections, formErrors: [...generalErrors, ...live.general],
  }), [object, objects, model.sections, generalErrors, live.general]);

  const customValidate: CustomValidator<Values, RJSFSchema, RecordFormContext> = useCallback((data, errors) => {
    for (const p of failingRules(object.validationRules, { ...base, ...data }, ruleContext)) {
      const target = p.field && fieldNames.has(p.field) ? (errors as Record<string, FormValidation<unknown> | undefined>)[p.field] : undefined;
      (target ?? errors).addError(p.message);
    }
    return errors;
  }, [object.validationRules, base, ruleContext, fieldNames]);

  const handleChange = (e: IChangeEvent<Values, RJSFSchema, RecordFormContext>) => {
    const next = e.formData ?? {};
    const changed = model.editable.filter((n) => !sameValue(next[n], formData[n]));
    if (submitted) setClientErrors(e.errors.length);
    if (!changed.length) return;
    // Formulas follow as you type (the server computes what is stored).
    const preview = previewFormulas(object, { ...base, ...next }, ruleContext);
    const withFormulas: Values = { ...next };
    for (const f of model.fields) if (f.type === 'formula') withFormulas[f.name] = preview[f.name] ?? undefined;
    setFormData(withFormulas);
    setTouched((t) => new Set([...t, ...changed]));
    setServerErrors((s) => {
      if (!changed.some((n) => s[n])) return s;
      const copy = { ...s };
      for (const n of changed) delete copy[n];
      return copy;
    });
    if (generalErrors.length) setGeneralErrors([]);
  };

  const showProblem = (err: unknown) => {
    if (err instanceof ApiError) {
      if (err.status === 412) {
        setConflict(true);
        return;
      }
      const fieldErrs: FieldErrors = {};
      const general: string[] = [];
      for (const e of err.errors) {
        const name = e.field.split('.')[0];
        if (name && fieldNames.has(name)) addError(fieldErrs, name, fieldErrorText(object.fields.find((f) => f.name === name), e));
        else general.push(e.field && !fieldNames.has(name) && e.field !== name ? `${e.field}: ${e.message}` : e.message);
      }
      if (!err.errors.length) general.push(err.message);
      setServerErrors(fieldErrs);
      setGeneralErrors(general);
      return;
    }
    setGeneralErrors(['Could not reach the server. Check your connection and try again.']);
  };

  const handleSubmit = async (e: IChangeEvent<Values, RJSFSchema, RecordFormContext>) => {
    if (savingRef.current) return;
    const values = e.formData ?? formData;
    if (unsettled) return;
    const changes = changesOf(model.editable, values, base ? pick(base) : undefined);
    if (!isNew && !Object.keys(changes).length) {
      // Took theirs wherever we clashed and changed nothing else: nothing to save.
      if (base && conflicts.length) adopt(base);
      return;
    }
    savingRef.current = true;
    setSaving(true);
    setGeneralErrors([]);
    setClientErrors(0);
    try {
      let from = base;
      let current = values;
      let toSend = changes;
      // A stale version (412): fetch the stored one, put these edits on it and save again —
      // unless a field both changed, which the person settles first. A few rounds at most.
      for (let round = 0; ; round++) {
        try {
          const saved = await onSave(toSend, from);
          adopt(saved);
          if (round > 0) setMerged('Someone else saved this record meanwhile. Your changes were saved on top of theirs.');
          break;
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 412 && onReload && from && round < 3)) throw err;
          const fresh = await onReload();
          if (!fresh) throw err;
          const left = rebaseOnto(fresh, from, current);
          if (!left || left.length) break;
          const next = { ...pick(fresh), ...rebase(model.editable, pick(from), pick(fresh), current).values };
          toSend = changesOf(model.editable, next, pick(fresh));
          if (!Object.keys(toSend).length) { adopt(fresh); break; }
          from = fresh;
          current = next;
        }
      }
    } catch (err) {
      showProblem(err);
    } finally {
      savingRef.current = false;
      setSaving(false);
    }
  };

  const reload = async () => {
    if (!onReload) return;
    setReloading(true);
    try {
      const fresh = await onReload();
      if (fresh) adopt(fresh);
    } catch (err) {
      showProblem(err);
    } finally {
      setReloading(false);
    }
  };

  const cancel = () => {
    setMerged(undefined);
    if (isNew) onCancel();
    else if (base) adopt(base);
  };

  const choose = (field: string, take: 'mine' | 'theirs') => {
    const c = conflicts.find((x) => x.field === field);
    if (!c) return;
    setFormData((d) => ({ ...d, [field]: take === 'mine' ? c.mine : c.theirs }));
    setChosen((x) => ({ ...x, [field]: take }));
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      formRef.current?.submit();
    }
  };

  const fieldErrorCount = Object.keys(serverErrors).length + (submitted ? clientErrors : 0);

  return (
    // Fields reached by Tab scroll clear of the sticky Save bar.
    <Box onKeyDown={onKeyDown} sx={{ '& input, & textarea, & select': { scrollMarginBottom: '80px' } }}>
      <Box aria-live="polite">
        {conflict && (
          <Alert severity="warning" sx={{ mb: 2 }} action={onReload && <Button color="inherit" size="small" onClick={reload} disabled={reloading}>Reload</Button>}>
            <AlertTitle>Someone else changed this record</AlertTitle>
            Your changes were not saved. Reload to see the current version, then make your changes again.
          </Alert>
        )}
        {!conflict && !conflicts.length && changedElsewhere && (
          <Alert severity="info" sx={{ mb: 2 }} onClose={() => setChangedElsewhere(false)}>
            Someone else changed this record while you were editing. Their changes are shown; yours are kept and saved on top.
          </Alert>
        )}
        {merged && !dirty && !conflicts.length && (
          <Alert severity="success" sx={{ mb: 2 }} onClose={() => setMerged(undefined)}>{merged}</Alert>
        )}
        {locked && (
          <Alert severity="info" sx={{ mb: 2 }}>You may view this {object.label.toLowerCase()} but not change it.</Alert>
        )}
        {conflicts.length > 0 && (
          <ConflictPanel
            object={object} objects={objects} conflicts={conflicts} chosen={chosen} onChoose={choose}
            saving={saving || unsettled} onSave={() => formRef.current?.submit()}
          />
        )}
        {fieldErrorCount > 0 && !conflict && (
          <Alert severity="error" sx={{ mb: 2 }}>
            {isNew ? 'The record was not created.' : 'Your changes were not saved.'} Check the highlighted fields.
          </Alert>
        )}
      </Box>
      <RjsfForm
        key={formKey}
        ref={formRef}
        schema={model.schema}
        uiSchema={model.uiSchema}
        formData={formData}
        validator={recordValidator}
        widgets={widgets}
        fields={fields}
        templates={templates}
        formContext={formContext}
        customValidate={customValidate}
        extraErrors={extraErrors}
        liveValidate={submitted ? 'onChange' : undefined}
        showErrorList={false}
        noHtml5Validate
        focusOnFirstError
        idPrefix="field"
        onChange={handleChange}
        onError={(errors: RJSFValidationError[]) => { setSubmitted(true); setClientErrors(errors.length); }}
        onSubmit={(e) => { void handleSubmit(e); }}
      >
        <Box
          sx={{
            position: 'sticky', bottom: 0, zIndex: 2, display: locked ? 'none' : 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap',
            py: 1.5, px: { xs: 1.5, sm: 2 }, mt: -1, bgcolor: 'background.paper', borderTop: 1, borderColor: 'divider',
            borderBottomLeftRadius: 8, borderBottomRightRadius: 8,
          }}
        >
          <Button type="submit" variant="contained" disabled={saving || unsettled || (!isNew && !dirty && !conflicts.length)} startIcon={saving ? <CircularProgress size={16} color="inherit" aria-hidden /> : undefined}>
            Save
          </Button>
          <Button onClick={cancel} disabled={saving || (!isNew && !dirty)}>Cancel</Button>
          <Typography variant="body2" color="text.secondary" role="status" sx={{ ml: { sm: 1 } }}>
            {saving ? 'Saving…' : dirty ? 'Unsaved changes' : isNew ? '' : 'All changes saved'}
          </Typography>
        </Box>
      </RjsfForm>
    </Box>
  );
}
