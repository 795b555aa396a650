/**
 * `/app/<object>`: the object's records as a list view from metadata (or a personal one),
 * as a table on desktop, cards on a phone, or a kanban board by any picklist; with search,
 * filters, sort, column choice, selection with bulk actions, CSV export and saved views.
 * The chosen view and the search live in the URL (`?view=…&q=…`).
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link as RouterLink, useParams, useSearchParams } from 'react-router';
import {
  Alert, Badge, Box, Button, IconButton, InputAdornment, Paper, Skeleton, TextField, ToggleButton, ToggleButtonGroup,
  Typography, useMediaQuery,
} from '@mui/material';
import { useTheme } from '@mui/material/styles';
import AddIcon from '@mui/icons-material/Add';
import FilterListIcon from '@mui/icons-material/FilterList';
import SearchIcon from '@mui/icons-material/Search';
import TableRowsOutlinedIcon from '@mui/icons-material/TableRowsOutlined';
import ViewKanbanOutlinedIcon from '@mui/icons-material/ViewKanbanOutlined';
import InboxOutlinedIcon from '@mui/icons-material/InboxOutlined';
import type { RowSelectionState } from '@tanstack/react-table';
import { ApiError } from '../../api/client.ts';
import { useMe, useMetadata, useRecordList, type ListParams } from '../../api/hooks.ts';
import type { RecordFilter } from '../../../../metadata/types.ts';
import { BulkBar } from './BulkBar.tsx';
import { ColumnPicker } from './ColumnPicker.tsx';
import { ExportButton } from './ExportButton.tsx';
import { defaultColumns, type ListField } from './fields.ts';
import { FilterChips } from './FilterChips.tsx';
import { countConditions, fromFilter, normalizeModel, toFilter, type FilterModel } from './filterModel.ts';
import { mayDo, type RecordAction } from './permissions.ts';
import { rightsOf } from '../../api/rights.ts';
import { PERSONAL_PREFIX, useSavedViews, type PersonalView } from './savedViews.ts';
import { useListMeta, type ListMeta } from './useListMeta.ts';
import { viewLabel, ViewPicker } from './ViewPicker.tsx';
import { useDebounced } from '../../useDebounced.ts';

const KanbanBoard = lazy(() => import('./KanbanBoard.tsx'));
// Each layout brings its own code: a phone never loads TanStack Table, a desktop never the cards.
const RecordTable = lazy(() => import('./RecordTable.tsx').then((m) => ({ default: m.RecordTable })));
const RecordCards = lazy(() => import('./RecordCards.tsx').then((m) => ({ default: m.RecordCards })));
const FilterBuilder = lazy(() => import('./FilterBuilder.tsx'));

/** What a view sets: the list's starting state. */
interface ViewState {
  label: string;
  columns: string[];
  filter?: RecordFilter;
  sort: string[];
  type: 'table' | 'kanban';
  groupBy?: string;
}

function defaultViewKey(meta: ListMeta): string {
  const tables = meta.views.filter((v) => (v.type ?? 'table') === 'table');
  return (tables.find((v) => v.name === 'all') ?? tables[0] ?? meta.views[0])?.name ?? '';
}

function resolveView(meta: ListMeta, key: string, personal: PersonalView[]): ViewState {
  const mine = key.startsWith(PERSONAL_PREFIX) ? personal.find((p) => `${PERSONAL_PREFIX}${p.id}` === key) : undefined;
  const view = mine ? undefined : meta.views.find((v) => v.name === key);
  const base: ViewState = mine
    ? { label: mine.name, columns: mine.columns, filter: mine.filter, sort: mine.sort, type: mine.type, groupBy: mine.groupBy }
    : view
      ? { label: viewLabel(view), columns: view.columns, filter: view.filter, sort: view.sort ?? [], type: view.type ?? 'table', groupBy: view.groupBy }
      : { label: 'All records', columns: defaultColumns(meta.object, meta.fields), sort: [], type: 'table' };
  const columns = base.columns.filter((c) => meta.byName.has(c));
  return { ...base, columns: columns.length ? columns : defaultColumns(meta.object, meta.fields) };
}

