/**
 * The desktop list: a virtualized table (TanStack Table for the column and selection model,
 * TanStack Virtual for the rows) that loads the next page as the end comes into view.
 *
 * It is an ARIA grid with one tab stop: arrow keys, Home/End and Page Up/Down move between
 * cells; Enter or F2 edits a cell in place (on the name, Enter opens the record and F2
 * edits); double-click edits too; Space on a row's checkbox selects it.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import {
  Alert, Box, Button, Checkbox, CircularProgress, Table, TableBody, TableCell, TableContainer, TableHead, TableRow,
  TableSortLabel, Typography,
} from '@mui/material';
import { getCoreRowModel, useReactTable, type ColumnDef, type RowSelectionState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useQueryClient } from '@tanstack/react-query';
import type { CrmRecord } from '../../api/types.ts';
import { titleOf } from '../apps.ts';
import { alignOf, CellValue } from './CellValue.tsx';
import type { ListField } from './fields.ts';
import { formatValue } from './format.ts';
import { InlineEdit, type EditEnd } from './InlineEdit.tsx';
import { getRecord, replaceInLists } from './listApi.ts';
import type { ListMeta } from './useListMeta.ts';

// Marks the cell's focus target; typed aside because MUI's slot props do not list data-* attributes.
const DATA_FOCUS: Record<string, string> = { 'data-focus': '' };

const ROW_HEIGHT = 44;
const HEAD_HEIGHT = 44;
const SELECT_WIDTH = 52;

export interface RecordTableProps {
  meta: ListMeta;
  columns: ListField[];
  records: CrmRecord[];
  /** The list's sort keys; the first one shows on its column header. */
  sort: string[];
  onSort: (key: string) => void;
  selection: RowSelectionState;
  onSelectionChange: (s: RowSelectionState) => void;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  /** The list's `expand`, to reload a record the same way. */
  expand?: string;
  /** The caller may change records (cells edit in place). */
  canEdit: boolean;
  /** Rows have checkboxes (there is a bulk action the caller may take). */
  selectable: boolean;
}

/** A column's width: enough for its values' usual length and for its header with the sort arrow. */
function widthOf(f: ListField, isName: boolean): number {
  const header = Math.ceil(f.label.length * 8.2) + 56;
  return Math.max(header, isName ? 240 : kindWidth(f));
}

function kindWidth(f: ListField): number {
  switch (f.kind) {
    case 'boolean': return 100;
    case 'integer': case 'percent': return 110;
    case 'decimal': case 'currency': return 150;
    case 'date': return 140;
    case 'datetime': return 190;
    case 'picklist': case 'user': return 170;
    case 'reference': case 'email': case 'url': return 220;
    default: return 200;
  }
}

interface Cell { row: number; col: number }
interface Conflict { id: string; title: string; message?: string }

