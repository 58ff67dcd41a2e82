/**
 * Learning rules of spiking projections as data, as GeNN's weight-update models are: parameters with
 * units, derived parameters (host, float64, per instance), spike traces with a time constant, an
 * optional eligibility per synapse, and code in the model language (expr.ts) for what happens on a
 * presynaptic spike (`onPre`), on a postsynaptic spike (`onPost`) and, for a three-factor rule, in
 * every step where the third factor is not zero (`modulated`). One AST compiles to the WGSL spliced
 * into shaders/spiking/plastic-*.wgsl (engine/codegen/spiking-plastic.ts) and to the float32 twin
 * (engine/reference/spiking-plasticity.ts). Built-in rules (builtin-rules.ts) are written the same way.
 *
 * The engine owns the lazy decay: a trace is stored as its value just after its neuron's last spike and
 * that step, and read as value x table[age] (table[k] = exp(-k dt / tau), float64 on the host, then
 * float32); an eligibility likewise per synapse. A trace's `onSpike` gives its value just after a spike
 * from its value just before (all-to-all: `x + 1`; nearest-spike: `1`).
 *
 * Order within a step, after the neuron update: (1) the traces of every neuron that spiked are updated,
 * (2) `onPre` runs for every synapse of a neuron that spiked (after it delivered its current weight),
 * (3) `onPost` for every synapse onto a neuron that spiked, (4) `modulated` for every synapse when the
 * modulator is not zero in some instance. In onPre the presynaptic traces read their value just before
 * this step's spike and the postsynaptic ones include this step's spikes; in onPost the other way round.
 * So a pair at zero lag counts both as pre-post and post-pre, and a triplet term (a trace of the
 * spiking neuron itself) sees the earlier spikes only.
 *
 * Names the code reads: parameters and derived parameters; `dt` [ms]; `w` (the weight; every
 * assignment is clipped to [wMin, wMax], which every rule declares as parameters: they also set the
 * fixed-point range of the delivered weights); `e` (the eligibility, when declared); traces (onPre and
 * onPost only); `M`, the value of the projection's modulator for the instance this step (1 when the
 * projection names none; required by a `modulated` part); `post_<v>` and `pre_<v>`, state variable v of
 * the postsynaptic / presynaptic neuron (as left by this step's update; onPre and onPost only).
 * onPre and onPost may assign w and e, `modulated` w; `let` makes temporaries.
 *
 * Exactness as in expr.ts: code made of + - * min max and comparisons gives the same bits on the GPU as
 * in the twin (products that feed a sum or are stored are kept from FMA contraction).
 */
import { namesIn, parseExpr, parseProgram, toJs, toWgsl, type Expr, type Stmt } from './expr.ts';
import { compileDerived, ModelError, parse } from './check.ts';

export interface RuleSpec {
  /** What the rule does (not used by the engine). */
  description?: string;
  /** Parameters: a default value (omit it to make the parameter required), a unit, optionally a smallest value. */
  params: Record<string, {
    /** Default value, in `unit`. */
    value?: number;
    /** Unit, e.g. "ms", "mV", "1" for none. */
    unit: string;
    /** Smallest value allowed, in `unit`. */
    min?: number;
  }>;
  /** Derived parameters: expressions in params and dt, evaluated on the host in float64 per instance. */
  derived?: Record<string, string>;
  /** Spike traces: the neuron whose spikes drive it, its decay time constant (a parameter in ms), its value after a spike (default NAME + 1). */
  traces?: Record<string, {
    /** Whose spikes drive the trace: the presynaptic or the postsynaptic neuron's. */
    side: 'pre' | 'post';
    /** Name of the parameter holding the decay time constant [ms]. */
    tau: string;
    /** Expression for the value just after a spike, from the value just before (default NAME + 1). */
    onSpike?: string;
  }>;
  /** A lazy eligibility `e` per synapse, decaying with `tau` (a parameter in ms); needs a `modulated` part. */
  eligibility?: {
    /** Name of the parameter holding the decay time constant [ms]. */
    tau: string;
  };
  /** Runs for every outgoing synapse of a neuron that spikes (the synapse delivers its weight first). */
  onPre?: string;
  /** Runs for every incoming synapse of a neuron that spikes. */
  onPost?: string;
  /** Runs for every synapse in steps where the modulator is not zero in some instance (three-factor). */
  modulated?: string;
}

