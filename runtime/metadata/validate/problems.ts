/**
 * A problem found in a package bundle, and how problems are pointed at and written down.
 */

export interface Problem {
  /** The file the problem is in, relative to the package folder (folder and bundle-file loads). */
  file?: string;
  /** JSON pointer into the bundle (or, with `file`, into that file), e.g. /objects/2/fields/0/type */
  path: string;
  code: string;
  message: string;
}

/** One line for a terminal: `objects/account.json /fields/0/type: … [invalid_value]`. */
export function formatProblem(problem: Problem): string {
  const where = [problem.file, problem.path || (problem.file ? '' : '/')].filter(Boolean).join(' ');
  return `${where}: ${problem.message} [${problem.code}]`;
}

/** A JSON pointer from segments (RFC 6901 escaping). */
export function pointer(base: string, ...segments: Array<string | number>): string {
  return base + segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function unique(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file ?? ''}\u0000${p.path}\u0000${p.code}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A value quoted for a message, kept short: names may be hostile or huge. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'object': return 'an object';
    case 'string': return `the text ${show(value)}`;
    case 'undefined': return 'nothing';
    default: return `${typeof value} ${show(value)}`;
  }
}
