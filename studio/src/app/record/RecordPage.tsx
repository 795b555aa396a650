/**
 * Record page, `/app/<object>/<id>` and `/app/<object>/new?<field>=<value>…`: the layout's
 * form (lazily loaded: rjsf is the heavy part), then related lists and the activity timeline.
 * Lead pages offer "Convert lead". Open records follow live changes (`/api/events`).
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link as RouterLink, useNavigate, useParams, useSearchParams } from 'react-router';
import { Alert, Box, Breadcrumbs, Button, Chip, Grid, Link, Skeleton, Typography } from '@mui/material';
import DeleteOutlineIcon from '@mui/icons-material/DeleteOutline';
import SwapHorizIcon from '@mui/icons-material/SwapHoriz';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/client.ts';
import { useMe, useMetadata, useSaveRecord } from '../../api/hooks.ts';
import { rightsOf, useRecordRights } from '../../api/rights.ts';
import type { CrmRecord, DeployedObject } from '../../api/types.ts';
import { Loading } from '../../App.tsx';
import { titleOf } from '../apps.ts';
import { rememberRecord } from '../recent.ts';
import { initialValues, layoutFor } from '../../forms/layout.ts';
import { ConvertLeadDialog } from './ConvertLeadDialog.tsx';
import { DeleteDialog } from './DeleteDialog.tsx';
import { useRecordEvents, type RecordEventMessage } from './live.ts';
import { useStoredRecord } from './queries.ts';
import { RelatedLists } from './RelatedLists.tsx';
import { Timeline } from './Timeline.tsx';

const RecordForm = lazy(() => import('../../forms/RecordForm.tsx'));

function FormSkeleton() {
  return (
    <Box role="status" aria-label="Loading form" sx={{ p: 2, bgcolor: 'background.paper', borderRadius: 2, border: 1, borderColor: 'divider' }}>
      <Skeleton width="30%" height={28} />
      <Grid container columnSpacing={2}>
        {[0, 1].map((c) => (
          <Grid key={c} size={{ xs: 12, md: 6 }}>
            {[0, 1, 2, 3].map((i) => <Skeleton key={i} height={56} />)}
          </Grid>
        ))}
      </Grid>
    </Box>
  );
}

function Problem({ object, error, onRetry }: { object: DeployedObject; error: unknown; onRetry: () => void }) {
  const gone = error instanceof ApiError && (error.status === 404 || error.status === 403);
  return (
    <Alert
      severity={gone ? 'warning' : 'error'}
      action={gone
        ? <Button color="inherit" size="small" component={RouterLink} to={`/app/${object.name}`}>All {object.pluralLabel?.toLowerCase() ?? 'records'}</Button>
        : <Button color="inherit" size="small" onClick={onRetry}>Retry</Button>}
    >
      {gone ? `This ${object.label.toLowerCase()} does not exist, was deleted, or is not shared with you.` : `Could not load this ${object.label.toLowerCase()}.`}
    </Alert>
  );
}

/** One page state per record: moving from one record to another starts afresh. */
export default function RecordPage() {
  const { object: objectName = '', id = '' } = useParams();
  return <RecordView key={`${objectName}/${id}`} objectName={objectName} id={id} />;
}

