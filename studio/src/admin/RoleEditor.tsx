/**
 * The roles editor: the object × action grid (read / update / delete: none, own, team, all or a
 * filter; create: yes or no), field access (edit / read / none) and abilities. Saving deploys.
 */
import { useMemo, useState } from 'react';
import { Link as RouterLink, useNavigate, useParams, useSearchParams } from 'react-router';
import {
  Alert, Box, Breadcrumbs, Button, Checkbox, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, FormGroup, Link,
  MenuItem, Paper, Stack, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, TextField, Typography, useMediaQuery,
} from '@mui/material';
import { useTheme } from '@mui/material/styles';
import type { Ability, FieldAccess, RecordFilter, RoleDef } from '../../../metadata/types.ts';
import { Loading } from '../App.tsx';
import { putRole, removeRole } from './customBundle.ts';
import { fieldLabel } from './fieldTypes.ts';
import { FilterBuilder } from './FilterBuilder.tsx';
import { PageHeader } from './PageHeader.tsx';
import { ACCESS_LABELS, accessKind, accessValue, fieldAccess, setAccess, setFieldAccess, type AccessKind, type RecordAction } from './roleModel.ts';
import { errorText, useCustomExport, useStudioMetadata } from './studioApi.ts';
import { useDeploy } from './useDeploy.tsx';
import type { StudioObject } from './types.ts';

const ACTIONS: RecordAction[] = ['read', 'update', 'delete'];
const ABILITIES: Array<{ value: Ability; label: string }> = [
  { value: 'import', label: 'Import records' },
  { value: 'export', label: 'Export records' },
  { value: 'studio', label: 'Use the studio' },
  { value: 'manageUsers', label: 'Manage users' },
];

function AccessCell({ role, object, action, onChange, onFilter }: {
  role: RoleDef; object: StudioObject; action: RecordAction; onChange: (r: RoleDef) => void; onFilter: () => void;
}) {
  const kind = accessKind(role.objects[object.name]?.[action]);
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 0.5 }}>
      <TextField select size="small" value={kind} variant="standard" sx={{ minWidth: 120 }}
        slotProps={{ select: { native: true, inputProps: { 'aria-label': `${object.label}: ${action}` } } }}
        onChange={(e) => {
          const k = e.target.value as AccessKind;
          if (k === 'filter') onFilter();
          else onChange(setAccess(role, object.name, action, accessValue(k)));
        }}>
        {(Object.keys(ACCESS_LABELS) as AccessKind[]).map((k) => <option key={k} value={k}>{k === 'filter' ? 'Filter…' : ACCESS_LABELS[k].replace(' records', '')}</option>)}
      </TextField>
      {kind === 'filter' && <Button size="small" onClick={onFilter} aria-label={`Edit the ${action} filter of ${object.label}`}>Edit</Button>}
    </Box>
  );
}

function FilterDialog({ object, action, value, onClose, onSave }: { object: StudioObject; action: RecordAction; value: RecordFilter | undefined; onClose: () => void; onSave: (f: RecordFilter) => void }) {
  const [filter, setFilter] = useState<RecordFilter | undefined>(value);
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="md" aria-labelledby="role-filter-title">
      <DialogTitle id="role-filter-title">Which {object.pluralLabel ?? object.label} may people {action}?</DialogTitle>
      <DialogContent dividers>
        <FilterBuilder label={`Records they may ${action}`} fields={object.fields} value={filter} onChange={setFilter} />
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>“The current user” means the person signed in, e.g. Owner is the current user.</Typography>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" disabled={!filter || !Object.keys(filter).length} onClick={() => filter && onSave(filter)}>Use this filter</Button>
      </DialogActions>
    </Dialog>
  );
}

