/**
 * Plastic spiking projections and modulators: compiled from the spec into plans that both the GPU
 * kernels (shaders/spiking/plastic-*.wgsl) and the CPU twin (engine/reference/spiking-plasticity.ts) execute.
 *
 * A plastic projection is stored on the host-built path (its synapses are drawn on the host, whatever the
 * connectivity rule) with float32 weights per instance (instances learn apart), a CSR over presynaptic
 * neurons (delivery and depression) and a column index over postsynaptic neurons (potentiation), so that
 * each update pass touches every synapse at most once: no two threads write one weight, and the result
 * does not depend on thread order. Weights are quantized to the port's fixed point at delivery.
 *
 * What a synapse does with its weight is its learning rule (engine/models/rule.ts: built-in ones in
 * engine/models/builtin-rules.ts, a spec's own under `rules`). Traces are lazy: per neuron, the value just
 * after its last spike, that step and the value just before that spike; the value at step t is
 * value * table[t - last] with table[k] = exp(-k dt / tau) (float64 on the host, then float32; 0 beyond
 * the table, where it is below 2^-60). Eligibilities (three-factor rules) are lazy the same way: per
 * synapse, its value after the last change and that step; so the pass that turns them into weight
 * changes runs only in steps where some instance's modulator is not zero (the host knows the modulators'
 * values). Rule code made of + - * and min/max, each product kept from FMA contraction, makes GPU and
 * twin agree bit for bit.
 */
import { SpecError } from '../errors.ts';
import { finite, isObj, object, oneOf, str, uniqueNames } from '../spec/checks.ts';
import { ModelError } from '../models/check.ts';
import type { RuleTable } from './rules.ts';
import { timeSteps } from './rate.ts';
import type { TimeCourse } from '../spec/rate.ts';
import { timeCourse as validTimeCourse } from '../spec/validate-modulation.ts';
import type { ModulatorPlan, PlasticPlan, SpikingPopPlan } from './spiking.ts';
import type { Synapses } from './synapses.ts';

export type { ModulatorPlan, PlasticPlan };

const F = Math.fround;

/** Per-instance parameters a plastic projection or modulator can take from batch.params. */
export interface PerInstance {
  B: number;
  perInstance: Map<string, number[]>;
  usedKeys: Set<string>;
}

function instanceValues(ctx: PerInstance, key: string, dflt: number): Float64Array {
  ctx.usedKeys.add(key);
  const v = ctx.perInstance.get(key);
  return Float64Array.from({ length: ctx.B }, (_, b) => (v ? v[b] : dflt));
}

/** exp(-k dt / tau) for k = 0, 1, ... while above 2^-60 (at most 2^20 entries), in float32. */
export function decayTable(dt: number, tau: number): Float32Array {
  const n = Math.min(1 << 20, Math.max(2, Math.ceil((60 * Math.LN2 * tau) / dt) + 1));
  return Float32Array.from({ length: n }, (_, k) => Math.exp((-k * dt) / tau));
}

export function compileModulators(raw: unknown, dt: number, ctx: PerInstance): ModulatorPlan[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new SpecError('modulators', 'expected an array');
  const mods = raw.map((m, index): ModulatorPlan => {
    const f = `modulators[${index}]`;
    const o = object(m, f, ['name', 'type', 'time', 'amplitude', 'baseline', 'init']);
    const name = str(o.name, `${f}.name`);
    const type = oneOf(o.type, `${f}.type`, ['schedule', 'host'] as const);
    if (type === 'host') {
      for (const k of ['time', 'amplitude', 'baseline']) if (o[k] !== undefined) throw new SpecError(`${f}.${k}`, 'not used by a host modulator (set its value with setModulator)');
      const init = instanceValues(ctx, `modulators.${name}.init`, o.init === undefined ? 0 : finite(o.init, `${f}.init`));
      return { name, index, kind: 'host', baseline: Float32Array.from(init), amplitude: new Float32Array(ctx.B), time: { kind: 'constant' } };
    }
    if (o.init !== undefined) throw new SpecError(`${f}.init`, 'only for host modulators (a schedule starts at its own value)');
    const amp = instanceValues(ctx, `modulators.${name}.amplitude`, o.amplitude === undefined ? 1 : finite(o.amplitude, `${f}.amplitude`));
    const base = instanceValues(ctx, `modulators.${name}.baseline`, o.baseline === undefined ? 0 : finite(o.baseline, `${f}.baseline`));
    return { name, index, kind: 'schedule', baseline: Float32Array.from(base), amplitude: Float32Array.from(amp), time: timeCourse(o.time, `${f}.time`, dt) };
  });
  uniqueNames(mods, 'modulators');
  return mods;
}

/** A scalar time course, validated and timed as for rate networks. */
function timeCourse(v: unknown, field: string, dt: number): ModulatorPlan['time'] {
  const t = validTimeCourse(v, field);
  const steps = timeSteps(t, dt, field);
  if (steps.kind !== 'array') return steps;
  // Scalar samples only: the validator rejects per-unit rows for a modulator.
  return { ...steps, values: Float32Array.from((t as Extract<TimeCourse, { type: 'array' }>).values as number[]) };
}

