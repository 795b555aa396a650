/**
 * Edits one cell in place: the field's editor, saved through PATCH with If-Match (the version
 * the row was read at). Enter or leaving the cell saves, Escape cancels. A 412 (someone saved
 * the record meanwhile) is handed to the table, which offers a reload; a refused value shows
 * its message under the editor and editing goes on.
 */
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { Box, CircularProgress, Paper } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/client.ts';
import type { CrmRecord } from '../../api/types.ts';
import type { ListField } from './fields.ts';
import { draftOf, valueOfDraft, type Draft } from './fieldValue.ts';
import { FieldInput } from './FieldInput.tsx';
import { patchRecord, replaceInLists } from './listApi.ts';
import { fieldErrorText } from '../../forms/problemText.ts';

export type EditEnd = 'saved' | 'cancelled' | 'conflict';

export interface InlineEditProps {
  object: string;
  field: ListField;
  record: CrmRecord;
  /** How the row is named to assistive technology: "Amount of Acme renewal". */
  title: string;
  /** `refocus`: the edit ended by a key (Enter, Escape), so focus goes back to the cell. */
  onEnd: (how: EditEnd, opts: { refocus: boolean; message?: string }) => void;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export function InlineEdit({ object, field, record, title, onEnd }: InlineEditProps) {
  const qc = useQueryClient();
  const current = record[field.name];
  const [draft, setDraft] = useState<Draft>(() => draftOf(field.kind, current));
  const [picked, setPicked] = useState<CrmRecord | null | undefined>(undefined);
  const [error, setError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const busy = useRef(false);
  const errorId = useId();

  const commit = async (refocus: boolean, d: Draft = draft, pick: CrmRecord | null | undefined = picked) => {
    if (busy.current) return;
    const parsed = valueOfDraft(field.kind, d);
    if (!parsed.ok) { setError(parsed.message); return; }
    const before = field.kind === 'reference' ? draftOf('reference', current) : current;
    if (same(parsed.value, before)) { onEnd('cancelled', { refocus }); return; }
    busy.current = true;
    setSaving(true);
    try {
      const saved = await patchRecord(object, record.id, record.version, { [field.name]: parsed.value });
      replaceInLists(qc, object, saved, field.kind === 'reference' ? { [field.name]: pick ?? null } : undefined);
      void qc.invalidateQueries({ queryKey: ['records', object], refetchType: 'none' });
      void qc.invalidateQueries({ queryKey: ['record', object, record.id] });
      onEnd('saved', { refocus });
    } catch (e) {
      busy.current = false;
      setSaving(false);
      if (e instanceof ApiError && e.status === 412) { onEnd('conflict', { refocus: true, message: e.message }); return; }
      const fieldError = e instanceof ApiError ? e.errors.find((x) => x.field === field.name || x.field === '') ?? e.errors[0] : undefined;
      setError(fieldError ? fieldErrorText(fieldError.field === field.name ? field : undefined, fieldError) : (e instanceof Error ? e.message : 'Could not save'));
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    e.stopPropagation(); // the grid's arrow keys stay out of the editor
    if (e.key === 'Escape') { e.preventDefault(); onEnd('cancelled', { refocus: true }); }
    else if (e.key === 'Enter' && !(field.kind === 'longtext' && e.shiftKey)) {
      // An open option list takes Enter for itself (picking an option).
      const expanded = (e.target as HTMLElement).getAttribute('aria-expanded') === 'true';
      if (!expanded) { e.preventDefault(); void commit(true); }
    }
  };

  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, width: '100%', position: 'relative' }} onDoubleClick={(e) => e.stopPropagation()}>
      <Box sx={{ flex: 1, minWidth: 0, bgcolor: 'background.paper' }}>
        <FieldInput
          field={field} draft={draft} label={`${field.label} of ${title}`} hiddenLabel autoFocus fullWidth
          invalid={!!error} describedBy={error ? errorId : undefined}
          known={field.kind === 'reference' && current && typeof current === 'object' ? (current as CrmRecord) : null}
          onChange={(d, rec) => {
            setDraft(d);
            setError(undefined);
            if (field.kind === 'reference') { setPicked(rec ?? null); void commit(true, d, rec ?? null); }
          }}
          onKeyDown={onKeyDown}
          onBlur={() => {
            if (field.kind !== 'reference') void commit(false);
            else if (!busy.current) onEnd('cancelled', { refocus: false });
          }}
        />
      </Box>
      {saving && <CircularProgress size={16} aria-label="Saving" />}
      {error && (
        <Paper id={errorId} role="alert" elevation={4} sx={{ position: 'absolute', left: 0, top: '100%', zIndex: 3, px: 1.5, py: 0.75, color: 'error.main', typography: 'body2', maxWidth: 360, whiteSpace: 'normal' }}>
          {error}
        </Paper>
      )}
    </Box>
  );
}
