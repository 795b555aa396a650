/**
 * The audit log beside the Users screen: who did what to whom, newest first, in words. With a
 * person picked, only lines they did or that were done to them.
 */
import { Alert, Box, Button, List, ListItem, ListItemText, Paper, Typography } from '@mui/material';
import { Loading } from '../App.tsx';
import type { User } from '../api/types.ts';
import { errorText } from './studioApi.ts';
import { personName, useAuditLog, type AuditEntry } from './usersApi.ts';

const ACTIONS: Record<string, string> = {
  'user.create': 'created the user',
  'user.update': 'changed',
  login: 'signed in',
  'login.failed': 'failed to sign in',
  'api_key.create': 'created an API key',
  'api_key.revoke': 'revoked an API key of',
  'api_key.use': 'used an API key',
  'mfa.enable': 'turned on multi-factor sign-in',
  'mfa.reset': 'reset multi-factor sign-in of',
  deploy: 'deployed',
  'metadata.restore': 'restored',
};

/** What a user.update changed, in words: "roles → sales_rep; deactivated". */
function changeText(detail: unknown): string {
  if (!detail || typeof detail !== 'object') return '';
  const d = detail as Record<string, unknown>;
  const parts: string[] = [];
  if (d.active === false) parts.push('deactivated');
  if (d.active === true) parts.push('reactivated');
  const roles = d.roles ?? (d.role === undefined ? undefined : [d.role]);
  if (Array.isArray(roles)) parts.push(`roles → ${roles.join(', ')}`);
  if (d.manager !== undefined) parts.push(d.manager === null ? 'manager removed' : 'manager changed');
  if (d.name !== undefined) parts.push('name changed');
  if (d.password !== undefined) parts.push('password set');
  return parts.join('; ');
}

export function auditLine(e: AuditEntry, users: User[]): string {
  const byId = new Map(users.map((u) => [u.id, u]));
  const actor = e.actorEmail ?? (e.actorId ? byId.get(e.actorId)?.email : undefined) ?? 'Someone';
  const verb = ACTIONS[e.action] ?? e.action;
  const target = e.target && e.target !== actor && !/^[0-9a-f-]{36}$/i.test(e.target) ? ` ${e.target}` : '';
  const more = e.action === 'user.update' ? changeText(e.detail) : '';
  return `${actor} ${verb}${target}${more ? `: ${more}` : ''}`;
}

function concerns(e: AuditEntry, u: User): boolean {
  return e.actorId === u.id || e.actorEmail === u.email || e.target === u.email || e.target === u.id;
}

export function AuditLogPanel({ admin, users, person, onShowAll }: { admin: boolean; users: User[]; person?: User; onShowAll: () => void }) {
  const log = useAuditLog(admin);
  const entries = (log.data ?? []).filter((e) => !person || concerns(e, person));
  return (
    <Paper component="section" aria-labelledby="audit-title" sx={{ p: 2 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1 }}>
        <Typography id="audit-title" variant="h6" component="h2" sx={{ flex: 1 }}>
          {person ? `Audit log: ${personName(person)}` : 'Audit log'}
        </Typography>
        {person && <Button size="small" onClick={onShowAll}>Show everyone</Button>}
      </Box>
      {!admin ? (
        <Typography color="text.secondary">Only admins may read the audit log.</Typography>
      ) : log.isPending ? (
        <Loading label="Loading the audit log" />
      ) : log.isError ? (
        <Alert severity="error">Could not load the audit log: {errorText(log.error)}</Alert>
      ) : entries.length === 0 ? (
        <Typography color="text.secondary">Nothing recorded yet.</Typography>
      ) : (
        <List dense aria-label="Audit log entries" sx={{ maxHeight: { md: '70vh' }, overflowY: 'auto' }}>
          {entries.map((e) => (
            <ListItem key={e.id} disableGutters divider>
              <ListItemText
                primary={auditLine(e, users)}
                secondary={`${new Date(e.at).toLocaleString()}${e.ip ? ` · ${e.ip}` : ''}`}
                slotProps={{ primary: { sx: { overflowWrap: 'anywhere' } } }}
              />
            </ListItem>
          ))}
        </List>
      )}
    </Paper>
  );
}
