/**
 * The studio (/studio, for admins and roles with the `studio` ability): objects with their
 * fields, layouts, list views and rules; roles; users and teams (also for `manageUsers`
 * holders); packages; the recycle bin. Every save is a
 * deploy of the package `custom` (see customBundle.ts and DeployDialog.tsx).
 */
import { lazy, Suspense, useState } from 'react';
import { Link as RouterLink, Navigate, Route, Routes, useLocation } from 'react-router';
import {
  AppBar, Box, Button, Drawer, IconButton, List, ListItem, ListItemButton, ListItemIcon, ListItemText, Paper,
  Toolbar, Typography, useMediaQuery,
} from '@mui/material';
import { useTheme } from '@mui/material/styles';
import MenuIcon from '@mui/icons-material/Menu';
import ViewModule from '@mui/icons-material/ViewModule';
import AdminPanelSettings from '@mui/icons-material/AdminPanelSettings';
import Inventory2 from '@mui/icons-material/Inventory2';
import DeleteOutline from '@mui/icons-material/DeleteOutline';
import LockOutlined from '@mui/icons-material/LockOutlined';
import People from '@mui/icons-material/People';
import { Loading } from '../App.tsx';
import { MAIN_ID, SkipLink } from '../SkipLink.tsx';
import { usePageTitle } from '../usePageTitle.ts';
import { useStudioAccess, useStudioMetadata } from './studioApi.ts';
import { DeployProvider } from './useDeploy.tsx';

const ObjectList = lazy(() => import('./ObjectList.tsx'));
const ObjectEditor = lazy(() => import('./ObjectEditor.tsx'));
const RoleList = lazy(() => import('./RoleList.tsx'));
const RoleEditor = lazy(() => import('./RoleEditor.tsx'));
const PackagesPage = lazy(() => import('./PackagesPage.tsx'));
const RecycleBin = lazy(() => import('./RecycleBin.tsx'));
const UsersPage = lazy(() => import('./UsersPage.tsx'));

const DRAWER = 220;
/** `needs`: the studio ability, or managing users. */
const NAV = [
  { to: '/studio/objects', label: 'Objects', icon: <ViewModule />, needs: 'studio' },
  { to: '/studio/roles', label: 'Roles', icon: <AdminPanelSettings />, needs: 'studio' },
  { to: '/studio/users', label: 'Users and teams', icon: <People />, needs: 'users' },
  { to: '/studio/packages', label: 'Packages', icon: <Inventory2 />, needs: 'studio' },
  { to: '/studio/recycle-bin', label: 'Recycle bin', icon: <DeleteOutline />, needs: 'studio' },
] as const;

function Nav({ onNavigate, may }: { onNavigate?: () => void; may: { studio: boolean; users: boolean } }) {
  const path = useLocation().pathname;
  return (
    <Box component="nav" aria-label="Studio">
      <List>
        {NAV.filter((n) => may[n.needs]).map((n) => {
          const current = path === n.to || path.startsWith(`${n.to}/`);
          return (
            <ListItem key={n.to} disablePadding>
              <ListItemButton component={RouterLink} to={n.to} selected={current} aria-current={current ? 'page' : undefined} onClick={onNavigate}>
                <ListItemIcon sx={{ minWidth: 40 }} aria-hidden>{n.icon}</ListItemIcon>
                <ListItemText primary={n.label} />
              </ListItemButton>
            </ListItem>
          );
        })}
      </List>
    </Box>
  );
}

function NoAccess() {
  return (
    <Box sx={{ display: 'flex', justifyContent: 'center', p: { xs: 2, sm: 6 } }}>
      <Paper sx={{ p: 4, maxWidth: 480, textAlign: 'center' }}>
        <LockOutlined color="action" sx={{ fontSize: 48 }} aria-hidden />
        <Typography variant="h5" component="h1" gutterBottom>You need the studio ability</Typography>
        <Typography color="text.secondary" sx={{ mb: 3 }}>
          The studio is where admins change objects, layouts, rules and roles. Ask an admin to give one of your roles the
          “studio” ability.
        </Typography>
        <Button variant="contained" component={RouterLink} to="/app">Back to the app</Button>
      </Paper>
    </Box>
  );
}

