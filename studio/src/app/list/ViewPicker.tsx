/**
 * Choose a list view: the object's views from metadata, then "My views" (personal, kept on the
 * server) and "Shared views" (shared by an admin). Save the current columns, filter, sort and
 * layout as a personal view (an admin may share it), or delete a view of one's own.
 */
import { useState } from 'react';
import {
  Box, Button, Checkbox, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, FormControlLabel, IconButton, TextField, Tooltip,
} from '@mui/material';
import SaveOutlinedIcon from '@mui/icons-material/SaveOutlined';
import DeleteOutlineIcon from '@mui/icons-material/DeleteOutline';
import type { ViewDef } from '../../api/types.ts';
import { PERSONAL_PREFIX, type PersonalView } from './savedViews.ts';

export interface ViewPickerProps {
  views: ViewDef[];
  personal: PersonalView[];
  /** A view's name, or `my:<id>` for a personal one. */
  value: string;
  onChange: (key: string) => void;
  /** Saves the current state under a name; returns the key of the saved view. */
  onSave: (name: string, shared: boolean) => void;
  /** Offer "Share with everyone" (admins). */
  mayShare?: boolean;
  onDelete: (id: string) => void;
  /** Icon buttons only (phone). */
  compact?: boolean;
  /** The list differs from the chosen view (offer to save). */
  dirty?: boolean;
}

export function viewLabel(v: ViewDef): string {
  return v.label ?? v.name;
}

export function ViewPicker({ views, personal, value, onChange, onSave, onDelete, compact, dirty, mayShare }: ViewPickerProps) {
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const chosen = value.startsWith(PERSONAL_PREFIX) ? personal.find((p) => `${PERSONAL_PREFIX}${p.id}` === value) : undefined;
  const mine = chosen?.mine === false ? undefined : chosen;
  const [name, setName] = useState('');
  const [share, setShare] = useState(false);
  const own = personal.filter((p) => !p.shared);
  const shared = personal.filter((p) => p.shared);
  const nameTaken = name.trim() !== '' && (share ? shared : own).some((p) => p.name.toLowerCase() === name.trim().toLowerCase());

  const openSave = () => {
    setName(mine?.name ?? '');
    setShare(!!mine?.shared);
    setSaving(true);
  };
  const submit = () => {
    if (!name.trim()) return;
    onSave(name.trim(), mayShare === true && share);
    setSaving(false);
  };

  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 0.5, minWidth: 0, flex: { xs: '1 1 100%', sm: '0 1 auto' } }}>
      <TextField
        select size="small" label="View" value={value} onChange={(e) => onChange(e.target.value)}
        slotProps={{ select: { native: true }, inputLabel: { shrink: true } }}
        sx={{ minWidth: { xs: 0, sm: 220 }, flex: { xs: 1, sm: '0 1 auto' } }}
      >
        <optgroup label="Views">
          {views.map((v) => <option key={v.name} value={v.name}>{viewLabel(v)}</option>)}
          {!views.some((v) => v.name === value) && !value.startsWith(PERSONAL_PREFIX) && <option value={value}>All records</option>}
        </optgroup>
        {own.length > 0 && (
          <optgroup label="My views">
            {own.map((p) => <option key={p.id} value={`${PERSONAL_PREFIX}${p.id}`}>{p.name}</option>)}
          </optgroup>
        )}
        {shared.length > 0 && (
          <optgroup label="Shared views">
            {shared.map((p) => <option key={p.id} value={`${PERSONAL_PREFIX}${p.id}`}>{p.name}</option>)}
          </optgroup>
        )}
      </TextField>
      {compact ? (
        <IconButton aria-label="Save view" onClick={openSave} color={dirty ? 'primary' : 'default'}><SaveOutlinedIcon /></IconButton>
      ) : (
        <Button startIcon={<SaveOutlinedIcon />} onClick={openSave} variant={dirty ? 'outlined' : 'text'}>Save view</Button>
      )}
      {mine && (
        <Tooltip title={`Delete “${mine.name}”`}>
          <IconButton aria-label={`Delete view ${mine.name}`} onClick={() => setDeleting(true)}><DeleteOutlineIcon /></IconButton>
        </Tooltip>
      )}

      <Dialog open={saving} onClose={() => setSaving(false)} aria-labelledby="save-view-title" fullWidth maxWidth="xs">
        <Box component="form" onSubmit={(e) => { e.preventDefault(); submit(); }}>
          <DialogTitle id="save-view-title">Save view</DialogTitle>
          <DialogContent>
            <DialogContentText sx={{ mb: 2 }}>
              Keeps the columns, filters, sort and layout as one of your views, wherever you sign in.
            </DialogContentText>
            <TextField
              autoFocus fullWidth label="View name" value={name} onChange={(e) => setName(e.target.value)}
              slotProps={{ htmlInput: { maxLength: 80 } }}
              helperText={nameTaken ? `${share ? 'A shared' : 'You have a'} view with this name: saving replaces it.` : ' '}
            />
            {mayShare && (
              <FormControlLabel control={<Checkbox checked={share} onChange={(e) => setShare(e.target.checked)} />} label="Share with everyone who may see these records" />
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setSaving(false)}>Cancel</Button>
            <Button type="submit" variant="contained" disabled={!name.trim()}>Save</Button>
          </DialogActions>
        </Box>
      </Dialog>

      <Dialog open={deleting} onClose={() => setDeleting(false)} aria-labelledby="delete-view-title">
        <DialogTitle id="delete-view-title">Delete “{mine?.name}”?</DialogTitle>
        <DialogContent><DialogContentText>The view goes; the records stay as they are.</DialogContentText></DialogContent>
        <DialogActions>
          <Button onClick={() => setDeleting(false)}>Cancel</Button>
          <Button color="error" variant="contained" onClick={() => { if (mine) onDelete(mine.id); setDeleting(false); }}>Delete view</Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
