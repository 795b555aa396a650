/** The studio (for admins): object manager, layouts, rules, roles. */
import { Link as RouterLink } from 'react-router';
import { AppBar, Box, Button, List, ListItem, ListItemText, Paper, Toolbar, Typography } from '@mui/material';
import { useMetadata } from '../api/hooks.ts';

export default function StudioShell() {
  const meta = useMetadata();
  return (
    <Box>
      <AppBar position="static" color="secondary">
        <Toolbar sx={{ gap: 2 }}>
          <Typography variant="h6" component="h1" sx={{ flex: 1 }}>Strata Studio</Typography>
          <Button color="inherit" component={RouterLink} to="/app">Back to the app</Button>
        </Toolbar>
      </AppBar>
      <Paper sx={{ m: 2 }}>
        <Typography variant="h6" component="h2" sx={{ p: 2 }}>Objects</Typography>
        <List>
          {meta.data?.objects.map((o) => (
            <ListItem key={o.name}><ListItemText primary={o.label} secondary={`${o.name} · ${o.fields.length} fields · ${o.package}`} /></ListItem>
          ))}
        </List>
      </Paper>
    </Box>
  );
}