/** Value of a modulator in instance b at step n (float32): what the kernels read. `host` holds set values. */
export function modulatorValue(m: ModulatorPlan, b: number, n: number, host?: Float32Array): number {
  if (m.kind === 'host') return host ? host[b] : m.baseline[b];
  const t = m.time;
  let u: number;
  if (t.kind === 'constant') u = 1;
  else if (t.kind === 'pulse') u = n >= t.startStep && n < t.stopStep ? 1 : 0;
  else u = t.values[Math.min(Math.floor(n / t.everySteps), t.values.length - 1)];
  return F(m.baseline[b] + F(m.amplitude[b] * u));
}

/**
 * Validates `plasticity` and makes the plan of a plastic projection from its host-built synapses:
 * `{ rule, modulator?, ...values of the rule's parameters }` (per instance through
 * batch.params["projections.NAME.PARAM"], except the shared bounds and time constants); for the
 * built-in rules stdp and three-factor, `variant: 'multiplicative'` names their soft-bound versions.
 */
export function compilePlastic(
  raw: unknown, f: string,
  proj: { name: string; index: number; pre: SpikingPopPlan; post: SpikingPopPlan; port: number; syn: Synapses },
  dt: number, mods: ModulatorPlan[], ctx: PerInstance, rules: RuleTable,
): PlasticPlan {
  const given = object(raw, f, isObj(raw) ? Object.keys(raw) : []);
  let ruleName = str(given.rule, `${f}.rule`);
  if (given.variant !== undefined) {
    if ((ruleName !== 'stdp' && ruleName !== 'three-factor') || rules.isUser(ruleName)) {
      throw new SpecError(`${f}.variant`, `only for the built-in rules stdp and three-factor (name the rule to use instead), not "${ruleName}"`);
    }
    if (oneOf(given.variant, `${f}.variant`, ['additive', 'multiplicative'] as const) === 'multiplicative') ruleName = `${ruleName}-multiplicative`;
  }
  const rule = rules.get(ruleName, `${f}.rule`);
  const o = object(raw, f, ['rule', 'variant', 'modulator', ...rule.paramNames]);
  const B = ctx.B;
  const values: Record<string, Float64Array> = {};
  for (const name of rule.paramNames) {
    const key = `projections.${proj.name}.${name}`;
    const dflt = o[name] === undefined ? rule.defaults[name] : finite(o[name], `${f}.${name}`);
    if (rule.shared.has(name) && ctx.perInstance.has(key)) throw new SpecError(`batch.params.${key}`, 'the weight bounds and time constants of a rule are shared by all instances');
    if (dflt === undefined && !ctx.perInstance.has(key)) throw new SpecError(`${f}.${name}`, `is required (rule ${ruleName} has no default for it)`);
    values[name] = instanceValues(ctx, key, dflt ?? 0);
    const min = rule.mins[name];
    values[name].forEach((v, b) => {
      if (v < min) throw new SpecError(ctx.perInstance.has(key) ? `batch.params.${key}[${b}]` : `${f}.${name}`, `must be >= ${min}, got ${v}`);
    });
  }
  const wMin = values.wMin[0], wMax = values.wMax[0];
  if (!(wMax > wMin)) throw new SpecError(`${f}.wMax`, `must be > wMin (${wMin}), got ${wMax}`);
  const taus = [...rule.traces.map((t) => t.tau), ...(rule.eligibilityTau ? [rule.eligibilityTau] : [])];
  for (const tau of taus) if (!(values[tau][0] > 0)) throw new SpecError(`${f}.${tau}`, `must be > 0, got ${values[tau][0]}`);
  let modulator = -1;
  if (o.modulator !== undefined) {
    const name = str(o.modulator, `${f}.modulator`);
    modulator = mods.findIndex((m) => m.name === name);
    if (modulator < 0) throw new SpecError(`${f}.modulator`, `no modulator named "${name}"${mods.length ? ` (modulators: ${mods.map((m) => m.name).join(', ')})` : ' (spec.modulators is empty)'}`);
    if (!rule.readsModulator) throw new SpecError(`${f}.modulator`, `rule ${ruleName} does not read M`);
  } else if (rule.blocks.modulated) {
    throw new SpecError(`${f}.modulator`, `is required for rule ${ruleName} (the third factor of its modulated part)`);
  }
  const { pre, post } = proj;
  for (const [side, pop] of [['pre', pre], ['post', post]] as const) {
    for (const v of side === 'pre' ? rule.preState : rule.postState) {
      if (!pop.model.stateNames.includes(v)) throw new SpecError(`${f}.rule`, `rule ${ruleName} reads ${side}_${v}, but model ${pop.model.name} of population "${pop.name}" has no state variable "${v}" (it has ${pop.model.stateNames.join(', ')})`);
    }
  }
  const width = rule.paramNames.length + rule.derivedNames.length;
  const params = new Float32Array(Math.max(B * width, 1));
  for (let b = 0; b < B; b++) {
    const p = Object.fromEntries(rule.paramNames.map((n) => [n, values[n][b]]));
    let d: Record<string, number>;
    try {
      d = rule.derive(p, dt);
    } catch (e) {
      if (e instanceof ModelError) throw new SpecError(`${f} (${e.field})`, e.message);
      throw e;
    }
    params.set([...rule.paramNames.map((n) => p[n]), ...rule.derivedNames.map((n) => d[n])], b * width);
  }
  let traceWords = 0;
  const traceBase = rule.traces.map((t) => { const at = traceWords; traceWords += 3 * B * (t.side === 'pre' ? pre.size : post.size); return at; });
  const { syn } = proj;
  const S = syn.post.length;
  if (S > 0x7fffffff) throw new SpecError(f, `${S} synapses: too many for one plastic projection`);
  const preIdx = new Uint32Array(S);
  for (let j = 0; j < pre.size; j++) preIdx.fill(j, syn.rowPtr[j], syn.rowPtr[j + 1]);
  // Column index by counting sort over the postsynaptic neuron (stable: row order within a column).
  const colPtr = new Uint32Array(post.size + 1);
  for (let s = 0; s < S; s++) colPtr[syn.post[s] + 1]++;
  for (let i = 0; i < post.size; i++) colPtr[i + 1] += colPtr[i];
  const fill = colPtr.slice(0, post.size);
  const colSyn = new Uint32Array(S);
  for (let s = 0; s < S; s++) colSyn[fill[syn.post[s]]++] = s;
  const w0 = Float32Array.from(syn.weight, (w) => Math.min(Math.max(w, wMin), wMax));
  return {
    name: proj.name, index: proj.index, pre, post, port: proj.port, rule, threeFactor: rule.blocks.modulated !== undefined,
    synapses: S, rowPtr: syn.rowPtr, postIdx: syn.post, preIdx, delay: syn.delay, colPtr, colSyn, w0, wMin: F(wMin), wMax: F(wMax), params,
    traceTables: rule.traces.map((t) => decayTable(dt, values[t.tau][0])),
    tableElig: rule.eligibilityTau ? decayTable(dt, values[rule.eligibilityTau][0]) : new Float32Array(1),
    traceBase, traceWords, modulator, gain: -1, scale: 24, slot: 0,
  };
}

