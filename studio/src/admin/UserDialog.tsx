/**
 * One person, in a dialog: a new user (email, name, roles, manager and a temporary password
 * shown once), or an existing one (name, roles, manager; deactivate or reactivate; reset
 * multi-factor sign-in; see and revoke their API keys).
 */
import { useState } from 'react';
import {
  Alert, Autocomplete, Box, Button, Chip, Dialog, DialogActions, DialogContent, DialogTitle, Divider, List, ListItem,
  ListItemText, MenuItem, Stack, TextField, Typography,
} from '@mui/material';
import type { User } from '../api/types.ts';
import { ApiError } from '../api/client.ts';
import { errorText } from './studioApi.ts';
import {
  personName, temporaryPassword, useCreateUser, type RoleOption, useResetMfa, useRevokeKey, useUpdateUser, useUserKeys,
} from './usersApi.ts';

/** Users who may manage `self`: not themselves nor anyone below them (the hierarchy stays a tree). */
export function possibleManagers(users: User[], self?: User): User[] {
  if (!self) return users.filter((u) => u.active);
  const below = new Set([self.id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const u of users) if (u.managerId && below.has(u.managerId) && !below.has(u.id)) { below.add(u.id); grew = true; }
  }
  return users.filter((u) => !below.has(u.id) && (u.active || u.id === self.managerId));
}

function fieldError(err: unknown, field: string): string | undefined {
  return err instanceof ApiError ? err.errors.find((e) => e.field === field)?.message : undefined;
}

function ApiKeys({ user, mayChange }: { user: User; mayChange: boolean }) {
  const keys = useUserKeys(user.id);
  const revoke = useRevokeKey();
  if (keys.isPending) return <Typography color="text.secondary">Loading API keys…</Typography>;
  if (keys.isError) return <Alert severity="error">Could not load the API keys: {errorText(keys.error)}</Alert>;
  if (!keys.data.length) return <Typography color="text.secondary">No API keys.</Typography>;
  return (
    <List dense aria-label={`API keys of ${personName(user)}`} disablePadding>
      {keys.data.map((k) => (
        <ListItem key={k.id} disableGutters secondaryAction={!k.revokedAt && mayChange ? (
          <Button size="small" color="error" disabled={revoke.isPending} onClick={() => revoke.mutate({ userId: user.id, keyId: k.id }, { onSuccess: () => void keys.refetch() })} aria-label={`Revoke key ${k.name}`}>
            Revoke
          </Button>
        ) : undefined}>
          <ListItemText
            primary={<>{k.name} <Box component="span" sx={{ fontFamily: 'monospace', color: 'text.secondary' }}>{k.prefix}…</Box>{k.revokedAt && <Chip size="small" label="Revoked" sx={{ ml: 1 }} />}</>}
            secondary={`${k.role ? `Role ${k.role} · ` : ''}${k.lastUsedAt ? `last used ${new Date(k.lastUsedAt).toLocaleString()}` : 'never used'}`}
          />
        </ListItem>
      ))}
    </List>
  );
}

