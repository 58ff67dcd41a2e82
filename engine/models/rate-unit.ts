/**
 * Rate units as data, as neuron models are (neuron.ts): parameters with units, derived values computed
 * once on the host in float64 (decay factors exp(-dt/tau)), the update of the unit's state x over one
 * step and its activation r = f(x), in the model language (expr.ts). The engine splices the compiled
 * code into shaders/lib/rate-unit.wgsl and runs the same code as a float32 twin on the CPU. The
 * built-in units (builtin-rate-units.ts) are defined exactly like a user's.
 *
 * Names the update can read: `x` (the state, which it assigns), `rec` (this step's summed projections,
 * gain_b * W r), `I_ext` (this step's external inputs), `xi` (a standard normal drawn for this unit,
 * instance and step; drawn only when the code reads it), `dt` [ms], the parameters and derived values,
 * and its own `let` names. The activation reads `x`, `dt`, parameters and derived values.
 *
 * Per population, a parameter or derived value is read from a table: one value for the population, one
 * per unit or one per instance (batch.params). A value that is 0 for every unit and instance is folded
 * away: a product with it is 0 and a sum drops it, so that a noise term with noise 0 costs nothing and
 * gives the same bits as no term (both identities ignore IEEE's NaN * 0 and -0 + 0; the twin folds the
 * same way). The folding looks at one expression at a time, not through `let` names.
 */
import { namesIn, parseExpr, parseProgram, toJs, toWgsl, type Expr, type Stmt } from './expr.ts';
import { compileChecks, derivedProblem, exprType, ModelError, parse, unitProblem, type CheckSpec, type CompiledCheck, type ExprType } from './check.ts';

export interface RateUnitSpec {
  /** Parameters: unit and default value (without one, every population must give a value). */
  params: Record<string, {
    /** Default value, in `unit`. */
    value?: number;
    /** Unit, e.g. "ms", "mV", "1" for none. */
    unit: string;
  }>;
  /** Derived values: expressions in params, dt and earlier derived values (host, float64). */
  derived?: Record<string, string>;
  /** Statements that advance x by one step (assign x; `let` for temporaries). */
  update: string;
  /** The rate r = f(x): an expression in x, dt, params and derived values. */
  activation: string;
  /** Conditions on params and dt every unit and instance must meet; a failure names `param`. */
  checks?: CheckSpec[];
  /** What the unit is (not used by the engine). */
  description?: string;
}

/** Names the engine provides to a unit's code. */
export const ENGINE_NAMES: readonly string[] = ['x', 'rec', 'I_ext', 'xi', 'dt'];

export interface CompiledRateUnit {
  name: string;
  params: string[];
  /** Default value of each parameter (undefined: required). */
  defaults: Record<string, number | undefined>;
  derived: string[];
  /** The params each derived value depends on, directly or through other derived values. */
  deps: Record<string, string[]>;
  update: Stmt[];
  activation: Expr;
  /** Every derived value (float64) for one set of params; throws ModelError on a non-finite value. */
  derive(params: Record<string, number>, dt: number): Record<string, number>;
  /** The unit's checks; `holds` reads the params and dt from `env`. */
  checks: CompiledCheck[];
}


/** The type of an expression read in `field`, after checking its names (`types`: every readable name) and functions. */
function typeOf(field: string, e: Expr, types: Map<string, ExprType>, host = false): ExprType {
  for (const n of namesIn(e)) if (!types.has(n)) throw new ModelError(field, `unknown name "${n}"`);
  if (!host) parse(field, () => toWgsl(e, (n) => n)); // kernel code: rejects host-only functions
  return parse(field, () => exprType(e, (n) => types.get(n)!));
}

function checkExpr(field: string, e: Expr, types: Map<string, ExprType>, want: ExprType, what: string, host = false): void {
  if (typeOf(field, e, types, host) !== want) throw new ModelError(field, `${what} must be ${want === 'f32' ? 'a number' : 'a condition'}`);
}

const hostFn = (js: string): ((env: Record<string, number>) => number) =>
  (new Function('F', 'env', `return ${js};`) as (F: (x: number) => number, env: Record<string, number>) => number).bind(null, (x: number) => x);

