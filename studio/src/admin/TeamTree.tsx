/**
 * Teams are the manager hierarchy: a manager's team is everyone below them, and roles that grant
 * `team` access let the manager see what their team owns. Shown as a tree; people join a team
 * by getting its manager.
 */
import { useState } from 'react';
import {
  Alert, Box, Button, Chip, Dialog, DialogActions, DialogContent, DialogTitle, List, ListItem, MenuItem, TextField, Typography,
} from '@mui/material';
import type { User } from '../api/types.ts';
import { possibleManagers } from './UserDialog.tsx';
import { errorText } from './studioApi.ts';
import { personName, useUpdateUser } from './usersApi.ts';

function teamSize(id: string, reports: Map<string, User[]>): number {
  return (reports.get(id) ?? []).reduce((n, u) => n + 1 + teamSize(u.id, reports), 0);
}

function AddMember({ manager, users, onClose }: { manager: User; users: User[]; onClose: () => void }) {
  const update = useUpdateUser();
  const [member, setMember] = useState('');
  // Who may join: active people not already in it, whose team does not include this manager.
  const candidates = users.filter((u) => u.active && u.id !== manager.id && u.managerId !== manager.id && possibleManagers(users, u).some((m) => m.id === manager.id));
  return (
    <Dialog open onClose={onClose} aria-labelledby="add-member-title" fullWidth maxWidth="xs">
      <form onSubmit={(e) => { e.preventDefault(); if (member) update.mutate({ id: member, change: { manager: manager.id } }, { onSuccess: onClose }); }}>
        <DialogTitle id="add-member-title">Add to {personName(manager)}’s team</DialogTitle>
        <DialogContent>
          {update.error && <Alert severity="error" sx={{ mb: 2 }}>{errorText(update.error)}</Alert>}
          <TextField select fullWidth label="Person" value={member} onChange={(e) => setMember(e.target.value)} sx={{ mt: 1 }}
            helperText={`${personName(manager)} becomes their manager`}>
            {candidates.map((u) => <MenuItem key={u.id} value={u.id}>{personName(u)}</MenuItem>)}
          </TextField>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={!member || update.isPending}>Add</Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

export function TeamTree({ users, mayChange, onOpen }: { users: User[]; mayChange: boolean; onOpen: (u: User) => void }) {
  const [adding, setAdding] = useState<User | undefined>();
  const ids = new Set(users.map((u) => u.id));
  const reports = new Map<string, User[]>();
  for (const u of users) if (u.managerId && ids.has(u.managerId)) reports.set(u.managerId, [...(reports.get(u.managerId) ?? []), u]);
  const tops = users.filter((u) => !u.managerId || !ids.has(u.managerId));

  const node = (u: User, depth: number) => {
    const below = reports.get(u.id) ?? [];
    const size = teamSize(u.id, reports);
    return (
      <ListItem key={u.id} disableGutters sx={{ display: 'block', py: 0.5 }}>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap', pl: depth ? 2 : 0, borderLeft: depth ? 2 : 0, borderColor: 'divider' }}>
          <Button onClick={() => onOpen(u)} sx={{ textTransform: 'none', fontWeight: 600, minWidth: 0 }}>{personName(u)}</Button>
          {!u.active && <Chip size="small" label="Deactivated" />}
          <Typography variant="body2" color="text.secondary" sx={{ flex: 1 }}>{size ? `Team of ${size}` : ''}</Typography>
          {mayChange && u.active && <Button size="small" onClick={() => setAdding(u)} aria-label={`Add to ${personName(u)}’s team`}>Add to team</Button>}
        </Box>
        {below.length > 0 && (
          <List dense disablePadding aria-label={`${personName(u)}’s team`} sx={{ ml: { xs: 1, sm: 3 } }}>
            {below.map((c) => node(c, depth + 1))}
          </List>
        )}
      </ListItem>
    );
  };

  return (
    <>
      <Typography color="text.secondary" sx={{ mb: 1 }}>
        A manager’s team is everyone who reports to them, at any depth. Roles with team access let managers see and change what their team owns.
      </Typography>
      <List dense aria-label="Teams">{tops.map((u) => node(u, 0))}</List>
      {adding && <AddMember manager={adding} users={users} onClose={() => setAdding(undefined)} />}
    </>
  );
}
