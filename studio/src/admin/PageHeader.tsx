/** A studio page's heading row: title, an optional line under it, and actions on the right. */
import type { ReactNode } from 'react';
import { Box, Typography } from '@mui/material';

export function PageHeader({ title, subtitle, actions, level = 1 }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode; level?: 1 | 2 }) {
  return (
    <Box sx={{ display: 'flex', alignItems: { xs: 'flex-start', sm: 'center' }, flexDirection: { xs: 'column', sm: 'row' }, gap: 1, mb: 2 }}>
      <Box sx={{ flex: 1, minWidth: 0 }}>
        <Typography variant={level === 1 ? 'h5' : 'h6'} component={level === 1 ? 'h1' : 'h2'} sx={{ overflowWrap: 'anywhere' }}>{title}</Typography>
        {subtitle && <Typography variant="body2" color="text.secondary" component="div">{subtitle}</Typography>}
      </Box>
      {actions && <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>{actions}</Box>}
    </Box>
  );
}

/** A friendly empty state: what is missing and what to do. */
export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <Box sx={{ textAlign: 'center', py: 5, px: 2 }} role="status">
      <Typography variant="subtitle1" component="p" sx={{ fontWeight: 600 }}>{title}</Typography>
      {children && <Typography color="text.secondary" sx={{ mt: 0.5, mb: 2 }} component="div">{children}</Typography>}
      {action}
    </Box>
  );
}