export type RuleBlockName = 'onPre' | 'onPost' | 'modulated';
export const RULE_BLOCKS: readonly RuleBlockName[] = ['onPre', 'onPost', 'modulated'];

export interface RuleBlock {
  prog: Stmt[];
  /** Names the block reads (not its lets), and the synapse variables it assigns (w, e). */
  reads: Set<string>;
  assigns: Set<string>;
  /** WGSL statements (names: see wgslName). */
  wgsl: string;
  /** The float32 twin: sets in v what the block assigns; v holds the names it reads, p the instance's parameters and dt. */
  js: (v: Record<string, number>, p: Record<string, number>) => void;
}

export interface RuleTrace {
  name: string;
  side: 'pre' | 'post';
  tau: string;
  /** Names the onSpike expression reads besides the trace itself. */
  reads: Set<string>;
  /** WGSL of the value after a spike, the value before being `before`. */
  wgsl: string;
  js: (before: number, p: Record<string, number>) => number;
}

export interface CompiledRule extends RuleParams {
  name: string;
  /** Parameters every instance shares: the weight bounds and the time constants (their tables are shared). */
  shared: Set<string>;
  /** Presynaptic traces first, then postsynaptic ones, each in declaration order. */
  traces: RuleTrace[];
  eligibilityTau?: string;
  blocks: Partial<Record<RuleBlockName, RuleBlock>>;
  /** State variables of the presynaptic / postsynaptic neuron read as pre_<v> / post_<v>. */
  preState: string[];
  postState: string[];
  /** Whether some block reads M. */
  readsModulator: boolean;
}

const ENGINE_NAMES = ['dt', 'w', 'e', 'M'];
const NAME = /^[A-Za-z_]\w*$/;

/**
 * WGSL name of a rule name: p_ parameters and derived, t_ traces, s_w / s_e, r_M, v_pre_* / v_post_*
 * neuron state, l_ lets, DT. The kernel generator declares them before the code.
 */
export function wgslName(rule: { paramNames: string[]; derivedNames: string[] }, traces: Set<string>, lets: Set<string>) {
  return (n: string): string => {
    if (lets.has(n)) return `l_${n}`;
    if (rule.paramNames.includes(n) || rule.derivedNames.includes(n)) return `p_${n}`;
    if (traces.has(n)) return `t_${n}`;
    if (n === 'w' || n === 'e') return `s_${n}`;
    if (n === 'M') return 'r_M';
    if (n === 'dt') return 'DT';
    return `v_${n}`;
  };
}

export { parse };

/** A product stored by a statement may later feed a sum: keep it from contraction too. */
function stored(e: Expr, name: (n: string) => string): string {
  const s = toWgsl(e, name);
  return e.k === 'bin' && (e.op === '*' || e.op === '/') ? `keep(${s})` : s;
}

/**
 * Compiles a block of rule code: checks every name it reads (readable, or a let) and assigns (writable,
 * or a let), and emits WGSL (names through wgslName) and the float32 twin (v.NAME, p.PARAM). With clipW an
 * assignment to w is clipped to [wMin, wMax].
 */
