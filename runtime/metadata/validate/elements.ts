/**
 * Layouts and views: the fields, columns and related lists they show of an object.
 */
import type { Checker } from './checker.ts';
import { pointsAt } from './fields.ts';
import { checkFilter } from './filters.ts';
import { arr, objs, str } from './json.ts';
import type { Json } from './json.ts';

export function checkLayouts(c: Checker): void {
  const layouts = objs(c.bundle.layouts);
  c.duplicates(layouts.map(([l, i]) => [elementKey(l), `/layouts/${i}/name`]), (k) => `layout '${k}'`);
  for (const [layout, i] of layouts) {
    const base = `/layouts/${i}`;
    const object = c.objectNamed(layout.object, `${base}/object`, `layout '${str(layout.name) ?? '?'}'`);
    if (!object) continue;
    const placed = new Set<string>();
    for (const [section, s] of objs(layout.sections)) {
      for (const [column, k] of objs(section.columns)) {
        arr(column.fields).forEach((name, f) => {
          const at = `${base}/sections/${s}/columns/${k}/fields/${f}`;
          c.checkField(object, name, at, true);
          if (typeof name !== 'string') return;
          if (placed.has(name)) c.report(at, 'duplicate_field', `field '${name}' is placed twice on this layout`);
          placed.add(name);
        });
      }
    }
    for (const [related, r] of objs(layout.relatedLists)) {
      const at = `${base}/relatedLists/${r}`;
      const child = c.objectNamed(related.object, `${at}/object`, 'related list');
      if (!child || typeof related.field !== 'string') continue;
      const ref = c.fields(child).get(related.field);
      if (!ref) c.report(`${at}/field`, 'unknown_field', `'${related.field}' is not a field of '${str(child.name) ?? '?'}'`);
      else if (!pointsAt(ref, str(layout.object))) {
        c.report(`${at}/field`, 'invalid_related_list', `'${related.field}' of '${str(child.name) ?? '?'}' is not a reference to '${str(layout.object) ?? '?'}'`);
      }
      arr(related.columns).forEach((col, k) => { if (typeof col === 'string') c.resolvePath(child, col, `${at}/columns/${k}`); });
    }
  }
}

export function checkViews(c: Checker): void {
  const views = objs(c.bundle.views);
  c.duplicates(views.map(([v, i]) => [elementKey(v), `/views/${i}/name`]), (k) => `view '${k}'`);
  for (const [view, i] of views) {
    const base = `/views/${i}`;
    const object = c.objectNamed(view.object, `${base}/object`, `view '${str(view.name) ?? '?'}'`);
    if (!object) continue;
    arr(view.columns).forEach((col, k) => { if (typeof col === 'string') c.resolvePath(object, col, `${base}/columns/${k}`); });
    arr(view.sort).forEach((key, k) => { if (typeof key === 'string') c.resolvePath(object, key.replace(/^-/, ''), `${base}/sort/${k}`); });
    if (typeof view.groupBy === 'string') {
      const type = c.checkField(object, view.groupBy, `${base}/groupBy`, true);
      if (view.type === 'kanban' && type !== undefined && type !== 'picklist') {
        c.report(`${base}/groupBy`, 'not_a_picklist', `a kanban groups by a picklist; '${view.groupBy}' is ${type}`);
      }
    }
    if (view.filter !== undefined) checkFilter(c, object, view.filter, `${base}/filter`);
  }
}

/** Layouts and views are named per object. */
function elementKey(element: Json): string | undefined {
  const object = str(element.object);
  const name = str(element.name);
  return object !== undefined && name !== undefined ? `${object}.${name}` : undefined;
}
