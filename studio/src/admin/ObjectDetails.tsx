/** An object's own settings (label, plural, app, name field, history) and, for the admin's objects, removal. */
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { Alert, Box, Button, Checkbox, FormControlLabel, MenuItem, Paper, Stack, TextField, Typography } from '@mui/material';
import type { AppName } from '../../../metadata/types.ts';
import { APPS } from '../app/apps.ts';
import { putObjectProps, removeObject } from './customBundle.ts';
import { fieldLabel } from './fieldTypes.ts';
import { useDeploy } from './useDeploy.tsx';
import { CUSTOM_PACKAGE, type StudioMetadata, type StudioObject } from './types.ts';

export function ObjectDetails({ object }: { object: StudioObject; meta: StudioMetadata }) {
  const deploy = useDeploy();
  const navigate = useNavigate();
  const mine = object.package === CUSTOM_PACKAGE;
  const [label, setLabel] = useState(object.label);
  const [plural, setPlural] = useState(object.pluralLabel ?? '');
  const [description, setDescription] = useState(object.description ?? '');
  const [app, setApp] = useState<AppName>(object.app ?? 'other');
  const [nameField, setNameField] = useState(object.nameField ?? '');
  const [trackHistory, setTrackHistory] = useState(!!object.trackHistory);
  const textFields = object.fields.filter((f) => ['text', 'email', 'phone', 'url', 'autonumber'].includes(f.type) || (f.type === 'formula' && f.returns === 'text'));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!label.trim()) return;
    await deploy({
      title: `Change object ${object.label}`,
      change: (base) => putObjectProps(base, object, {
        label: label.trim(), pluralLabel: plural.trim() || undefined, description: description.trim() || undefined,
        app, nameField: nameField || undefined, trackHistory: trackHistory || undefined,
      }),
    });
  };
  const remove = async () => {
    const result = await deploy({ title: `Remove object ${object.label} (its records go to the recycle bin)`, change: (base) => removeObject(base, object.name) });
    if (result?.applied) navigate('/studio/objects');
  };

  return (
    <Stack spacing={2}>
      <Paper sx={{ p: 2 }} component="form" onSubmit={save} noValidate aria-label="Object details">
        {!mine && (
          <Alert severity="info" sx={{ mb: 2 }}>
            {object.label} came with package {object.package}: its own settings are that package’s. You can still add fields, rules, layouts and views.
          </Alert>
        )}
        <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' } }}>
          <TextField label="Label" value={label} onChange={(e) => setLabel(e.target.value)} required disabled={!mine} error={!label.trim()} />
          <TextField label="Plural label" value={plural} onChange={(e) => setPlural(e.target.value)} disabled={!mine} />
          <TextField select label="App" value={app} onChange={(e) => setApp(e.target.value as AppName)} disabled={!mine}>
            {APPS.map((a) => <MenuItem key={a.key} value={a.key}>{a.label}</MenuItem>)}
          </TextField>
          <TextField select label="Record name field" value={nameField} onChange={(e) => setNameField(e.target.value)} disabled={!mine} helperText="Names each record in lists, links and titles">
            <MenuItem value=""><em>None</em></MenuItem>
            {textFields.map((f) => <MenuItem key={f.name} value={f.name}>{fieldLabel(f)}</MenuItem>)}
          </TextField>
          <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} multiline minRows={2} disabled={!mine} sx={{ gridColumn: { sm: 'span 2' } }} />
        </Box>
        <FormControlLabel sx={{ mt: 1 }} control={<Checkbox checked={trackHistory} onChange={(e) => setTrackHistory(e.target.checked)} disabled={!mine} />} label="Track field history" />
        {mine && <Box sx={{ mt: 2 }}><Button type="submit" variant="contained">Save details</Button></Box>}
      </Paper>
      {mine && (
        <Paper sx={{ p: 2, borderColor: 'error.light' }} variant="outlined">
          <Typography variant="subtitle1" component="h3" gutterBottom>Remove this object</Typography>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            The object and all its records move to the recycle bin, from where they can be restored. Its layouts and list views go with it.
          </Typography>
          <Button color="error" variant="outlined" onClick={() => void remove()}>Remove {object.label}</Button>
        </Paper>
      )}
    </Stack>
  );
}
