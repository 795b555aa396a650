/**
 * Activity timeline: the tasks and notes that reference this record (through the task/note
 * reference field whose target is this object) and its field history, newest first.
 */
import { Link as RouterLink } from 'react-router';
import { Alert, Avatar, Box, Button, Chip, Link, Paper, Skeleton, Typography } from '@mui/material';
import TaskAltIcon from '@mui/icons-material/TaskAlt';
import StickyNote2Icon from '@mui/icons-material/StickyNote2';
import HistoryIcon from '@mui/icons-material/History';
import AddCircleOutlineIcon from '@mui/icons-material/AddCircleOutline';
import { useHistory } from '../../api/hooks.ts';
import type { CrmRecord, DeployedObject, HistoryEntry } from '../../api/types.ts';
import { displayValue, formatDate, formatDateTime } from '../../forms/format.ts';
import { fieldLabel, SYSTEM_LABELS } from '../../forms/labels.ts';
import { plainText } from '../../forms/markdown.tsx';
import { useRecordTitle } from '../../forms/titles.ts';
import { referenceTo, useChildren } from './queries.ts';

type Item =
  | { kind: 'task'; at: string; record: CrmRecord }
  | { kind: 'note'; at: string; record: CrmRecord }
  | { kind: 'change'; at: string; by: string | null; changes: HistoryEntry[] }
  | { kind: 'created'; at: string; by: string | null };

const MAX_ITEMS = 40;

function who(by: string | null | undefined, meId: string | undefined): string {
  if (!by) return '';
  return by === meId ? 'by you' : 'by another user';
}

function RefValue({ to, id, objects }: { to: string; id: string; objects: DeployedObject[] }) {
  const title = useRecordTitle(objects.find((o) => o.name === to), id);
  return <>{title.data ?? 'a record'}</>;
}

function Value({ object, field, value, objects }: { object: DeployedObject; field: string; value: unknown; objects: DeployedObject[] }) {
  if (value === null || value === undefined || value === '') return <em>empty</em>;
  const f = object.fields.find((x) => x.name === field);
  if (f?.type === 'reference' && typeof value === 'string') return <strong><RefValue to={f.to} id={value} objects={objects} /></strong>;
  if (field === 'ownerId') return <strong>{'another owner'}</strong>;
  const text = displayValue(f, value);
  return <strong>{f?.type === 'richtext' || f?.type === 'longtext' ? plainText(text).slice(0, 80) : text}</strong>;
}

/** Field changes of one save arrive with one timestamp: they are one timeline entry. */
export function groupHistory(entries: HistoryEntry[]): Array<{ at: string; by: string | null; changes: HistoryEntry[] }> {
  const groups = new Map<string, { at: string; by: string | null; changes: HistoryEntry[] }>();
  for (const e of entries) {
    const key = `${e.at}|${e.by ?? ''}`;
    const g = groups.get(key) ?? { at: e.at, by: e.by, changes: [] };
    g.changes.push(e);
    groups.set(key, g);
  }
  return [...groups.values()];
}

function label(object: DeployedObject, field: string): string {
  const f = object.fields.find((x) => x.name === field);
  return f ? fieldLabel(f) : SYSTEM_LABELS[field] ?? field;
}