export function compileCode(
  prog: Stmt[], field: string, readable: Set<string>, writable: Set<string>, names: { paramNames: string[]; derivedNames: string[] }, traces: Set<string>, clipW = true,
): RuleBlock {
  const lets = new Set<string>();
  const reads = new Set<string>(), assigns = new Set<string>();
  const wgsl: string[] = [], js: string[] = [];
  const jsName = (n: string) => (lets.has(n) ? `l_${n}` : names.paramNames.includes(n) || names.derivedNames.includes(n) || n === 'dt' ? `p.${n}` : `v.${n}`);
  for (const st of prog) {
    for (const n of namesIn(st.value)) {
      if (lets.has(n)) continue;
      if (!readable.has(n)) throw new ModelError(field, `unknown name "${n}"${/^(pre|post)_/.test(n) ? '' : ` (readable here: ${[...readable].sort().join(', ')})`}`);
      reads.add(n);
    }
    const wname = wgslName(names, traces, lets);
    const rhsW = stored(st.value, wname), rhsJ = toJs(st.value, jsName);
    if (st.kind === 'let') {
      if (readable.has(st.name) || lets.has(st.name) || /^(pre|post)_/.test(st.name)) throw new ModelError(field, `"let ${st.name}" shadows an existing name`);
      lets.add(st.name);
      wgsl.push(`var l_${st.name} = ${rhsW};`);
      js.push(`let l_${st.name} = ${rhsJ};`);
      continue;
    }
    if (lets.has(st.name)) {
      wgsl.push(`l_${st.name} = ${rhsW};`);
      js.push(`l_${st.name} = ${rhsJ};`);
      continue;
    }
    if (!writable.has(st.name)) throw new ModelError(field, `cannot assign "${st.name}" (only ${[...writable].join(' and ')} and let-names here)`);
    assigns.add(st.name);
    if (st.name === 'w' && clipW) {
      reads.add('wMin').add('wMax');
      wgsl.push(`s_w = clamp(${rhsW}, p_wMin, p_wMax);`);
      js.push(`v.w = Math.min(Math.max(${rhsJ}, p.wMin), p.wMax);`);
    } else {
      wgsl.push(`${wname(st.name)} = ${rhsW};`);
      js.push(`v.${st.name} = ${rhsJ};`);
    }
  }
  const fn = new Function('F', 'v', 'p', js.join('\n')).bind(null, Math.fround) as RuleBlock['js'];
  return { prog, reads, assigns, wgsl: wgsl.join('\n'), js: fn };
}

/** The parameters of a rule: names, units, defaults (undefined: required), lower bounds, and derive(). */
export interface RuleParams {
  paramNames: string[];
  derivedNames: string[];
  defaults: Record<string, number | undefined>;
  units: Record<string, string>;
  /** Smallest values allowed (inclusive), where the rule gives one. */
  mins: Record<string, number>;
  derive(params: Record<string, number>, dt: number): Record<string, number>;
}

/** Checks a rule's names (its own and `reserved` ones, each defined once) and compiles its derived parameters. */
export function compileParams(spec: Pick<RuleSpec, 'params' | 'derived'>, field: string, reserved: string[]): RuleParams {
  const paramNames = Object.keys(spec.params);
  const derived = spec.derived ?? {};
  const derivedNames = Object.keys(derived);
  const seen = new Set<string>();
  for (const n of [...paramNames, ...derivedNames, ...reserved]) {
    if (seen.has(n)) throw new ModelError(field, `name "${n}" is defined twice (${reserved.join(', ')} are the engine's or the rule's state)`);
    if (!NAME.test(n)) throw new ModelError(field, `"${n}" is not a valid name`);
    if (/^(pre|post)_/.test(n) && !reserved.includes(n)) throw new ModelError(field, `"${n}": names starting with pre_ or post_ read neuron state`);
    seen.add(n);
  }
  const units: Record<string, string> = {}, defaults: Record<string, number | undefined> = {}, mins: Record<string, number> = {};
  for (const [p, d] of Object.entries(spec.params)) {
    units[p] = d.unit;
    defaults[p] = d.value;
    if (d.min === undefined) continue;
    mins[p] = d.min;
    if (d.value !== undefined && d.value < d.min) throw new ModelError(`${field}.params.${p}.value`, `must be >= its min ${d.min}, got ${d.value}`);
  }
  // Derived: may read params, dt and earlier derived values.
  const derive = compileDerived(field, derived, paramNames);
  return { paramNames, derivedNames, defaults, units, mins, derive };
}

