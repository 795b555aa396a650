/**
 * Packages: what is installed (with versions), upload a bundle or a folder archive (plan
 * first), download one or everything.
 */
import { useState, type ChangeEvent } from 'react';
import {
  Alert, Box, Button, Paper, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography,
} from '@mui/material';
import Download from '@mui/icons-material/Download';
import UploadFile from '@mui/icons-material/UploadFile';
import type { PackageBundle } from '../../../metadata/types.ts';
import { api, ApiError } from '../api/client.ts';
import { Loading } from '../App.tsx';
import { parseBundle } from './deployText.ts';
import { PackageChip } from './PackageChip.tsx';
import { EmptyState, PageHeader } from './PageHeader.tsx';
import { downloadJson, errorText, useStudioMetadata } from './studioApi.ts';
import { useDeploy } from './useDeploy.tsx';
import { CUSTOM_PACKAGE } from './types.ts';

/** A package folder packed as an archive: the server unpacks it (the browser only names its type). */
const ARCHIVE_TYPES: Array<[suffix: string, type: string]> = [
  ['.zip', 'application/zip'], ['.tar.gz', 'application/gzip'], ['.tgz', 'application/gzip'], ['.tar', 'application/x-tar'],
];

function archiveType(fileName: string): string | undefined {
  const lower = fileName.toLowerCase();
  return ARCHIVE_TYPES.find(([suffix]) => lower.endsWith(suffix))?.[1];
}

/** What went wrong, with each problem the server listed (`objects/order.json: invalid JSON …`). */
interface UploadProblem { text: string; details: string[] }

function uploadProblem(fileName: string, e: unknown): UploadProblem {
  const details = e instanceof ApiError ? e.errors.map((x) => (x.field ? `${x.field}: ${x.message}` : x.message)) : [];
  return { text: `${fileName}: ${errorText(e)}`, details };
}

function when(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export default function PackagesPage() {
  const meta = useStudioMetadata();
  const deploy = useDeploy();
  const [problem, setProblem] = useState<UploadProblem>();
  const [busy, setBusy] = useState<string>();

  const download = async (pkg?: string) => {
    setProblem(undefined);
    setBusy(pkg ?? '*');
    try {
      const bundle = await api<{ package: { name: string; version: string } }>(`/api/metadata/export${pkg ? `?package=${encodeURIComponent(pkg)}` : ''}`);
      downloadJson(`${bundle.package.name}-${bundle.package.version}.json`, bundle);
    } catch (e) {
      setProblem({ text: `Could not download: ${errorText(e)}`, details: [] });
    } finally {
      setBusy(undefined);
    }
  };

  /** A JSON bundle is read here; an archive is unpacked by the server, which answers its bundle. */
  const readUpload = async (file: File): Promise<PackageBundle | undefined> => {
    const type = archiveType(file.name);
    if (!type) {
      const { bundle, problem: p } = parseBundle(await file.text());
      if (!bundle) setProblem({ text: `${file.name}: ${p}`, details: [] });
      return bundle;
    }
    setBusy('upload');
    try {
      return await api<PackageBundle>('/api/metadata/archive', { body: file, headers: { 'content-type': type } });
    } catch (e) {
      setProblem(uploadProblem(file.name, e));
      return undefined;
    } finally {
      setBusy(undefined);
    }
  };

  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setProblem(undefined);
    const bundle = await readUpload(file);
    if (!bundle) return;
    const installed = meta.data?.packages?.find((x) => x.name === bundle.package.name);
    await deploy({
      title: installed
        ? `Upgrade package ${bundle.package.name} from ${installed.version} to ${bundle.package.version}`
        : `Install package ${bundle.package.name} ${bundle.package.version}`,
      bundle,
    });
  };

  if (meta.isPending) return <Loading label="Loading packages" />;
  if (meta.isError) return <Alert severity="error">Could not load the packages: {errorText(meta.error)}</Alert>;
  const packages = [...(meta.data.packages ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <>
      <PageHeader
        title="Packages"
        subtitle="Metadata comes in packages. What you change in the studio is the package “custom”, layered over the installed ones: download it to move your changes to another Strata."
        actions={<>
          <Button variant="contained" component="label" startIcon={<UploadFile />} disabled={busy === 'upload'}>
            {busy === 'upload' ? 'Reading the archive…' : 'Upload a package (bundle or folder archive)'}
            <input hidden type="file" accept=".json,application/json,.zip,.tgz,.tar.gz,.tar" onChange={(e) => void upload(e)} />
          </Button>
          <Button startIcon={<Download />} onClick={() => void download()} disabled={busy === '*'}>Download all metadata</Button>
        </>}
      />
      {problem && (
        <Alert severity="error" role="alert" sx={{ mb: 2 }} onClose={() => setProblem(undefined)}>
          {problem.text}
          {problem.details.length > 0 && (
            <Box component="ul" aria-label="Problems in the upload" sx={{ m: 0, mt: 1, pl: 2.5 }}>
              {problem.details.slice(0, 50).map((d, i) => <li key={i}>{d}</li>)}
            </Box>
          )}
        </Alert>
      )}
      <Paper>
        {packages.length === 0 ? (
          <EmptyState title="No packages installed" />
        ) : (
          <TableContainer>
            <Table size="small" aria-label="Installed packages">
              <TableHead>
                <TableRow>
                  <TableCell>Package</TableCell>
                  <TableCell>Version</TableCell>
                  <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>Deployed</TableCell>
                  <TableCell align="right">Download</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {packages.map((p) => (
                  <TableRow key={p.name}>
                    <TableCell>
                      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
                        <Typography sx={{ fontWeight: 600 }}>{p.name === CUSTOM_PACKAGE ? 'Your customizations' : p.label ?? p.name}</Typography>
                        <PackageChip pkg={p.name} />
                      </Box>
                    </TableCell>
                    <TableCell sx={{ fontFamily: 'monospace' }}>{p.version}</TableCell>
                    <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>{when(p.deployedAt)}</TableCell>
                    <TableCell align="right">
                      <Button size="small" startIcon={<Download />} onClick={() => void download(p.name)} disabled={busy === p.name} aria-label={`Download ${p.name} as JSON`}>
                        JSON
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
      </Paper>
      {!packages.some((p) => p.name === CUSTOM_PACKAGE) && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 2 }}>Nothing customized yet: your first studio change creates the package “custom”.</Typography>
      )}
    </>
  );
}
