/**
 * The component names of each object's schemas (`Account`, `AccountInput`, …) and its
 * operation ids.
 */
import type { DeployedObject } from '../metadata/deployed.ts';
import { staticSchemas } from './static-components.ts';

const RESERVED = new Set(Object.keys(staticSchemas()));
const SUFFIXES = ['', 'Input', 'Patch', 'List', 'BulkRecord'] as const;

export interface ObjectNames { read: string; input: string; patch: string; list: string; bulkRecord: string; op: string }

function pascal(name: string): string {
  return name.split('_').filter(Boolean).map((s) => s[0].toUpperCase() + s.slice(1)).join('');
}

/** Component names per object, unique across objects and never a static schema's name. */
export function componentNames(objects: DeployedObject[]): Map<string, ObjectNames> {
  const taken = new Set(RESERVED);
  const out = new Map<string, ObjectNames>();
  for (const o of objects) {
    const base0 = pascal(o.name);
    let base = base0;
    for (let n = 1; SUFFIXES.some((s) => taken.has(base + s)); n++) base = `${base0}Object${n > 1 ? n : ''}`;
    for (const s of SUFFIXES) taken.add(base + s);
    out.set(o.name, { read: base, input: `${base}Input`, patch: `${base}Patch`, list: `${base}List`, bulkRecord: `${base}BulkRecord`, op: base });
  }
  return out;
}
