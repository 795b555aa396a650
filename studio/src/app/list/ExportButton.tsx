/**
 * Export the visible view to CSV: its columns, in its order, every record its filter, search
 * and sort give (not only the rows loaded so far), paged through the cursor API.
 */
import { useRef, useState } from 'react';
import { Button, CircularProgress, IconButton, Snackbar } from '@mui/material';
import FileDownloadOutlinedIcon from '@mui/icons-material/FileDownloadOutlined';
import type { ListParams } from '../../api/hooks.ts';
import { csvFileName, toCsv } from './csv.ts';
import type { ListField } from './fields.ts';
import { exportValue } from './format.ts';
import { fetchAll } from './listApi.ts';
import type { ListMeta } from './useListMeta.ts';

export const EXPORT_MAX = 10_000;

export interface ExportButtonProps {
  meta: ListMeta;
  columns: ListField[];
  params: ListParams;
  /** e.g. "Opportunities Pipeline" → opportunities-pipeline.csv */
  title: string;
  compact?: boolean;
}

function download(name: string, text: string): void {
  // A byte order mark, so spreadsheet programs read the file as UTF-8.
  const blob = new Blob(['\uFEFF', text], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ExportButton({ meta, columns, params, title, compact }: ExportButtonProps) {
  const [count, setCount] = useState<number | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const busy = count !== null;

  const run = async () => {
    abort.current = new AbortController();
    setCount(0);
    try {
      const { records, truncated } = await fetchAll(meta.object.name, params, { max: EXPORT_MAX, signal: abort.current.signal, onProgress: setCount });
      const csv = toCsv(columns.map((f) => ({ header: f.label, value: (r: Record<string, unknown>) => exportValue(f, r[f.name], meta.format) })), records);
      download(csvFileName(title), csv);
      setMessage(truncated ? `Exported the first ${records.length} records` : `Exported ${records.length} records`);
    } catch (e) {
      setMessage(`Export failed: ${e instanceof Error ? e.message : 'unknown error'}`);
    } finally {
      setCount(null);
    }
  };

  const label = busy ? `Exporting… ${count ?? 0}` : 'Export CSV';
  return (
    <>
      {compact ? (
        <IconButton aria-label={label} onClick={() => void run()} disabled={busy}>
          {busy ? <CircularProgress size={20} aria-hidden /> : <FileDownloadOutlinedIcon />}
        </IconButton>
      ) : (
        <Button startIcon={busy ? <CircularProgress size={16} aria-hidden /> : <FileDownloadOutlinedIcon />} onClick={() => void run()} disabled={busy}>
          {label}
        </Button>
      )}
      <Snackbar open={!!message} message={message} autoHideDuration={5000} onClose={() => setMessage(null)} />
    </>
  );
}
