/**
 * Kanban of any picklist: one column per option (plus "No <field>" when the field may be
 * empty), each its own page of the list API. Dragging a card to another column — with the
 * mouse, by touch (press and hold), or by keyboard (Space, arrows, Space; dnd-kit's
 * KeyboardSensor with announcements for screen readers) — PATCHes the record with If-Match;
 * the card moves at once and goes back if the server refuses, with the reason shown.
 * Each card also has a "Move to" menu. Loaded lazily: dnd-kit stays out of the list's bundle.
 */
import { useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Link as RouterLink } from 'react-router';
import {
  closestCenter, DndContext, DragOverlay, KeyboardSensor, MouseSensor, pointerWithin, rectIntersection, TouchSensor,
  useDraggable, useDroppable, useSensor, useSensors,
  type Announcements, type CollisionDetection, type DragEndEvent, type DragStartEvent, type KeyboardCoordinateGetter,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import {
  Alert, Box, Button, IconButton, Link, ListItemText, Menu, MenuItem, Paper, Skeleton, Typography,
} from '@mui/material';
import DragIndicatorIcon from '@mui/icons-material/DragIndicator';
import MoreVertIcon from '@mui/icons-material/MoreVert';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/client.ts';
import { useRecordList, type ListParams } from '../../api/hooks.ts';
import type { CrmRecord } from '../../api/types.ts';
import type { RecordFilter } from '../../../../metadata/types.ts';
import { titleOf } from '../apps.ts';
import { CellValue } from './CellValue.tsx';
import type { ListField } from './fields.ts';
import { formatValue, isEmptyValue } from './format.ts';
import { fetchAll, mergeRecord, patchRecord, type ListData } from './listApi.ts';
import type { ListMeta } from './useListMeta.ts';
import { MoveDialog, type MoveRequest } from './MoveDialog.tsx';
import { fieldErrorText } from '../../forms/problemText.ts';

export interface KanbanBoardProps {
  meta: ListMeta;
  /** The picklist whose options are the columns. */
  groupBy: ListField;
  /** Fields shown on a card (its name first). */
  cardFields: ListField[];
  filter?: RecordFilter;
  sort: string[];
  q?: string;
  expand?: string;
  /** May the caller change the grouping field (else the board is read-only: no dragging, no "Move to"). */
  canMove?: boolean;
}

const NONE = '__none__';
const PAGE = 25;
const colId = (value: string | null) => `col:${value ?? NONE}`;
const valueOfCol = (id: UniqueIdentifier): string | null => {
  const v = String(id).slice(4);
  return v === NONE ? null : v;
};

interface Column { value: string | null; label: string; color?: string }

function andFilter(a: RecordFilter | undefined, b: RecordFilter): RecordFilter {
  return a && Object.keys(a).length ? { and: [a, b] } : b;
}

/** Arrow keys jump a dragged card to the next column left or right (up and down: no order within a column). */
const columnCoordinates: KeyboardCoordinateGetter = (event, { context: { active, droppableRects, droppableContainers, collisionRect } }) => {
  if (!['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].includes(event.code)) return undefined;
  event.preventDefault();
  if (!active || !collisionRect || (event.code !== 'ArrowLeft' && event.code !== 'ArrowRight')) return undefined;
  const cx = collisionRect.left + collisionRect.width / 2;
  let best: { left: number; top: number; width: number } | undefined;
  let bestDist = Infinity;
  for (const c of droppableContainers.getEnabled()) {
    const r = droppableRects.get(c.id);
    if (!r) continue;
    const center = r.left + r.width / 2;
    const d = event.code === 'ArrowRight' ? center - cx : cx - center;
    if (d > 4 && d < bestDist) { bestDist = d; best = r; }
  }
  if (!best) return undefined;
  return { x: best.left + (best.width - collisionRect.width) / 2, y: best.top + 48 };
};

const collisions: CollisionDetection = (args) => {
  const within = pointerWithin(args);
  if (within.length) return within;
  const hit = rectIntersection(args);
  return hit.length ? hit : closestCenter(args);
};

export default function KanbanBoard({ meta, groupBy, cardFields, filter, sort, q, expand, canMove = true }: KanbanBoardProps) {
  const qc = useQueryClient();
  const object = meta.object.name;
  const [dragging, setDragging] = useState<CrmRecord | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  /** A move waiting for the values its target column needs. */
  const [asking, setAsking] = useState<(MoveRequest & { rec: CrmRecord; to: string | null }) | null>(null);
  // The column totals: the object's currency field named amount, else its first currency field.
  const currency = useMemo(() => meta.fields.find((f) => f.kind === 'currency' && f.name === 'amount') ?? meta.fields.find((f) => f.kind === 'currency'), [meta.fields]);

  const columns = useMemo<Column[]>(() => [
    ...(groupBy.options ?? []).map((o) => ({ value: o.value, label: o.label ?? o.value, color: o.color })),
    ...(groupBy.required ? [] : [{ value: null, label: `No ${groupBy.label.toLowerCase()}` }]),
  ], [groupBy]);
  const labelOf = (value: string | null) => columns.find((c) => c.value === value)?.label ?? String(value);

  const paramsOf = (value: string | null): ListParams => ({
    filter: andFilter(filter, { [groupBy.name]: value === null ? { isNull: true } : value }),
    sort: sort.join(',') || undefined, q: q || undefined, expand, limit: PAGE,
  });

  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: columnCoordinates }),
  );

  /** Fields a refused move needs, from the problems' field paths: ones the caller may edit here. */
  const neededFields = (e: ApiError): { fields: ListField[]; reasons: Record<string, string> } => {
    const fields: ListField[] = [];
    const reasons: Record<string, string> = {};
    for (const p of e.errors) {
      const f = meta.byName.get(p.field.split('.')[0]);
      if (!f || !f.editable || f.name === groupBy.name) continue;
      if (!fields.includes(f)) fields.push(f);
      reasons[f.name] ??= fieldErrorText(meta.object.fields.find((x) => x.name === f.name), p);
    }
    return { fields, reasons };
  };

  const move = async (rec: CrmRecord, to: string | null, extra: Record<string, unknown> = {}): Promise<Record<string, string> | undefined> => {
    const from = (rec[groupBy.name] as string | null | undefined) ?? null;
    if (from === to) return undefined;
    const title = titleOf(meta.object, rec);
    const keyFrom = ['records', object, paramsOf(from)];
    const keyTo = ['records', object, paramsOf(to)];
    await Promise.all([qc.cancelQueries({ queryKey: keyFrom }), qc.cancelQueries({ queryKey: keyTo })]);
    const before = { from: qc.getQueryData<ListData>(keyFrom), to: qc.getQueryData<ListData>(keyTo) };
    const moved: CrmRecord = { ...rec, ...extra, [groupBy.name]: to };
    qc.setQueryData<ListData>(keyFrom, (d) => d && { ...d, pages: d.pages.map((p) => ({ ...p, data: p.data.filter((r) => r.id !== rec.id) })) });
    qc.setQueryData<ListData>(keyTo, (d) => d && { ...d, pages: d.pages.map((p, i) => (i === 0 ? { ...p, data: [moved, ...p.data] } : p)) });
    setError(null);
    try {
      const saved = await patchRecord(object, rec.id, rec.version, { ...extra, [groupBy.name]: to });
      qc.setQueryData<ListData>(keyTo, (d) => d && { ...d, pages: d.pages.map((p) => ({ ...p, data: p.data.map((r) => (r.id === rec.id ? mergeRecord(moved, saved) : r)) })) });
      setAsking(null);
      setStatus(`${title} is now in ${labelOf(to)}.`);
      void qc.invalidateQueries({ queryKey: ['records', object] });
      return undefined;
    } catch (e) {
      qc.setQueryData(keyFrom, before.from);
      qc.setQueryData(keyTo, before.to);
      // Refused for want of values the caller can give: ask for them, then move.
      if (e instanceof ApiError && (e.status === 422 || e.status === 400)) {
        const need = neededFields(e);
        if (need.fields.length) {
          if (asking) return need.reasons;
          setAsking({ rec, to, title, toLabel: labelOf(to), ...need });
          setStatus(`${labelOf(to)} needs ${need.fields.map((f) => f.label.toLowerCase()).join(' and ')} before ${title} can move there.`);
          return undefined;
        }
      }
      setAsking(null);
      const why = e instanceof ApiError
        ? (e.status === 412 ? 'someone else changed it meanwhile; it has been reloaded' : e.errors[0]?.message ?? e.message)
        : 'the server could not be reached';
      setStatus('');
      setError(`Could not move “${title}” to ${labelOf(to)}: ${why}.`);
      if (e instanceof ApiError && e.status === 412) void qc.invalidateQueries({ queryKey: ['records', object] });
      return undefined;
    }
  };

  const recOf = (id: UniqueIdentifier | undefined): CrmRecord | undefined => {
    for (const c of columns) {
      const d = qc.getQueryData<ListData>(['records', object, paramsOf(c.value)]);
      const r = d?.pages.flatMap((p) => p.data).find((x) => x.id === id);
      if (r) return r;
    }
    return undefined;
  };
  const titleOfId = (id: UniqueIdentifier) => { const r = recOf(id); return r ? titleOf(meta.object, r) : 'The card'; };
  const fromOf = (id: UniqueIdentifier) => labelOf((recOf(id)?.[groupBy.name] as string | null | undefined) ?? null);

  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${titleOfId(active.id)}, in ${fromOf(active.id)}. Use the left and right arrow keys to choose a column.`,
    onDragOver: ({ active, over }) => (over ? `${titleOfId(active.id)} is over ${labelOf(valueOfCol(over.id))}.` : `${titleOfId(active.id)} is not over a column.`),
    onDragEnd: ({ active, over }) => {
      if (!over) return `${titleOfId(active.id)} was dropped outside the board and stays in ${fromOf(active.id)}.`;
      const to = labelOf(valueOfCol(over.id));
      // Whether the move holds is the server's to say: the status line tells when it answers.
      return to === fromOf(active.id) ? `${titleOfId(active.id)} was dropped back in ${to}.` : `${titleOfId(active.id)} was dropped on ${to}. Saving…`;
    },
    onDragCancel: ({ active }) => `Moving ${titleOfId(active.id)} was cancelled. It stays in ${fromOf(active.id)}.`,
  };

  const onDragStart = (e: DragStartEvent) => setDragging((e.active.data.current?.record as CrmRecord | undefined) ?? null);
  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null);
    const rec = e.active.data.current?.record as CrmRecord | undefined;
    if (rec && e.over) void move(rec, valueOfCol(e.over.id));
  };

  return (
    <Box>
      {error && <Alert severity="error" onClose={() => setError(null)} sx={{ mb: 1 }}>{error}</Alert>}
      <Box role="status" sx={visuallyHidden}>{status}</Box>
      {asking && (
        <MoveDialog
          request={asking}
          onCancel={() => { setAsking(null); setStatus(`${asking.title} stays where it was.`); }}
          onMove={(values) => move(asking.rec, asking.to, values)}
        />
      )}
      <DndContext
        sensors={sensors} collisionDetection={collisions} onDragStart={onDragStart} onDragEnd={onDragEnd} onDragCancel={() => setDragging(null)}
        accessibility={{
          announcements,
          screenReaderInstructions: {
            draggable: 'To move this card to another column, press Space or Enter, choose the column with the left and right arrow keys, then press Space or Enter to drop it, or Escape to cancel.',
          },
        }}
      >
        <Box
          aria-label={`${meta.object.pluralLabel ?? meta.object.label} by ${groupBy.label.toLowerCase()}`} role="region"
          sx={{
            display: 'flex', gap: 1.5, overflowX: 'auto', pb: 1, alignItems: 'flex-start',
            scrollSnapType: { xs: 'x mandatory', sm: 'none' }, overscrollBehaviorX: 'contain',
          }}
        >
          {columns.map((c) => (
            <KanbanColumn
              key={colId(c.value)} column={c} columns={columns} meta={meta} groupBy={groupBy} cardFields={cardFields}
              params={paramsOf(c.value)} onMove={move} draggingId={dragging?.id} canMove={canMove} currency={currency}
            />
          ))}
        </Box>
        <DragOverlay dropAnimation={null}>
          {dragging ? <CardBody meta={meta} record={dragging} fields={cardFields} overlay /> : null}
        </DragOverlay>
      </DndContext>
    </Box>
  );
}

const visuallyHidden = {
  position: 'absolute', width: '1px', height: '1px', p: 0, m: '-1px', overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap', border: 0,
} as const;

function KanbanColumn({ column, columns, meta, groupBy, cardFields, params, onMove, draggingId, canMove, currency }: {
  column: Column; columns: Column[]; meta: ListMeta; groupBy: ListField; cardFields: ListField[]; params: ListParams;
  onMove: (rec: CrmRecord, to: string | null) => Promise<unknown>; draggingId?: string; canMove: boolean; currency?: ListField;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: colId(column.value) });
  const list = useRecordList(meta.object.name, params);
  const records = list.data?.pages.flatMap((p) => p.data) ?? [];
  const total = useColumnTotal(meta, params, currency, records, !list.hasNextPage);
  const headingId = `kanban-${groupBy.name}-${column.value ?? NONE}`;
  return (
    <Paper
      ref={setNodeRef} component="section" aria-labelledby={headingId} variant="outlined"
      sx={{
        flex: { xs: '0 0 85%', sm: '0 0 280px' }, scrollSnapAlign: 'start', position: 'relative', bgcolor: isOver ? 'action.hover' : 'grey.50',
        borderTop: 4, borderTopColor: column.color ?? 'grey.400', outline: isOver ? '2px dashed' : 'none', outlineColor: 'primary.main',
        display: 'flex', flexDirection: 'column', maxHeight: { sm: 'max(360px, calc(100dvh - 200px))' }, minHeight: 160,
      }}
    >
      <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 1, px: 1.5, pt: 1.25, pb: 1, flexWrap: 'wrap' }}>
        <Typography id={headingId} variant="subtitle2" component="h2" sx={{ fontWeight: 700 }}>{column.label}</Typography>
        <Typography variant="caption" color="text.secondary" data-count aria-label={`${total.count ?? records.length}${total.count === undefined && list.hasNextPage ? ' or more' : ''} cards`}>
          {list.isPending ? '' : `${total.count ?? records.length}${total.count === undefined && list.hasNextPage ? '+' : ''}`}
        </Typography>
        {currency && total.sum !== undefined && (
          <Typography variant="caption" color="text.secondary" data-sum sx={{ ml: 'auto', fontVariantNumeric: 'tabular-nums' }}>
            <Box component="span" sx={visuallyHidden}>{currency.label} total: </Box>{total.sum}
          </Typography>
        )}
      </Box>
      <Box component="ul" sx={{ listStyle: 'none', m: 0, px: 1, pb: 1, display: 'grid', gap: 1, overflowY: { sm: 'auto' } }}>
        {list.isPending && [0, 1, 2].map((i) => <li key={i}><Skeleton variant="rounded" height={84} /></li>)}
        {list.isError && (
          <li>
            <Alert severity="error" action={<Button color="inherit" size="small" onClick={() => void list.refetch()}>Retry</Button>}>
              Could not load this column.
            </Alert>
          </li>
        )}
        {!list.isPending && !list.isError && records.length === 0 && (
          <Typography component="li" variant="body2" color="text.secondary" sx={{ px: 0.5, py: 2, textAlign: 'center' }}>No cards</Typography>
        )}
        {records.map((r) => (
          <KanbanCard key={r.id} meta={meta} record={r} fields={cardFields} columns={columns} current={column.value} onMove={onMove} hidden={draggingId === r.id} canMove={canMove} />
        ))}
        {list.hasNextPage && (
          <li>
            <Button fullWidth size="small" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
              {list.isFetchingNextPage ? 'Loading…' : `Show more in ${column.label}`}
            </Button>
          </li>
        )}
      </Box>
    </Paper>
  );
}

function CardBody({ meta, record, fields, overlay, handle, menu, still }: {
  meta: ListMeta; record: CrmRecord; fields: ListField[]; overlay?: boolean; handle?: ReactNode; menu?: ReactNode; still?: boolean;
}) {
  const nameField = meta.object.nameField;
  const title = titleOf(meta.object, record);
  const rest = fields.filter((f) => f.name !== nameField && !isEmptyValue(record[f.name])).slice(0, 4);
  return (
    <Paper elevation={overlay ? 8 : 0} variant={overlay ? 'elevation' : 'outlined'} sx={{ p: 1, pl: 0.5, display: 'flex', gap: 0.25, cursor: overlay ? 'grabbing' : still ? 'default' : 'grab', bgcolor: 'background.paper', position: 'relative' }}>
      {handle ?? <Box sx={{ width: 32, display: 'flex', justifyContent: 'center', pt: 0.5 }}><DragIndicatorIcon fontSize="small" color="action" /></Box>}
      <Box sx={{ flex: 1, minWidth: 0 }}>
        <Link component={RouterLink} to={`/app/${meta.object.name}/${record.id}`} draggable={false} sx={{ fontWeight: 600, display: 'block', overflowWrap: 'anywhere', pt: 0.5 }}>
          {title}
        </Link>
        {rest.map((f) => (
          <Typography key={f.name} variant="body2" color="text.secondary" noWrap>
            <Box component="span" sx={visuallyHidden}>{f.label}: </Box>
            <CellValue field={f} value={record[f.name]} ctx={meta.format} />
          </Typography>
        ))}
      </Box>
      {menu}
    </Paper>
  );
}

function KanbanCard({ meta, record, fields, columns, current, onMove, hidden, canMove }: {
  meta: ListMeta; record: CrmRecord; fields: ListField[]; columns: Column[]; current: string | null;
  onMove: (rec: CrmRecord, to: string | null) => Promise<unknown>; hidden: boolean; canMove: boolean;
}) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef } = useDraggable({ id: record.id, data: { record }, disabled: !canMove });
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const title = titleOf(meta.object, record);
  // Pointer listeners on the whole card; the keyboard drags from the handle, a real button.
  const { onKeyDown, ...pointer } = listeners ?? {};
  const onHandleKey = (e: KeyboardEvent<HTMLButtonElement>) => { (onKeyDown as ((ev: KeyboardEvent) => void) | undefined)?.(e); };
  return (
    <Box component="li" ref={setNodeRef} {...pointer} sx={{ opacity: hidden ? 0.35 : 1, touchAction: 'manipulation' }} data-card={title}>
      <CardBody
        meta={meta} record={record} fields={fields} still={!canMove}
        handle={!canMove ? <Box sx={{ width: 8 }} /> : (
          <IconButton
            ref={setActivatorNodeRef} size="small" {...attributes} onKeyDown={onHandleKey} aria-label={`Move ${title}`}
            sx={{ alignSelf: 'flex-start', cursor: 'grab' }}
          >
            <DragIndicatorIcon fontSize="small" />
          </IconButton>
        )}
        menu={!canMove ? undefined : (
          <>
            <IconButton size="small" aria-label={`Actions for ${title}`} aria-haspopup="menu" onClick={(e) => setAnchor(e.currentTarget)} sx={{ alignSelf: 'flex-start' }}>
              <MoreVertIcon fontSize="small" />
            </IconButton>
            <Menu anchorEl={anchor} open={!!anchor} onClose={() => setAnchor(null)}>
              {columns.filter((c) => c.value !== current).map((c) => (
                <MenuItem key={colId(c.value)} onClick={() => { setAnchor(null); void onMove(record, c.value); }}>
                  <ListItemText primary={`Move to ${c.label}`} />
                </MenuItem>
              ))}
            </Menu>
          </>
        )}
      />
    </Box>
  );
}

/**
 * A column's count and the sum of its currency field: from the cards when all are loaded,
 * else from every record of the column (only that field asked for; up to 5,000).
 */
function useColumnTotal(meta: ListMeta, params: ListParams, currency: ListField | undefined, loaded: CrmRecord[], complete: boolean): { count?: number; sum?: string } {
  const all = useQuery({
    queryKey: ['records', meta.object.name, 'total', params, currency?.name],
    enabled: !complete,
    queryFn: ({ signal }) => fetchAll(meta.object.name, { ...params, expand: undefined, fields: currency?.name ?? 'id' }, { max: 5000, signal }),
  });
  const records = complete ? loaded : all.data?.records;
  if (!records) return {};
  const count = complete ? undefined : records.length;
  if (!currency) return { count };
  let sum = 0;
  for (const r of records) {
    const v = r[currency.name];
    if (typeof v === 'number') sum += v;
  }
  return { count, sum: `${formatValue(currency, sum, meta.format)}${all.data?.truncated && !complete ? '+' : ''}` };
}