/** Compiles a rule (field: where its definition sits in the spec, for errors). */
export function compileRule(name: string, spec: RuleSpec, field = `rules.${name}`): CompiledRule {
  const traceSpecs = spec.traces ?? {};
  const traceNames = Object.keys(traceSpecs);
  const params = compileParams(spec, field, [...traceNames, ...ENGINE_NAMES]);
  const { paramNames, derivedNames, units } = params;
  for (const b of ['wMin', 'wMax']) {
    if (!paramNames.includes(b)) throw new ModelError(`${field}.params`, `every rule declares wMin and wMax (w is clipped to them; they set the fixed-point range of the delivered weights), "${b}" is missing`);
  }
  const shared = new Set(['wMin', 'wMax']);
  const timeConstant = (tau: string, f: string) => {
    if (!paramNames.includes(tau)) throw new ModelError(f, `"${tau}" is not a parameter of the rule`);
    if (units[tau] !== 'ms') throw new ModelError(f, `parameter "${tau}" is a time constant: its unit must be "ms", not "${units[tau]}"`);
    shared.add(tau);
  };
  const names = { paramNames, derivedNames };
  const consts = new Set([...paramNames, ...derivedNames, 'dt']);
  for (const t of traceNames) {
    const side = traceSpecs[t].side;
    if (side !== 'pre' && side !== 'post') throw new ModelError(`${field}.traces.${t}.side`, `"pre" or "post", got ${JSON.stringify(side)}`);
  }
  const traces: RuleTrace[] = [];
  for (const side of ['pre', 'post'] as const) {
    for (const t of traceNames.filter((n) => traceSpecs[n].side === side)) {
      const ts = traceSpecs[t];
      timeConstant(ts.tau, `${field}.traces.${t}.tau`);
      const f = `${field}.traces.${t}.onSpike`;
      const e = parse(f, () => parseExpr(ts.onSpike ?? `${t} + 1`));
      const reads = new Set<string>();
      for (const n of namesIn(e)) {
        if (n !== t && !consts.has(n)) throw new ModelError(f, `unknown name "${n}" (an onSpike expression reads the trace, parameters and dt)`);
        if (n !== t) reads.add(n);
      }
      const own = (n: string) => (n === t ? 'before' : wgslName(names, new Set(), new Set())(n));
      const js = new Function('F', 'before', 'p', `return ${toJs(e, (n) => (n === t ? 'before' : `p.${n}`))};`).bind(null, Math.fround) as RuleTrace['js'];
      traces.push({ name: t, side, tau: ts.tau, reads, wgsl: stored(e, own), js });
    }
  }
  if (spec.eligibility) timeConstant(spec.eligibility.tau, `${field}.eligibility.tau`);
  if (spec.eligibility && spec.modulated === undefined) throw new ModelError(`${field}.modulated`, 'a rule with an eligibility needs a modulated part (what turns the eligibility into weight change)');
  if (!spec.eligibility && spec.modulated !== undefined) throw new ModelError(`${field}.eligibility`, 'a modulated part needs an eligibility (a three-factor rule keeps one per synapse)');
  if (spec.onPre === undefined && spec.onPost === undefined) throw new ModelError(field, 'a rule needs onPre or onPost code');
  const traceSet = new Set(traceNames);
  const base = new Set([...consts, 'w', 'M', ...(spec.eligibility ? ['e'] : [])]);
  const spikeReadable = new Set([...base, ...traceNames]);
  const writable = new Set(['w', ...(spec.eligibility ? ['e'] : [])]);
  const blocks: Partial<Record<RuleBlockName, RuleBlock>> = {};
  const preState = new Set<string>(), postState = new Set<string>();
  for (const b of RULE_BLOCKS) {
    const src = spec[b];
    if (src === undefined) continue;
    const f = `${field}.${b}`;
    const prog = parse(f, () => parseProgram(src));
    // Neuron state (pre_v, post_v) is readable in spike code; the plan checks that the models have it.
    const readable = new Set(b === 'modulated' ? base : spikeReadable);
    if (b !== 'modulated') for (const st of prog) for (const n of namesIn(st.value)) if (/^(pre|post)_\w+$/.test(n)) readable.add(n);
    const block = compileCode(prog, f, readable, b === 'modulated' ? new Set(['w']) : writable, names, traceSet);
    for (const n of block.reads) {
      if (n.startsWith('pre_')) preState.add(n.slice(4));
      else if (n.startsWith('post_')) postState.add(n.slice(5));
    }
    blocks[b] = block;
  }
  return {
    name, ...params, shared, traces, eligibilityTau: spec.eligibility?.tau, blocks,
    preState: [...preState], postState: [...postState], readsModulator: RULE_BLOCKS.some((b) => blocks[b]?.reads.has('M')),
  };
}
