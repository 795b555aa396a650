/**
 * "Skip to main content": the first thing a keyboard reaches on every page, hidden until
 * focused, so the top bar and the navigation need not be tabbed through each time.
 */
import { Link } from '@mui/material';

export const MAIN_ID = 'main';

export function SkipLink() {
  return (
    <Link
      href={`#${MAIN_ID}`}
      onClick={(e) => {
        e.preventDefault();
        document.getElementById(MAIN_ID)?.focus();
      }}
      sx={{
        position: 'fixed', left: 8, top: -48, zIndex: (t) => t.zIndex.tooltip + 1, px: 2, py: 1, borderRadius: 1,
        bgcolor: 'background.paper', color: 'primary.main', fontWeight: 600, boxShadow: 3,
        '&:focus': { top: 8 },
      }}
    >
      Skip to main content
    </Link>
  );
}