export function UserDialog({ user, users, roles, actorIsAdmin, onClose }: {
  /** Undefined: a new user. */
  user?: User;
  users: User[];
  /** The roles the caller may give (admin only for admins). */
  roles: RoleOption[];
  actorIsAdmin: boolean;
  onClose: () => void;
}) {
  const create = useCreateUser();
  const update = useUpdateUser();
  const resetMfa = useResetMfa();
  const [email, setEmail] = useState('');
  const [name, setName] = useState(user?.name ?? '');
  const [roleNames, setRoleNames] = useState<string[]>(user?.roles ?? ['read_only'].filter((r) => roles.some((x) => x.name === r)));
  const [manager, setManager] = useState(user?.managerId ?? '');
  const [password] = useState(temporaryPassword);
  const [created, setCreated] = useState<User | undefined>();
  const [confirmDeactivate, setConfirmDeactivate] = useState(false);
  const options = roles;
  // An admin's account is changed by admins only (the server says so too).
  const mayChange = actorIsAdmin || !user?.roles.includes('admin');
  const known = new Map([...options, ...roleNames.filter((n) => !options.some((o) => o.name === n)).map((n) => ({ name: n, label: n }))].map((o) => [o.name, o]));
  const managers = possibleManagers(users, user);
  const saving = create.isPending || update.isPending;
  const error = create.error ?? update.error ?? resetMfa.error;
  const title = user ? personName(user) : created ? 'User created' : 'Add user';

  const save = () => {
    if (user) {
      const change: Record<string, unknown> = {};
      if ((user.name ?? '') !== name) change.name = name.trim() || null;
      if (roleNames.join() !== user.roles.join()) change.roles = roleNames;
      if ((user.managerId ?? '') !== manager) change.manager = manager || null;
      if (!Object.keys(change).length) return onClose();
      update.mutate({ id: user.id, change }, { onSuccess: onClose });
    } else {
      create.mutate({ email: email.trim(), name: name.trim() || undefined, roles: roleNames, manager: manager || null, password }, { onSuccess: (u) => setCreated(u) });
    }
  };

  if (created) {
    return (
      <Dialog open onClose={onClose} aria-labelledby="user-dialog-title" fullWidth maxWidth="sm">
        <DialogTitle id="user-dialog-title">{title}</DialogTitle>
        <DialogContent>
          <Alert severity="success" sx={{ mb: 2 }}>{personName(created)} may now sign in.</Alert>
          <Typography sx={{ mb: 1 }}>Give them this temporary password privately; it is shown only now. They change it after signing in.</Typography>
          <TextField label="Temporary password" value={password} fullWidth slotProps={{ htmlInput: { readOnly: true, style: { fontFamily: 'monospace' } } }}
            onFocus={(e) => e.target.select()} />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => void navigator.clipboard?.writeText(password).catch(() => undefined)}>Copy password</Button>
          <Button variant="contained" onClick={onClose}>Done</Button>
        </DialogActions>
      </Dialog>
    );
  }

  return (
    <Dialog open onClose={onClose} aria-labelledby="user-dialog-title" fullWidth maxWidth="sm">
      <form onSubmit={(e) => { e.preventDefault(); save(); }}>
        <DialogTitle id="user-dialog-title">{title}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ mt: 1 }}>
            {user && !user.active && <Alert severity="warning">Deactivated: cannot sign in, and their API keys were revoked.</Alert>}
            {error && <Alert severity="error">{errorText(error)}</Alert>}
            {user ? (
              <TextField label="Email" value={user.email} slotProps={{ htmlInput: { readOnly: true } }} />
            ) : (
              <TextField label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus
                error={!!fieldError(error, 'email')} helperText={fieldError(error, 'email')} />
            )}
            <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} disabled={!mayChange} />
            <Autocomplete
              multiple
              options={[...known.values()].map((o) => o.name)}
              value={roleNames}
              onChange={(_e, v) => setRoleNames(v)}
              getOptionLabel={(n) => known.get(n)?.label ?? n}
              disabled={!actorIsAdmin && !!user}
              renderInput={(params) => (
                <TextField {...params} label="Roles" error={!!fieldError(error, 'roles') || !!fieldError(error, 'role')}
                  helperText={fieldError(error, 'roles') ?? fieldError(error, 'role') ?? (!actorIsAdmin && user ? 'Only an admin may change roles' : 'What they may see and do')} />
              )}
            />
            <TextField select label="Manager" value={manager} onChange={(e) => setManager(e.target.value)} disabled={!mayChange}
              slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
              error={!!fieldError(error, 'manager')} helperText={fieldError(error, 'manager') ?? 'Their manager sees what they own where a role grants team access'}>
              <MenuItem value="">No manager</MenuItem>
              {managers.map((m) => <MenuItem key={m.id} value={m.id}>{personName(m)}</MenuItem>)}
            </TextField>
            {!user && <Typography variant="body2" color="text.secondary">A temporary password is made for them and shown once, after you add them.</Typography>}
            {user && (
              <>
                <Divider />
                <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>Sign-in</Typography>
                <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
                  <Typography sx={{ flex: 1 }}>Multi-factor sign-in: {user.mfaEnabled ? 'on' : 'off'}</Typography>
                  {user.mfaEnabled && mayChange && (
                    <Button variant="outlined" disabled={resetMfa.isPending} onClick={() => resetMfa.mutate(user.id, { onSuccess: onClose })}>Reset MFA</Button>
                  )}
                </Box>
                <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>API keys</Typography>
                <ApiKeys user={user} mayChange={mayChange} />
                <Divider />
                {user.active ? (
                  confirmDeactivate ? (
                    <Alert severity="warning" action={
                      <Stack direction="row" spacing={1}>
                        <Button color="inherit" size="small" onClick={() => setConfirmDeactivate(false)}>Keep</Button>
                        <Button color="error" size="small" variant="contained" onClick={() => update.mutate({ id: user.id, change: { active: false } }, { onSuccess: onClose })}>Deactivate</Button>
                      </Stack>
                    }>
                      {personName(user)} will be signed out everywhere and their API keys revoked.
                    </Alert>
                  ) : (
                    <Box><Button color="error" disabled={!mayChange} onClick={() => setConfirmDeactivate(true)}>Deactivate user…</Button></Box>
                  )
                ) : (
                  <Box><Button disabled={!mayChange} onClick={() => update.mutate({ id: user.id, change: { active: true } }, { onSuccess: onClose })}>Reactivate user</Button></Box>
                )}
              </>
            )}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={saving || !mayChange || !roleNames.length}>{user ? 'Save' : 'Add user'}</Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
