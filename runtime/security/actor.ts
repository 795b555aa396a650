/**
 * Who does something that the audit log records: a person (signed in, or through one of their
 * API keys), or the system itself (installing crm-core; the `strata` command line, which runs
 * on the machine as whoever may already change the database, so it acts with full rights and
 * is recorded as `cli` with the operating-system user).
 */
import { userInfo } from 'node:os';
import type { Knex } from 'knex';
import { audit } from './audit.ts';
import type { User } from './users.ts';

/** A person: `user.roles` as authenticated (through a key with a role, that role only). */
export interface UserActor {
  kind: 'user';
  user: User;
  ip?: string;
  apiKeyId?: string;
  /** The role the key in use is limited to (null: the key acts with all its owner's roles). */
  apiKeyRole?: string | null;
}

export type Actor = UserActor | { kind: 'system'; name: 'system' | 'cli' };

export const CLI_ACTOR: Actor = { kind: 'system', name: 'cli' };
export const SYSTEM_ACTOR: Actor = { kind: 'system', name: 'system' };

/** The id and email recorded for the actor (a system actor has no id; its name stands for the email). */
export function actorIdentity(actor: Actor): { id?: string; email: string } {
  return actor.kind === 'user' ? { id: actor.user.id, email: actor.user.email } : { email: actor.name };
}

function osUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined; // no passwd entry (some containers)
  }
}

/** Writes one audit entry for what `actor` did, with where from (address, key, OS user). */
export async function auditAs(knex: Knex | Knex.Transaction, actor: Actor, action: string, target: string | null, detail: Record<string, unknown> = {}): Promise<void> {
  const who = actorIdentity(actor);
  await audit(knex, {
    action, actorId: who.id ?? null, actorEmail: who.email, target,
    ip: actor.kind === 'user' ? actor.ip ?? null : null,
    detail: {
      ...(actor.kind === 'user' && actor.apiKeyId ? { apiKey: actor.apiKeyId } : {}),
      ...(actor.kind === 'system' && actor.name === 'cli' ? { osUser: osUser() } : {}),
      ...detail,
    },
  });
}