function picklists(meta: ListMeta): ListField[] {
  return meta.fields.filter((f) => f.kind === 'picklist' && f.options?.length);
}

export default function ListPage() {
  const { object = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const me = useMe();
  const { meta, isPending, isError, error, refetch } = useListMeta(object);
  const saved = useSavedViews(me.data?.id, object);

  if (isPending) return <PageSkeleton />;
  if (isError) {
    return (
      <Alert severity="error" action={<Button color="inherit" size="small" onClick={() => void refetch()}>Retry</Button>}>
        Could not load the list: {error instanceof Error ? error.message : 'unknown error'}
      </Alert>
    );
  }
  if (!meta) {
    return <Alert severity="warning">There is no object “{object}”, or you may not see it.</Alert>;
  }
  // A view named in the URL that is gone (a deleted personal view, an old link) falls back to the default.
  const requested = search.get('view');
  // Saved views come from the server: wait for them before deciding a `my:` view is gone.
  if (requested?.startsWith(PERSONAL_PREFIX) && !saved.loaded) return <PageSkeleton />;
  const known = requested !== null && (meta.views.some((v) => v.name === requested) || saved.views.some((p) => `${PERSONAL_PREFIX}${p.id}` === requested));
  const viewKey = known ? requested : defaultViewKey(meta);
  const def = resolveView(meta, viewKey, saved.views);
  const setViewKey = (key: string) => setSearch(key ? { view: key } : {});
  return (
    <ListBody
      key={`${object}|${viewKey}|${JSON.stringify(def)}`}
      meta={meta} def={def} viewKey={viewKey} onViewKey={setViewKey}
      personal={saved.views}
      onSaveView={(v) => void saved.save(v).then((s) => { if (s) setViewKey(`${PERSONAL_PREFIX}${s.id}`); }, () => undefined)}
      onDeleteView={(id) => void saved.remove(id).then(() => setViewKey(''), () => undefined)}
    />
  );
}

interface ListBodyProps {
  meta: ListMeta;
  def: ViewState;
  viewKey: string;
  onViewKey: (key: string) => void;
  personal: PersonalView[];
  onSaveView: (v: Omit<PersonalView, 'id' | 'savedAt'>) => void;
  onDeleteView: (id: string) => void;
}

function ListBody({ meta, def, viewKey, onViewKey, personal, onSaveView, onDeleteView }: ListBodyProps) {
  const theme = useTheme();
  const me = useMe();
  // Exporting is a role ability (CONTRACT §5); a server that does not list abilities: admins only.
  const metadata = useMetadata();
  // What the server says the caller may do; older servers without `access`: work it out from the roles.
  const rights = metadata.data?.access ? rightsOf(metadata.data, meta.object.name) : undefined;
  const may = (action: RecordAction) => (rights
    ? (action === 'create' ? rights.create : rights[action] !== 'none')
    : mayDo(me.data?.roles ?? [], metadata.data?.roles ?? [], meta.object.name, action));
  const canCreate = may('create');
  const canUpdate = may('update');
  const canDelete = may('delete');
  const canExport = me.data?.abilities ? me.data.abilities.includes('export') : !!me.data?.roles.includes('admin');
  const phone = useMediaQuery(theme.breakpoints.down('sm'), { noSsr: true });
  const [search, setSearch] = useSearchParams();
  const object = meta.object.name;
  const boards = picklists(meta);

  const [columns, setColumns] = useState(def.columns);
  const [sort, setSort] = useState(def.sort);
  const [model, setModel] = useState<FilterModel>(() => normalizeModel(fromFilter(def.filter), meta.kinds));
  const [layout, setLayout] = useState<'table' | 'kanban'>(def.type === 'kanban' && boards.length ? 'kanban' : 'table');
  const [groupBy, setGroupBy] = useState(() => (def.groupBy && meta.byName.get(def.groupBy)?.kind === 'picklist' ? def.groupBy : (boards.find((f) => f.name === 'stage' || f.name === 'status') ?? boards[0])?.name));
  const [qInput, setQInput] = useState(search.get('q') ?? '');
  const q = useDebounced(qInput.trim(), 300);
  const [selection, setSelection] = useState<RowSelectionState>({});
  const [filterOpen, setFilterOpen] = useState(false);

  // The search goes into the URL, so a reload or a shared link shows the same list.
  useEffect(() => {
    if ((search.get('q') ?? '') === q) return;
    const next = new URLSearchParams(search);
    if (q) next.set('q', q);
    else next.delete('q');
    setSearch(next, { replace: true });
  }, [q, search, setSearch]);

  // Fetch the layout's code while the records load, not after.
  useEffect(() => { void (phone ? import('./RecordCards.tsx') : import('./RecordTable.tsx')); }, [phone]);

  const filter = useMemo(() => toFilter(model, meta.kinds), [model, meta.kinds]);
  const colFields = useMemo(() => columns.map((c) => meta.byName.get(c)).filter((f): f is ListField => !!f), [columns, meta.byName]);
  const expand = colFields.filter((f) => f.kind === 'reference').slice(0, 20).map((f) => f.name).join(',') || undefined;
  const params: ListParams = useMemo(() => ({ filter, sort: sort.join(',') || undefined, q: q || undefined, expand }), [filter, sort, q, expand]);
  const list = useRecordList(object, params, layout === 'table');
  const records = useMemo(() => list.data?.pages.flatMap((p) => p.data) ?? [], [list.data]);
  const paramsKey = JSON.stringify(params);
  useEffect(() => { setSelection({}); }, [paramsKey]);
  const selected = records.filter((r) => selection[r.id]);

  const { fetchNextPage } = list;
  const loadMore = useCallback(() => { void fetchNextPage(); }, [fetchNextPage]);
  const onSort = (key: string) => setSort(sort[0] === key ? [`-${key}`] : [key]);

  const current = { columns, filter, sort, type: layout, groupBy: layout === 'kanban' ? groupBy : undefined };
  const dirty = JSON.stringify(current) !== JSON.stringify({
    columns: def.columns, filter: toFilter(normalizeModel(fromFilter(def.filter), meta.kinds), meta.kinds), sort: def.sort,
    type: def.type === 'kanban' && boards.length ? 'kanban' : 'table', groupBy: layout === 'kanban' ? (def.groupBy ?? groupBy) : undefined,
  });
  const filtered = countConditions(model) > 0 || !!q;
  const plural = meta.plural;
  const groupField = groupBy ? meta.byName.get(groupBy) : undefined;
  const countText = list.isSuccess ? `${records.length}${list.hasNextPage ? '+' : ''} ${records.length === 1 && !list.hasNextPage ? meta.object.label.toLowerCase() : plural}` : '';

  const newButton = canCreate
    ? <Button component={RouterLink} to={`/app/${object}/new`} variant="contained" startIcon={<AddIcon />}>New</Button>
    : null;

  return (
    <Box sx={{ minWidth: 0 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1.5 }}>
        <Box sx={{ display: 'flex', flexDirection: { xs: 'column', sm: 'row' }, alignItems: { xs: 'flex-start', sm: 'baseline' }, columnGap: 2, minWidth: 0 }}>
          <Typography variant="h5" component="h1" noWrap sx={{ maxWidth: '100%' }}>{meta.object.pluralLabel ?? meta.object.label}</Typography>
          <Typography variant="body2" color="text.secondary" aria-live="polite">{layout === 'table' && records.length > 0 ? countText : ''}</Typography>
        </Box>
        <Box sx={{ flex: 1 }} />
        {canExport && <ExportButton meta={meta} columns={colFields} params={params} title={`${meta.object.pluralLabel ?? meta.object.label} ${def.label}`} compact={phone} />}
        {newButton}
      </Box>

      <Box role="toolbar" aria-label="List options" sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 1, mb: 1 }}>
        <ViewPicker
          views={meta.views} personal={personal} value={viewKey} onChange={onViewKey} compact={phone} dirty={dirty}
          onSave={(name, shared) => onSaveView({ name, shared, columns, filter, sort, type: layout, groupBy: layout === 'kanban' ? groupBy : undefined })}
          mayShare={!!me.data?.roles.includes('admin')}
          onDelete={onDeleteView}
        />
        <TextField
          size="small" type="search" label={`Search ${plural}`} value={qInput} onChange={(e) => setQInput(e.target.value)}
          sx={{ flex: { xs: '1 1 100%', sm: '0 1 260px' } }}
          slotProps={{ input: { startAdornment: <InputAdornment position="start"><SearchIcon fontSize="small" aria-hidden /></InputAdornment> } }}
        />
        <Badge badgeContent={countConditions(model)} color="primary" overlap="circular">
          {phone
            ? <IconButton aria-label="Filter" onClick={() => setFilterOpen(true)}><FilterListIcon /></IconButton>
            : <Button startIcon={<FilterListIcon />} onClick={() => setFilterOpen(true)}>Filter</Button>}
        </Badge>
        {!phone && layout === 'table' && <ColumnPicker fields={meta.fields} columns={columns} onChange={setColumns} />}
        <ToggleButtonGroup
          size="small" exclusive value={layout} aria-label="Layout"
          // The default grey of an unselected toggle is 4.49:1 on the page: text.secondary passes AA.
          sx={{ '& .MuiToggleButton-root:not(.Mui-selected):not(.Mui-disabled)': { color: 'text.secondary' } }}
          onChange={(_, v: 'table' | 'kanban' | null) => { if (v) setLayout(v); }}
        >
          <ToggleButton value="table" aria-label="Table">
            <TableRowsOutlinedIcon fontSize="small" />{!phone && <Box component="span" sx={{ ml: 0.75 }}>Table</Box>}
          </ToggleButton>
          <ToggleButton value="kanban" aria-label="Board" disabled={!boards.length}>
            <ViewKanbanOutlinedIcon fontSize="small" />{!phone && <Box component="span" sx={{ ml: 0.75 }}>Board</Box>}
          </ToggleButton>
        </ToggleButtonGroup>
        {layout === 'kanban' && groupBy && (
          <TextField
            select size="small" label="Group by" value={groupBy} onChange={(e) => setGroupBy(e.target.value)}
            slotProps={{ select: { native: true }, inputLabel: { shrink: true } }} sx={{ minWidth: 150 }}
          >
            {boards.map((f) => <option key={f.name} value={f.name}>{f.label}</option>)}
          </TextField>
        )}
      </Box>

      <FilterChips meta={meta} model={model} onChange={setModel} onEdit={() => setFilterOpen(true)} />
      {filterOpen && (
        <Suspense fallback={null}>
          <FilterBuilder open meta={meta} model={model} onClose={() => setFilterOpen(false)} onApply={(m) => { setModel(m); setFilterOpen(false); }} />
        </Suspense>
      )}

      {layout === 'kanban' && groupField ? (
        <Suspense fallback={<BoardSkeleton />}>
          <KanbanBoard meta={meta} groupBy={groupField} cardFields={colFields} filter={filter} sort={sort} q={q || undefined} expand={expand} canMove={canUpdate && groupField.editable} />
        </Suspense>
      ) : (
        <>
          <BulkBar meta={meta} selected={selected} onClear={() => setSelection({})} canUpdate={canUpdate} canDelete={canDelete} />
          {list.isPending ? (
            phone ? <CardsSkeleton /> : <TableSkeleton columns={colFields} />
          ) : list.isError ? (
            <Alert
              severity="error"
              action={(
                <Box sx={{ display: 'flex', gap: 1 }}>
                  {list.error instanceof ApiError && list.error.status === 400 && filtered && (
                    <Button color="inherit" size="small" onClick={() => { setModel({ match: 'and', rules: [] }); setQInput(''); }}>Clear filters</Button>
                  )}
                  <Button color="inherit" size="small" onClick={() => void list.refetch()}>Retry</Button>
                </Box>
              )}
            >
              Could not load {plural}: {list.error instanceof Error ? list.error.message : 'unknown error'}
            </Alert>
          ) : records.length === 0 ? (
            <EmptyState
              filtered={filtered} plural={plural} newButton={newButton}
              onClear={() => { setModel({ match: 'and', rules: [] }); setQInput(''); }}
            />
          ) : phone ? (
            <Suspense fallback={<CardsSkeleton />}>
              <RecordCards
                meta={meta} columns={colFields} records={records} selection={selection} onSelectionChange={setSelection}
                hasMore={!!list.hasNextPage} loadingMore={list.isFetchingNextPage} onLoadMore={loadMore} selectable={canUpdate || canDelete}
              />
            </Suspense>
          ) : (
            <Suspense fallback={<TableSkeleton columns={colFields} />}>
              <RecordTable
                meta={meta} columns={colFields} records={records} sort={sort} onSort={onSort}
                selection={selection} onSelectionChange={setSelection}
                hasMore={!!list.hasNextPage} loadingMore={list.isFetchingNextPage} onLoadMore={loadMore} expand={expand}
                canEdit={canUpdate} selectable={canUpdate || canDelete}
              />
            </Suspense>
          )}
        </>
      )}
    </Box>
  );
}