export default function RoleEditor() {
  const { role: roleName = '' } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const meta = useStudioMetadata();
  const custom = useCustomExport();
  const deploy = useDeploy();
  const deployed = meta.data?.roles.find((r) => r.name === roleName);
  const start = useMemo<RoleDef>(() => deployed ?? { name: roleName, label: params.get('label') ?? roleName, objects: {} }, [deployed, roleName, params]);
  const [role, setRole] = useState<RoleDef>();
  const [filterFor, setFilterFor] = useState<{ object: StudioObject; action: RecordAction }>();
  const [fieldObject, setFieldObject] = useState('');
  // A phone gets one card per object: five columns of selects do not fit 390 px.
  const phone = useMediaQuery(useTheme().breakpoints.down('sm'), { noSsr: true });
  if (meta.isPending) return <Loading label="Loading the role" />;
  if (meta.isError) return <Alert severity="error">Could not load the role: {errorText(meta.error)}</Alert>;
  const r = role ?? start;
  const objects = [...meta.data.objects].sort((a, b) => a.label.localeCompare(b.label));
  const dirty = JSON.stringify(r) !== JSON.stringify(deployed);
  const mine = (custom.data?.roles ?? []).some((x) => x.name === roleName);
  const fo = objects.find((o) => o.name === fieldObject);

  const save = async () => {
    const def: RoleDef = { ...r, label: r.label?.trim() || r.name };
    if (def.abilities && !def.abilities.length) delete def.abilities;
    const result = await deploy({ title: `${deployed ? 'Change' : 'Create'} role ${def.label}`, change: (base) => putRole(base, def) });
    if (result?.applied) setRole(undefined);
  };
  const remove = async () => {
    const result = await deploy({ title: `Remove role ${r.label ?? r.name}`, change: (base) => removeRole(base, r.name) });
    if (result?.applied) navigate('/studio/roles');
  };

  return (
    <Stack spacing={2}>
      <Breadcrumbs aria-label="Breadcrumb">
        <Link component={RouterLink} to="/studio/roles" underline="hover" color="inherit">Roles</Link>
        <Typography color="text.primary">{r.label ?? r.name}</Typography>
      </Breadcrumbs>
      <PageHeader
        title={deployed ? `Role: ${r.label ?? r.name}` : `New role: ${r.label ?? r.name}`}
        subtitle={<span style={{ fontFamily: 'monospace' }}>{r.name}</span>}
        actions={<>
          {mine && <Button color="error" onClick={() => void remove()}>Remove role</Button>}
          <Button variant="contained" onClick={() => void save()} disabled={!dirty}>Save role</Button>
        </>}
      />
      <Paper sx={{ p: 2 }}>
        <TextField label="Role label" value={r.label ?? ''} onChange={(e) => setRole({ ...r, label: e.target.value })} sx={{ width: { xs: '100%', sm: 360 } }} />
      </Paper>

      <Paper component="section" aria-labelledby="grid-heading">
        <Box sx={{ p: 2, pb: 0 }}>
          <Typography id="grid-heading" variant="subtitle1" component="h2">Records</Typography>
          <Typography variant="body2" color="text.secondary">Own: records they own. Team: theirs and those of everyone who reports to them. A filter: records that match it.</Typography>
        </Box>
        {phone ? (
          <Box component="ul" aria-label={`Record access of ${r.label ?? r.name}`} sx={{ listStyle: 'none', m: 0, p: 2, display: 'grid', gap: 1.5 }}>
            {objects.map((o) => (
              <Paper component="li" key={o.name} variant="outlined" sx={{ p: 1.5 }} aria-labelledby={`access-${o.name}`}>
                <Typography id={`access-${o.name}`} variant="subtitle2" component="h3" sx={{ mb: 0.5 }}>{o.pluralLabel ?? o.label}</Typography>
                <Box sx={{ display: 'grid', gridTemplateColumns: 'auto minmax(0, 1fr)', columnGap: 1.5, rowGap: 0.5, alignItems: 'center' }}>
                  <Typography variant="body2" color="text.secondary">Read</Typography>
                  <AccessCell role={r} object={o} action="read" onChange={setRole} onFilter={() => setFilterFor({ object: o, action: 'read' })} />
                  <Typography variant="body2" color="text.secondary">Create</Typography>
                  <Box>
                    <Checkbox checked={!!r.objects[o.name]?.create} onChange={(e) => setRole(setAccess(r, o.name, 'create', e.target.checked))}
                      slotProps={{ input: { 'aria-label': `${o.label}: create` } }} sx={{ ml: -1 }} />
                  </Box>
                  {ACTIONS.slice(1).map((a) => [
                    <Typography key={`${a}-label`} variant="body2" color="text.secondary">{a === 'update' ? 'Update' : 'Delete'}</Typography>,
                    <AccessCell key={a} role={r} object={o} action={a} onChange={setRole} onFilter={() => setFilterFor({ object: o, action: a })} />,
                  ])}
                </Box>
              </Paper>
            ))}
          </Box>
        ) : (
        <TableContainer sx={{ maxHeight: { md: 520 } }}>
          <Table size="small" stickyHeader aria-label={`Record access of ${r.label ?? r.name}`}>
            <TableHead>
              <TableRow>
                <TableCell>Object</TableCell>
                <TableCell>Read</TableCell>
                <TableCell>Create</TableCell>
                <TableCell>Update</TableCell>
                <TableCell>Delete</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {objects.map((o) => (
                <TableRow key={o.name} hover>
                  <TableCell component="th" scope="row" sx={{ fontWeight: 600, whiteSpace: 'nowrap' }}>{o.pluralLabel ?? o.label}</TableCell>
                  <TableCell><AccessCell role={r} object={o} action="read" onChange={setRole} onFilter={() => setFilterFor({ object: o, action: 'read' })} /></TableCell>
                  <TableCell>
                    <Checkbox checked={!!r.objects[o.name]?.create} onChange={(e) => setRole(setAccess(r, o.name, 'create', e.target.checked))}
                      slotProps={{ input: { 'aria-label': `${o.label}: create` } }} />
                  </TableCell>
                  {ACTIONS.slice(1).map((a) => (
                    <TableCell key={a}><AccessCell role={r} object={o} action={a} onChange={setRole} onFilter={() => setFilterFor({ object: o, action: a })} /></TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
        )}
      </Paper>

      <Paper sx={{ p: 2 }} component="section" aria-labelledby="fields-heading">
        <Typography id="fields-heading" variant="subtitle1" component="h2">Field access</Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>Every field is editable unless you say otherwise here.</Typography>
        <TextField select label="Fields of" value={fieldObject} onChange={(e) => setFieldObject(e.target.value)} size="small" sx={{ minWidth: 240 }}>
          <MenuItem value=""><em>Choose an object</em></MenuItem>
          {objects.map((o) => <MenuItem key={o.name} value={o.name}>{o.label}</MenuItem>)}
        </TextField>
        {fo && (
          <Table size="small" aria-label={`Field access to ${fo.label}`} sx={{ mt: 1 }}>
            <TableHead><TableRow><TableCell>Field</TableCell><TableCell>Access</TableCell></TableRow></TableHead>
            <TableBody>
              {fo.fields.map((f) => (
                <TableRow key={f.name}>
                  <TableCell component="th" scope="row">{fieldLabel(f)}</TableCell>
                  <TableCell>
                    <TextField select size="small" variant="standard" value={fieldAccess(r, fo.name, f.name)}
                      slotProps={{ select: { native: true, inputProps: { 'aria-label': `${fieldLabel(f)} access` } } }}
                      onChange={(e) => setRole(setFieldAccess(r, fo.name, f.name, e.target.value as FieldAccess))}>
                      <option value="edit">Edit</option>
                      <option value="read">Read only</option>
                      <option value="none">Hidden</option>
                    </TextField>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Paper>

      <Paper sx={{ p: 2 }} component="section" aria-labelledby="abilities-heading">
        <Typography id="abilities-heading" variant="subtitle1" component="h2">Abilities</Typography>
        <FormGroup row>
          {ABILITIES.map((a) => (
            <FormControlLabel key={a.value} label={a.label} control={
              <Checkbox checked={(r.abilities ?? []).includes(a.value)}
                onChange={(e) => setRole({ ...r, abilities: e.target.checked ? [...(r.abilities ?? []), a.value] : (r.abilities ?? []).filter((x) => x !== a.value) })} />
            } />
          ))}
        </FormGroup>
      </Paper>

      {filterFor && (
        <FilterDialog object={filterFor.object} action={filterFor.action}
          value={accessKind(r.objects[filterFor.object.name]?.[filterFor.action]) === 'filter' ? r.objects[filterFor.object.name]?.[filterFor.action] as RecordFilter : undefined}
          onClose={() => setFilterFor(undefined)}
          onSave={(f) => { setRole(setAccess(r, filterFor.object.name, filterFor.action, f)); setFilterFor(undefined); }} />
      )}
    </Stack>
  );
}
