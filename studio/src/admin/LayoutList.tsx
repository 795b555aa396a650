/** An object's page layouts: open one in the designer, or start a new one. */
import { useState } from 'react';
import { Link as RouterLink, useNavigate } from 'react-router';
import { Button, Dialog, DialogActions, DialogContent, DialogTitle, List, ListItemButton, ListItemText, Paper, Stack, TextField } from '@mui/material';
import Add from '@mui/icons-material/Add';
import { nameFromLabel, nameProblem } from './names.ts';
import { EmptyState, PageHeader } from './PageHeader.tsx';
import type { StudioMetadata, StudioObject } from './types.ts';

export function LayoutList({ object, meta }: { object: StudioObject; meta: StudioMetadata }) {
  const layouts = meta.layouts.filter((l) => l.object === object.name);
  const [creating, setCreating] = useState(false);
  const [label, setLabel] = useState('');
  const navigate = useNavigate();
  const name = nameFromLabel(label);
  const problem = nameProblem(name, { taken: layouts.map((l) => l.name) });
  const fieldCount = (l: (typeof layouts)[number]) => l.sections.reduce((n, s) => n + s.columns.reduce((m, c) => m + c.fields.length, 0), 0);
  return (
    <>
      <PageHeader level={2} title="Page layouts" subtitle="How a record's page and form are arranged: sections, columns and fields."
        actions={<Button variant="contained" startIcon={<Add />} onClick={() => setCreating(true)}>New layout</Button>} />
      <Paper>
        {layouts.length === 0 ? (
          <EmptyState title="No layout yet" action={<Button component={RouterLink} to="default">Design the default layout</Button>}>
            Without a layout, record pages show every field in one column.
          </EmptyState>
        ) : (
          <List aria-label={`Layouts of ${object.label}`}>
            {layouts.map((l) => (
              <ListItemButton key={l.name} component={RouterLink} to={l.name}>
                <ListItemText primary={l.label ?? l.name} secondary={`${l.name} · ${l.sections.length} section${l.sections.length === 1 ? '' : 's'} · ${fieldCount(l)} fields`} />
              </ListItemButton>
            ))}
          </List>
        )}
      </Paper>
      <Dialog open={creating} onClose={() => setCreating(false)} aria-labelledby="new-layout-title" fullWidth maxWidth="xs">
        <form onSubmit={(e) => { e.preventDefault(); if (!problem) navigate(`${name}?label=${encodeURIComponent(label.trim())}`); }}>
          <DialogTitle id="new-layout-title">New layout</DialogTitle>
          <DialogContent>
            <Stack sx={{ mt: 1 }}>
              <TextField label="Layout label" value={label} onChange={(e) => setLabel(e.target.value)} autoFocus required
                error={!!label && !!problem} helperText={label && problem ? problem : name ? `Name: ${name}` : 'e.g. Compact'} />
            </Stack>
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setCreating(false)}>Cancel</Button>
            <Button type="submit" variant="contained" disabled={!!problem}>Design it</Button>
          </DialogActions>
        </form>
      </Dialog>
    </>
  );
}
