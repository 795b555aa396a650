/** "New object": a label, and Strata makes the name, a name field, a page layout and a list view. */
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import {
  Button, Dialog, DialogActions, DialogContent, DialogTitle, MenuItem, Stack, TextField, useMediaQuery,
} from '@mui/material';
import { useTheme } from '@mui/material/styles';
import type { AppName } from '../../../metadata/types.ts';
import { APPS } from '../app/apps.ts';
import { putLayout, putObject, putView } from './customBundle.ts';
import { defaultSections } from './layoutModel.ts';
import { nameFromLabel, nameProblem, pluralize } from './names.ts';
import { useDeploy } from './useDeploy.tsx';

export function NewObjectDialog({ onClose, taken }: { onClose: () => void; taken: string[] }) {
  const deploy = useDeploy();
  const navigate = useNavigate();
  const theme = useTheme();
  const phone = useMediaQuery(theme.breakpoints.down('sm'));
  const [label, setLabel] = useState('');
  const [plural, setPlural] = useState<string>();
  const [name, setName] = useState<string>();
  const [app, setApp] = useState<AppName>('other');
  const [nameLabel, setNameLabel] = useState('Name');
  const [description, setDescription] = useState('');
  const [tried, setTried] = useState(false);
  const objectName = name ?? nameFromLabel(label);
  const pluralLabel = plural ?? pluralize(label.trim());
  const problem = nameProblem(objectName, { taken });
  const labelProblem = !label.trim() ? 'Give the object a label' : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (problem || labelProblem || !nameLabel.trim()) return;
    const l = label.trim();
    const nameField = nameFromLabel(nameLabel) || 'name';
    const result = await deploy({
      title: `Create object ${l}`,
      change: (base) => {
        let b = putObject(base, {
          name: objectName, label: l, pluralLabel: pluralLabel || l, app, nameField,
          ...(description.trim() ? { description: description.trim() } : {}),
          fields: [{ name: nameField, label: nameLabel.trim(), type: 'text', required: true }],
        });
        b = putLayout(b, { name: 'default', object: objectName, label: `${l} page`, sections: defaultSections([nameField], l) });
        b = putView(b, { name: 'all', object: objectName, label: `All ${pluralLabel.toLowerCase() || l}`, columns: [nameField, 'createdAt'], sort: ['-createdAt'] });
        return b;
      },
    });
    if (result?.applied) {
      onClose();
      navigate(`/studio/objects/${objectName}`);
    }
  };

  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm" fullScreen={phone} aria-labelledby="new-object-title">
      <form onSubmit={submit} noValidate>
        <DialogTitle id="new-object-title">New object</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ mt: 1 }}>
            <TextField label="Label" value={label} onChange={(e) => setLabel(e.target.value)} required autoFocus
              helperText={tried && labelProblem ? labelProblem : 'What one record is called, e.g. Vehicle'} error={tried && !!labelProblem} />
            <TextField label="Plural label" value={pluralLabel} onChange={(e) => setPlural(e.target.value)} helperText="Shown on lists and in the navigation" />
            <TextField label="Name" value={objectName} onChange={(e) => setName(e.target.value)} required
              error={(tried || !!name) && !!problem} helperText={(tried || !!name) && problem ? problem : 'Used in the API and URLs; it cannot change later'}
              slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }} />
            <TextField select label="App" value={app} onChange={(e) => setApp(e.target.value as AppName)} helperText="Where it appears in the navigation">
              {APPS.map((a) => <MenuItem key={a.key} value={a.key}>{a.label}</MenuItem>)}
            </TextField>
            <TextField label="Record name field" value={nameLabel} onChange={(e) => setNameLabel(e.target.value)} required
              error={tried && !nameLabel.trim()} helperText="The field that names each record (a required text field)" />
            <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} multiline minRows={2} />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained">Create</Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
