/** Deploy plans and package problems in words (pure; the DeployDialog shows them). */
import type { PackageBundle } from '../../../metadata/types.ts';
import type { PlanStep } from './types.ts';

/** "12 records have text that is not a number"; one record gets the singular. */
export function countRecords(count: number, reason: string): string {
  if (count !== 1) return `${count} records ${reason}`;
  const one = reason
    .replace(/^(would )?share their /, (_m, w: string | undefined) => `${w ?? ''}${w ? 'share' : 'shares'} its `)
    .replace(/^have /, 'has ')
    .replace(/^hold /, 'holds ');
  return `1 record ${one}`;
}

/** The steps worth showing: a studio save's own version bump says nothing to the admin. */
export function visibleSteps(plan: PlanStep[], hidePackageStep: boolean): PlanStep[] {
  return plan.filter((s) => !(hidePackageStep && s.kind === 'setPackage'));
}

export function isRefused(step: PlanStep): boolean {
  return !!step.refused && step.refused.count > 0;
}

/** "refuses: 12 records have text that is not a number". */
export function refusalText(step: PlanStep): string | undefined {
  return step.refused && step.refused.count > 0 ? `refuses: ${countRecords(step.refused.count, step.refused.reason)}` : undefined;
}

type Json = Record<string, unknown>;

function at(root: unknown, segments: string[]): unknown {
  let cur = root;
  for (const s of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Json)[s];
  }
  return cur;
}

/**
 * Where a problem is, in words: `/objects/0/fields/2/default` → "Vehicle › field Plate ›
 * default". Paths may start with a file name (`objects/vehicle.json/fields/…`); what cannot be
 * read stays as it is.
 */
export function describeProblemPath(bundle: PackageBundle | undefined, path: string): string {
  if (!path) return 'The package';
  const segs = path.replace(/^\//, '').split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const out: string[] = [];
  let i = 0;
  const named = (kind: string, x: unknown, fallback: string) => {
    const o = (x ?? {}) as Json;
    const label = typeof o.label === 'string' ? o.label : undefined;
    const name = typeof o.name === 'string' ? o.name : fallback;
    return `${kind}${label ?? name}`;
  };
  const top = segs[0];
  if (['objects', 'layouts', 'views', 'roles', 'workflows', 'reports', 'dashboards'].includes(top) && segs.length > 1) {
    const list = (bundle as unknown as Json | undefined)?.[top];
    const idx = /^\d+$/.test(segs[1]) ? Number(segs[1]) : -1;
    const item = Array.isArray(list) ? (idx >= 0 ? list[idx] : undefined) : undefined;
    const singular: Record<string, string> = { objects: '', layouts: 'layout ', views: 'list view ', roles: 'role ', workflows: 'workflow ', reports: 'report ', dashboards: 'dashboard ' };
    out.push(named(singular[top], item, segs[1].replace(/\.json$/, '')));
    i = 2;
    if (top === 'objects' && item) {
      if (segs[2] === 'fields' && segs[3] !== undefined) {
        out.push(named('field ', at(item, ['fields', segs[3]]), segs[3]));
        i = 4;
      } else if (segs[2] === 'validationRules' && segs[3] !== undefined) {
        out.push(named('rule ', at(item, ['validationRules', segs[3]]), segs[3]));
        i = 4;
      }
    }
    if (top === 'layouts' && item && segs[2] === 'sections' && segs[3] !== undefined) {
      const s = at(item, ['sections', segs[3]]) as Json | undefined;
      out.push(`section ${typeof s?.label === 'string' ? s.label : Number(segs[3]) + 1}`);
      i = segs[4] === 'columns' && segs[6] === 'fields' ? segs.length : 4;
    }
  }
  const rest = segs.slice(i).filter((s) => s !== '');
  if (rest.length) out.push(rest.join(' › '));
  return out.join(' › ');
}

/** Reads a package bundle from a file's text, or says why it is not one. */
export function parseBundle(text: string): { bundle?: PackageBundle; problem?: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { problem: `The file is not JSON: ${(e as Error).message}` };
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { problem: 'A package bundle is a JSON object with "package", "objects", "layouts"…' };
  const pkg = (data as Json).package as Json | undefined;
  if (!pkg || typeof pkg.name !== 'string' || typeof pkg.version !== 'string') {
    return { problem: 'The bundle needs "package": {"name": …, "version": …}' };
  }
  return { bundle: data as PackageBundle };
}