export function Timeline({ object, record, objects, meId }: { object: DeployedObject; record: CrmRecord; objects: DeployedObject[]; meId?: string }) {
  const task = objects.find((o) => o.name === 'task');
  const note = objects.find((o) => o.name === 'note');
  const taskField = object.name === 'task' ? undefined : referenceTo(task, object.name);
  const noteField = object.name === 'note' ? undefined : referenceTo(note, object.name);
  const tasks = useChildren(task, taskField, record.id, { limit: 20 });
  const notes = useChildren(note, noteField, record.id, { limit: 20 });
  const history = useHistory(object.name, record.id, !!object.trackHistory);

  const pending = (taskField && tasks.isPending) || (noteField && notes.isPending) || (object.trackHistory && history.isPending);
  const failed = [taskField && tasks.isError, noteField && notes.isError, object.trackHistory && history.isError].some(Boolean);

  const items: Item[] = [
    ...(tasks.data?.data ?? []).map((r): Item => ({ kind: 'task', at: r.createdAt, record: r })),
    ...(notes.data?.data ?? []).map((r): Item => ({ kind: 'note', at: r.createdAt, record: r })),
    ...groupHistory(history.data ?? []).map((g): Item => ({ kind: 'change', ...g })),
    { kind: 'created', at: record.createdAt, by: record.createdBy } satisfies Item,
  ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, MAX_ITEMS);

  const statusLabel = (r: CrmRecord) => displayValue(task?.fields.find((f) => f.name === 'status'), r.status);

  return (
    <Paper component="section" variant="outlined" sx={{ mb: 2 }} data-timeline>
      <Typography id="timeline-heading" variant="subtitle1" component="h2" sx={{ fontWeight: 600, px: 2, py: 1, borderBottom: 1, borderColor: 'divider' }}>
        Activity
      </Typography>
      {failed && (
        <Alert severity="error" sx={{ m: 1 }} action={<Button color="inherit" size="small" onClick={() => { void tasks.refetch(); void notes.refetch(); void history.refetch(); }}>Retry</Button>}>
          Some activity could not be loaded.
        </Alert>
      )}
      {pending ? (
        <Box sx={{ p: 2 }} role="status" aria-label="Loading activity"><Skeleton /><Skeleton /><Skeleton width="50%" /></Box>
      ) : (
        <Box component="ol" sx={{ listStyle: 'none', m: 0, p: 0 }}>
          {items.map((item) => {
            const key = item.kind === 'task' || item.kind === 'note' ? `${item.kind}-${item.record.id}` : `${item.kind}-${item.at}`;
            const Icon = item.kind === 'task' ? TaskAltIcon : item.kind === 'note' ? StickyNote2Icon : item.kind === 'created' ? AddCircleOutlineIcon : HistoryIcon;
            return (
              <Box component="li" key={key} sx={{ display: 'flex', gap: 1.5, px: 2, py: 1.25, '&:not(:last-of-type)': { borderBottom: 1, borderColor: 'divider' } }}>
                <Avatar sx={{ width: 32, height: 32, bgcolor: item.kind === 'task' ? 'primary.light' : item.kind === 'note' ? 'warning.light' : 'grey.300', color: item.kind === 'change' || item.kind === 'created' ? 'text.secondary' : 'common.white' }} aria-hidden>
                  <Icon fontSize="small" />
                </Avatar>
                <Box sx={{ minWidth: 0, flex: 1, overflowWrap: 'anywhere' }}>
                  {item.kind === 'task' && (
                    <>
                      <Typography variant="body2">
                        Task <Link component={RouterLink} to={`/app/task/${item.record.id}`}>{String(item.record.subject ?? 'Task')}</Link>
                      </Typography>
                      <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap', mt: 0.5 }}>
                        {item.record.status ? <Chip size="small" label={statusLabel(item.record)} /> : null}
                        {typeof item.record.due_date === 'string' ? <Chip size="small" variant="outlined" label={`Due ${formatDate(item.record.due_date)}`} /> : null}
                      </Box>
                    </>
                  )}
                  {item.kind === 'note' && (
                    <>
                      <Typography variant="body2">
                        Note <Link component={RouterLink} to={`/app/note/${item.record.id}`}>{String(item.record.title ?? 'Note')}</Link>
                      </Typography>
                      {typeof item.record.body === 'string' && item.record.body && (
                        <Typography variant="body2" color="text.secondary">{plainText(item.record.body).slice(0, 160)}</Typography>
                      )}
                    </>
                  )}
                  {item.kind === 'change' && item.changes.map((c) => (
                    <Typography variant="body2" key={c.field}>
                      {label(object, c.field)}: <Value object={object} field={c.field} value={c.from} objects={objects} /> → <Value object={object} field={c.field} value={c.to} objects={objects} />
                    </Typography>
                  ))}
                  {item.kind === 'created' && <Typography variant="body2">{object.label} created</Typography>}
                  <Typography variant="caption" color="text.secondary">
                    <time dateTime={item.at}>{formatDateTime(item.at)}</time>
                    {' '}{item.kind === 'change' || item.kind === 'created' ? who(item.by, meId) : who(item.record.createdBy, meId)}
                  </Typography>
                </Box>
              </Box>
            );
          })}
        </Box>
      )}
    </Paper>
  );
}
