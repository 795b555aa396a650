/**
 * The compiler core: walks a rule once and writes JavaScript for it, taking each operator's
 * code template from operators/table.ts. compile.ts wraps the result into a function.
 */
import { isLogic, numberLiteral } from './code.ts';
import type { Code } from './code.ts';
import { ExpressionError } from './error.ts';
import { INHERITED_NAMES } from './operators/data.ts';
import type { HelperName } from './operators/helpers.ts';
import { OPERATORS } from './operators/table.ts';

/** One generated function (the rule itself, or the body of a map/filter/… callback). */
export class Fn {
  private temps = 0;
  temp(): string {
    return `t${this.temps++}`;
  }
  declarations(): string {
    if (this.temps === 0) return '';
    return `let ${Array.from({ length: this.temps }, (_, i) => `t${i}`).join(', ')};`;
  }
}

export type OpCompiler = (c: Compiler, args: readonly unknown[], fn: Fn, op: string) => Code;

export class Compiler {
  readonly constants: unknown[] = [];
  readonly helpersUsed = new Set<HelperName>();
  readonly subs: string[] = [];

  helper(name: HelperName): string {
    this.helpersUsed.add(name);
    return `h_${name}`;
  }

  constant(value: unknown): string {
    this.constants.push(value);
    return `k${this.constants.length - 1}`;
  }

  compile(node: unknown, fn: Fn): Code {
    if (Array.isArray(node)) {
      // json-logic-js maps over an array, so each evaluation yields a fresh one.
      return { js: `[${node.map((n) => this.compile(n, fn).js).join(', ')}]`, kind: 'array' };
    }
    if (isLogic(node)) {
      const op = Object.keys(node)[0];
      const compileOp = OPERATORS.get(op);
      if (!compileOp) throw new ExpressionError(`Unknown operator ${JSON.stringify(op)}`, op);
      const raw = node[op];
      return compileOp(this, Array.isArray(raw) ? raw : [raw], fn, op);
    }
    return this.literal(node);
  }

  literal(value: unknown): Code {
    if (value === null) return { js: 'null', kind: 'scalar', constant: { value } };
    switch (typeof value) {
      case 'string': return { js: JSON.stringify(value), kind: 'str', constant: { value } };
      case 'number': return { js: numberLiteral(value), kind: 'num', constant: { value } };
      case 'boolean': return { js: value ? 'true' : 'false', kind: 'bool', constant: { value } };
      case 'undefined': return { js: 'undefined', kind: 'any' };
      case 'object': return { js: `${this.helper('clone')}(${this.constant(value)})`, kind: 'value' };
      default: return { js: this.constant(value), kind: 'value' };
    }
  }

  arg(args: readonly unknown[], i: number, fn: Fn): Code {
    return i < args.length ? this.compile(args[i], fn) : { js: 'undefined', kind: 'any' };
  }

  truthy(code: Code): string {
    switch (code.kind) {
      case 'bool': return code.js;
      case 'num': case 'str': case 'scalar': return `!!${code.js}`;
      case 'array': return `(${code.js}.length !== 0)`;
      default: return `${this.helper('truthy')}(${code.js})`;
    }
  }

  /** The body of a map/filter/reduce/all/none/some callback, as its own function. */
  scoped(logic: unknown): string {
    const fn = new Fn();
    const body = this.compile(logic, fn).js;
    const name = `f${this.subs.length}`;
    this.subs.push(`function ${name}(d) { ${fn.declarations()} return ${body}; }`);
    return name;
  }

  /** A `var` whose path is known at compile time: inlined property reads. */
  staticVar(path: string | number | boolean, fallback: Code | null, fn: Fn): Code {
    let chain = 'd';
    for (const seg of String(path).split('.')) {
      if (INHERITED_NAMES.has(seg)) chain = `${this.helper('own')}(${chain}, ${JSON.stringify(seg)})`;
      else chain = `${chain}?.[${/^(?:0|[1-9]\d{0,8})$/.test(seg) ? seg : JSON.stringify(seg)}]`;
    }
    // Only a missing value (undefined) falls back; a stored null stays null.
    if (!fallback || (fallback.constant && fallback.constant.value === null)) return { js: `(${chain} ?? null)`, kind: 'value' };
    const t = fn.temp();
    const def = fallback.kind === 'any' ? `(${fallback.js} ?? null)` : fallback.js;
    return { js: `((${t} = ${chain}) === undefined ? ${def} : ${t})`, kind: 'value' };
  }
}
