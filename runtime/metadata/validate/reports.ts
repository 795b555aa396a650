/**
 * Reports (groupings, aggregates, sort keys) and the dashboards that show them.
 */
import type { Checker } from './checker.ts';
import { DATE_TYPES, NUMERIC_TYPES } from './field-types.ts';
import { checkFilter } from './filters.ts';
import { arr, isObj, objs, str } from './json.ts';
import { valueTypeAt } from './value-types.ts';

export function checkReports(c: Checker): void {
  const reports = objs(c.bundle.reports);
  c.duplicates(reports.map(([r, i]) => [str(r.name), `/reports/${i}/name`]), (n) => `report '${n}'`);
  for (const [report, i] of reports) {
    const base = `/reports/${i}`;
    const object = c.objectNamed(report.object, `${base}/object`, `report '${str(report.name) ?? '?'}'`);
    if (!object) continue;
    if (report.filter !== undefined) checkFilter(c, object, report.filter, `${base}/filter`);

    const keys = new Set<string>();
    arr(report.groupBy).forEach((group, g) => {
      const at = `${base}/groupBy/${g}`;
      if (typeof group === 'string') {
        keys.add(group);
        c.resolvePath(object, group, at);
      } else if (isObj(group) && typeof group.field === 'string') {
        keys.add(group.field);
        const type = valueTypeAt(c, object, group.field, c.resolvePath(object, group.field, `${at}/field`));
        if (type !== undefined && group.bucket !== undefined && !DATE_TYPES.has(type)) {
          c.report(`${at}/bucket`, 'invalid_bucket', `a ${String(group.bucket)} bucket needs a date field; '${group.field}' is ${type}`);
        }
      }
    });

    const aggregates = objs(report.aggregates);
    for (const [aggregate, a] of aggregates) {
      const at = `${base}/aggregates/${a}`;
      if (typeof aggregate.field === 'string') {
        const effective = valueTypeAt(c, object, aggregate.field, c.resolvePath(object, aggregate.field, `${at}/field`));
        if (effective !== undefined && (aggregate.fn === 'sum' || aggregate.fn === 'avg') && !NUMERIC_TYPES.has(effective) && effective !== 'rollup') {
          c.report(`${at}/field`, 'invalid_aggregate', `${aggregate.fn} needs a number field; '${aggregate.field}' is ${effective}`);
        }
      }
      const alias = str(aggregate.as);
      if (alias !== undefined && keys.has(alias)) {
        c.report(`${at}/as`, 'duplicate_name', `'${alias}' is already a group key of this report`);
      }
    }
    c.duplicates(aggregates.map(([agg, a]) => [str(agg.as), `${base}/aggregates/${a}/as`]), (n) => `aggregate '${n}'`);
    for (const [agg] of aggregates) { const alias = str(agg.as); if (alias !== undefined) keys.add(alias); }

    const grouped = arr(report.groupBy).length > 0 || aggregates.length > 0;
    arr(report.sort).forEach((key, k) => {
      if (typeof key !== 'string') return;
      const name = key.replace(/^-/, '');
      if (!grouped) c.resolvePath(object, name, `${base}/sort/${k}`);
      else if (!keys.has(name)) c.report(`${base}/sort/${k}`, 'unknown_field', `'${name}' is neither a group key nor an aggregate of this report`);
    });
  }
}

export function checkDashboards(c: Checker): void {
  const dashboards = objs(c.bundle.dashboards);
  c.duplicates(dashboards.map(([d, i]) => [str(d.name), `/dashboards/${i}/name`]), (n) => `dashboard '${n}'`);
  for (const [dashboard, i] of dashboards) {
    for (const [widget, w] of objs(dashboard.widgets)) {
      if (typeof widget.report === 'string' && !c.reports.has(widget.report) && !c.trustUnknown) {
        c.report(`/dashboards/${i}/widgets/${w}/report`, 'unknown_report', `report '${widget.report}' is neither in this package nor deployed`);
      }
    }
  }
}
