/** Roles: what each may read, create, update and delete; open one in the editor or start a new one. */
import { useState } from 'react';
import { Link as RouterLink, useNavigate } from 'react-router';
import {
  Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Link, Paper, Stack, Table, TableBody, TableCell, TableContainer,
  TableHead, TableRow, TextField,
} from '@mui/material';
import Add from '@mui/icons-material/Add';
import { Loading } from '../App.tsx';
import { nameFromLabel, nameProblem } from './names.ts';
import { EmptyState, PageHeader } from './PageHeader.tsx';
import { errorText, useStudioMetadata } from './studioApi.ts';

export default function RoleList() {
  const meta = useStudioMetadata();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const [label, setLabel] = useState('');
  if (meta.isPending) return <Loading label="Loading roles" />;
  if (meta.isError) return <Alert severity="error">Could not load the roles: {errorText(meta.error)}</Alert>;
  const roles = [...meta.data.roles].sort((a, b) => (a.label ?? a.name).localeCompare(b.label ?? b.name));
  const name = nameFromLabel(label);
  const problem = nameProblem(name, { taken: [...roles.map((r) => r.name), 'admin'] });
  return (
    <>
      <PageHeader title="Roles" subtitle="What people in each role may see and do. The built-in admin role may do everything."
        actions={<Button variant="contained" startIcon={<Add />} onClick={() => setCreating(true)}>New role</Button>} />
      <Paper>
        {roles.length === 0 ? (
          <EmptyState title="No roles yet" action={<Button onClick={() => setCreating(true)}>Create a role</Button>}>Until there is one, only admins can use Strata.</EmptyState>
        ) : (
          <TableContainer>
            <Table size="small" aria-label="Roles">
              <TableHead>
                <TableRow>
                  <TableCell>Role</TableCell>
                  <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>Name</TableCell>
                  <TableCell align="right">Objects</TableCell>
                  <TableCell>Abilities</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {roles.map((r) => (
                  <TableRow key={r.name} hover>
                    <TableCell><Link component={RouterLink} to={`/studio/roles/${r.name}`} underline="hover" sx={{ fontWeight: 600 }}>{r.label ?? r.name}</Link></TableCell>
                    <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' }, fontFamily: 'monospace' }}>{r.name}</TableCell>
                    <TableCell align="right">{Object.keys(r.objects).length}</TableCell>
                    <TableCell>{(r.abilities ?? []).join(', ') || '—'}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
      </Paper>
      <Dialog open={creating} onClose={() => setCreating(false)} aria-labelledby="new-role-title" fullWidth maxWidth="xs">
        <form onSubmit={(e) => { e.preventDefault(); if (!problem) navigate(`/studio/roles/${name}?label=${encodeURIComponent(label.trim())}`); }}>
          <DialogTitle id="new-role-title">New role</DialogTitle>
          <DialogContent>
            <Stack sx={{ mt: 1 }}>
              <TextField label="Role label" value={label} onChange={(e) => setLabel(e.target.value)} autoFocus required
                error={!!label && !!problem} helperText={label && problem ? problem : name ? `Name: ${name}` : 'e.g. Fleet manager'} />
            </Stack>
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setCreating(false)}>Cancel</Button>
            <Button type="submit" variant="contained" disabled={!!problem}>Continue</Button>
          </DialogActions>
        </form>
      </Dialog>
    </>
  );
}
