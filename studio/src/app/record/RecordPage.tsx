/** Record page (being built: layout form, related lists, timeline). */
import { useParams } from 'react-router';
import { Paper, Typography } from '@mui/material';
import { useMetadata, useRecord } from '../../api/hooks.ts';
import { titleOf } from '../apps.ts';

export default function RecordPage() {
  const { object = '', id } = useParams();
  const meta = useMetadata();
  const obj = meta.data?.objects.find((o) => o.name === object);
  const rec = useRecord(object, id);
  return (
    <Paper sx={{ p: 2 }}>
      <Typography variant="h5" component="h1">{titleOf(obj, rec.data)}</Typography>
    </Paper>
  );
}
