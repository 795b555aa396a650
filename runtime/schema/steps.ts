/**
 * The steps of a deploy plan: what the planner decides, what a dry run shows, what apply runs.
 * Every step carries what apply needs and reads as a sentence.
 */
import { rollupReturns } from '../../metadata/rollup-type.ts';
import type { ElementKind } from '../../metadata/types.ts';
import type { DeployedField, DeployedIndex, DeployedObject } from '../metadata/deployed.ts';

/** A value bound into SQL (never spliced into its text). */
export type SqlValue = string | number | boolean | null;

/** A data check run before apply: records matching `where` block (or warn about) the step. */
export interface DataCheck {
  /** SQL condition over the object's table with `??` identifier and `?` value placeholders. */
  where: string;
  bindings: SqlValue[];
  /** What a matching record has wrong, e.g. "have text that is not a number". */
  reason: string;
  /** Refuse the deploy when any record matches (else it is only a warning). */
  refuse: boolean;
}

export interface CheckResult { count: number; reason: string; refuse: boolean }

interface StepBase {
  /** Filled in by the preflight: the outcome of the step's data checks. */
  checks?: DataCheck[];
  results?: CheckResult[];
}

export type PlanStep = StepBase & (
  | { kind: 'createObject'; object: DeployedObject }
  | { kind: 'renameObject'; from: string; to: string }
  | { kind: 'updateObject'; object: string; changes: string[] }
  | { kind: 'removeObject'; object: DeployedObject; binName: string }
  | { kind: 'addField'; object: string; field: DeployedField }
  | { kind: 'renameField'; object: string; from: string; to: string }
  | { kind: 'changeFieldType'; object: string; field: DeployedField; previous: DeployedField; fromType: string; toType: string; using: string; usingBindings: SqlValue[] }
  | { kind: 'updateField'; object: string; field: DeployedField; previous: DeployedField; changes: string[] }
  | { kind: 'removeField'; object: string; field: DeployedField; binColumn: string }
  | { kind: 'addIndex'; object: string; index: DeployedIndex }
  | { kind: 'removeIndex'; object: string; index: DeployedIndex }
  | { kind: 'putRule'; object: string; rule: string; created: boolean }
  | { kind: 'removeRule'; object: string; rule: string }
  /** `details`: what changed inside a role, layout or view ("opportunity update own → all"). */
  | { kind: 'putElement'; element: ElementKind; name: string; created: boolean; details?: string[] }
  | { kind: 'removeElement'; element: ElementKind; name: string }
  | { kind: 'setPackage'; name: string; from?: string; to: string }
  /** The owning package states an element an admin customized: the customization is kept. */
  | { kind: 'keepCustomization'; element: string; name: string; by: string }
  /** The owning package dropped an element an admin had customized: the customization is gone with it. */
  | { kind: 'customizationLost'; element: string; name: string; by: string }
);

export type StepKind = PlanStep['kind'];

/**
 * Does this step change who may do what (a role's record or field access, or its abilities)?
 * Such a step needs the rights to manage roles, whatever door the deploy comes through
 * (CONTRACT §3). Renames that carry a role's grants along are not changes of access; an admin's
 * customization kept over a package's role changes nothing.
 */
export function needsRoleRights(step: PlanStep): boolean {
  return (step.kind === 'putElement' || step.kind === 'removeElement') && step.element === 'roles';
}

const singular: Record<ElementKind, string> = {
  layouts: 'layout', views: 'list view', workflows: 'workflow', roles: 'role',
  reports: 'report', dashboards: 'dashboard', extensions: 'extension',
};

function fieldLabel(f: DeployedField): string {
  return f.label ? `${f.label} (${f.name})` : f.name;
}

/** A field's type in a sentence; a rollup also says what it holds ("rollup (date)"), as that may be what changed. */
function typeWords(f: DeployedField): string {
  return f.type === 'rollup' ? `rollup (${rollupReturns(f)})` : f.type;
}

/** The step as a sentence for people ("adds field Priority (priority) to case"). */
export function describeStep(step: PlanStep): string {
  switch (step.kind) {
    case 'createObject': return `creates object ${step.object.name} with ${step.object.fields.length} fields`;
    case 'renameObject': return `renames object ${step.from} to ${step.to}, keeping its records`;
    case 'updateObject': return `changes object ${step.object}: ${step.changes.join(', ')}`;
    case 'removeObject': return `moves object ${step.object.name} and its records to the recycle bin`;
    case 'addField': return `adds field ${fieldLabel(step.field)} (${step.field.type}) to ${step.object}`;
    case 'renameField': return `renames field ${step.object}.${step.from} to ${step.to}, keeping its data`;
    case 'changeFieldType': return `changes field ${step.object}.${step.field.name} from ${typeWords(step.previous)} to ${typeWords(step.field)}`;
    case 'updateField': return `changes field ${step.object}.${step.field.name}: ${step.changes.join(', ')}`;
    case 'removeField': return `moves field ${step.object}.${step.field.name} and its data to the recycle bin`;
    case 'addIndex': return `adds ${step.index.unique ? 'a unique ' : 'an '}index on ${step.object} (${step.index.fields.join(', ')})`;
    case 'removeIndex': return `removes the index on ${step.object} (${step.index.fields.join(', ')})`;
    case 'putRule': return `${step.created ? 'adds' : 'changes'} validation rule ${step.rule} on ${step.object}`;
    case 'removeRule': return `removes validation rule ${step.rule} from ${step.object}`;
    case 'putElement': return `${step.created ? 'adds' : 'changes'} ${singular[step.element]} ${step.name}`;
    case 'removeElement': return `removes ${singular[step.element]} ${step.name}`;
    case 'keepCustomization': return `keeps the admin's version of ${step.element} ${step.name} (from ${step.by}) over the package's`;
    case 'customizationLost': return `no longer applies the customization of ${step.element} ${step.name} (from ${step.by}): the package removed it`;
    case 'setPackage': return step.from
      ? `upgrades package ${step.name} from ${step.from} to ${step.to}`
      : `installs package ${step.name} ${step.to}`;
  }
}

/**
 * "3 records have text that is not a number", "1 record has …": a check's reason is written
 * for many records (have, share their, hold); one record gets the singular.
 */
export function countRecords(count: number, reason: string): string {
  if (count !== 1) return `${count} records ${reason}`;
  const one = reason
    .replace(/^(would )?share their /, (_m, w: string | undefined) => `${w ?? ''}${w ? 'share' : 'shares'} its `)
    .replace(/^have /, 'has ')
    .replace(/^hold /, 'holds ');
  return `1 record ${one}`;
}

/** Refusals found by the preflight, as sentences. */
export function refusals(steps: PlanStep[]): string[] {
  const out: string[] = [];
  for (const s of steps) {
    for (const r of s.results ?? []) {
      if (r.refuse && r.count > 0) out.push(`refuses to ${describeStep(s).replace(/^(\w+)s /, '$1 ')}: ${countRecords(r.count, r.reason)}`);
    }
  }
  return out;
}
