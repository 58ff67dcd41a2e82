/**
 * Compiles a validated NetworkSpec into a NetworkPlan: buffer offsets, per-unit coefficient tables,
 * materialized weights, the per-instance parameter table, and the order in which projections feed
 * each population. The plan is what both the GPU runtime and the CPU reference execute.
 */
import { SpecError } from '../errors.ts';
import { seed32 } from '../spec/checks.ts';
import { instanceSeeds } from '../spec/seeds.ts';
import { readNpyMatrix } from '../util/npy.ts';
import { fixedInDegree, gaussianMatrix, ringMatrix, denseFrom, type Csr } from './matrices.ts';
import type { InputTimeCourse, NetworkSpec, PlasticitySpec, ProjectionSpec } from '../spec/rate.ts';
import type { UnitCode } from '../models/rate-unit.ts';
import { planUnit } from './rate-units.ts';
import { rateRuleTable, type RateRuleTable } from '../spec/rate-rules.ts';
import type { CompiledRateRule } from '../models/rate-rule.ts';
import { ModelError } from '../models/check.ts';
import { gatedPlan, gatedSlots, type GatedPlan } from './gated.ts';

export interface PopPlan {
  name: string;
  index: number;
  size: number;
  /** The unit's code and where its parameters and derived values live (plan/rate-units.ts). */
  unit: UnitCode;
  /** Offset of instance 0, unit 0 in every state array (state, rates, syn). */
  base: number;
  /** Offset of this population's values in the unit table (its input profiles follow them). */
  tableBase: number;
  init: Float32Array;
  inputs: InputPlan[];
  /** Incoming projections in the order they are summed (none for a gated population: its own are in `gated`). */
  incoming: ProjPlan[];
  /** An LSTM or GRU population: its weight blocks, biases and gate storage (engine/plan/gated.ts). */
  gated?: GatedPlan;
}

export interface ProjPlan {
  name: string;
  /** Index of the spec projection it came from (a ring with per-instance gamma makes two plans). */
  specIndex: number;
  pre: PopPlan;
  post: PopPlan;
  /** Initial weights, post x pre (for a plastic projection: every instance's starting matrix). */
  dense?: Float32Array;
  csr?: Csr;
  gainParam: number;
  /** Index of the modulator that multiplies the gain, or -1. */
  gainModulator: number;
  /** Learning rule; its weights are per instance (B x post x pre). */
  plastic?: PlasticPlan;
}

export type TimePlan =
  | { kind: 'constant' }
  | { kind: 'pulse'; startStep: number; stopStep: number }
  /** Sample s of unit i, instance b at input_data[dataOffset + s * size + i], per instance at dataOffset + (s * B + b) * size + i. */
  | { kind: 'array'; everySteps: number; samples: number; perUnit: boolean; perInstance: boolean; dataOffset: number };

export interface InputPlan {
  name: string;
  ampParam: number;
  /** Unit-table column (absolute index of its first element) of the profile, or -1 for all ones. */
  profileOffset: number;
  time: TimePlan;
}

export interface NetworkPlan {
  dt: number;
  batch: number;
  pops: PopPlan[];
  projections: ProjPlan[];
  /** Total length of each state array (sum of B * N over populations). */
  stateLength: number;
  unitTable: Float32Array;
  /** B x instK per-instance parameters. */
  instTable: Float32Array;
  instK: number;
  instColumns: string[];
  seeds: Uint32Array;
  inputData: Float32Array;
  modulators: ModulatorPlan[];
  /** Stride of the modulator buffer per instance: max(modulators, 1). */
  modK: number;
  /** MOD_WORDS float parameters per modulator (see MOD_WORDS below). */
  modParams: Float32Array;
}

export interface CompileOptions {
  /** Batch size; overrides spec.batch.size when given. */
  batch?: number;
  /** Base seed; overrides spec.seed when given. */
  seed?: number;
}

function perUnit(v: number | number[] | undefined, n: number, dflt: number): Float64Array {
  const out = new Float64Array(n);
  if (Array.isArray(v)) out.set(v);
  else out.fill(v ?? dflt);
  return out;
}

/**
 * The timing of a time course in steps, for every engine: a pulse is on in the steps n with
 * start <= n dt < start + duration; an array holds each sample for everySteps steps.
 */
export function timeSteps(t: InputTimeCourse, dt: number, field: string):
  { kind: 'constant' } | { kind: 'pulse'; startStep: number; stopStep: number } | { kind: 'array'; everySteps: number } {
  if (t.type === 'constant') return { kind: 'constant' };
  const eps = 1e-9;
  if (t.type === 'pulse') {
    return { kind: 'pulse', startStep: Math.ceil(t.start / dt - eps), stopStep: Math.ceil((t.start + t.duration) / dt - eps) };
  }
  const ratio = t.dt / dt;
  if (Math.abs(ratio - Math.round(ratio)) > 1e-6 * ratio) {
    throw new SpecError(`${field}.dt`, `must be a whole multiple of the time step ${dt} ms, got ${t.dt}`);
  }
  return { kind: 'array', everySteps: Math.round(ratio) };
}

