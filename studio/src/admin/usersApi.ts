/** The Users screen's server state: users, their API keys, the audit log, and the changes to them. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import type { User } from '../api/types.ts';

export interface ApiKeyInfo { id: string; name: string; prefix: string; role: string | null; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }
export interface AuditEntry { id: number; at: string; actorId: string | null; actorEmail: string | null; action: string; target: string | null; ip: string | null; detail: unknown }
export interface NewUserInput { email: string; name?: string; roles: string[]; manager?: string | null; password: string }
export interface RoleOption { name: string; label: string }
export interface UserChange { name?: string | null; roles?: string[]; manager?: string | null; active?: boolean }

export function useUsers() {
  return useQuery({ queryKey: ['users'], queryFn: () => api<User[]>('/api/users') });
}

export function useGrantableRoles() {
  return useQuery({ queryKey: ['users', 'roles'], queryFn: () => api<RoleOption[]>('/api/users/roles'), staleTime: 60_000 });
}

export function useUserKeys(id: string | undefined) {
  return useQuery({ queryKey: ['users', id, 'api-keys'], queryFn: () => api<ApiKeyInfo[]>(`/api/users/${id}/api-keys`), enabled: !!id });
}

export function useAuditLog(enabled: boolean) {
  return useQuery({ queryKey: ['audit'], queryFn: () => api<AuditEntry[]>('/api/audit?limit=200'), enabled, refetchInterval: 30_000 });
}

/** Every change re-reads the users and the audit log, which now has a line about it. */
function useUserMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['users'] });
      void qc.invalidateQueries({ queryKey: ['audit'] });
    },
  });
}

export const useCreateUser = () => useUserMutation((v: NewUserInput) => api<User>('/api/users', { method: 'POST', body: v }));
export const useUpdateUser = () => useUserMutation((v: { id: string; change: UserChange }) => api<User>(`/api/users/${v.id}`, { method: 'PATCH', body: v.change }));
export const useResetMfa = () => useUserMutation((id: string) => api<void>(`/api/users/${id}/mfa/reset`, { method: 'POST' }));
export const useRevokeKey = () => useUserMutation((v: { userId: string; keyId: string }) => api<void>(`/api/users/${v.userId}/api-keys/${v.keyId}`, { method: 'DELETE' }));

/** A temporary password for a new user, shown once to the admin who passes it on. */
export function temporaryPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
}

/** How a person is named on screen. */
export const personName = (u: Pick<User, 'name' | 'email'>) => u.name || u.email;
