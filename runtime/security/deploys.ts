/**
 * Deploying as someone, from any door: the studio and scripts over HTTP, an uploaded archive,
 * the `strata deploy` command line. One place decides who may deploy and who may change roles
 * through a deploy, and writes every applied deploy to the audit log with its actor and plan.
 *
 * - A person needs the `studio` ability to deploy, and the rights to manage roles (an admin,
 *   or the `manageUsers` ability) for a plan that puts or removes a role (CONTRACT §3). A dry
 *   run is checked alike.
 * - The command line runs on the machine, as whoever owns the data directory or holds
 *   DATABASE_URL, who could change the database directly: it deploys as the system, with full
 *   rights, and is audited as `cli` with the operating-system user.
 */
import { userInfo } from 'node:os';
import type { Knex } from 'knex';
import type { Engine } from '../engine.ts';
import { StrataError, forbidden } from '../errors.ts';
import type { RegistryDoc } from '../metadata/deployed.ts';
import type { DeployResult } from '../schema/deploy.ts';
import { audit } from './audit.ts';
import { policyFor, type PolicySubject } from './policy.ts';
import { isAdmin } from './roles.ts';
import type { User } from './users.ts';

export type Deployer =
  /** A signed-in person or an API key (`user.roles` as authenticated: a key's role only). */
  | { kind: 'user'; user: User; ip?: string; apiKeyId?: string }
  /** The engine itself (installing crm-core) or the command line. */
  | { kind: 'system'; name: 'system' | 'cli' };

export type DeployDoor = 'http' | 'archive' | 'cli' | 'install';

/** Managing roles: the built-in admin, or a holder of `manageUsers` (who hands roles out). */
export function mayManageRoles(registry: RegistryDoc, subject: PolicySubject): boolean {
  return isAdmin(subject) || policyFor(registry, subject).hasAbility('manageUsers');
}

/** Deploying, exporting and the recycle bin belong to admins and holders of `studio`. */
export function mayUseStudio(registry: RegistryDoc, subject: PolicySubject): boolean {
  return policyFor(registry, subject).hasAbility('studio');
}

export function requireStudio<T extends PolicySubject>(registry: RegistryDoc, subject: T): T {
  if (!mayUseStudio(registry, subject)) throw forbidden('This needs the studio ability');
  return subject;
}

/** The command line's deployer: the system, named after the OS user running it. */
export const CLI_DEPLOYER: Deployer = { kind: 'system', name: 'cli' };

function actorOf(deployer: Deployer): { id?: string; email: string } {
  return deployer.kind === 'user' ? { id: deployer.user.id, email: deployer.user.email } : { email: deployer.name };
}

function osUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined; // no passwd entry (some containers)
  }
}

/** At most this many step sentences go into one audit entry; the deploy history keeps them all. */
const AUDITED_STEPS = 500;

async function auditDeploy(trx: Knex.Transaction | Knex, action: 'deploy' | 'deploy.refused', deployer: Deployer, door: DeployDoor,
  pkg: { name: string; version: string }, detail: Record<string, unknown>): Promise<void> {
  const actor = actorOf(deployer);
  await audit(trx, {
    action, actorId: actor.id ?? null, actorEmail: actor.email, target: `${pkg.name}@${pkg.version}`,
    ip: deployer.kind === 'user' ? deployer.ip ?? null : null,
    detail: {
      door,
      ...(deployer.kind === 'user' && deployer.apiKeyId ? { apiKey: deployer.apiKeyId } : {}),
      ...(deployer.kind === 'system' && deployer.name === 'cli' ? { osUser: osUser() } : {}),
      ...detail,
    },
  });
}

function planSentences(plan: DeployResult['plan']): string[] {
  return plan.slice(0, AUDITED_STEPS).map((s) => (s.needsRoleRights ? `${s.description} [role]` : s.description));
}

/**
 * Deploys `bundle` (already read from its folder, archive or JSON) as `deployer`. An applied
 * deploy and its audit entry commit together; a refusal for lack of role rights is audited too.
 */
export async function deployAs(engine: Pick<Engine, 'deploy' | 'registry' | 'knex'>, deployer: Deployer, bundle: unknown,
  opts: { dryRun?: boolean; door: DeployDoor }): Promise<DeployResult> {
  const registry = engine.registry.current;
  if (deployer.kind === 'user') requireStudio(registry, deployer.user);
  const mayChangeRoles = deployer.kind === 'system' || mayManageRoles(registry, deployer.user);
  try {
    return await engine.deploy(bundle, {
      dryRun: opts.dryRun, actor: actorOf(deployer), mayChangeRoles,
      onApplied: (trx, result) => auditDeploy(trx, 'deploy', deployer, opts.door, result.package,
        { version: result.version, steps: result.plan.length, plan: planSentences(result.plan) }),
    });
  } catch (err) {
    if (err instanceof StrataError && err.code === 'needs_role_rights') {
      const pkg = (bundle as { package: { name: string; version: string } }).package;
      await auditDeploy(engine.knex, 'deploy.refused', deployer, opts.door, pkg,
        { dryRun: !!opts.dryRun, reason: err.message, roles: err.errors?.map((e) => e.message) });
    }
    throw err;
  }
}

/**
 * An uploaded archive is only unpacked (the studio then shows its dry run), but one that a
 * caller could not deploy is refused here already, by the same check: a dry run as them. Those
 * who may manage roles cannot be refused by it, so they skip the dry run.
 */
export async function checkArchiveAs(engine: Pick<Engine, 'deploy' | 'registry' | 'knex'>, deployer: Deployer, bundle: unknown): Promise<void> {
  if (deployer.kind === 'system' || mayManageRoles(engine.registry.current, deployer.user)) return;
  try {
    await deployAs(engine, deployer, bundle, { dryRun: true, door: 'archive' });
  } catch (err) {
    // A problem with the package is the studio's dry run to show, with the archive's own file paths.
    if (!(err instanceof StrataError) || err.code === 'needs_role_rights' || err.status >= 500) throw err;
  }
}
