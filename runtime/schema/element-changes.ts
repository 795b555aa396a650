/**
 * What a deploy changes inside a role, layout or list view, in words an admin reviews before
 * deploying: "opportunity update own → all", "field account.annual_revenue read → none",
 * "section Details: adds phone". Pure; other element kinds give no details (their step says
 * enough: added, changed or removed).
 */
import type { ElementKind, JsonValue, LayoutDef, LayoutSection, ObjectPermission, RecordAccess, RoleDef, ViewDef } from '../../metadata/types.ts';

const ACTIONS = ['read', 'create', 'update', 'delete'] as const;

function stable(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : val) ?? 'none';
}

/** A record grant as the role editor names it: own, team, all, none, or the filter itself. */
function grantWords(g: RecordAccess | undefined): string {
  if (g === undefined || g === false) return 'none';
  if (g === true) return 'all';
  if (typeof g === 'string') return g;
  return `where ${stable(g)}`;
}

function roleChanges(prev: RoleDef, next: RoleDef): string[] {
  const out: string[] = [];
  const objects = [...new Set([...Object.keys(prev.objects ?? {}), ...Object.keys(next.objects ?? {})])].sort();
  for (const o of objects) {
    const a: ObjectPermission = prev.objects?.[o] ?? {};
    const b: ObjectPermission = next.objects?.[o] ?? {};
    for (const action of ACTIONS) {
      const was = action === 'create' ? (a.create ? 'yes' : 'no') : grantWords(a[action]);
      const now = action === 'create' ? (b.create ? 'yes' : 'no') : grantWords(b[action]);
      if (was !== now) out.push(`${o} ${action} ${was} → ${now}`);
    }
  }
  const fields = [...new Set([...Object.keys(prev.fields ?? {}), ...Object.keys(next.fields ?? {})])].sort();
  for (const f of fields) {
    const was = prev.fields?.[f] ?? 'default';
    const now = next.fields?.[f] ?? 'default';
    if (was !== now) out.push(`field ${f} ${was} → ${now}`);
  }
  const had = new Set(prev.abilities ?? []);
  const has = new Set(next.abilities ?? []);
  for (const ab of has) if (!had.has(ab)) out.push(`ability ${ab} added`);
  for (const ab of had) if (!has.has(ab)) out.push(`ability ${ab} removed`);
  if ((prev.label ?? '') !== (next.label ?? '')) out.push(`label ${JSON.stringify(next.label ?? '')}`);
  return out;
}

/** Where each field sits: section label and column number (1-based). */
function placements(layout: LayoutDef): Map<string, { section: string; column: number }> {
  const at = new Map<string, { section: string; column: number }>();
  for (const s of layout.sections ?? []) {
    (s.columns ?? []).forEach((c, i) => { for (const f of c.fields ?? []) at.set(f, { section: s.label, column: i + 1 }); });
  }
  return at;
}

function layoutChanges(prev: LayoutDef, next: LayoutDef): string[] {
  const out: string[] = [];
  const prevSections = new Set((prev.sections ?? []).map((s) => s.label));
  const nextSections = new Set((next.sections ?? []).map((s) => s.label));
  for (const s of nextSections) if (!prevSections.has(s)) out.push(`section ${s} added`);
  for (const s of prevSections) if (!nextSections.has(s)) out.push(`section ${s} removed`);
  const a = placements(prev);
  const b = placements(next);
  const where = (p: { section: string; column: number }, layout: LayoutDef) => {
    const columns = layout.sections.find((s) => s.label === p.section)?.columns.length ?? 1;
    return columns > 1 ? `${p.section} (column ${p.column})` : p.section;
  };
  for (const [f, p] of b) {
    const was = a.get(f);
    if (!was) out.push(`field ${f} added to section ${where(p, next)}`);
    else if (was.section !== p.section || was.column !== p.column) out.push(`field ${f} moved from ${where(was, prev)} to ${where(p, next)}`);
  }
  for (const [f, p] of a) if (!b.has(f)) out.push(`field ${f} removed from section ${where(p, prev)}`);
  // Fields that stayed in their column but in another order.
  const stayed = (f: string) => a.get(f)?.section === b.get(f)?.section && a.get(f)?.column === b.get(f)?.column;
  for (const s of next.sections ?? []) {
    const before = (prev.sections ?? []).find((x) => x.label === s.label);
    if (!before) continue;
    const order = (l: LayoutSection) => stable(l.columns.map((c) => c.fields.filter(stayed)));
    if (order(before) !== order(s)) out.push(`section ${s.label}: fields reordered`);
  }
  const lists = (l: LayoutDef) => (l.relatedLists ?? []).map((r) => `${r.object}.${r.field}`);
  for (const r of lists(next)) if (!lists(prev).includes(r)) out.push(`related list ${r} added`);
  for (const r of lists(prev)) if (!lists(next).includes(r)) out.push(`related list ${r} removed`);
  if ((prev.label ?? '') !== (next.label ?? '')) out.push(`label ${JSON.stringify(next.label ?? '')}`);
  return out;
}

function listWords(v: string[] | undefined): string {
  return v?.length ? v.join(', ') : 'none';
}

function viewChanges(prev: ViewDef, next: ViewDef): string[] {
  const out: string[] = [];
  const was = prev.columns ?? [];
  const now = next.columns ?? [];
  const added = now.filter((c) => !was.includes(c));
  const removed = was.filter((c) => !now.includes(c));
  if (added.length) out.push(`columns added: ${added.join(', ')}`);
  if (removed.length) out.push(`columns removed: ${removed.join(', ')}`);
  if (!added.length && !removed.length && stable(was) !== stable(now)) out.push(`columns reordered: ${now.join(', ')}`);
  if (stable(prev.filter ?? null) !== stable(next.filter ?? null)) {
    out.push(`filter ${prev.filter ? stable(prev.filter as JsonValue) : 'none'} → ${next.filter ? stable(next.filter as JsonValue) : 'none'}`);
  }
  if (stable(prev.sort ?? []) !== stable(next.sort ?? [])) out.push(`sort ${listWords(prev.sort)} → ${listWords(next.sort)}`);
  if ((prev.type ?? 'table') !== (next.type ?? 'table')) out.push(`type ${prev.type ?? 'table'} → ${next.type ?? 'table'}`);
  if ((prev.groupBy ?? '') !== (next.groupBy ?? '')) out.push(`group by ${prev.groupBy ?? 'none'} → ${next.groupBy ?? 'none'}`);
  if ((prev.label ?? '') !== (next.label ?? '')) out.push(`label ${JSON.stringify(next.label ?? '')}`);
  return out;
}

/** The changes from `prev` to `next` of one element, or none for kinds not described in detail. */
export function elementChanges(kind: ElementKind, prev: unknown, next: unknown): string[] {
  if (kind === 'roles') return roleChanges(prev as RoleDef, next as RoleDef);
  if (kind === 'layouts') return layoutChanges(prev as LayoutDef, next as LayoutDef);
  if (kind === 'views') return viewChanges(prev as ViewDef, next as ViewDef);
  return [];
}
