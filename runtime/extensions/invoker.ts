/**
 * How the runtime calls extension code without importing it (ARCHITECTURE: runtime never
 * imports extensions/). The server sets `engine.extensions` to the isolated-vm host
 * (extensions/host); workflows' `extension` action and the scheduler call through this.
 */
import type { Caller } from '../records/context.ts';

export interface ExtensionInvocation {
  extension: string;
  /** The exported function to call. */
  fn: string;
  /** Who the call runs as; undefined = the extension's own role (schedules). */
  user?: Caller;
  /** What the function's context carries: the triggering record, its stored version, a payload. */
  record?: Record<string, unknown>;
  previous?: Record<string, unknown>;
  payload?: unknown;
  /** Which workflow run or schedule asked, for the extension's log. */
  origin?: string;
}

/** A cron entry of a deployed extension (extension.json `schedules`). */
export interface ExtensionSchedule {
  extension: string;
  fn: string;
  cron: string;
  timezone?: string;
}

export interface ExtensionInvoker {
  /** Runs one function; rejects with a StrataError (422 for the extension's own error, 503 when disabled). */
  invoke(call: ExtensionInvocation): Promise<unknown>;
  /** The schedules of the currently deployed, enabled extensions. */
  schedules(): ExtensionSchedule[];
}
