/**
 * The package manifest.
 */
import type { Checker } from './checker.ts';
import { isObj, str } from './json.ts';
import { pointer } from './problems.ts';

export function checkPackage(c: Checker): void {
  const manifest = c.bundle.package;
  if (!isObj(manifest) || !isObj(manifest.dependsOn)) return;
  const name = str(manifest.name);
  if (name !== undefined && name in manifest.dependsOn) {
    c.report(pointer('/package/dependsOn', name), 'invalid_dependency', `package '${name}' cannot depend on itself`);
  }
}