export function RecordTable(props: RecordTableProps) {
  const { meta, columns, records, sort, onSort, selection, onSelectionChange, hasMore, loadingMore, onLoadMore, expand, canEdit, selectable } = props;
  /** Column 0 is the checkbox column; without it the grid starts at 1. */
  const firstCol = selectable ? 0 : 1;
  const span = columns.length + (selectable ? 1 : 0);
  const object = meta.object.name;
  const nameField = meta.object.nameField;
  const qc = useQueryClient();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState<Cell>({ row: 0, col: 1 });
  const [editing, setEditing] = useState<{ id: string; field: string } | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [reloading, setReloading] = useState(false);
  const focusWanted = useRef(false);

  const colDefs = useMemo<Array<ColumnDef<CrmRecord>>>(() => [
    ...(selectable ? [{ id: '_select', size: SELECT_WIDTH, header: 'Select' }] : []),
    ...columns.map((f): ColumnDef<CrmRecord> => ({ id: f.name, header: f.label, accessorFn: (r) => r[f.name], size: widthOf(f, f.name === nameField) })),
  ], [columns, nameField, selectable]);

  const table = useReactTable({
    data: records,
    columns: colDefs,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (r) => r.id,
    state: { rowSelection: selection },
    enableRowSelection: true,
    onRowSelectionChange: (u) => onSelectionChange(typeof u === 'function' ? u(selection) : u),
    manualSorting: true,
  });
  const rows = table.getRowModel().rows;
  const leafColumns = table.getVisibleLeafColumns();
  const totalWidth = leafColumns.reduce((n, c) => n + c.getSize(), 0);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollPaddingStart: HEAD_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : -1;

  // Infinite scroll: the next page once the last rows come into view.
  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= rows.length - 15) onLoadMore();
  }, [hasMore, loadingMore, lastIndex, rows.length, onLoadMore]);

  // Keep the active cell inside the rows there are.
  useEffect(() => {
    if (active.row >= rows.length && rows.length > 0) setActive((a) => ({ ...a, row: rows.length - 1 }));
  }, [rows.length, active.row]);

  const focusCell = useCallback((cell: Cell, tries = 6) => {
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-cell="${cell.row}:${cell.col}"]`);
    if (!el) {
      if (tries > 0) requestAnimationFrame(() => focusCell(cell, tries - 1));
      return;
    }
    (el.querySelector<HTMLElement>('[data-focus]') ?? el).focus({ preventScroll: false });
  }, []);

  useEffect(() => {
    if (!focusWanted.current) return;
    focusWanted.current = false;
    requestAnimationFrame(() => focusCell(active));
  }, [active, editing, focusCell]);

  const moveTo = (row: number, col: number) => {
    const r = Math.max(0, Math.min(rows.length - 1, row));
    const c = Math.max(firstCol, Math.min(columns.length, col));
    virtualizer.scrollToIndex(r, { align: 'auto' });
    focusWanted.current = true;
    setActive({ row: r, col: c });
  };

  const startEdit = (row: number, col: number) => {
    const field = columns[col - 1];
    const rec = rows[row]?.original;
    if (!canEdit || !field?.editable || !rec) return false;
    setActive({ row, col });
    setEditing({ id: rec.id, field: field.name });
    return true;
  };

  const onGridKeyDown = (e: KeyboardEvent) => {
    if (editing || rows.length === 0) return;
    const { row, col } = active;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    switch (e.key) {
      case 'ArrowDown': moveTo(row + 1, col); break;
      case 'ArrowUp': moveTo(row - 1, col); break;
      case 'ArrowRight': moveTo(row, col + 1); break;
      case 'ArrowLeft': moveTo(row, col - 1); break;
      case 'Home': moveTo(e.ctrlKey ? 0 : row, firstCol); break;
      case 'End': moveTo(e.ctrlKey ? rows.length - 1 : row, columns.length); break;
      case 'PageDown': moveTo(row + page, col); break;
      case 'PageUp': moveTo(row - page, col); break;
      case 'Enter': case 'F2': {
        if (col === 0) return;
        if (e.key === 'Enter' && columns[col - 1]?.name === nameField) return; // the link opens the record
        if (!startEdit(row, col)) return;
        break;
      }
      default: return;
    }
    e.preventDefault();
  };

  const onGridFocus = (e: FocusEvent) => {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('[data-cell]')?.dataset.cell;
    if (!cell) return;
    const [row, col] = cell.split(':').map(Number);
    if (row !== active.row || col !== active.col) setActive({ row, col });
  };

  const endEdit = (rec: CrmRecord, how: EditEnd, opts: { refocus: boolean; message?: string }) => {
    setEditing(null);
    if (how === 'conflict') setConflict({ id: rec.id, title: titleOf(meta.object, rec), message: opts.message });
    if (opts.refocus) focusWanted.current = true;
  };

  const reload = async () => {
    if (!conflict) return;
    setReloading(true);
    try {
      const fresh = await getRecord(object, conflict.id, expand);
      replaceInLists(qc, object, fresh);
      setConflict(null);
    } catch {
      setConflict({ ...conflict, message: 'Could not reload the record. Try again.' });
    } finally {
      setReloading(false);
    }
  };

  const primary = sort[0];
  const sortOf = (f: ListField): 'asc' | 'desc' | false => {
    if (!primary || !f.sortKey) return false;
    if (primary === f.sortKey) return 'asc';
    if (primary === `-${f.sortKey}`) return 'desc';
    return false;
  };

  const padTop = items.length ? items[0].start : 0;
  const padBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;
  const allSelected = table.getIsAllRowsSelected();
  const someSelected = table.getIsSomeRowsSelected();

  return (
    <Box>
      {conflict && (
        <Alert
          severity="warning" sx={{ mb: 1 }} onClose={() => setConflict(null)}
          action={<Button color="inherit" size="small" onClick={() => void reload()} disabled={reloading}>Reload</Button>}
        >
          “{conflict.title}” was changed by someone else after this list was loaded, so your change was not saved.
          Reload it to see the latest version, then edit again.
        </Alert>
      )}
      <TableContainer ref={scrollRef} sx={{ maxHeight: 'max(320px, calc(100dvh - 270px))', bgcolor: 'background.paper', borderRadius: 1, border: 1, borderColor: 'divider' }}>
        <Table
          stickyHeader size="small" role="grid" aria-label={`${meta.object.pluralLabel ?? meta.object.label}`}
          aria-rowcount={hasMore ? -1 : rows.length + 1} aria-colcount={span} aria-describedby="grid-keys"
          sx={{ tableLayout: 'fixed', width: totalWidth, minWidth: '100%' }}
        >
          <colgroup>
            {leafColumns.map((c) => <col key={c.id} style={{ width: c.getSize() }} />)}
          </colgroup>
          <TableHead>
            <TableRow aria-rowindex={1} sx={{ height: HEAD_HEIGHT }}>
              {selectable && (
                <TableCell padding="checkbox" sx={{ bgcolor: 'grey.100' }}>
                  <Checkbox
                    size="small" checked={allSelected} indeterminate={someSelected && !allSelected} disabled={rows.length === 0}
                    onChange={table.getToggleAllRowsSelectedHandler()}
                    slotProps={{ input: { 'aria-label': 'Select all loaded rows' } }}
                  />
                </TableCell>
              )}
              {columns.map((f) => {
                const dir = sortOf(f);
                return (
                  <TableCell
                    key={f.name} align={alignOf(f)} aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : undefined}
                    sx={{ bgcolor: 'grey.100', fontWeight: 600, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}
                  >
                    {f.sortKey ? (
                      <TableSortLabel active={!!dir} direction={dir || 'asc'} onClick={() => onSort(f.sortKey!)}>
                        {f.label}
                      </TableSortLabel>
                    ) : f.label}
                  </TableCell>
                );
              })}
            </TableRow>
          </TableHead>
          <TableBody onKeyDown={onGridKeyDown} onFocus={onGridFocus}>
            {padTop > 0 && <TableRow aria-hidden sx={{ height: padTop }}><TableCell colSpan={span} sx={{ p: 0, border: 0 }} /></TableRow>}
            {items.map((vi) => {
              const row = rows[vi.index];
              const rec = row.original;
              const title = titleOf(meta.object, rec);
              const selected = row.getIsSelected();
              return (
                <TableRow key={row.id} hover selected={selected} aria-rowindex={vi.index + 2} aria-selected={selectable ? selected : undefined} sx={{ height: ROW_HEIGHT }}>
                  {selectable && (
                    <TableCell padding="checkbox" data-cell={`${vi.index}:0`}>
                      <Checkbox
                        size="small" checked={selected} onChange={row.getToggleSelectedHandler()}
                        slotProps={{ input: { 'aria-label': `Select ${title}`, tabIndex: active.row === vi.index && active.col === 0 ? 0 : -1, ...DATA_FOCUS } }}
                      />
                    </TableCell>
                  )}
                  {columns.map((f, ci) => {
                    const col = ci + 1;
                    const isActive = active.row === vi.index && active.col === col;
                    const isEditing = editing?.id === rec.id && editing.field === f.name;
                    const isName = f.name === nameField;
                    const value = rec[f.name];
                    const text = isEditing ? undefined : formatValue(f, value, meta.format);
                    return (
                      <TableCell
                        key={f.name} align={alignOf(f)} data-cell={`${vi.index}:${col}`}
                        tabIndex={isName ? undefined : isActive ? 0 : -1}
                        title={text || undefined}
                        onDoubleClick={() => { if (!isEditing) startEdit(vi.index, col); }}
                        sx={{
                          whiteSpace: 'nowrap', overflow: isEditing ? 'visible' : 'hidden', textOverflow: 'ellipsis',
                          position: 'relative', py: isEditing ? 0 : undefined, cursor: canEdit && f.editable ? 'cell' : undefined,
                          '&:focus, &:focus-within': { outline: '2px solid', outlineColor: 'primary.main', outlineOffset: -2 },
                        }}
                      >
                        {isEditing ? (
                          <InlineEdit object={object} field={f} record={rec} title={title} onEnd={(how, opts) => endEdit(rec, how, opts)} />
                        ) : (
                          <CellValue
                            field={f} value={value} ctx={meta.format}
                            recordHref={isName ? `/app/${object}/${rec.id}` : undefined}
                            linkTabIndex={isName && isActive ? 0 : -1}
                          />
                        )}
                      </TableCell>
                    );
                  })}
                </TableRow>
              );
            })}
            {padBottom > 0 && <TableRow aria-hidden sx={{ height: padBottom }}><TableCell colSpan={span} sx={{ p: 0, border: 0 }} /></TableRow>}
          </TableBody>
        </Table>
        {loadingMore && (
          <Box role="status" sx={{ display: 'flex', alignItems: 'center', gap: 1, p: 1.5, justifyContent: 'center', position: 'sticky', left: 0 }}>
            <CircularProgress size={16} aria-hidden /> <Typography variant="body2">Loading more…</Typography>
          </Box>
        )}
      </TableContainer>
      <Typography id="grid-keys" variant="caption" color="text.secondary" sx={{ display: 'block', mt: 0.5 }}>
        {canEdit
          ? 'Arrow keys move between cells. Enter or F2 edits a cell (on a name, Enter opens the record and F2 edits it); Escape cancels.'
          : 'Arrow keys move between cells; Enter on a name opens the record.'}
      </Typography>
    </Box>
  );
}
