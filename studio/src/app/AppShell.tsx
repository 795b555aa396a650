/**
 * The end-user frame: top bar (menu, global search, user menu), navigation built from the
 * metadata the caller may see, and the screens. On a phone the navigation is a drawer.
 */
import { lazy, Suspense, useState, type FormEvent } from 'react';
import { Link as RouterLink, Route, Routes, useLocation, useNavigate } from 'react-router';
import {
  AppBar, Box, Drawer, IconButton, InputBase, List, ListItem, ListItemButton, ListItemText, ListSubheader,
  Menu, MenuItem, Toolbar, Typography, useMediaQuery, Alert,
} from '@mui/material';
import { useTheme } from '@mui/material/styles';
import MenuIcon from '@mui/icons-material/Menu';
import SearchIcon from '@mui/icons-material/Search';
import AccountCircle from '@mui/icons-material/AccountCircle';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import { useMe, useMetadata } from '../api/hooks.ts';
import { Loading } from '../App.tsx';
import { groupByApp } from './apps.ts';
import { MAIN_ID, SkipLink } from '../SkipLink.tsx';
import { usePageTitle } from '../usePageTitle.ts';
import { Home } from './Home.tsx';
import { LiveLists } from './LiveLists.tsx';

const ListPage = lazy(() => import('./list/ListPage.tsx'));
const RecordPage = lazy(() => import('./record/RecordPage.tsx'));
const SearchPage = lazy(() => import('./SearchPage.tsx'));

const DRAWER = 240;

function Nav({ onNavigate }: { onNavigate?: () => void }) {
  const meta = useMetadata();
  const object = useLocation().pathname.split('/')[2];
  if (meta.isPending) return <Loading label="Loading navigation" />;
  if (meta.isError) return <Alert severity="error">Could not load navigation</Alert>;
  return (
    <Box component="nav" aria-label="Objects" sx={{ overflowY: 'auto' }}>
      {/* The app's heading outside its list: a list holds list items only. */}
      {groupByApp(meta.data.objects).map((g) => (
        <Box key={g.key}>
          <ListSubheader component="h2" id={`nav-app-${g.key}`} sx={{ lineHeight: '36px' }}>{g.label}</ListSubheader>
          <List dense disablePadding aria-labelledby={`nav-app-${g.key}`}>
            {g.objects.map((o) => (
              <ListItem key={o.name} disablePadding>
                <ListItemButton component={RouterLink} to={`/app/${o.name}`} selected={object === o.name} aria-current={object === o.name ? 'page' : undefined} onClick={onNavigate}>
                  <ListItemText primary={o.pluralLabel ?? o.label} />
                </ListItemButton>
              </ListItem>
            ))}
          </List>
        </Box>
      ))}
    </Box>
  );
}

function UserMenu() {
  const me = useMe();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const signOut = async () => {
    await api('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    qc.clear();
    navigate('/login');
  };
  return (
    <>
      <IconButton color="inherit" aria-label={`Account: ${me.data?.email ?? ''}`} aria-haspopup="menu" onClick={(e) => setAnchor(e.currentTarget)}>
        <AccountCircle />
      </IconButton>
      <Menu anchorEl={anchor} open={!!anchor} onClose={() => setAnchor(null)}>
        <MenuItem disabled>{me.data?.name ?? me.data?.email}</MenuItem>
        {(me.data?.roles.includes('admin') || me.data?.abilities?.includes('studio')) && <MenuItem component={RouterLink} to="/studio" onClick={() => setAnchor(null)}>Studio</MenuItem>}
        {!me.data?.roles.includes('admin') && !me.data?.abilities?.includes('studio') && me.data?.abilities?.includes('manageUsers') && (
          <MenuItem component={RouterLink} to="/studio/users" onClick={() => setAnchor(null)}>Users and teams</MenuItem>
        )}
        <MenuItem onClick={signOut}>Sign out</MenuItem>
      </Menu>
    </>
  );
}

function GlobalSearch() {
  const [q, setQ] = useState('');
  const navigate = useNavigate();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (q.trim()) navigate(`/app/search?q=${encodeURIComponent(q.trim())}`);
  };
  return (
    <Box component="form" role="search" onSubmit={submit} sx={{ display: 'flex', alignItems: 'center', bgcolor: 'rgba(255,255,255,0.15)', borderRadius: 1, px: 1, flex: '0 1 420px', minWidth: 0 }}>
      <SearchIcon aria-hidden sx={{ mr: 1 }} />
      <InputBase inputProps={{ 'aria-label': 'Search' }} placeholder="Search records" value={q} onChange={(e) => setQ(e.target.value)} sx={{ color: 'inherit', flex: 1, minWidth: 0 }} />
    </Box>
  );
}

/** The page's name from the address: Home, Search, an object's records, a new record. */
function useAppTitle(): void {
  const { pathname, search } = useLocation();
  const meta = useMetadata();
  const [, , object, id] = pathname.split('/');
  const def = meta.data?.objects.find((o) => o.name === object);
  let page: string | undefined;
  if (!object) page = 'Home';
  else if (object === 'search') page = `Search: ${new URLSearchParams(search).get('q') ?? ''}`;
  else if (def && !id) page = def.pluralLabel ?? def.label;
  else if (def && id === 'new') page = `New ${def.label}`;
  // A record page names itself after the record (RecordPage.tsx): left alone here.
  usePageTitle(page, 'Strata', !(def && id && id !== 'new'));
}

export default function AppShell() {
  const theme = useTheme();
  const desktop = useMediaQuery(theme.breakpoints.up('md'));
  const [open, setOpen] = useState(false);
  useAppTitle();
  return (
    <Box sx={{ display: 'flex', minHeight: '100vh' }}>
      <SkipLink />
      <LiveLists />
      <AppBar position="fixed" sx={{ zIndex: (t) => t.zIndex.drawer + 1 }}>
        <Toolbar sx={{ gap: 1 }}>
          {!desktop && (
            <IconButton color="inherit" edge="start" aria-label="Menu" onClick={() => setOpen(true)}>
              <MenuIcon />
            </IconButton>
          )}
          <Typography variant="h6" component={RouterLink} to="/app" sx={{ color: 'inherit', textDecoration: 'none', mr: 2, display: { xs: 'none', sm: 'block' } }}>
            Strata
          </Typography>
          <GlobalSearch />
          <Box sx={{ flex: 1 }} />
          <UserMenu />
        </Toolbar>
      </AppBar>
      <Drawer
        variant={desktop ? 'permanent' : 'temporary'}
        open={desktop || open}
        onClose={() => setOpen(false)}
        sx={{ width: DRAWER, flexShrink: 0, '& .MuiDrawer-paper': { width: DRAWER, boxSizing: 'border-box' } }}
      >
        <Toolbar />
        <Nav onNavigate={() => setOpen(false)} />
      </Drawer>
      <Box component="main" id={MAIN_ID} tabIndex={-1} sx={{ flex: 1, minWidth: 0, p: { xs: 1, sm: 2 }, outline: 'none' }}>
        <Toolbar />
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route index element={<Home />} />
            <Route path="search" element={<SearchPage />} />
            <Route path=":object" element={<ListPage />} />
            <Route path=":object/:id" element={<RecordPage />} />
          </Routes>
        </Suspense>
      </Box>
    </Box>
  );
}
