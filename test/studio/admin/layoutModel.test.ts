import { describe, expect, it } from 'vitest';
import {
  PALETTE, addSection, columnId, containerOf, describeContainer, fromLayout, moveField, moveSection,
  paletteFields, removeSection, setColumnCount, toSections,
} from '../../../studio/src/admin/layoutModel.ts';

const fields = ['name', 'make', 'year', 'plate'];

describe('layout designer model', () => {
  it('starts from a layout and gives it back', () => {
    const sections = [{ label: 'Vehicle', columns: [{ fields: ['name'] }, { fields: ['make'] }] }];
    const s = fromLayout({ sections });
    expect(toSections(s)).toEqual(sections);
    expect(paletteFields(s, fields)).toEqual(['year', 'plate']);
  });

  it('drags from the palette into a new section, reorders, moves between sections and back', () => {
    let s = fromLayout({ sections: [{ label: 'Vehicle', columns: [{ fields: ['name'] }] }] });
    s = addSection(s, 'Registration');
    const reg = s.sections[1].id;
    s = moveField(s, 'plate', columnId(reg, 0), 0);
    s = moveField(s, 'year', columnId(reg, 0), 0);
    expect(s.sections[1].columns[0]).toEqual(['year', 'plate']);
    s = moveField(s, 'plate', columnId(reg, 0), 0);
    expect(s.sections[1].columns[0]).toEqual(['plate', 'year']);
    s = moveField(s, 'year', columnId(s.sections[0].id, 0), 99);
    expect(s.sections[0].columns[0]).toEqual(['name', 'year']);
    expect(containerOf(s, 'year')).toBe(columnId(s.sections[0].id, 0));
    s = moveField(s, 'name', PALETTE, 0);
    expect(paletteFields(s, fields)).toEqual(['name', 'make']);
    expect(describeContainer(s, columnId(reg, 1))).toBe('section Registration, column 2');
    expect(describeContainer(s, PALETTE)).toBe('the field palette');
  });

  it('removes sections (fields back to the palette), reorders them, changes columns', () => {
    let s = fromLayout({ sections: [{ label: 'A', columns: [{ fields: ['name'] }, { fields: ['make'] }] }, { label: 'B', columns: [{ fields: ['year'] }] }] });
    s = setColumnCount(s, s.sections[0].id, 1);
    expect(s.sections[0].columns).toEqual([['name', 'make']]);
    s = moveSection(s, s.sections[1].id, -1);
    expect(s.sections.map((x) => x.label)).toEqual(['B', 'A']);
    s = removeSection(s, s.sections[0].id);
    expect(paletteFields(s, fields)).toEqual(['year', 'plate']);
  });
});
