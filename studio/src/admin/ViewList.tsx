/** An object's list views and kanban boards: add, edit, remove the admin's own. */
import { useState } from 'react';
import { Button, IconButton, List, ListItem, ListItemButton, ListItemText, Paper, Tooltip } from '@mui/material';
import Add from '@mui/icons-material/Add';
import DeleteOutline from '@mui/icons-material/DeleteOutline';
import type { ViewDef } from '../../../metadata/types.ts';
import { removeView } from './customBundle.ts';
import { EmptyState, PageHeader } from './PageHeader.tsx';
import { useCustomExport } from './studioApi.ts';
import { useDeploy } from './useDeploy.tsx';
import { ViewEditor } from './ViewEditor.tsx';
import type { StudioMetadata, StudioObject } from './types.ts';

export function ViewList({ object, meta }: { object: StudioObject; meta: StudioMetadata }) {
  const deploy = useDeploy();
  const custom = useCustomExport();
  const views = meta.views.filter((v) => v.object === object.name);
  const [editing, setEditing] = useState<ViewDef | 'new'>();
  const mine = (v: ViewDef) => (custom.data?.views ?? []).some((c) => c.object === v.object && c.name === v.name);
  return (
    <>
      <PageHeader level={2} title="List views" subtitle="Saved lists of records: columns, a default filter, sort order, or a kanban board."
        actions={<Button variant="contained" startIcon={<Add />} onClick={() => setEditing('new')}>New list view</Button>} />
      <Paper>
        {views.length === 0 ? (
          <EmptyState title="No list views yet" action={<Button onClick={() => setEditing('new')}>Create one</Button>}>
            Without one, the list shows the record name.
          </EmptyState>
        ) : (
          <List aria-label={`List views of ${object.label}`}>
            {views.map((v) => (
              <ListItem key={v.name} disablePadding secondaryAction={
                <Tooltip title={mine(v) ? 'Remove' : 'Views that came with a package cannot be removed here'}>
                  <span>
                    <IconButton edge="end" aria-label={`Remove list view ${v.label ?? v.name}`} disabled={!mine(v)}
                      onClick={() => void deploy({ title: `Remove list view ${v.label ?? v.name} of ${object.label}`, change: (base) => removeView(base, object.name, v.name) })}>
                      <DeleteOutline />
                    </IconButton>
                  </span>
                </Tooltip>
              }>
                <ListItemButton onClick={() => setEditing(v)} aria-label={`Edit list view ${v.label ?? v.name}`}>
                  <ListItemText primary={v.label ?? v.name} secondary={`${v.type === 'kanban' ? `Kanban by ${v.groupBy}` : 'Table'} · ${v.columns.length} column${v.columns.length === 1 ? '' : 's'}${v.filter ? ' · filtered' : ''}${v.sort?.length ? ` · sorted by ${v.sort.join(', ')}` : ''}`} />
                </ListItemButton>
              </ListItem>
            ))}
          </List>
        )}
      </Paper>
      {editing && <ViewEditor object={object} view={editing === 'new' ? undefined : editing} taken={views.map((v) => v.name)} onClose={() => setEditing(undefined)} />}
    </>
  );
}
