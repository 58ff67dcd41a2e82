/**
 * Checks on model code and declarations that the parser does not make: the type of every expression
 * (numbers and conditions do not mix: WGSL would reject `(x > 0) + 1` only when the kernel is built) and
 * the syntax of unit strings (`ms`, `mV`, `1/ms`, `Hz/mV^2`, `1`), so that a misspelt unit is caught with
 * the field that holds it. Units are checked for spelling, not for dimensional consistency.
 */
import { ExprError, namesIn, parseExpr, toJs, type Expr } from './expr.ts';

export type ExprType = 'f32' | 'bool';

/** An error in a model, unit or rule definition, naming the field at fault. */
export class ModelError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/** Runs a parse of the code in `field`; a syntax error becomes a ModelError naming the field. */
export function parse<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ExprError) throw new ModelError(field, e.message);
    throw e;
  }
}


const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=']);

/**
 * The type of an expression, given the type of every name it reads; throws ExprError on a mismatch
 * (arithmetic on a condition, a condition that is a number, branches of different types).
 */
export function exprType(e: Expr, nameType: (n: string) => ExprType): ExprType {
  const want = (x: Expr, t: ExprType, what: string): void => {
    const got = exprType(x, nameType);
    if (got !== t) throw new ExprError(`${what} must be ${t === 'f32' ? 'a number' : 'a condition'}, got ${got === 'f32' ? 'a number' : 'a condition'}`);
  };
  switch (e.k) {
    case 'num': return 'f32';
    case 'name': return nameType(e.name);
    case 'neg': want(e.a, 'f32', 'the operand of unary -'); return 'f32';
    case 'not': want(e.a, 'bool', 'the operand of !'); return 'bool';
    case 'call': e.args.forEach((a) => want(a, 'f32', `an argument of ${e.fn}()`)); return 'f32';
    case 'cond': {
      want(e.c, 'bool', 'the condition of ?:');
      const t = exprType(e.a, nameType);
      if (exprType(e.b, nameType) !== t) throw new ExprError('the two branches of ?: must both be numbers or both be conditions');
      return t;
    }
    case 'bin':
      if (e.op === '&&' || e.op === '||') {
        want(e.a, 'bool', `the operands of ${e.op}`);
        want(e.b, 'bool', `the operands of ${e.op}`);
        return 'bool';
      }
      want(e.a, 'f32', `the operands of ${e.op}`);
      want(e.b, 'f32', `the operands of ${e.op}`);
      return COMPARISONS.has(e.op) ? 'bool' : 'f32';
  }
}

const PREFIXES = ['p', 'n', 'u', 'µ', 'm', 'c', 'k', 'M', 'G'];
const BASES = ['s', 'Hz', 'V', 'A', 'F', 'S', 'Ohm', 'Ω', 'm', 'g', 'mol', 'M', 'rad'];

function isSymbol(s: string): boolean {
  if (BASES.includes(s)) return true;
  return PREFIXES.some((p) => s.startsWith(p) && BASES.includes(s.slice(p.length)));
}

/**
 * Undefined if `unit` is a unit string, else what is wrong with it. A unit is `1` (dimensionless) or
 * symbols (an SI base or derived unit with an optional prefix: ms, mV, pA, nS, Hz, ...), each with an
 * optional integer power (`^2`, `^-1`), joined by `*` or `/`; a leading `1/` is allowed (`1/ms`).
 */
