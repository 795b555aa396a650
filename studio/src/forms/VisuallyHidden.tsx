/**
 * Text for screen readers and accessible names only. Used instead of aria-label on icon links
 * inside forms, so that `getByLabel('Email')` finds the Email field, not the "Email …" link.
 */
import type { ReactNode } from 'react';

const style = {
  position: 'absolute', width: 1, height: 1, padding: 0, margin: -1, overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap', border: 0,
} as const;

export function VisuallyHidden({ children }: { children: ReactNode }) {
  return <span style={style}>{children}</span>;
}