/** Largest |w * gain| a plastic synapse can deliver (for the fixed-point range of its port). */
export function plasticMaxAbs(p: { wMin: number; wMax: number; gain: number }, mods: ModulatorPlan[], instance?: number): number {
  return Math.max(Math.abs(p.wMin), Math.abs(p.wMax)) * (p.gain >= 0 ? modulatorMaxAbs(mods[p.gain], instance) : 1);
}

/** Largest |value| a schedule modulator takes over its time course, in any instance (or in `instance`). */
export function modulatorMaxAbs(m: ModulatorPlan, instance?: number): number {
  const t = m.time;
  const us = t.kind === 'constant' ? [1] : t.kind === 'pulse' ? [0, 1] : Array.from(t.values);
  let max = 0;
  const from = instance ?? 0, to = instance === undefined ? m.baseline.length : instance + 1;
  for (let b = from; b < to; b++) for (const u of us) max = Math.max(max, Math.abs(m.baseline[b] + m.amplitude[b] * u));
  return max;
}

/** Resolves a projection's gainModulator (a schedule modulator: its range bounds the fixed point). */
export function gainModulator(raw: unknown, field: string, mods: ModulatorPlan[]): number {
  if (raw === undefined) return -1;
  const name = str(raw, field);
  const q = mods.findIndex((m) => m.name === name);
  if (q < 0) throw new SpecError(field, `no modulator named "${name}"`);
  if (mods[q].kind !== 'schedule') throw new SpecError(field, `modulator "${name}" is set from the host, so its range is unknown: a gain must follow a schedule`);
  return q;
}

/**
 * The pconst table of a plastic projection's kernels: wMin, wMax, 0, 2^scale, then the decay tables
 * (traces, then eligibility), then the per-instance parameter rows.
 */
export function plasticConstants(p: PlasticPlan): { data: Float32Array; offsets: { tables: number[]; te: number; params: number } } {
  let at = 4;
  const tables = p.traceTables.map((t) => { const o = at; at += t.length; return o; });
  const te = at;
  const params = te + p.tableElig.length;
  const data = new Float32Array(params + p.params.length);
  data.set([p.wMin, p.wMax, 0, 2 ** p.scale]);
  p.traceTables.forEach((t, k) => data.set(t, tables[k]));
  data.set(p.tableElig, te);
  data.set(p.params, params);
  return { data, offsets: { tables, te, params } };
}

/**
 * Eligibilities at step n from their lazy form (value after the last change, that step): value x
 * table[n - last] in float32, 0 past the table (n is the next step to run: the decay of the last step run
 * counts as one step, as the kernels do).
 */
export function eligibilityNow(values: Float32Array, last: Uint32Array, table: Float32Array, n: number): Float32Array {
  return Float32Array.from(values, (v, k) => {
    const age = n - last[k];
    return age < table.length ? Math.fround(v * table[age]) : 0;
  });
}
