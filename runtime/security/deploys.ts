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
import type { Engine } from '../engine.ts';
import { StrataError } from '../errors.ts';
import type { DeployResult } from '../schema/deploy.ts';
import { actorIdentity, auditAs, type Actor } from './actor.ts';
import { mayManageRoles, requireStudio } from './rights.ts';

/** Who deploys: a person over HTTP, or the system (install, command line). */
export type Deployer = Actor;

export type DeployDoor = 'http' | 'archive' | 'cli' | 'install';

/** At most this many step sentences go into one audit entry; the deploy history keeps them all. */
const AUDITED_STEPS = 500;

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
      dryRun: opts.dryRun, actor: actorIdentity(deployer), mayChangeRoles,
      onApplied: (trx, result) => auditAs(trx, deployer, 'deploy', `${result.package.name}@${result.package.version}`,
        { door: opts.door, version: result.version, steps: result.plan.length, plan: planSentences(result.plan) }),
    });
  } catch (err) {
    if (err instanceof StrataError && err.code === 'needs_role_rights') {
      const pkg = (bundle as { package: { name: string; version: string } }).package;
      await auditAs(engine.knex, deployer, 'deploy.refused', `${pkg.name}@${pkg.version}`,
        { door: opts.door, dryRun: !!opts.dryRun, reason: err.message, roles: err.errors?.map((e) => e.message) });
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
