/** The studio's server state: metadata with ownership, the custom package, the recycle bin, deploys. */
import { useQuery, type QueryClient } from '@tanstack/react-query';
import type { PackageBundle } from '../../../metadata/types.ts';
import { api, ApiError } from '../api/client.ts';
import { useMe } from '../api/hooks.ts';
import { customBase } from './customBundle.ts';
import type { BinEntry, DeployResult, StudioMetadata } from './types.ts';

/** Same cache entry as the app's useMetadata: the studio reads the ownership it carries too. */
export function useStudioMetadata() {
  return useQuery({ queryKey: ['metadata'], queryFn: () => api<StudioMetadata>('/api/metadata'), staleTime: 30_000 });
}

export async function fetchCustomExport(): Promise<PackageBundle | null> {
  try {
    return await api<PackageBundle>('/api/metadata/export?package=custom');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** What the admin customized so far (null when nothing yet). */
export function useCustomExport() {
  return useQuery({ queryKey: ['studio', 'export', 'custom'], queryFn: fetchCustomExport });
}

/** Fresh state for a deploy: never a cached bundle, or an earlier customization could be lost. */
export async function freshState(qc: QueryClient): Promise<{ meta: StudioMetadata; base: PackageBundle }> {
  const [meta, exported] = await Promise.all([
    qc.fetchQuery({ queryKey: ['metadata'], queryFn: () => api<StudioMetadata>('/api/metadata'), staleTime: 0 }),
    fetchCustomExport(),
  ]);
  return { meta, base: customBase(exported ?? undefined, meta.objects) };
}

export function deployBundle(bundle: PackageBundle, dryRun: boolean): Promise<DeployResult> {
  return api<DeployResult>(`/api/metadata/deploy?dryRun=${dryRun}`, { method: 'POST', body: bundle });
}

export function useRecycleBin() {
  return useQuery({ queryKey: ['studio', 'recycle-bin'], queryFn: () => api<BinEntry[]>('/api/metadata/recycle-bin'), retry: false });
}

/**
 * Who may use the studio: admins, and roles with the `studio` ability; holders of `manageUsers`
 * may open its Users screen only.
 */
export function useStudioAccess(): { pending: boolean; allowed: boolean; admin: boolean; studio: boolean; users: boolean } {
  const me = useMe();
  const meta = useStudioMetadata();
  if (me.isPending || meta.isPending) return { pending: true, allowed: false, admin: false, studio: false, users: false };
  const roles = me.data?.roles ?? [];
  const admin = roles.includes('admin');
  const studio = admin || (meta.data?.roles ?? []).some((r) => roles.includes(r.name) && (r.abilities ?? []).includes('studio'));
  const users = admin || (me.data?.abilities ?? []).includes('manageUsers');
  return { pending: false, allowed: studio || users, admin, studio, users };
}

/** Saves JSON as a file in the browser's downloads. */
export function downloadJson(filename: string, data: unknown): void {
  const blob = new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A message for an error from the API or anywhere else. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
