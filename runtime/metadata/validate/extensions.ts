/**
 * Extensions: the objects their hooks name, the functions their manifest points at, and
 * duplicate endpoints.
 */
import type { Checker } from './checker.ts';
import { isObj, objs, str } from './json.ts';

export function checkExtensions(c: Checker): void {
  const extensions = objs(c.bundle.extensions);
  c.duplicates(
    extensions.map(([e, i]) => [isObj(e.manifest) ? str(e.manifest.name) : undefined, `/extensions/${i}/manifest/name`]),
    (n) => `extension '${n}'`,
  );
  for (const [extension, i] of extensions) {
    const manifest = extension.manifest;
    if (!isObj(manifest)) continue;
    const base = `/extensions/${i}/manifest`;
    const source = str(extension.source);
    const needs = (fn: unknown, at: string): void => {
      // A cheap guard, not a parse: a name that never occurs in index.ts is surely not exported.
      if (typeof fn !== 'string' || source === undefined) return;
      const escaped = fn.replace(/\$/g, '\\$');
      if (!new RegExp(`(?<![A-Za-z0-9_$])${escaped}(?![A-Za-z0-9_$])`).test(source)) {
        c.report(at, 'missing_function', `index.ts does not define '${fn}'`);
      }
    };
    for (const [hook, h] of objs(manifest.hooks)) {
      c.objectNamed(hook.object, `${base}/hooks/${h}/object`, `hook of extension '${str(manifest.name) ?? '?'}'`);
      needs(hook.function, `${base}/hooks/${h}/function`);
    }
    const endpoints = objs(manifest.endpoints);
    c.duplicates(
      endpoints.map(([e, k]) => [typeof e.path === 'string' ? `${String(e.method)} /${e.path.replace(/^\//, '')}` : undefined, `${base}/endpoints/${k}/path`]),
      (key) => `endpoint ${key}`, 'duplicate_endpoint',
    );
    for (const [endpoint, k] of endpoints) needs(endpoint.function, `${base}/endpoints/${k}/function`);
    for (const [schedule, k] of objs(manifest.schedules)) needs(schedule.function, `${base}/schedules/${k}/function`);
  }
}
