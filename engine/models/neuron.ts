/**
 * Neuron models as data: parameters with units, derived parameters (host, float64), state variables,
 * synaptic input ports, and update / threshold / reset code in the model language (expr.ts). The engine
 * splices the compiled code into shaders/neuron-update.wgsl and runs the same code as a float32 twin on
 * the CPU. Built-in models (builtin-models.ts) are defined exactly like a user's.
 *
 * Names a model's code can read: its state variables (and assign them), parameters, derived parameters,
 * `in_<port>` (the synaptic input that arrives on a port this step, in the port's units), `I_ext`
 * (external current: DC inputs), `dt` [ms] and `refractory` (true while the neuron is refractory).
 */
import { namesIn, parseExpr, parseProgram, toJs, toWgsl, isBool, type Stmt } from './expr.ts';
import { compileChecks, compileDerived, ModelError, parse, unitProblem, type CheckSpec, type CompiledCheck } from './check.ts';

export interface NeuronModelSpec {
  /** Parameters with default values and units, e.g. { tau_m: { value: 10, unit: 'ms' } }. */
  params: Record<string, {
    /** Default value, in `unit`. */
    value: number;
    /** Unit, e.g. "ms", "mV", "1" for none. */
    unit: string;
  }>;
  /** Derived parameters: expressions in params and dt, evaluated on the host in float64 per instance. */
  derived?: Record<string, string>;
  /** State variables: initial value (a number or a parameter name) and unit. */
  state: Record<string, {
    /** Initial value, in `unit`, or a parameter's name. */
    init: number | string;
    /** Unit, e.g. "ms", "mV", "1" for none. */
    unit: string;
  }>;
  /** Synaptic input ports, read in code as in_<port>. */
  ports: string[];
  /** Statements run every step (assign state variables; `let` for temporaries). */
  update: string;
  /** Condition for a spike (checked after the update, never while refractory). */
  threshold: string;
  /** Statements run on a spike. */
  reset: string;
  /** Name of the parameter holding the absolute refractory period [ms]; none when absent. */
  refractory?: string;
  /**
   * Constraints on the parameters (e.g. { param: 'tau_m', require: 'tau_m > 0', message: 'tau_m must be > 0' }),
   * checked for every population and instance before a run; a value that breaks one is a SpecError naming it.
   */
  checks?: CheckSpec[];
  /** What the model is (not used by the engine). */
  description?: string;
}

export interface CompiledModel {
  name: string;
  paramNames: string[];
  derivedNames: string[];
  stateNames: string[];
  ports: string[];
  refractoryParam?: string;
  /** The model's parameter constraints. */
  checks: CompiledCheck[];
  /** Evaluates derived parameters (float64) from params and dt. */
  derive(params: Record<string, number>, dt: number): Record<string, number>;
  /** WGSL statements for update, threshold expression and reset statements. */
  wgsl: { update: string; threshold: string; reset: string };
  /**
   * The float32 twin: update(s, p, env) mutates state s; threshold(s, p, env) -> boolean;
   * reset(s, p, env) mutates s. p holds params and derived values (already float32).
   */
  js: {
    update: (s: Record<string, number>, p: Record<string, number>, env: ModelEnv) => void;
    threshold: (s: Record<string, number>, p: Record<string, number>, env: ModelEnv) => boolean;
    reset: (s: Record<string, number>, p: Record<string, number>, env: ModelEnv) => void;
  };
}

export interface ModelEnv {
  inp: Record<string, number>;
  I_ext: number;
  refractory: boolean;
  dt: number;
}


const ENGINE_NAMES = new Set(['I_ext', 'dt', 'refractory']);


/** Checks every name a piece of code reads or writes; returns the let-names it declares. */
function checkProgram(prog: Stmt[], field: string, readable: Set<string>, writable: Set<string>): void {
  const lets = new Set<string>();
  for (const st of prog) {
    for (const n of namesIn(st.value)) {
      if (!readable.has(n) && !lets.has(n)) throw new ModelError(field, `unknown name "${n}"`);
    }
    if (st.kind === 'let') {
      if (readable.has(st.name) || lets.has(st.name)) throw new ModelError(field, `"let ${st.name}" shadows an existing name`);
      lets.add(st.name);
    } else if (!writable.has(st.name) && !lets.has(st.name)) {
      throw new ModelError(field, `cannot assign "${st.name}" (only state variables and let-names)`);
    }
  }
}

