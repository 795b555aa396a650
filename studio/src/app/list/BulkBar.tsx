/**
 * Actions on the selected rows, through the bulk API (`POST /api/records/:object/bulk`):
 * delete them (to the recycle bin, with Undo), or set one field on all of them (each record
 * sent with the version it was read at, so a record changed meanwhile is reported, not
 * overwritten).
 */
import { useState } from 'react';
import {
  Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Paper, Snackbar, TextField,
  Typography,
} from '@mui/material';
import { alpha } from '@mui/material/styles';
import DeleteOutlineIcon from '@mui/icons-material/DeleteOutline';
import EditOutlinedIcon from '@mui/icons-material/EditOutlined';
import CloseIcon from '@mui/icons-material/Close';
import { useQueryClient } from '@tanstack/react-query';
import type { CrmRecord } from '../../api/types.ts';
import { FieldInput } from './FieldInput.tsx';
import { draftOf, valueOfDraft, type Draft } from './fieldValue.ts';
import { bulkDelete, bulkUpdate, firstBulkError, restoreRecords, type BulkResult } from './listApi.ts';
import type { ListMeta } from './useListMeta.ts';

export interface BulkBarProps {
  meta: ListMeta;
  selected: CrmRecord[];
  onClear: () => void;
  canUpdate: boolean;
  canDelete: boolean;
}

function plural(n: number, meta: ListMeta): string {
  return n === 1 ? meta.object.label.toLowerCase() : (meta.object.pluralLabel ?? meta.object.label).toLowerCase();
}

export function BulkBar({ meta, selected, onClear, canUpdate, canDelete }: BulkBarProps) {
  const qc = useQueryClient();
  const object = meta.object.name;
  const editable = meta.fields.filter((f) => f.editable);
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const [fieldName, setFieldName] = useState(editable[0]?.name ?? '');
  const [draft, setDraft] = useState<Draft>(null);
  const [inputError, setInputError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [notice, setNotice] = useState<{ text: string; undo?: string[] } | null>(null);
  const field = meta.byName.get(fieldName);
  const n = selected.length;

  const refresh = () => qc.invalidateQueries({ queryKey: ['records', object] });

  const report = (r: BulkResult, verb: string, done: number) => {
    const failed = r.failed ? ` ${r.failed} could not be ${verb}: ${firstBulkError(r, meta.fields) ?? 'refused'}` : '';
    setProblem(r.failed ? `${done} ${plural(done, meta)} ${verb}.${failed}` : undefined);
  };

  const remove = async () => {
    setBusy(true);
    try {
      const ids = selected.map((r) => r.id);
      const r = await bulkDelete(object, ids);
      const gone = r.results.filter((x) => x.status === 'deleted').map((x) => ids[x.index]);
      report(r, 'deleted', r.deleted);
      if (gone.length) setNotice({ text: `Deleted ${gone.length} ${plural(gone.length, meta)}`, undo: gone });
      onClear();
      await refresh();
    } catch (e) {
      setProblem(e instanceof Error ? e.message : 'Could not delete');
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  const apply = async () => {
    if (!field) return;
    const parsed = valueOfDraft(field.kind, draft);
    if (!parsed.ok) { setInputError(parsed.message); return; }
    setBusy(true);
    try {
      const r = await bulkUpdate(object, selected.map((rec) => ({ id: rec.id, version: rec.version, [field.name]: parsed.value })));
      report(r, 'updated', r.updated);
      if (r.updated) setNotice({ text: `Updated ${field.label} on ${r.updated} ${plural(r.updated, meta)}` });
      setEditing(false);
      if (!r.failed) onClear();
      await refresh();
    } catch (e) {
      setInputError(e instanceof Error ? e.message : 'Could not update');
    } finally {
      setBusy(false);
    }
  };

  const undo = async (ids: string[]) => {
    setNotice(null);
    try {
      await restoreRecords(object, ids);
      setNotice({ text: `Restored ${ids.length} ${plural(ids.length, meta)}` });
    } catch (e) {
      setProblem(e instanceof Error ? e.message : 'Could not restore');
    }
    await refresh();
  };

  return (
    <>
      {problem && <Alert severity="warning" onClose={() => setProblem(undefined)} sx={{ mb: 1 }}>{problem}</Alert>}
      {n > 0 && (
        <Paper
          role="region" aria-label="Selected records" elevation={0}
          sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 1, px: 1.5, py: 0.75, mb: 1, bgcolor: (t) => alpha(t.palette.primary.main, 0.07), border: 1, borderColor: 'primary.light' }}
        >
          <Typography aria-live="polite" sx={{ fontWeight: 600, mr: 1 }}>{n} selected</Typography>
          {canUpdate && <Button size="small" startIcon={<EditOutlinedIcon />} onClick={() => { setDraft(draftOf(field?.kind ?? 'text', null)); setInputError(undefined); setEditing(true); }} disabled={!editable.length}>
            Edit field
          </Button>}
          {canDelete && <Button size="small" color="error" startIcon={<DeleteOutlineIcon />} onClick={() => setConfirming(true)}>Delete</Button>}
          <Box sx={{ flex: 1 }} />
          <Button size="small" startIcon={<CloseIcon />} onClick={onClear}>Clear selection</Button>
        </Paper>
      )}

      <Dialog open={confirming} onClose={() => !busy && setConfirming(false)} aria-labelledby="bulk-delete-title">
        <DialogTitle id="bulk-delete-title">Delete {n} {plural(n, meta)}?</DialogTitle>
        <DialogContent>
          <DialogContentText>They go to the recycle bin, from where they can be restored.</DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirming(false)} disabled={busy}>Cancel</Button>
          <Button color="error" variant="contained" onClick={() => void remove()} disabled={busy}>Delete {n}</Button>
        </DialogActions>
      </Dialog>

      <Dialog open={editing} onClose={() => !busy && setEditing(false)} aria-labelledby="bulk-edit-title" fullWidth maxWidth="xs">
        <Box component="form" onSubmit={(e) => { e.preventDefault(); void apply(); }}>
          <DialogTitle id="bulk-edit-title">Edit {n} {plural(n, meta)}</DialogTitle>
          <DialogContent sx={{ display: 'grid', gap: 2, pt: '8px !important' }}>
            <TextField
              select size="small" label="Field" value={fieldName}
              onChange={(e) => { const f = meta.byName.get(e.target.value); setFieldName(e.target.value); setDraft(draftOf(f?.kind ?? 'text', null)); setInputError(undefined); }}
              slotProps={{ select: { native: true }, inputLabel: { shrink: true } }}
            >
              {editable.map((f) => <option key={f.name} value={f.name}>{f.label}</option>)}
            </TextField>
            {field && (
              <FieldInput key={field.name} field={field} draft={draft} label="New value" fullWidth error={inputError} onChange={(d) => { setDraft(d); setInputError(undefined); }} />
            )}
            <DialogContentText variant="body2">Leave the value empty to clear the field.</DialogContentText>
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setEditing(false)} disabled={busy}>Cancel</Button>
            <Button type="submit" variant="contained" disabled={busy}>Apply to {n}</Button>
          </DialogActions>
        </Box>
      </Dialog>

      <Snackbar
        open={!!notice} onClose={(_, reason) => { if (reason !== 'clickaway') setNotice(null); }} autoHideDuration={8000}
        message={notice?.text}
        action={notice?.undo ? <Button color="inherit" size="small" onClick={() => void undo(notice.undo!)}>Undo</Button> : undefined}
      />
    </>
  );
}
