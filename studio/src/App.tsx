/**
 * Routes: sign-in, the end-user screens under /app, the studio under /studio. The app frame
 * comes with the first file (it is the first screen after sign-in); other screens load lazily.
 */
import { lazy, Suspense, useEffect } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { Box, CircularProgress } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { setUnauthorizedHandler } from './api/client.ts';
import { useMe } from './api/hooks.ts';
import { SignIn } from './app/SignIn.tsx';

import AppShell from './app/AppShell.tsx';
const StudioShell = lazy(() => import('./admin/StudioShell.tsx'));

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <Box role="status" aria-label={label} sx={{ display: 'flex', justifyContent: 'center', p: 6 }}>
      <CircularProgress aria-hidden />
    </Box>
  );
}

function RequireUser({ children }: { children: React.ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading label="Checking your session" />;
  if (me.isError) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <>{children}</>;
}

export function App() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      qc.removeQueries({ queryKey: ['me'] });
      if (!location.pathname.startsWith('/login')) navigate(`/login?next=${encodeURIComponent(location.pathname)}`);
    });
  }, [qc, navigate]);
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route path="/login" element={<SignIn />} />
        <Route path="/app/*" element={<RequireUser><AppShell /></RequireUser>} />
        <Route path="/studio/*" element={<RequireUser><StudioShell /></RequireUser>} />
        <Route path="*" element={<Navigate to="/app" replace />} />
      </Routes>
    </Suspense>
  );
}
