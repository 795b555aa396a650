/** The object manager: every deployed object, and "New object". */
import { useMemo, useState } from 'react';
import { Link as RouterLink } from 'react-router';
import {
  Alert, Button, InputAdornment, Link, Paper, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, TextField,
} from '@mui/material';
import Add from '@mui/icons-material/Add';
import Search from '@mui/icons-material/Search';
import { Loading } from '../App.tsx';
import { APPS } from '../app/apps.ts';
import { NewObjectDialog } from './NewObjectDialog.tsx';
import { PackageChip } from './PackageChip.tsx';
import { EmptyState, PageHeader } from './PageHeader.tsx';
import { errorText, useStudioMetadata } from './studioApi.ts';

export default function ObjectList() {
  const meta = useStudioMetadata();
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  const objects = useMemo(() => {
    const all = [...(meta.data?.objects ?? [])].sort((a, b) => a.label.localeCompare(b.label));
    const s = q.trim().toLowerCase();
    return s ? all.filter((o) => o.label.toLowerCase().includes(s) || o.name.includes(s)) : all;
  }, [meta.data, q]);
  if (meta.isPending) return <Loading label="Loading objects" />;
  if (meta.isError) return <Alert severity="error">Could not load the metadata: {errorText(meta.error)}</Alert>;
  const appLabel = (a?: string) => APPS.find((x) => x.key === (a ?? 'other'))?.label ?? a;
  return (
    <>
      <PageHeader
        title="Objects"
        subtitle="The kinds of records Strata keeps. Open one to change its fields, page layout, list views and rules."
        actions={<Button variant="contained" startIcon={<Add />} onClick={() => setCreating(true)}>New object</Button>}
      />
      <TextField
        label="Find an object" value={q} onChange={(e) => setQ(e.target.value)} size="small" sx={{ mb: 2, width: { xs: '100%', sm: 320 } }}
        slotProps={{ input: { startAdornment: <InputAdornment position="start"><Search aria-hidden /></InputAdornment> } }}
      />
      <Paper>
        {objects.length === 0 ? (
          <EmptyState title={q ? `No object matches “${q}”` : 'No objects yet'} action={<Button onClick={() => setCreating(true)}>Create the first one</Button>}>
            An object is a kind of record, like Vehicle or Contract.
          </EmptyState>
        ) : (
          <TableContainer>
            <Table size="small" aria-label="Objects">
              <TableHead>
                <TableRow>
                  <TableCell>Object</TableCell>
                  <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>Name</TableCell>
                  <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>App</TableCell>
                  <TableCell align="right">Fields</TableCell>
                  <TableCell>Package</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {objects.map((o) => (
                  <TableRow key={o.name} hover>
                    <TableCell><Link component={RouterLink} to={`/studio/objects/${o.name}`} underline="hover" sx={{ fontWeight: 600 }}>{o.label}</Link></TableCell>
                    <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' }, fontFamily: 'monospace' }}>{o.name}</TableCell>
                    <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>{appLabel(o.app)}</TableCell>
                    <TableCell align="right">{o.fields.length}</TableCell>
                    <TableCell><PackageChip pkg={o.package} /></TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
      </Paper>
      {creating && <NewObjectDialog onClose={() => setCreating(false)} taken={(meta.data?.objects ?? []).map((o) => o.name)} />}
    </>
  );
}