export function unitProblem(unit: string): string | undefined {
  const s = unit.trim();
  if (s === '1') return undefined;
  const parts = s.replace(/^1\s*\//, '').split(/\s*[*/]\s*/);
  for (const part of parts) {
    const m = /^([A-Za-zµΩ]+)(?:\^(-?\d+))?$/.exec(part);
    if (!m) return `"${unit}" is not a unit (e.g. ms, mV, pA, 1/ms, Hz/mV^2, 1)`;
    if (!isSymbol(m[1])) return `unknown unit symbol "${m[1]}" in "${unit}" (known: ${BASES.join(', ')}, with prefixes ${PREFIXES.join(' ')}; 1 for dimensionless)`;
  }
  return undefined;
}

/** Undefined if a derived value can go to the GPU (finite in float32: it is stored as one), else what is wrong. */
export function derivedProblem(v: number): string | undefined {
  if (!Number.isFinite(v)) return `evaluates to ${v}`;
  if (!Number.isFinite(Math.fround(v))) return `evaluates to ${v}, beyond the float32 range (infinity on the GPU)`;
  return undefined;
}

/**
 * Derived parameters: each an expression of the parameters, dt and the derived values before it, parsed
 * and checked once; the returned function evaluates them in float64 on the host (a value that is not
 * finite, or not finite in float32, is a ModelError naming the derived value).
 */
export function compileDerived(field: string, derived: Record<string, string>, paramNames: string[]): (params: Record<string, number>, dt: number) => Record<string, number> {
  const exprs: [string, Expr][] = [];
  const known = new Set([...paramNames, 'dt']);
  for (const [d, text] of Object.entries(derived)) {
    const e = parse(`${field}.derived.${d}`, () => parseExpr(text));
    for (const n of namesIn(e)) if (!known.has(n)) throw new ModelError(`${field}.derived.${d}`, `unknown name "${n}"`);
    exprs.push([d, e]);
    known.add(d);
  }
  // toJs wraps every operation in F(...): here F is the identity (float64, not float32).
  const fns = exprs.map(([d, e]) => [d, (new Function('F', 'env', `return ${toJs(e, (n) => `env.${n}`, false)};`) as (F: (x: number) => number, env: Record<string, number>) => number).bind(null, (x) => x)] as const);
  return (params, dt) => {
    const env: Record<string, number> = { ...params, dt };
    for (const [d, fn] of fns) {
      const v = fn(env);
      const bad = derivedProblem(v);
      if (bad) throw new ModelError(`${field}.derived.${d}`, `${bad} for these parameters`);
      env[d] = v;
    }
    return Object.fromEntries(exprs.map(([d]) => [d, env[d]]));
  };
}

/** A constraint on a model's parameters, checked on the host for every value a run uses. */
export interface CheckSpec {
  /** The parameter named in the error (the one to change). */
  param: string;
  /** A condition on the parameters and dt, e.g. "tau_m > 0" or "V_reset < V_th". */
  require: string;
  /** Says what is required, e.g. "tau_m must be > 0". */
  message: string;
}

export interface CompiledCheck {
  param: string;
  message: string;
  /** Whether the condition holds for these parameter values (and dt). */
  holds: (env: Record<string, number>) => boolean;
}

/** Compiles `checks` (field: where they are declared) over the parameters `params` and dt. */
export function compileChecks(field: string, checks: readonly CheckSpec[], params: readonly string[]): CompiledCheck[] {
  const names = new Set([...params, 'dt']);
  return checks.map((ch, k) => {
    const f = `${field}.checks[${k}]`;
    if (!params.includes(ch.param)) throw new ModelError(`${f}.param`, `"${ch.param}" is not a parameter`);
    const e = parse(`${f}.require`, () => parseExpr(ch.require));
    for (const n of namesIn(e)) if (!names.has(n)) throw new ModelError(`${f}.require`, `unknown name "${n}"`);
    if (parse(`${f}.require`, () => exprType(e, () => 'f32')) !== 'bool') throw new ModelError(`${f}.require`, 'a check must be a condition');
    const fn = (new Function('F', 'env', `return ${toJs(e, (n) => `env.${n}`, false)};`) as (F: (x: number) => number, env: Record<string, number>) => boolean).bind(null, (x) => x);
    return { param: ch.param, message: ch.message, holds: (env: Record<string, number>) => Boolean(fn(env)) };
  });
}