function EmptyState({ filtered, plural, newButton, onClear }: { filtered: boolean; plural: string; newButton: ReactNode; onClear: () => void }) {
  return (
    <Paper variant="outlined" sx={{ py: 6, px: 2, textAlign: 'center', display: 'grid', justifyItems: 'center', gap: 1.5 }}>
      <InboxOutlinedIcon sx={{ fontSize: 48, color: 'text.disabled' }} aria-hidden />
      {filtered ? (
        <>
          <Typography variant="h6" component="p">No {plural} match</Typography>
          <Typography color="text.secondary">Try other words or fewer filters.</Typography>
          <Button variant="outlined" onClick={onClear}>Clear filters and search</Button>
        </>
      ) : (
        <>
          <Typography variant="h6" component="p">No {plural} yet</Typography>
          <Typography color="text.secondary">Records you add appear here.</Typography>
          {newButton}
        </>
      )}
    </Paper>
  );
}

function TableSkeleton({ columns }: { columns: ListField[] }) {
  return (
    <Paper variant="outlined" role="status" aria-label="Loading records" sx={{ p: 1.5 }}>
      <Box sx={{ display: 'flex', gap: 2, mb: 1.5 }}>
        {columns.slice(0, 7).map((c) => <Skeleton key={c.name} variant="text" sx={{ flex: 1 }} height={24} />)}
      </Box>
      {Array.from({ length: 8 }, (_, i) => <Skeleton key={i} variant="rounded" height={28} sx={{ mb: 1.25 }} />)}
    </Paper>
  );
}

function CardsSkeleton() {
  return (
    <Box role="status" aria-label="Loading records" sx={{ display: 'grid', gap: 1 }}>
      {Array.from({ length: 5 }, (_, i) => <Skeleton key={i} variant="rounded" height={96} />)}
    </Box>
  );
}

function BoardSkeleton() {
  return (
    <Box role="status" aria-label="Loading board" sx={{ display: 'flex', gap: 1.5, overflow: 'hidden' }}>
      {Array.from({ length: 4 }, (_, i) => <Skeleton key={i} variant="rounded" height={320} sx={{ flex: '0 0 280px' }} />)}
    </Box>
  );
}

function PageSkeleton() {
  return (
    <Box role="status" aria-label="Loading list">
      <Skeleton variant="text" width={220} height={40} />
      <Skeleton variant="rounded" height={40} sx={{ my: 1.5 }} />
      <TableSkeleton columns={[]} />
    </Box>
  );
}