function timePlan(t: InputTimeCourse | undefined, dt: number, field: string, data: number[], batch: number): TimePlan {
  if (!t) return { kind: 'constant' };
  const steps = timeSteps(t, dt, field);
  if (steps.kind !== 'array') return steps;
  const { values } = t as Extract<InputTimeCourse, { type: 'array' }>;
  const first = values[0] as number | unknown[];
  const perInstance = Array.isArray(first) && Array.isArray(first[0]);
  if (perInstance && first.length !== batch) {
    throw new SpecError(`${field}.values[0]`, `gives ${first.length} instances' rows; the batch has ${batch}`);
  }
  const dataOffset = data.length;
  for (const v of values.flat(2)) data.push(v);
  return { ...steps, samples: values.length, perUnit: Array.isArray(values[0]), perInstance, dataOffset };
}

export function compile(spec: NetworkSpec, opts: CompileOptions = {}): NetworkPlan {
  const B = opts.batch ?? spec.batch?.size ?? 1;
  if (!Number.isInteger(B) || B < 1) throw new SpecError('batch', `must be an integer >= 1, got ${B}`);
  const params = spec.batch?.params ?? {};
  if (spec.batch && B !== spec.batch.size && (Object.keys(params).length > 0 || spec.batch.seeds !== undefined)) {
    throw new SpecError('batch.size', `the spec gives per-instance parameters for ${spec.batch.size} instances; cannot run a batch of ${B}`);
  }
  const dt = spec.dt;
  const baseSeed = opts.seed !== undefined ? seed32(opts.seed, 'options.seed') : spec.seed ?? 0;
  const rules = rateRuleTable(spec.rules);

  // Per-instance parameter table: a column per gain, amplitude and per-instance unit value.
  const columns: { name: string; values: Float64Array }[] = [];
  const addColumn = (name: string, values: Float64Array) => columns.push({ name, values }) - 1;
  const column = (name: string, dflt: number, key?: string, transform?: (v: number, b: number) => number) => {
    const vals = new Float64Array(B);
    for (let b = 0; b < B; b++) vals[b] = transform ? transform(key && params[key] ? params[key][b] : dflt, b) : (key && params[key] ? params[key][b] : dflt);
    return addColumn(name, vals);
  };

  let base = 0;
  const unitCols: Float64Array[] = [];
  const inputData: number[] = [];
  const pops: PopPlan[] = spec.populations.map((p, index) => {
    const tableBase = unitCols.reduce((s, c) => s + c.length, 0);
    const unit = planUnit(spec, index, B, addColumn);
    unitCols.push(...unit.columns);
    const pop: PopPlan = {
      name: p.name, index, size: p.size, unit: unit.code, base, tableBase,
      init: Float32Array.from(perUnit(p.init, p.size, 0)),
      inputs: [], incoming: [],
    };
    base += B * p.size * gatedSlots(p.gated);
    return pop;
  });
  const byName = new Map(pops.map((p) => [p.name, p]));

  (spec.inputs ?? []).forEach((inp, k) => {
    const pop = byName.get(inp.target)!;
    let profileOffset = -1;
    if (inp.profile) {
      const prof = new Float64Array(pop.size);
      if (Array.isArray(inp.profile)) prof.set(inp.profile);
      else {
        const { center, rectify } = inp.profile;
        for (let i = 0; i < pop.size; i++) {
          const c = Math.cos((2 * Math.PI * i) / pop.size - center);
          prof[i] = rectify ? Math.max(c, 0) : c;
        }
      }
      profileOffset = unitCols.reduce((s, c) => s + c.length, 0);
      unitCols.push(prof);
    }
    const key = `inputs.${inp.name}.amplitude`;
    pop.inputs.push({
      name: inp.name, ampParam: column(key, inp.amplitude ?? 1, key), profileOffset,
      time: timePlan(inp.time, dt, `inputs[${k}].time`, inputData, B),
    });
  });

  // Float parameters of the modulators kernel: schedule [baseline]; activity [offset, scale, dt / tauBaseline].
  const modParams = new Float32Array(Math.max(spec.modulators?.length ?? 0, 1) * MOD_WORDS);
  const modulators: ModulatorPlan[] = (spec.modulators ?? []).map((m, index) => {
    if (m.type === 'host') {
      const key = `modulators.${m.name}.init`;
      return { name: m.name, index, kind: 'host', init: Float32Array.from({ length: B }, (_, b) => params[key]?.[b] ?? m.init ?? 0) };
    }
    if (m.type === 'schedule') {
      const key = `modulators.${m.name}.amplitude`, baseKey = `modulators.${m.name}.baseline`;
      return {
        name: m.name, index, kind: 'schedule', ampParam: column(key, m.amplitude ?? 1, key), baseParam: column(baseKey, m.baseline ?? 0, baseKey),
        time: timePlan(m.time, dt, `modulators[${index}].time`, inputData, B),
      };
    }
    modParams.set([m.offset ?? 0, m.scale ?? 1, m.tauBaseline === undefined ? 0 : dt / m.tauBaseline], index * MOD_WORDS);
    const pop = byName.get(m.population)!;
    const profileOffset = unitCols.reduce((s, c) => s + c.length, 0);
    unitCols.push(m.profile ? Float64Array.from(m.profile) : new Float64Array(pop.size).fill(1 / pop.size));
    return { name: m.name, index, kind: 'activity', pop, profileOffset };
  });
  const modIndex = (name: string | undefined) => (name === undefined ? -1 : modulators.findIndex((m) => m.name === name));

  const projections: ProjPlan[] = [];
  const gatedInputs = new Map<string, { spec: ProjectionSpec; specIndex: number; seed: number }[]>();
  (spec.projections ?? []).forEach((pr, specIndex) => {
    const pre = byName.get(pr.from)!, post = byName.get(pr.to)!;
    if (spec.populations[post.index].gated) {
      const seed = 'seed' in pr.weights && pr.weights.seed !== undefined ? pr.weights.seed : baseSeed;
      gatedInputs.set(post.name, [...gatedInputs.get(post.name) ?? [], { spec: pr, specIndex, seed }]);
      return;
    }
    const gainKey = `projections.${pr.name}.gain`;
    const gain = pr.gain ?? 1;
    const seed = ('seed' in pr.weights && pr.weights.seed !== undefined) ? pr.weights.seed : baseSeed;
    const plastic = pr.plasticity && plasticPlan(pr.plasticity, `projections[${specIndex}].plasticity`, {
      dt, B, rules, modulator: modIndex(pr.plasticity.modulator), pre: pre.size, post: post.size,
      perInstance: (q) => params[`projections.${pr.name}.${q}`],
    });
    const add = (plan: Omit<ProjPlan, 'pre' | 'post' | 'specIndex' | 'gainModulator' | 'plastic'>) => {
      const full: ProjPlan = { ...plan, pre, post, specIndex, gainModulator: modIndex(pr.gainModulator), plastic };
      projections.push(full);
      post.incoming.push(full);
    };
    const w = pr.weights;
    switch (w.type) {
      case 'dense':
        add({ name: pr.name, dense: denseFrom(w.values, post.size, pre.size), gainParam: column(gainKey, gain, gainKey) });
        break;
      case 'csr':
        add({ name: pr.name, csr: { rowPtr: Uint32Array.from(w.rowPtr), colIdx: Uint32Array.from(w.colIdx), values: Float32Array.from(w.values) }, gainParam: column(gainKey, gain, gainKey) });
        break;
      case 'npy':
        add({ name: pr.name, dense: readNpyMatrix(w.file, post.size, pre.size, `projections[${specIndex}].weights.file`), gainParam: column(gainKey, gain, gainKey) });
        break;
      case 'gaussian':
        add({ name: pr.name, dense: gaussianMatrix(post.size, pre.size, w.g, seed, specIndex), gainParam: column(gainKey, gain, gainKey) });
        break;
      case 'fixed-indegree':
        add({ name: pr.name, csr: fixedInDegree(post.size, pre.size, w.k, w.weight, seed, specIndex, w.allowAutapses === false && pre === post), gainParam: column(gainKey, gain, gainKey) });
        break;
      case 'ring': {
        const gammaKey = `projections.${pr.name}.gamma`;
        if (!params[gammaKey]) {
          add({ name: pr.name, dense: ringMatrix(post.size, w.J0, w.J1, w.gamma), gainParam: column(gainKey, gain, gainKey) });
        } else {
          // Per-instance asymmetry: W_b = gain_b * (W_sym + gamma_b * W_sin), as two projections.
          const gains = column(gainKey, gain, gainKey);
          add({ name: pr.name, dense: ringMatrix(post.size, w.J0, w.J1, 0), gainParam: gains });
          add({
            name: `${pr.name}:antisymmetric`, dense: ringMatrix(post.size, 0, 0, 1),
            gainParam: column(gammaKey, w.gamma, gammaKey, (g, b) => g * columns[gains].values[b]),
          });
        }
        break;
      }
    }
  });

  spec.populations.forEach((p, k) => {
    if (p.gated) pops[k].gated = gatedPlan(p.gated, pops[k], B, gatedInputs.get(p.name) ?? [], (name) => byName.get(name)!);
  });
  const seeds = instanceSeeds(B, baseSeed, spec.batch?.seeds, params.seed);
  const instK = Math.max(columns.length, 1);
  const instTable = new Float32Array(B * instK);
  columns.forEach((c, k) => { for (let b = 0; b < B; b++) instTable[b * instK + k] = c.values[b]; });
  const tableLength = unitCols.reduce((s, c) => s + c.length, 0);
  const unitTable = new Float32Array(Math.max(tableLength, 1));
  let off = 0;
  for (const c of unitCols) { unitTable.set(c, off); off += c.length; }

  return {
    dt, batch: B, pops, projections, stateLength: base, unitTable, instTable, instK,
    instColumns: columns.map((c) => c.name), seeds, inputData: Float32Array.from(inputData.length ? inputData : [0]),
    modulators, modK: Math.max(modulators.length, 1), modParams,
  };
}