function RecordView({ objectName, id }: { objectName: string; id: string }) {
  const isNew = id === 'new';
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const meta = useMetadata();
  const me = useMe();
  const object = meta.data?.objects.find((o) => o.name === objectName);
  const objects = useMemo(() => meta.data?.objects ?? [], [meta.data]);
  const layout = layoutFor(meta.data?.layouts, objectName);
  const [converting, setConverting] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  /** The open record went to the recycle bin (an event said so, or we deleted it): nothing to refetch. */
  const [gone, setGone] = useState(false);
  const [deleted, setDeleted] = useState(false);
  const goneRef = useRef(false);
  goneRef.current = gone || confirmDelete || deleted;
  const rec = useStoredRecord(objectName, isNew || !object ? undefined : id, !deleted);
  const save = useSaveRecord(objectName);
  const deletedRef = useRef(false);
  deletedRef.current = deleted;
  // Forget a deleted record only once this page is gone: removing a query a mounted page observes refetches it (404).
  useEffect(() => () => {
    if (deletedRef.current) qc.removeQueries({ queryKey: ['record', objectName, id] });
  }, [qc, objectName, id]);
  const record = rec.data;
  const rights = useRecordRights(meta.data, objectName, isNew ? undefined : id);
  const objectRights = rightsOf(meta.data, objectName);
  // A new record: every field the caller may edit; a stored one the caller may not change: all read-only.
  const readOnly = useMemo(() => (!isNew && !rights.update ? 'all' as const : objectRights.readOnlyFields), [isNew, rights.update, objectRights.readOnlyFields]);
  const title = isNew ? `New ${object?.label.toLowerCase() ?? 'record'}` : titleOf(object, record);

  useEffect(() => {
    if (!object || !record) return;
    rememberRecord({ object: object.name, id: record.id, title: titleOf(object, record) });
  }, [object, record]);

  useEffect(() => {
    if (object) document.title = `${title || object.label} · Strata`;
  }, [object, title]);

  // Live: this record, its related lists and its timeline follow changes others make.
  const watched = useMemo(() => new Set([objectName, ...(layout?.relatedLists ?? []).map((l) => l.object), 'task', 'note']), [objectName, layout]);
  const onEvent = useCallback((e: RecordEventMessage) => {
    void qc.invalidateQueries({ queryKey: ['records', e.object] });
    void qc.invalidateQueries({ queryKey: ['title', e.object, e.recordId] });
    if (!watched.has(e.object)) return;
    if (e.object === objectName && e.recordId === id) {
      if (e.type === 'record.deleted') {
        setGone(true);
        return;
      }
      if (e.type === 'record.restored') setGone(false);
      else if (goneRef.current) return;
      void qc.invalidateQueries({ queryKey: ['record', objectName, id] });
      void qc.invalidateQueries({ queryKey: ['history', objectName, id] });
    }
    void qc.invalidateQueries({ queryKey: ['related', e.object] });
    // A child changed: rollups on this record may have followed (they keep its version).
    if (e.object !== objectName || e.recordId !== id) {
      if (!goneRef.current && !isNew) void qc.invalidateQueries({ queryKey: ['record', objectName, id] });
    }
  }, [qc, watched, objectName, id, isNew]);
  useRecordEvents(onEvent, !isNew && !!object);

  const prefill = useMemo(() => (object && isNew ? initialValues(object, params, me.data?.id) : undefined), [object, isNew, params, me.data?.id]);

  const onSave = useCallback(async (changes: Record<string, unknown>, base: CrmRecord | undefined) => {
    const saved = await save.mutateAsync({ id: base?.id, values: changes, version: base?.version });
    if (!base) navigate(`/app/${objectName}/${saved.id}`, { replace: true });
    return saved;
  }, [save, navigate, objectName]);

  const onReload = useCallback(async () => (await rec.refetch({ throwOnError: true })).data, [rec]);
  const onCancel = useCallback(() => {
    if (window.history.length > 1) navigate(-1);
    else navigate(`/app/${objectName}`);
  }, [navigate, objectName]);

  if (meta.isPending) return <Loading />;
  if (meta.isError) return <Alert severity="error" action={<Button color="inherit" size="small" onClick={() => void meta.refetch()}>Retry</Button>}>Could not load the app’s metadata.</Alert>;
  if (!object) return <Alert severity="warning">There is no object named “{objectName}”, or it is not shared with you.</Alert>;

  const deletedMeanwhile = !confirmDelete && ((!!record && rec.isError && rec.error instanceof ApiError && rec.error.status === 404) || gone);
  const isLead = object.name === 'lead';
  const converted = isLead && record?.status === 'converted';
  // Converting updates the lead and creates (or finds) an account and a contact.
  const mayConvert = rights.update && rightsOf(meta.data, 'account').create && rightsOf(meta.data, 'contact').create;

  return (
    <Box sx={{ maxWidth: 1400, mx: 'auto' }}>
      <Breadcrumbs aria-label="Breadcrumb" sx={{ mb: 0.5 }}>
        <Link component={RouterLink} to={`/app/${object.name}`} underline="hover" color="inherit">{object.pluralLabel ?? object.label}</Link>
        <Typography color="text.primary" aria-current="page" noWrap sx={{ maxWidth: { xs: 200, sm: 480 } }}>{isNew ? 'New' : title || '…'}</Typography>
      </Breadcrumbs>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap', mb: 2 }}>
        <Box sx={{ flex: '1 1 240px', minWidth: 0 }}>
          <Typography variant="h5" component="h1" sx={{ overflowWrap: 'anywhere' }}>
            {rec.isPending && !isNew ? <Skeleton width={240} /> : title}
          </Typography>
          <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
            <Typography variant="body2" color="text.secondary">{object.label}</Typography>
            {converted && <Chip size="small" color="success" label="Converted" />}
          </Box>
        </Box>
        {record && !isNew && (
          <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
            {isLead && !converted && mayConvert && (
              <Button variant="contained" color="secondary" startIcon={<SwapHorizIcon />} onClick={() => setConverting(true)}>Convert lead</Button>
            )}
            {rights.delete && <Button variant="outlined" color="error" startIcon={<DeleteOutlineIcon />} onClick={() => setConfirmDelete(true)}>Delete</Button>}
          </Box>
        )}
      </Box>

      {deletedMeanwhile && <Alert severity="warning" sx={{ mb: 2 }}>This {object.label.toLowerCase()} was deleted by someone else. Your changes cannot be saved.</Alert>}
      {!isNew && !record && rec.isPending && <FormSkeleton />}
      {!isNew && !record && rec.isError && <Problem object={object} error={rec.error} onRetry={() => void rec.refetch()} />}

      {(isNew || record) && (
        <Suspense fallback={<FormSkeleton />}>
          <RecordForm
            key={`${object.name}/${id}`}
            object={object}
            objects={objects}
            layout={layout}
            record={isNew ? undefined : record}
            initial={prefill?.values}
            prefilled={prefill?.prefilled}
            user={me.data ? { id: me.data.id, email: me.data.email } : undefined}
            onSave={onSave}
            onCancel={onCancel}
            onReload={onReload}
            readOnly={readOnly}
          />
        </Suspense>
      )}

      {record && !isNew && (
        <Grid container spacing={2} sx={{ mt: 1 }}>
          <Grid size={{ xs: 12, lg: 7 }}>
            <RelatedLists layout={layout} objects={objects} parentId={record.id} />
          </Grid>
          <Grid size={{ xs: 12, lg: 5 }}>
            <Timeline object={object} record={record} objects={objects} meId={me.data?.id} />
          </Grid>
        </Grid>
      )}

      {record && isLead && converting && <ConvertLeadDialog lead={record} open={converting} onClose={() => setConverting(false)} />}
      {record && confirmDelete && (
        <DeleteDialog
          object={object}
          id={record.id}
          title={title}
          open={confirmDelete}
          onClose={() => setConfirmDelete(false)}
          onDeleted={() => {
            setDeleted(true);
            navigate(`/app/${object.name}`, { replace: true });
          }}
        />
      )}
    </Box>
  );
}
