/**
 * The phone list: one card per record (its name as a link, then the view's other columns as
 * label–value lines), a labelled checkbox to select it, and the next page loaded as the end
 * of the list scrolls into view (or with the button, for those who prefer).
 */
import { useEffect, useRef } from 'react';
import { Box, Button, Checkbox, CircularProgress, Paper, Typography } from '@mui/material';
import type { RowSelectionState } from '@tanstack/react-table';
import type { CrmRecord } from '../../api/types.ts';
import { titleOf } from '../apps.ts';
import { CellValue } from './CellValue.tsx';
import type { ListField } from './fields.ts';
import { isEmptyValue } from './format.ts';
import type { ListMeta } from './useListMeta.ts';

export interface RecordCardsProps {
  meta: ListMeta;
  columns: ListField[];
  records: CrmRecord[];
  selection: RowSelectionState;
  onSelectionChange: (s: RowSelectionState) => void;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  /** Cards have checkboxes (there is a bulk action the caller may take). */
  selectable: boolean;
}

export function RecordCards({ meta, columns, records, selection, onSelectionChange, hasMore, loadingMore, onLoadMore, selectable }: RecordCardsProps) {
  const object = meta.object.name;
  const nameField = meta.object.nameField;
  const sentinel = useRef<HTMLDivElement>(null);
  const rest = columns.filter((c) => c.name !== nameField);

  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasMore) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !loadingMore) onLoadMore();
    }, { rootMargin: '400px 0px' });
    io.observe(el);
    return () => io.disconnect();
  }, [hasMore, loadingMore, onLoadMore, records.length]);

  const toggle = (id: string, on: boolean) => {
    const next = { ...selection };
    if (on) next[id] = true;
    else delete next[id];
    onSelectionChange(next);
  };

  return (
    <Box component="ul" aria-label={meta.object.pluralLabel ?? meta.object.label} sx={{ listStyle: 'none', p: 0, m: 0, display: 'grid', gap: 1 }}>
      {records.map((r) => {
        const title = titleOf(meta.object, r);
        const selected = !!selection[r.id];
        return (
          <Box component="li" key={r.id}>
            <Paper variant="outlined" sx={{ display: 'flex', gap: 0.5, p: 1, pr: 1.5, pl: selectable ? 1 : 2, borderColor: selected ? 'primary.main' : undefined, bgcolor: selected ? 'action.selected' : undefined }}>
              {selectable && <Checkbox checked={selected} onChange={(e) => toggle(r.id, e.target.checked)} slotProps={{ input: { 'aria-label': `Select ${title}` } }} sx={{ alignSelf: 'flex-start' }} />}
              <Box sx={{ minWidth: 0, flex: 1, pt: 1 }}>
                <Typography variant="subtitle1" component="h2" sx={{ lineHeight: 1.3, overflowWrap: 'anywhere' }}>
                  {nameField && meta.byName.get(nameField)
                    ? <CellValue field={meta.byName.get(nameField)!} value={r[nameField]} ctx={meta.format} recordHref={`/app/${object}/${r.id}`} />
                    : <CellValue field={{ name: 'id', label: 'Record', kind: 'text', required: false, editable: false, system: true }} value={title} ctx={meta.format} recordHref={`/app/${object}/${r.id}`} />}
                </Typography>
                <Box component="dl" sx={{ m: 0, mt: 0.5, display: 'grid', gridTemplateColumns: 'minmax(0, 2fr) minmax(0, 3fr)', columnGap: 1.5, rowGap: 0.25 }}>
                  {rest.filter((c) => !isEmptyValue(r[c.name])).slice(0, 5).map((c) => (
                    <Box key={c.name} sx={{ display: 'contents' }}>
                      <Typography component="dt" variant="body2" color="text.secondary" noWrap>{c.label}</Typography>
                      <Typography component="dd" variant="body2" sx={{ m: 0, overflowWrap: 'anywhere' }}>
                        <CellValue field={c} value={r[c.name]} ctx={meta.format} />
                      </Typography>
                    </Box>
                  ))}
                </Box>
              </Box>
            </Paper>
          </Box>
        );
      })}
      {hasMore && (
        <Box component="li" ref={sentinel} sx={{ display: 'flex', justifyContent: 'center', p: 1 }}>
          {loadingMore
            ? <Box role="status" sx={{ display: 'flex', gap: 1, alignItems: 'center' }}><CircularProgress size={16} aria-hidden /> Loading more…</Box>
            : <Button onClick={onLoadMore}>Load more</Button>}
        </Box>
      )}
    </Box>
  );
}
