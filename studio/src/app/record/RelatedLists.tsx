/**
 * Related lists from the layout: the children of this record through a reference field
 * (`filter={"<field>": id}`), with a "New" link that opens the child's form with the
 * reference prefilled (`/app/<child>/new?<field>=<id>`). A table on wide screens, a list on
 * phones.
 */
import { Link as RouterLink } from 'react-router';
import {
  Alert, Box, Button, Link, List, ListItemButton, ListItemText, Paper, Skeleton, Table, TableBody, TableCell,
  TableHead, TableRow, Typography, useMediaQuery,
} from '@mui/material';
import { useTheme } from '@mui/material/styles';
import AddIcon from '@mui/icons-material/Add';
import type { CrmRecord, DeployedObject, LayoutDef } from '../../api/types.ts';
import type { RelatedList } from '../../../../metadata/types.ts';
import { displayValue, formatDateTime, userLocale } from '../../forms/format.ts';
import { fieldLabel, SYSTEM_LABELS } from '../../forms/labels.ts';
import { recordTitle } from '../../forms/titles.ts';
import { useChildren } from './queries.ts';
import { useMetadata } from '../../api/hooks.ts';
import { rightsOf } from '../../api/rights.ts';
import { VisuallyHidden } from '../../forms/VisuallyHidden.tsx';

const PAGE = 10;

function cellText(child: DeployedObject, objects: DeployedObject[], name: string, r: CrmRecord): string {
  const v = r[name];
  const f = child.fields.find((x) => x.name === name);
  if (!f) return (name === 'createdAt' || name === 'updatedAt') && typeof v === 'string' ? formatDateTime(v) : v === null || v === undefined ? '' : String(v);
  if (f.type === 'reference' && v && typeof v === 'object') return recordTitle(objects.find((o) => o.name === f.to), v as Record<string, unknown>);
  return displayValue(f, v, userLocale(), objects);
}

function columnLabel(child: DeployedObject, name: string): string {
  const f = child.fields.find((x) => x.name === name);
  return f ? fieldLabel(f) : SYSTEM_LABELS[name] ?? name;
}

function OneList({ list, child, parentId, objects }: { list: RelatedList; child: DeployedObject; parentId: string; objects: DeployedObject[] }) {
  const theme = useTheme();
  const wide = useMediaQuery(theme.breakpoints.up('sm'));
  const mayCreate = rightsOf(useMetadata().data, child.name).create;
  const known = (n: string) => child.fields.some((f) => f.name === n) || n in SYSTEM_LABELS;
  const columns = (list.columns?.length ? list.columns : [child.nameField ?? 'id']).filter(known);
  const expand = columns.filter((n) => child.fields.some((f) => f.name === n && f.type === 'reference' && f.name !== list.field));
  const rows = useChildren(child, list.field, parentId, { limit: PAGE + 1, expand });
  const label = list.label ?? child.pluralLabel ?? child.label;
  const data = rows.data?.data.slice(0, PAGE) ?? [];
  const more = (rows.data?.data.length ?? 0) > PAGE;
  const headingId = `related-${list.object}-${list.field}`;
  const title = (r: CrmRecord) => cellText(child, objects, columns[0], r) || recordTitle(child, r);
  return (
    // Named by its heading for people; deliberately not aria-labelled, so that getByLabel('Contact')
    // finds the field, never this list.
    <Paper component="section" variant="outlined" sx={{ mb: 2, overflow: 'hidden' }} data-related={list.object}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, px: 2, py: 1, borderBottom: 1, borderColor: 'divider' }}>
        <Typography id={headingId} variant="subtitle1" component="h2" sx={{ fontWeight: 600, flex: 1, minWidth: 0 }}>
          {label}{rows.data ? <Typography component="span" color="text.secondary" sx={{ ml: 1 }}>({data.length}{more ? '+' : ''})</Typography> : null}
        </Typography>
        {mayCreate && (
          <Button
            component={RouterLink}
            to={`/app/${child.name}/new?${new URLSearchParams({ [list.field]: parentId }).toString()}`}
            size="small"
            startIcon={<AddIcon />}
          >
            New<VisuallyHidden>{` ${child.label.toLowerCase()}`}</VisuallyHidden>
          </Button>
        )}
      </Box>
      {rows.isPending && (
        <Box sx={{ p: 2 }} role="status" aria-label={`Loading ${label}`}>
          <Skeleton /><Skeleton width="60%" />
        </Box>
      )}
      {rows.isError && (
        <Alert severity="error" sx={{ m: 1 }} action={<Button color="inherit" size="small" onClick={() => void rows.refetch()}>Retry</Button>}>
          Could not load {label.toLowerCase()}.
        </Alert>
      )}
      {rows.isSuccess && data.length === 0 && (
        <Typography color="text.secondary" variant="body2" sx={{ px: 2, py: 1.5 }}>No {label.toLowerCase()} yet.</Typography>
      )}
      {rows.isSuccess && data.length > 0 && (wide ? (
        <Box sx={{ overflowX: 'auto' }}>
          <Table size="small">
            <TableHead>
              <TableRow>{columns.map((c) => <TableCell key={c} scope="col">{columnLabel(child, c)}</TableCell>)}</TableRow>
            </TableHead>
            <TableBody>
              {data.map((r) => (
                <TableRow key={r.id} hover>
                  {columns.map((c, i) => (
                    <TableCell key={c} sx={{ whiteSpace: 'nowrap', maxWidth: 280, overflow: 'hidden', textOverflow: 'ellipsis' }}>
                      {i === 0 ? <Link component={RouterLink} to={`/app/${child.name}/${r.id}`}>{title(r)}</Link> : cellText(child, objects, c, r)}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      ) : (
        <List dense disablePadding>
          {data.map((r) => (
            <ListItemButton key={r.id} component={RouterLink} to={`/app/${child.name}/${r.id}`} divider>
              <ListItemText
                primary={title(r)}
                secondary={columns.slice(1).map((c) => cellText(child, objects, c, r)).filter(Boolean).join(' · ')}
                slotProps={{ secondary: { sx: { overflowWrap: 'anywhere' } } }}
              />
            </ListItemButton>
          ))}
        </List>
      ))}
      {more && <Typography variant="caption" color="text.secondary" sx={{ display: 'block', px: 2, py: 1 }}>Showing the {PAGE} newest.</Typography>}
    </Paper>
  );
}

export function RelatedLists({ layout, objects, parentId }: { layout: LayoutDef | undefined; objects: DeployedObject[]; parentId: string }) {
  const lists = (layout?.relatedLists ?? [])
    .map((l) => ({ list: l, child: objects.find((o) => o.name === l.object) }))
    .filter((x): x is { list: RelatedList; child: DeployedObject } => !!x.child && x.child.fields.some((f) => f.name === x.list.field));
  if (!lists.length) return null;
  return (
    <>
      {lists.map(({ list, child }) => <OneList key={`${list.object}.${list.field}`} list={list} child={child} parentId={parentId} objects={objects} />)}
    </>
  );
}
