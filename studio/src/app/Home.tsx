/** Home: recent records and a way into each object. */
import { Link as RouterLink } from 'react-router';
import { Card, CardActionArea, CardContent, Grid, List, ListItemButton, ListItemText, Paper, Typography } from '@mui/material';
import { useMetadata } from '../api/hooks.ts';
import { groupByApp } from './apps.ts';
import { recentRecords } from './recent.ts';

export function Home() {
  const meta = useMetadata();
  const recent = recentRecords();
  const labelOf = (name: string) => meta.data?.objects.find((o) => o.name === name)?.label ?? name;
  return (
    <>
      <Typography variant="h5" component="h1" gutterBottom>Home</Typography>
      <Paper sx={{ mb: 3 }}>
        <Typography variant="h6" component="h2" sx={{ px: 2, pt: 2 }}>Recent records</Typography>
        {recent.length ? (
          <List dense>
            {recent.map((r) => (
              <ListItemButton key={`${r.object}/${r.id}`} component={RouterLink} to={`/app/${r.object}/${r.id}`}>
                <ListItemText primary={r.title} secondary={labelOf(r.object)} />
              </ListItemButton>
            ))}
          </List>
        ) : (
          <Typography color="text.secondary" sx={{ p: 2 }}>Records you open appear here.</Typography>
        )}
      </Paper>
      {meta.data && groupByApp(meta.data.objects).map((g) => (
        <section key={g.key} aria-labelledby={`app-${g.key}`}>
          <Typography id={`app-${g.key}`} variant="h6" component="h2" sx={{ mt: 2, mb: 1 }}>{g.label}</Typography>
          <Grid container spacing={2}>
            {g.objects.map((o) => (
              <Grid key={o.name} size={{ xs: 6, sm: 4, md: 3 }}>
                <Card>
                  <CardActionArea component={RouterLink} to={`/app/${o.name}`}>
                    <CardContent>
                      <Typography variant="subtitle1">{o.pluralLabel ?? o.label}</Typography>
                      {o.description && <Typography variant="body2" color="text.secondary" noWrap>{o.description}</Typography>}
                    </CardContent>
                  </CardActionArea>
                </Card>
              </Grid>
            ))}
          </Grid>
        </section>
      ))}
    </>
  );
}
