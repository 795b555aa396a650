/**
 * A deploy, start to end: validate the package whole (nothing runs if anything is wrong),
 * then in ONE transaction under an advisory lock: read the live registry, plan, apply with data
 * checks, compute backfills, save the new registry version and the deploy history. A dry run
 * or a refused step rolls it all back.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { withoutDerivedType } from '../../metadata/rollup-type.ts';
import type { FieldDef, ObjectDef, PackageBundle } from '../../metadata/types.ts';
import { SYSTEM_SCHEMA } from '../db/names.ts';
import { LOCKS } from '../db/system.ts';
import { StrataError } from '../errors.ts';
import type { RegistryDoc } from '../metadata/deployed.ts';
import { loadRegistry, saveRegistry } from '../metadata/registry-store.ts';
import { validateBundle } from '../metadata/validate.ts';
import { applySteps } from './apply.ts';
import { reconcileSearchIndexes } from './search-index.ts';
import { danglingReferences, planDeploy, type DanglingReference } from './plan.ts';
import { countRecords, describeStep, needsRoleRights, refusals, type PlanStep } from './steps.ts';

export interface Actor { id?: string; email?: string }

/** Computes stored values of new or changed formula and rollup fields, inside the deploy. */
export type Backfill = (trx: Knex.Transaction, registry: RegistryDoc, items: Array<{ object: string; field: string }>) => Promise<void>;

export interface DeployOptions {
  dryRun?: boolean;
  actor?: Actor;
  backfill?: Backfill;
  /**
   * May this deploy put or remove roles? Undefined means yes (the engine's own installs and
   * tests); every door a person comes through decides it in runtime/security/deploys.ts.
   */
  mayChangeRoles?: boolean;
  /** Runs in the deploy's transaction once it is saved (the audit entry: no deploy without one). */
  onApplied?: (trx: Knex.Transaction, result: DeployResult) => Promise<void>;
}

export interface StepSummary {
  kind: PlanStep['kind'];
  description: string;
  object?: string;
  field?: string;
  refused?: { count: number; reason: string };
  warnings?: Array<{ count: number; reason: string }>;
  /** The step changes a role: only those who may manage roles may deploy it. */
  needsRoleRights?: true;
  /** What changed inside a role, layout or view, one line each. */
  details?: string[];
}

export interface DeployResult {
  package: { name: string; version: string };
  plan: StepSummary[];
  applied: boolean;
  dryRun: boolean;
  /** Registry version live after this call. */
  version: number;
  refusals: string[];
}

export function summarize(step: PlanStep): StepSummary {
  const s: StepSummary = { kind: step.kind, description: describeStep(step) };
  if ('object' in step) s.object = typeof step.object === 'string' ? step.object : step.object.name;
  if ('field' in step) s.field = step.field.name;
  const refused = step.results?.find((r) => r.refuse && r.count > 0);
  if (refused) s.refused = { count: refused.count, reason: refused.reason };
  const warnings = step.results?.filter((r) => !r.refuse && r.count > 0);
  if (warnings?.length) s.warnings = warnings.map((w) => ({ count: w.count, reason: w.reason }));
  if (needsRoleRights(step)) s.needsRoleRights = true;
  if (step.kind === 'putElement' && step.details?.length) s.details = step.details;
  return s;
}

class Rollback extends Error {}

/** 403 naming each role the plan would put or remove, with the plan (its steps marked). */
function roleRightsNeeded(bundle: PackageBundle, steps: PlanStep[]): StrataError {
  const gated = steps.filter(needsRoleRights);
  const stated = new Map((bundle.roles ?? []).map((r, i) => [r.name, i]));
  return new StrataError(403, 'needs_role_rights',
    `This deploy changes ${gated.length} role${gated.length === 1 ? '' : 's'}: that needs an admin or the manageUsers ability`,
    gated.map((s) => {
      const name = 'name' in s ? s.name : '';
      const i = stated.get(name);
      return { field: i === undefined ? '/roles' : `/roles/${i}`, code: 'needs_role_rights', message: `${describeStep(s)}: only those who may manage roles may` };
    }),
    { plan: steps.map(summarize), applied: false });
}

/**
 * A package may state only part of another package's object (the fields, rules or layouts it
 * adds). For validation, such an object also has the fields already deployed on it, appended
 * after the package's own so that problem paths still point into the package.
 */