export function compileRateUnit(name: string, spec: RateUnitSpec, field = `units.${name}`): CompiledRateUnit {
  const params = Object.keys(spec.params);
  const derivedSrc = spec.derived ?? {};
  const derived = Object.keys(derivedSrc);
  const seen = new Set<string>(ENGINE_NAMES);
  for (const [n, f] of [...params.map((n) => [n, `${field}.params.${n}`]), ...derived.map((n) => [n, `${field}.derived.${n}`])]) {
    if (!/^[A-Za-z_]\w*$/.test(n)) throw new ModelError(f, `"${n}" is not a valid name`);
    if (ENGINE_NAMES.includes(n)) throw new ModelError(f, `"${n}" is provided by the engine (${ENGINE_NAMES.join(', ')})`);
    if (seen.has(n)) throw new ModelError(f, `name "${n}" is defined twice`);
    seen.add(n);
  }
  const defaults: Record<string, number | undefined> = {};
  for (const p of params) {
    const problem = unitProblem(spec.params[p].unit);
    if (problem) throw new ModelError(`${field}.params.${p}.unit`, problem);
    defaults[p] = spec.params[p].value;
  }

  // Derived values: params, dt and earlier derived values; float64 on the host.
  const types = new Map<string, ExprType>([...params, 'dt'].map((n) => [n, 'f32']));
  const deps: Record<string, string[]> = {};
  const derivedFns: [string, (env: Record<string, number>) => number][] = [];
  for (const d of derived) {
    const f = `${field}.derived.${d}`;
    const e = parse(f, () => parseExpr(derivedSrc[d]));
    checkExpr(f, e, types, 'f32', 'a derived value', true);
    deps[d] = [...new Set([...namesIn(e)].flatMap((n) => (params.includes(n) ? [n] : deps[n] ?? [])))].sort();
    derivedFns.push([d, hostFn(toJs(e, (n) => `env.${n}`, false))]);
    types.set(d, 'f32');
  }

  // The update: reads everything, assigns x and its own let names.
  for (const n of ['x', 'rec', 'I_ext', 'xi']) types.set(n, 'f32');
  const update = parse(`${field}.update`, () => parseProgram(spec.update));
  const lets = new Map(types);
  for (const st of update) {
    if (st.kind === 'let') {
      if (lets.has(st.name)) throw new ModelError(`${field}.update`, `"let ${st.name}" shadows an existing name`);
      lets.set(st.name, typeOf(`${field}.update`, st.value, lets));
    } else {
      if (st.name !== 'x' && (types.has(st.name) || !lets.has(st.name))) {
        throw new ModelError(`${field}.update`, `cannot assign "${st.name}" (only x and let names)`);
      }
      checkExpr(`${field}.update`, st.value, lets, lets.get(st.name)!, `the value assigned to ${st.name}`);
    }
  }

  // The activation: x, dt, params and derived values.
  const actTypes = new Map([...types].filter(([n]) => !['rec', 'I_ext', 'xi'].includes(n)));
  const activation = parse(`${field}.activation`, () => parseExpr(spec.activation));
  checkExpr(`${field}.activation`, activation, actTypes, 'f32', 'the activation');

  const checks = compileChecks(field, spec.checks ?? [], params);

  const derive = (values: Record<string, number>, dt: number) => {
    const env: Record<string, number> = { ...values, dt };
    for (const [d, fn] of derivedFns) {
      const v = fn(env);
      const bad = derivedProblem(v);
      if (bad) throw new ModelError(`${field}.derived.${d}`, `${bad} for ${params.map((p) => `${p} = ${values[p]}`).join(', ')}`);
      env[d] = v;
    }
    return Object.fromEntries(derived.map((d) => [d, env[d]]));
  };
  return { name, params, defaults, derived, deps, update, activation, derive, checks };
}

// ---- One population's code: zero folding, where values live, WGSL and the float32 twin --------------

const isZero = (e: Expr) => e.k === 'num' && e.v === 0;
const ZERO: Expr = { k: 'num', v: 0 };

/** Folds values known to be 0 everywhere: x * 0 = 0 * x = 0, -0 = 0, x + 0 = 0 + x = x - 0 = x. */
export function foldZeros(e: Expr, zero: (n: string) => boolean): Expr {
  const fold = (x: Expr) => foldZeros(x, zero);
  switch (e.k) {
    case 'num': return e;
    case 'name': return zero(e.name) ? ZERO : e;
    case 'neg': { const a = fold(e.a); return isZero(a) ? ZERO : { k: 'neg', a }; }
    case 'not': return { k: 'not', a: fold(e.a) };
    case 'cond': return { k: 'cond', c: fold(e.c), a: fold(e.a), b: fold(e.b) };
    case 'call': return { k: 'call', fn: e.fn, args: e.args.map(fold) };
    case 'bin': {
      const a = fold(e.a), b = fold(e.b);
      if (e.op === '*' && (isZero(a) || isZero(b))) return ZERO;
      if ((e.op === '+' || e.op === '-') && isZero(b)) return a;
      if (e.op === '+' && isZero(a)) return b;
      return { k: 'bin', op: e.op, a, b };
    }
  }
}

