/** Optimistic concurrency: a write sent with `If-Match` applies only to the version it was read at. */
import { StrataError } from '../errors.ts';

export function assertVersion(current: Record<string, unknown>, ifMatch: number | undefined): void {
  if (ifMatch === undefined || ifMatch === current.version) return;
  throw new StrataError(412, 'version_mismatch', `The record changed since you read it (now version ${current.version as number}); reload it`,
    undefined, { currentVersion: current.version });
}