/*
 * The plasticity and neuromodulation part of a NetworkPlan: modulators (index, kind, parameters) and
 * the rule of each plastic projection. Float parameters are computed once on the host in float64 and
 * rounded once to float32; the GPU reads them from buffers and the CPU twin reads the same values.
 */

/** Words of `modParams` per modulator: schedule [0, 0, 0, 0] (its values are per instance); activity [offset, scale, alpha, 0]. */
export const MOD_WORDS = 4;

export type ModulatorPlan = { name: string; index: number } & (
  /** value = baseline_b + amplitude_b * course(step); both instance-table columns. */
  | { kind: 'schedule'; ampParam: number; baseParam: number; time: TimePlan }
  /** value = offset + scale * (R - b), b += alpha (R - b), R = sum_i profile_i r_i (rates at the start of the step). */
  | { kind: 'activity'; pop: PopPlan; profileOffset: number }
  /** value written by the host (Simulation.setModulator); init (per instance) until then. */
  | { kind: 'host'; init: Float32Array });

export interface PlasticPlan {
  /** The rule's name (built in or the spec's; engine/models/rate-rule.ts) and its compiled form. */
  rule: string;
  compiled: CompiledRateRule;
  /** Index of the modulator the rule reads as M, or -1 (M = 1). */
  modulator: number;
  /** The rule_params buffer: row b (instance b) holds the rule's parameters then its derived parameters (float64 on the host, then float32). */
  params: Float32Array;
  /**
   * Initial contents of the eligibility buffer (at least 4 floats): the eligibility per synapse (B x post x
   * pre, from 0) when the rule has one, then per post variable two parities of B x post (step % 2 is read,
   * the other written), both from the variable's initial value.
   */
  state: Float32Array;
  /** Offset of each post variable's parities in that buffer. */
  postBase: number[];
  /** Weight bounds (float32), each optional. */
  wMin?: number;
  wMax?: number;
}

