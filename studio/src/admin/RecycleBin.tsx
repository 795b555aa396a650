/** The metadata recycle bin: removed fields and objects (their data kept), and restore. */
import { useState } from 'react';
import {
  Alert, AlertTitle, Button, Chip, Paper, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography,
} from '@mui/material';
import RestoreFromTrash from '@mui/icons-material/RestoreFromTrash';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api/client.ts';
import { Loading } from '../App.tsx';
import { EmptyState, PageHeader } from './PageHeader.tsx';
import { errorText, useRecycleBin } from './studioApi.ts';
import type { BinEntry } from './types.ts';

function what(e: BinEntry): string {
  const label = e.definition?.label ?? e.name;
  return e.kind === 'field' ? `Field ${label} of ${e.object}` : `Object ${label}`;
}

export default function RecycleBin() {
  const bin = useRecycleBin();
  const qc = useQueryClient();
  const [busy, setBusy] = useState<string>();
  const [result, setResult] = useState<{ ok: boolean; text: string }>();

  const restore = async (e: BinEntry) => {
    setBusy(e.id);
    setResult(undefined);
    try {
      await api(`/api/metadata/recycle-bin/${e.id}/restore`, { method: 'POST' });
      await Promise.all([qc.invalidateQueries({ queryKey: ['metadata'] }), qc.invalidateQueries({ queryKey: ['studio'] })]);
      setResult({ ok: true, text: `${what(e)} is back, with its data.` });
    } catch (err) {
      setResult({ ok: false, text: `Could not restore ${what(e).toLowerCase()}: ${errorText(err)}` });
    } finally {
      setBusy(undefined);
    }
  };

  const header = <PageHeader title="Recycle bin" subtitle="Fields and objects removed by a deploy. Their data is kept until you restore them." />;
  if (bin.isPending) return <>{header}<Loading label="Loading the recycle bin" /></>;
  if (bin.isError) {
    const missing = bin.error instanceof ApiError && (bin.error.status === 404 || bin.error.status === 405);
    return (
      <>
        {header}
        <Alert severity="error" action={<Button color="inherit" onClick={() => void bin.refetch()}>Try again</Button>}>
          <AlertTitle>{missing ? 'The recycle bin is not available on this server' : 'Could not load the recycle bin'}</AlertTitle>
          {missing ? 'This server does not offer the recycle bin yet. Removed fields and objects are still kept in the database.' : errorText(bin.error)}
        </Alert>
      </>
    );
  }
  return (
    <>
      {header}
      {result && <Alert severity={result.ok ? 'success' : 'error'} role={result.ok ? 'status' : 'alert'} sx={{ mb: 2 }} onClose={() => setResult(undefined)}>{result.text}</Alert>}
      <Paper>
        {bin.data.length === 0 ? (
          <EmptyState title="The recycle bin is empty">When you remove a field or an object, it lands here with its data.</EmptyState>
        ) : (
          <TableContainer>
            <Table size="small" aria-label="Recycle bin">
              <TableHead>
                <TableRow>
                  <TableCell>What</TableCell>
                  <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>Package</TableCell>
                  <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>Removed</TableCell>
                  <TableCell align="right">Restore</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {bin.data.map((e) => (
                  <TableRow key={e.id}>
                    <TableCell>
                      <Chip size="small" label={e.kind} sx={{ mr: 1 }} />
                      <Typography component="span" sx={{ fontWeight: 600 }}>{what(e)}</Typography>
                      <Typography variant="body2" color="text.secondary" sx={{ fontFamily: 'monospace' }}>{e.kind === 'field' ? `${e.object}.${e.name}` : e.name}{e.definition?.type ? ` · ${e.definition.type}` : ''}</Typography>
                    </TableCell>
                    <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>{e.package}</TableCell>
                    <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>{new Date(e.removedAt).toLocaleString()}</TableCell>
                    <TableCell align="right">
                      <Button size="small" startIcon={<RestoreFromTrash />} onClick={() => void restore(e)} disabled={busy === e.id} aria-label={`Restore ${what(e).toLowerCase()}`}>
                        Restore
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
      </Paper>
    </>
  );
}
