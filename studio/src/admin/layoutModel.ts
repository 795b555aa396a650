/**
 * The layout designer's state: sections of columns of fields, and the moves a drag (mouse,
 * touch or keyboard) or a button makes. Pure; the designer keeps it in React state.
 */
import type { LayoutDef } from '../../../metadata/types.ts';

export interface DesignSection {
  /** Stable while designing (React keys, drop targets). */
  id: string;
  label: string;
  collapsed?: boolean;
  columns: string[][];
}

export interface DesignState {
  sections: DesignSection[];
  /** Next section id number. */
  seq: number;
}

/** The palette: fields on no section. */
export const PALETTE = 'palette';

export function columnId(sectionId: string, index: number): string {
  return `col:${sectionId}:${index}`;
}

export function parseColumnId(id: string): { sectionId: string; index: number } | undefined {
  const m = /^col:([^:]+):(\d+)$/.exec(id);
  return m ? { sectionId: m[1], index: Number(m[2]) } : undefined;
}

export function fromLayout(layout: Pick<LayoutDef, 'sections'> | undefined): DesignState {
  const sections = (layout?.sections ?? []).map((s, i) => ({
    id: `s${i + 1}`, label: s.label, ...(s.collapsed ? { collapsed: true } : {}),
    columns: s.columns.length ? s.columns.map((c) => [...c.fields]) : [[]],
  }));
  return { sections, seq: sections.length + 1 };
}

export function toSections(state: DesignState): LayoutDef['sections'] {
  return state.sections.map((s) => ({
    label: s.label, ...(s.collapsed ? { collapsed: true } : {}),
    columns: s.columns.map((fields) => ({ fields: [...fields] })),
  }));
}

/** A layout that shows every field (the default for a new object). */
export function defaultSections(fields: string[], label = 'Details'): LayoutDef['sections'] {
  const half = Math.ceil(fields.length / 2);
  return [{ label, columns: fields.length > 1 ? [{ fields: fields.slice(0, half) }, { fields: fields.slice(half) }] : [{ fields }] }];
}

export function placed(state: DesignState): Set<string> {
  return new Set(state.sections.flatMap((s) => s.columns.flat()));
}

/** Fields on no section, in the object's order. */
export function paletteFields(state: DesignState, all: string[]): string[] {
  const on = placed(state);
  return all.filter((f) => !on.has(f));
}

/** The container (column id, or PALETTE) a field is in. */
export function containerOf(state: DesignState, field: string): string {
  for (const s of state.sections) {
    const i = s.columns.findIndex((c) => c.includes(field));
    if (i >= 0) return columnId(s.id, i);
  }
  return PALETTE;
}

/** The fields of a container, in order (the palette's from `all`). */
export function itemsOf(state: DesignState, container: string, all: string[]): string[] {
  if (container === PALETTE) return paletteFields(state, all);
  const c = parseColumnId(container);
  const s = c && state.sections.find((x) => x.id === c.sectionId);
  return s?.columns[c!.index] ?? [];
}

/** Moves a field to `index` of a container (to the end when index is past it); PALETTE takes it off the layout. */
export function moveField(state: DesignState, field: string, to: string, index: number): DesignState {
  const sections = state.sections.map((s) => ({ ...s, columns: s.columns.map((c) => c.filter((f) => f !== field)) }));
  if (to !== PALETTE) {
    const c = parseColumnId(to);
    const s = c && sections.find((x) => x.id === c.sectionId);
    const col = s?.columns[c!.index];
    if (!col) return state;
    col.splice(Math.max(0, Math.min(index, col.length)), 0, field);
  }
  return { ...state, sections };
}

export function addSection(state: DesignState, label: string): DesignState {
  const id = `s${state.seq}`;
  return { sections: [...state.sections, { id, label, columns: [[], []] }], seq: state.seq + 1 };
}

export function renameSection(state: DesignState, id: string, label: string): DesignState {
  return { ...state, sections: state.sections.map((s) => (s.id === id ? { ...s, label } : s)) };
}

export function toggleCollapsed(state: DesignState, id: string): DesignState {
  return { ...state, sections: state.sections.map((s) => (s.id === id ? { ...s, collapsed: !s.collapsed } : s)) };
}

/** Removes a section; its fields go back to the palette. */
export function removeSection(state: DesignState, id: string): DesignState {
  return { ...state, sections: state.sections.filter((s) => s.id !== id) };
}

export function moveSection(state: DesignState, id: string, by: -1 | 1): DesignState {
  const i = state.sections.findIndex((s) => s.id === id);
  const j = i + by;
  if (i < 0 || j < 0 || j >= state.sections.length) return state;
  const sections = [...state.sections];
  [sections[i], sections[j]] = [sections[j], sections[i]];
  return { ...state, sections };
}

/** One, two or three columns; fields of dropped columns move to the last one kept. */
export function setColumnCount(state: DesignState, id: string, n: number): DesignState {
  const count = Math.max(1, Math.min(3, n));
  return {
    ...state,
    sections: state.sections.map((s) => {
      if (s.id !== id) return s;
      const columns = s.columns.slice(0, count).map((c) => [...c]);
      while (columns.length < count) columns.push([]);
      for (const extra of s.columns.slice(count)) columns[count - 1].push(...extra);
      return { ...s, columns };
    }),
  };
}

/** "section Engine, column 2" / "the palette", for announcements and labels. */
export function describeContainer(state: DesignState, container: string): string {
  if (container === PALETTE) return 'the field palette';
  const c = parseColumnId(container);
  const s = c && state.sections.find((x) => x.id === c.sectionId);
  if (!s) return 'nowhere';
  return s.columns.length > 1 ? `section ${s.label}, column ${c!.index + 1}` : `section ${s.label}`;
}
