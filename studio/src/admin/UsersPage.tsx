/**
 * Users and teams (/studio/users, for admins and holders of `manageUsers`): add people, give
 * them roles and a manager, build teams, deactivate someone, reset their multi-factor sign-in,
 * revoke their API keys; the audit log beside it says who did what.
 */
import { useState } from 'react';
import {
  Alert, Box, Button, Chip, Grid, Paper, Tab, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Tabs, TextField,
} from '@mui/material';
import PersonAdd from '@mui/icons-material/PersonAdd';
import { Loading } from '../App.tsx';
import { useMe } from '../api/hooks.ts';
import type { User } from '../api/types.ts';
import { AuditLogPanel } from './AuditLogPanel.tsx';
import { PageHeader } from './PageHeader.tsx';
import { TeamTree } from './TeamTree.tsx';
import { UserDialog } from './UserDialog.tsx';
import { errorText } from './studioApi.ts';
import { personName, useGrantableRoles, useUsers, type RoleOption } from './usersApi.ts';

function PeopleTable({ users, roles, onOpen }: { users: User[]; roles: RoleOption[]; onOpen: (u: User) => void }) {
  const byId = new Map(users.map((u) => [u.id, u]));
  const label = new Map(roles.map((r) => [r.name, r.label]));
  const roleText = (u: User) => u.roles.map((r) => label.get(r) ?? r).join(', ');
  return (
    <TableContainer>
      <Table size="small" aria-label="Users">
        <TableHead>
          <TableRow>
            <TableCell>Person</TableCell>
            <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>Roles</TableCell>
            <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>Manager</TableCell>
            <TableCell>Status</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {users.map((u) => {
            const manager = u.managerId ? byId.get(u.managerId) : undefined;
            return (
              <TableRow key={u.id} hover sx={{ opacity: u.active ? 1 : 0.7 }}>
                <TableCell sx={{ maxWidth: 260 }}>
                  <Button onClick={() => onOpen(u)} sx={{ textTransform: 'none', fontWeight: 600, p: 0, minWidth: 0, justifyContent: 'flex-start', textAlign: 'left', overflowWrap: 'break-word' }}>
                    {personName(u)}
                  </Button>
                  {u.name && <Box sx={{ color: 'text.secondary', fontSize: 13, overflowWrap: 'anywhere' }}>{u.email}</Box>}
                  {/* On a phone the roles go under the person: three narrow columns would break every word. */}
                  <Box sx={{ display: { xs: 'block', sm: 'none' }, fontSize: 13 }}>{roleText(u)}</Box>
                </TableCell>
                <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>{roleText(u)}</TableCell>
                <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>{manager ? personName(manager) : '—'}</TableCell>
                <TableCell>
                  <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap' }}>
                    <Chip size="small" label={u.active ? 'Active' : 'Deactivated'} color={u.active ? 'success' : 'default'} variant="outlined" />
                    {u.mfaEnabled && <Chip size="small" label="MFA" variant="outlined" />}
                  </Box>
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

export default function UsersPage() {
  const me = useMe();
  const roles = useGrantableRoles();
  const users = useUsers();
  const [tab, setTab] = useState<'people' | 'teams'>('people');
  const [find, setFind] = useState('');
  const [open, setOpen] = useState<User | 'new' | undefined>();
  const [person, setPerson] = useState<string | undefined>();
  if (users.isPending || roles.isPending || me.isPending) return <Loading label="Loading users" />;
  if (users.isError) return <Alert severity="error">Could not load the users: {errorText(users.error)}</Alert>;
  const admin = !!me.data?.roles.includes('admin');
  const all = users.data;
  const needle = find.trim().toLowerCase();
  const shown = needle ? all.filter((u) => `${u.name ?? ''} ${u.email} ${u.roles.join(' ')}`.toLowerCase().includes(needle)) : all;
  const openUser = (u: User) => { setPerson(u.id); setOpen(u); };
  const current = open && open !== 'new' ? all.find((u) => u.id === open.id) ?? open : undefined;
  return (
    <>
      <PageHeader title="Users and teams" subtitle="Who may sign in, with which roles, and who reports to whom."
        actions={<Button variant="contained" startIcon={<PersonAdd />} onClick={() => setOpen('new')}>Add user</Button>} />
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, md: 8 }}>
          <Paper sx={{ p: { xs: 1, sm: 2 } }}>
            <Tabs value={tab} onChange={(_e, v: 'people' | 'teams') => setTab(v)} aria-label="Users and teams" sx={{ mb: 1 }}>
              <Tab value="people" label={`People (${all.length})`} />
              <Tab value="teams" label="Teams" />
            </Tabs>
            {tab === 'people' ? (
              <>
                <TextField size="small" label="Find a person" value={find} onChange={(e) => setFind(e.target.value)} sx={{ mb: 1, width: { xs: '100%', sm: 280 } }} />
                <PeopleTable users={shown} roles={roles.data ?? []} onOpen={openUser} />
              </>
            ) : (
              <TeamTree users={all} mayChange onOpen={openUser} />
            )}
          </Paper>
        </Grid>
        <Grid size={{ xs: 12, md: 4 }}>
          <AuditLogPanel admin={admin} users={all} person={all.find((u) => u.id === person)} onShowAll={() => setPerson(undefined)} />
        </Grid>
      </Grid>
      {open && (
        <UserDialog key={current?.id ?? 'new'} user={current} users={all} roles={roles.data ?? []} actorIsAdmin={admin} onClose={() => setOpen(undefined)} />
      )}
    </>
  );
}