/** Where a kernel and the twin read a parameter, derived value or dt (offsets from the population's tableBase). */
export type UnitValue =
  | { kind: 'uniform'; offset: number }
  | { kind: 'unit'; offset: number }
  | { kind: 'instance'; column: number };

/** A unit's code for one population, after folding: plain data that codegen and the twin both read. */
export interface UnitCode {
  unit: string;
  update: Stmt[];
  activation: Expr;
  /** Every parameter, derived value or dt the folded code reads. */
  values: Record<string, UnitValue>;
  reads: { I_ext: boolean; xi: boolean };
}

/** The unit's code with the zero values folded, and the names it then reads. */
export function specialize(unit: CompiledRateUnit, zero: (n: string) => boolean): { update: Stmt[]; activation: Expr; reads: Set<string> } {
  const update = unit.update.map((st) => ({ ...st, value: foldZeros(st.value, zero) }));
  const activation = foldZeros(unit.activation, zero);
  const reads = namesIn(activation);
  for (const st of update) namesIn(st.value, reads);
  return { update, activation, reads };
}

/** WGSL for the splice points of shaders/lib/rate-unit.wgsl. */
export function unitWgsl(code: UnitCode): { values: string; update: string; activation: string } {
  const values = Object.entries(code.values).map(([n, v]) => {
    if (v.kind === 'uniform') return `let p_${n} = unit_table[UNIT_TABLE + ${v.offset}u];`;
    if (v.kind === 'unit') return `let p_${n} = unit_table[UNIT_TABLE + ${v.offset}u + i];`;
    return `let p_${n} = inst_table[b * INST_K + ${v.column}u];`;
  });
  if (code.reads.I_ext) values.push('let I_ext = external_input(b, i, this_step());');
  if (code.reads.xi) values.push('let xi = unit_normal(i, b);');
  const lets = new Set<string>();
  const name = (n: string) => (n === 'x' ? 's_x' : n in code.values ? `p_${n}` : lets.has(n) ? `l_${n}` : n);
  const update = code.update.map((st) => {
    const rhs = toWgsl(st.value, name);
    if (st.kind === 'let') { lets.add(st.name); return `var l_${st.name} = ${rhs};`; }
    return `${name(st.name)} = ${rhs};`;
  });
  return { values: values.join('\n  '), update: update.join('\n  '), activation: toWgsl(code.activation, name) };
}

/** The tables a population's values live in (NetworkPlan's). */
export interface UnitTables {
  unitTable: Float32Array;
  instTable: Float32Array;
  instK: number;
}

export interface UnitTwin {
  /** x after one step, for unit i of instance b. */
  update(x: number, rec: number, I_ext: number, xi: number, b: number, i: number): number;
  /** r = f(x) for unit i of instance b. */
  activation(x: number, b: number, i: number): number;
}

/** The float32 twin of a population's unit (every operation rounded with Math.fround, as the kernel). */
export function unitTwin(code: UnitCode, tableBase: number, t: UnitTables): UnitTwin {
  const prologue = (reads: Set<string>) => Object.entries(code.values).filter(([n]) => reads.has(n)).map(([n, v]) => {
    if (v.kind === 'uniform') return `const p_${n} = U[${tableBase + v.offset}];`;
    if (v.kind === 'unit') return `const p_${n} = U[${tableBase + v.offset} + i];`;
    return `const p_${n} = I[b * ${t.instK} + ${v.column}];`;
  }).join('\n');
  const lets = new Set<string>();
  const name = (n: string) => (n in code.values ? `p_${n}` : lets.has(n) ? `l_${n}` : n);
  const reads = new Set<string>();
  const body = code.update.map((st) => {
    namesIn(st.value, reads);
    const rhs = toJs(st.value, name);
    if (st.kind === 'let') { lets.add(st.name); return `let l_${st.name} = ${rhs};`; }
    return `${name(st.name)} = ${rhs};`;
  }).join('\n');
  const update = new Function('F', 'U', 'I', 'x', 'rec', 'I_ext', 'xi', 'b', 'i', `${prologue(reads)}\n${body}\nreturn x;`)
    .bind(null, Math.fround, t.unitTable, t.instTable) as UnitTwin['update'];
  const activation = new Function('F', 'U', 'I', 'x', 'b', 'i', `${prologue(namesIn(code.activation))}\nreturn ${toJs(code.activation, name)};`)
    .bind(null, Math.fround, t.unitTable, t.instTable) as UnitTwin['activation'];
  return { update, activation };
}
