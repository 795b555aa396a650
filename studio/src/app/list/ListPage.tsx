/** List view of an object (being built: table, filters, kanban). */
import { Link as RouterLink, useParams } from 'react-router';
import { List, ListItemButton, ListItemText, Paper, Typography } from '@mui/material';
import { useMetadata, useRecordList } from '../../api/hooks.ts';
import { titleOf } from '../apps.ts';

export default function ListPage() {
  const { object = '' } = useParams();
  const meta = useMetadata();
  const obj = meta.data?.objects.find((o) => o.name === object);
  const list = useRecordList(object, {}, !!obj);
  return (
    <>
      <Typography variant="h5" component="h1" gutterBottom>{obj?.pluralLabel ?? obj?.label ?? object}</Typography>
      <Paper>
        <List>
          {list.data?.pages.flatMap((p) => p.data).map((r) => (
            <ListItemButton key={r.id} component={RouterLink} to={`/app/${object}/${r.id}`}>
              <ListItemText primary={titleOf(obj, r)} />
            </ListItemButton>
          ))}
        </List>
      </Paper>
    </>
  );
}
