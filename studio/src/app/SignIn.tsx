/** Sign-in: Email, Password, Sign in; then the code from an authenticator app when MFA is on. */
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Alert, Box, Button, Paper, Stack, TextField, Typography } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api/client.ts';
import type { User } from '../api/types.ts';
import { usePageTitle } from '../usePageTitle.ts';

export function SignIn() {
  usePageTitle('Sign in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const qc = useQueryClient();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ user: User }>('/api/auth/login', { body: { email, password, ...(needsCode ? { totp } : {}) } });
      qc.setQueryData(['me'], res.user);
      const next = params.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/app', { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'mfa_required') {
        setNeedsCode(true);
      } else {
        setError(err instanceof ApiError ? err.message : 'Cannot reach the server');
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Box component="main" sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', p: 2, bgcolor: 'background.default' }}>
      <Paper component="form" onSubmit={submit} sx={{ p: 4, width: '100%', maxWidth: 400 }} aria-labelledby="signin-title">
        <Stack spacing={2}>
          <Typography id="signin-title" variant="h5" component="h1">Sign in to Strata</Typography>
          {error && <Alert severity="error" role="alert">{error}</Alert>}
          <TextField label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus={!needsCode} disabled={needsCode} />
          <TextField label="Password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} disabled={needsCode} />
          {needsCode && (
            <TextField label="Authentication code" inputMode="numeric" autoComplete="one-time-code" required autoFocus value={totp}
              onChange={(e) => setTotp(e.target.value.replace(/\D/g, '').slice(0, 6))} helperText="The 6-digit code from your authenticator app" />
          )}
          <Button type="submit" variant="contained" size="large" disabled={busy}>{needsCode ? 'Verify' : 'Sign in'}</Button>
        </Stack>
      </Paper>
    </Box>
  );
}