function withDeployedFields(input: unknown, current: RegistryDoc, pkgName: unknown): unknown {
  const objects = (input as { objects?: unknown } | null)?.objects;
  if (!Array.isArray(objects)) return input;
  const merged = objects.map((o: unknown) => {
    if (!o || typeof o !== 'object' || !Array.isArray((o as ObjectDef).fields)) return o;
    const obj = o as ObjectDef;
    const deployed = current.objects.find((d) => d.name === obj.name && d.package !== pkgName);
    if (!deployed) return o;
    const stated = new Set(obj.fields.map((f) => (f as { name?: unknown }).name));
    const renamedAway = new Set(obj.fields.map((f) => (f as { renamedFrom?: unknown }).renamedFrom).filter(Boolean));
    const extra = deployed.fields
      .filter((f) => !stated.has(f.name) && !renamedAway.has(f.name))
      .map(({ id: _i, package: _p, customizedBy: _c, ...f }) => withoutDerivedType(f as FieldDef));
    return { ...obj, fields: [...obj.fields, ...extra] };
  });
  return { ...(input as object), objects: merged };
}

export async function deployBundle(knex: Knex, input: unknown, opts: DeployOptions = {}): Promise<DeployResult> {
  const current = await loadRegistry(knex);
  const pkgName = (input as { package?: { name?: unknown } } | null)?.package?.name;
  const problems = validateBundle(withDeployedFields(input, current, pkgName), {
    deployedObjects: current.objects.filter((o) => o.package !== pkgName),
    deployedReports: current.reports.filter((r) => r.package !== pkgName),
  });
  if (problems.length) {
    throw new StrataError(400, 'invalid_package', `The package has ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
      problems.map((p) => ({ field: p.file ? `${p.file}${p.path}` : p.path, code: p.code, message: p.message })));
  }
  const bundle = input as PackageBundle;
  let result: DeployResult | undefined;
  let dangling: DanglingReference[] = [];
  try {
    await knex.transaction(async (trx) => {
      // Deploys queue up here; each plans against the registry the previous one left.
      await trx.raw('SELECT pg_advisory_xact_lock(?)', [LOCKS.deploy]);
      const live = await loadRegistry(trx);
      const plan = planDeploy(live, bundle, { newId: randomUUID });
      // Checked against the plan, not the bundle: removing a role changes access too. A dry
      // run is refused alike, so nobody learns what they could not deploy by asking.
      if (opts.mayChangeRoles === false && plan.steps.some(needsRoleRights)) throw roleRightsNeeded(bundle, plan.steps);
      // An object another package still points at stays: nothing runs.
      dangling = danglingReferences(plan);
      const applied = dangling.length
        ? { steps: plan.steps, refused: true, backfill: [] }
        : await applySteps(trx, plan.steps, { actorId: opts.actor?.id });
      if (!applied.refused && applied.backfill.length && opts.backfill) {
        await opts.backfill(trx, plan.next, applied.backfill);
      }
      const willApply = !opts.dryRun && !applied.refused && plan.steps.length > 0;
      result = {
        package: { name: bundle.package.name, version: bundle.package.version },
        plan: applied.steps.map(summarize),
        applied: willApply,
        dryRun: !!opts.dryRun,
        version: willApply ? plan.next.version : live.version,
        refusals: [
          ...dangling.map((d) => `refuses to move object ${d.target} to the recycle bin: field ${d.object}.${d.field} of package ${d.package} points at it`),
          ...refusals(applied.steps),
        ],
      };
      if (!willApply) throw new Rollback();
      await reconcileSearchIndexes(trx, plan.next.objects);
      await saveRegistry(trx, plan.next);
      await trx.raw(
        `INSERT INTO ${SYSTEM_SCHEMA}.deploys (registry_version, package, package_version, deployed_by, deployed_by_email, plan, bundle)
         VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)`,
        [plan.next.version, bundle.package.name, bundle.package.version, opts.actor?.id ?? null, opts.actor?.email ?? null,
          JSON.stringify(result.plan), JSON.stringify(bundle)],
      );
      if (opts.onApplied) await opts.onApplied(trx, result);
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  const out = result!;
  if (out.refusals.length && !opts.dryRun) {
    throw new StrataError(409, 'deploy_refused', out.refusals.join('; '), [
      ...dangling.map((d) => ({
        field: `objects/${d.target}`, code: 'still_referenced',
        message: `field ${d.object}.${d.field} of package ${d.package} points at ${d.target}`,
      })),
      ...out.plan.filter((s) => s.refused).map((s) => ({
        field: s.field ? `objects/${s.object}/fields/${s.field}` : `objects/${s.object ?? ''}`,
        code: 'conversion_refused',
        message: countRecords(s.refused!.count, s.refused!.reason),
      })),
    ], { plan: out.plan, applied: false });
  }
  return out;
}
