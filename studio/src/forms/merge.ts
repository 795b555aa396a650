/**
 * Someone else saved the record while this person edited it: put their edits on top of the
 * version stored now. Fields only one side changed merge by themselves; a field both changed
 * to different values is a conflict the person settles (theirs or mine). Pure.
 */
import type { Values } from './context.ts';
import { sameValue } from './layout.ts';

export interface FieldConflict { field: string; mine: unknown; theirs: unknown }

export interface Rebased {
  /** The form's values on the stored version: theirs, then every change of mine (conflicts keep mine until chosen). */
  values: Values;
  /** Fields this person changed. */
  mine: string[];
  conflicts: FieldConflict[];
}

/** `editable`: the form's fields; `base`: the version the edits started from; `fresh`: the version stored now. */
export function rebase(editable: readonly string[], base: Values, fresh: Values, current: Values): Rebased {
  const values: Values = {};
  for (const n of editable) if (fresh[n] !== null && fresh[n] !== undefined) values[n] = fresh[n];
  const mine: string[] = [];
  const conflicts: FieldConflict[] = [];
  for (const n of editable) {
    if (sameValue(current[n], base[n])) continue;
    mine.push(n);
    values[n] = current[n];
    const theirsChanged = !sameValue(fresh[n], base[n]);
    if (theirsChanged && !sameValue(fresh[n], current[n])) conflicts.push({ field: n, mine: current[n], theirs: fresh[n] });
  }
  return { values, mine, conflicts };
}
