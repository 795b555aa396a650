/** Global search: the same text search (`q`) over every object the caller may read. */
import { Link as RouterLink, useSearchParams } from 'react-router';
import { useQueries } from '@tanstack/react-query';
import { Alert, List, ListItem, ListItemButton, ListItemText, Paper, Typography } from '@mui/material';
import { api } from '../api/client.ts';
import { listUrl, useMetadata } from '../api/hooks.ts';
import type { CrmRecord, Page } from '../api/types.ts';
import { Loading } from '../App.tsx';
import { titleOf } from './apps.ts';

export default function SearchPage() {
  const [params] = useSearchParams();
  const q = params.get('q') ?? '';
  const meta = useMetadata();
  const objects = meta.data?.objects ?? [];
  const results = useQueries({
    queries: objects.map((o) => ({
      queryKey: ['search', o.name, q],
      queryFn: () => api<Page<CrmRecord>>(listUrl(o.name, { q, limit: 5 })),
      enabled: !!q,
    })),
  });
  if (meta.isPending) return <Loading />;
  const hits = objects.map((o, i) => ({ o, data: results[i]?.data?.data ?? [] })).filter((h) => h.data.length);
  const pending = results.some((r) => r.isPending);
  return (
    <>
      <Typography variant="h5" component="h1" gutterBottom>Search results for “{q}”</Typography>
      {pending && <Loading label="Searching" />}
      {!pending && !hits.length && <Alert severity="info">Nothing matches “{q}”.</Alert>}
      {hits.map(({ o, data }) => (
        <Paper key={o.name} sx={{ mb: 2 }}>
          <Typography variant="h6" component="h2" sx={{ px: 2, pt: 1 }}>{o.pluralLabel ?? o.label}</Typography>
          <List dense>
            {data.map((r) => (
              <ListItem key={r.id} disablePadding>
                <ListItemButton component={RouterLink} to={`/app/${o.name}/${r.id}`}>
                  <ListItemText primary={titleOf(o, r)} />
                </ListItemButton>
              </ListItem>
            ))}
          </List>
        </Paper>
      ))}
    </>
  );
}