export function compileModel(name: string, spec: NeuronModelSpec, field = `models.${name}`): CompiledModel {
  const paramNames = Object.keys(spec.params);
  const derived = spec.derived ?? {};
  const derivedNames = Object.keys(derived);
  const stateNames = Object.keys(spec.state);
  const ports = [...spec.ports];
  const all = [...paramNames, ...derivedNames, ...stateNames, ...ports.map((p) => `in_${p}`)];
  const seen = new Set<string>();
  for (const n of [...all, ...ENGINE_NAMES]) {
    if (seen.has(n)) throw new ModelError(field, `name "${n}" is defined twice`);
    if (!/^[A-Za-z_]\w*$/.test(n)) throw new ModelError(field, `"${n}" is not a valid name`);
    seen.add(n);
  }
  if (spec.refractory !== undefined && !paramNames.includes(spec.refractory)) {
    throw new ModelError(`${field}.refractory`, `"${spec.refractory}" is not a parameter`);
  }
  for (const [p, v] of Object.entries(spec.params)) {
    const bad = unitProblem(v.unit);
    if (bad) throw new ModelError(`${field}.params.${p}.unit`, bad);
  }
  for (const [s, v] of Object.entries(spec.state)) {
    const bad = unitProblem(v.unit);
    if (bad) throw new ModelError(`${field}.state.${s}.unit`, bad);
    if (typeof v.init === 'string' && !paramNames.includes(v.init)) throw new ModelError(`${field}.state.${s}.init`, `"${v.init}" is not a parameter`);
  }
  // Derived: may read params, dt and earlier derived values.
  const derive = compileDerived(field, derived, paramNames);
  const readable = new Set([...all, ...ENGINE_NAMES]);
  const writable = new Set(stateNames);
  const update = parse(`${field}.update`, () => parseProgram(spec.update));
  checkProgram(update, `${field}.update`, readable, writable);
  const reset = parse(`${field}.reset`, () => parseProgram(spec.reset));
  checkProgram(reset, `${field}.reset`, readable, writable);
  const threshold = parse(`${field}.threshold`, () => parseExpr(spec.threshold));
  for (const n of namesIn(threshold)) if (!readable.has(n)) throw new ModelError(`${field}.threshold`, `unknown name "${n}"`);
  if (!isBool(threshold)) throw new ModelError(`${field}.threshold`, 'must be a condition (a comparison)');

  // WGSL names: s_ state, p_ params and derived, in_ ports, l_ lets; engine names as they are.
  const wgslName = (lets: Set<string>) => (n: string) => {
    if (stateNames.includes(n)) return `s_${n}`;
    if (paramNames.includes(n) || derivedNames.includes(n)) return `p_${n}`;
    if (lets.has(n)) return `l_${n}`;
    if (n === 'dt') return 'DT';
    return n;
  };
  const wgslProgram = (prog: Stmt[]) => {
    const lets = new Set<string>();
    return prog.map((st) => {
      const rhs = toWgsl(st.value, wgslName(lets));
      if (st.kind === 'let') { lets.add(st.name); return `var l_${st.name} = ${rhs};`; }
      return `${wgslName(lets)(st.name)} = ${rhs};`;
    }).join('\n    ');
  };
  const jsName = (lets: Set<string>) => (n: string) => {
    if (stateNames.includes(n)) return `s.${n}`;
    if (paramNames.includes(n) || derivedNames.includes(n)) return `p.${n}`;
    if (n.startsWith('in_') && ports.includes(n.slice(3))) return `env.inp.${n.slice(3)}`;
    if (lets.has(n)) return `l_${n}`;
    return `env.${n}`;
  };
  const jsProgram = (prog: Stmt[]) => {
    const lets = new Set<string>();
    const body = prog.map((st) => {
      const rhs = toJs(st.value, jsName(lets));
      if (st.kind === 'let') { lets.add(st.name); return `let l_${st.name} = ${rhs};`; }
      return `${jsName(lets)(st.name)} = ${rhs};`;
    }).join('\n');
    return new Function('F', 's', 'p', 'env', body).bind(null, Math.fround) as (s: Record<string, number>, p: Record<string, number>, env: ModelEnv) => void;
  };
  const thresholdJs = new Function('F', 's', 'p', 'env', `return ${toJs(threshold, jsName(new Set()))};`).bind(null, Math.fround) as
    (s: Record<string, number>, p: Record<string, number>, env: ModelEnv) => boolean;
  return {
    name, paramNames, derivedNames, stateNames, ports, refractoryParam: spec.refractory, derive,
    checks: compileChecks(field, spec.checks ?? [], paramNames),
    wgsl: { update: wgslProgram(update), threshold: toWgsl(threshold, wgslName(new Set())), reset: wgslProgram(reset) },
    js: { update: jsProgram(update), threshold: thresholdJs, reset: jsProgram(reset) },
  };
}