const SECTIONS: Record<string, string> = { objects: 'Objects', roles: 'Roles', users: 'Users and teams', packages: 'Packages', 'recycle-bin': 'Recycle bin' };

/** The page's name from the address: a section, an object with its tab, a role. */
function useStudioTitle(): void {
  const path = useLocation().pathname.split('/');
  const meta = useStudioMetadata();
  const [, , section, item, tab] = path;
  let page = SECTIONS[section ?? ''];
  if (section === 'objects' && item) {
    const label = meta.data?.objects.find((o) => o.name === item)?.label ?? item;
    page = `${label}${tab ? `: ${tab.charAt(0).toUpperCase()}${tab.slice(1)}` : ''}`;
  } else if (section === 'roles' && item) {
    page = `Role ${meta.data?.roles.find((r) => r.name === item)?.label ?? item}`;
  }
  usePageTitle(page, 'Strata Studio');
}

export default function StudioShell() {
  const access = useStudioAccess();
  useStudioTitle();
  const theme = useTheme();
  const desktop = useMediaQuery(theme.breakpoints.up('md'));
  const [open, setOpen] = useState(false);
  if (access.pending) return <Loading label="Loading the studio" />;
  if (!access.allowed) return <NoAccess />;
  return (
    <DeployProvider>
      <Box sx={{ display: 'flex', minHeight: '100vh' }}>
        <SkipLink />
        <AppBar position="fixed" color="secondary" sx={{ zIndex: (t) => t.zIndex.drawer + 1 }}>
          <Toolbar sx={{ gap: 1 }}>
            {!desktop && (
              <IconButton color="inherit" edge="start" aria-label="Menu" onClick={() => setOpen(true)}>
                <MenuIcon />
              </IconButton>
            )}
            <Typography variant="h6" component={RouterLink} to="/studio" sx={{ color: 'inherit', textDecoration: 'none', flex: 1 }}>
              Strata Studio
            </Typography>
            <Button color="inherit" component={RouterLink} to="/app">Back to the app</Button>
          </Toolbar>
        </AppBar>
        <Drawer
          variant={desktop ? 'permanent' : 'temporary'}
          open={desktop || open}
          onClose={() => setOpen(false)}
          sx={{ width: DRAWER, flexShrink: 0, '& .MuiDrawer-paper': { width: DRAWER, boxSizing: 'border-box' } }}
        >
          <Toolbar />
          <Nav onNavigate={() => setOpen(false)} may={access} />
        </Drawer>
        <Box component="main" id={MAIN_ID} tabIndex={-1} sx={{ flex: 1, minWidth: 0, p: { xs: 1, sm: 2, md: 3 }, outline: 'none' }}>
          <Toolbar />
          <Suspense fallback={<Loading />}>
            {access.studio ? (
              <Routes>
                <Route index element={<Navigate to="objects" replace />} />
                <Route path="objects" element={<ObjectList />} />
                <Route path="objects/:object/*" element={<ObjectEditor />} />
                <Route path="roles" element={<RoleList />} />
                <Route path="roles/:role" element={<RoleEditor />} />
                {access.users && <Route path="users" element={<UsersPage />} />}
                <Route path="packages" element={<PackagesPage />} />
                <Route path="recycle-bin" element={<RecycleBin />} />
                <Route path="*" element={<Navigate to="objects" replace />} />
              </Routes>
            ) : (
              <Routes>
                <Route path="users" element={<UsersPage />} />
                <Route path="*" element={<Navigate to="users" replace />} />
              </Routes>
            )}
          </Suspense>
        </Box>
      </Box>
    </DeployProvider>
  );
}
