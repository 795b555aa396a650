/** Rename a field: a new label and name; the deploy renames the column (`renamedFrom`) and keeps its data. */
import { useState, type FormEvent } from 'react';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, TextField, useMediaQuery } from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { fieldDefOf, putField, renameField } from './customBundle.ts';
import { fieldLabel } from './fieldTypes.ts';
import { nameFromLabel, nameProblem } from './names.ts';
import { useDeploy } from './useDeploy.tsx';
import { CUSTOM_PACKAGE, type StudioField, type StudioObject } from './types.ts';

export function RenameFieldDialog({ object, field, onClose }: { object: StudioObject; field: StudioField; onClose: () => void }) {
  const deploy = useDeploy();
  const theme = useTheme();
  const phone = useMediaQuery(theme.breakpoints.down('sm'));
  const [label, setLabel] = useState(fieldLabel(field));
  const [name, setName] = useState<string>();
  const newName = name ?? (label === fieldLabel(field) ? field.name : nameFromLabel(label));
  const taken = object.fields.filter((f) => f.name !== field.name).map((f) => f.name);
  const problem = nameProblem(newName, { taken, field: true });
  const unchanged = newName === field.name && label.trim() === fieldLabel(field);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (problem || unchanged || !label.trim()) return;
    const changes = { label: label.trim() };
    const result = await deploy({
      title: newName === field.name
        ? `Relabel field ${fieldLabel(field)} of ${object.label} as ${label.trim()}`
        : `Rename field ${fieldLabel(field)} (${field.name}) of ${object.label} to ${label.trim()} (${newName})`,
      change: (base, deployed) => newName === field.name
        ? putField(base, object, { ...fieldDefOf(field), ...changes })
        : renameField(base, deployed, object, field.name, newName, changes),
    });
    if (result?.applied) onClose();
  };

  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm" fullScreen={phone} aria-labelledby="rename-title">
      <form onSubmit={submit} noValidate>
        <DialogTitle id="rename-title">Rename field {fieldLabel(field)}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ mt: 1 }}>
            <Alert severity="info">The data stays: the deploy renames the field and keeps every stored value. Layouts, list views, rules and roles that use it follow the new name.</Alert>
            {field.package !== CUSTOM_PACKAGE && (
              <Alert severity="warning">This field came with package {field.package}. A later upgrade of that package may expect its old name.</Alert>
            )}
            <TextField label="New label" value={label} onChange={(e) => setLabel(e.target.value)} required autoFocus error={!label.trim()} />
            <TextField label="New name" value={newName} onChange={(e) => setName(e.target.value)} required error={!!problem}
              helperText={problem ?? `Was ${field.name}`} slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }} />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={unchanged || !!problem}>Rename</Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