/** The plan of a projection's (validated) plasticity; per-instance parameter values from `perInstance`. */
export function plasticPlan(p: PlasticitySpec, field: string, ctx: {
  dt: number; B: number; rules: RateRuleTable; modulator: number; pre: number; post: number; perInstance: (param: string) => number[] | undefined;
}): PlasticPlan {
  const { B } = ctx;
  const rule = ctx.rules.get(p.rule, `${field}.rule`);
  const names = [...rule.paramNames, ...rule.derivedNames];
  const params = new Float32Array(Math.max(B * names.length, 1));
  for (let b = 0; b < B; b++) {
    const values = Object.fromEntries(rule.paramNames.map((q) => [q, ctx.perInstance(q)?.[b] ?? (p[q] as number | undefined) ?? rule.defaults[q]!]));
    let derived: Record<string, number>;
    try {
      derived = rule.derive(values, ctx.dt);
    } catch (e) {
      if (e instanceof ModelError) throw new SpecError(`${field} (${e.field})`, e.message);
      throw e;
    }
    params.set(names.map((q) => values[q] ?? derived[q]), b * names.length);
  }
  const synapses = rule.eligibility ? B * ctx.post * ctx.pre : 0;
  const postBase = rule.post.map((_, k) => synapses + k * 2 * B * ctx.post);
  const state = new Float32Array(Math.max(synapses + rule.post.length * 2 * B * ctx.post, 4));
  rule.post.forEach((v, k) => state.fill(v.init, postBase[k], postBase[k] + 2 * B * ctx.post));
  const bound = (v: unknown) => (v === undefined ? undefined : Math.fround(v as number));
  return { rule: p.rule, compiled: rule, modulator: ctx.modulator, params, state, postBase, wMin: bound(p.wMin), wMax: bound(p.wMax) };
}
