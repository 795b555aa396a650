/** Each page names itself in the document title (the browser tab, history, screen readers). */
import { useEffect } from 'react';

/** `enabled` false: another component names this page. */
export function usePageTitle(page: string | undefined, product = 'Strata', enabled = true): void {
  useEffect(() => {
    if (enabled) document.title = page ? `${page} · ${product}` : product;
  }, [page, product, enabled]);
}
