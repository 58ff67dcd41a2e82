/**
 * Validates a SpikingSpec and compiles it into a SpikingPlan: per-population model code, parameter
 * tables (per instance, derived values in float64 then float32), initial states, synapses with
 * quantized weights, input tables and buffer offsets. The GPU runtime and the CPU reference both execute
 * this plan.
 */
import { SpecError } from '../errors.ts';
import { BUILTIN_MODELS } from '../models/builtin-models.ts';
import { compileModel, ModelError, type CompiledModel, type NeuronModelSpec } from '../models/neuron.ts';
import { finite, integer, isObj, numArray, object, oneOf, positive, str, uniqueNames } from '../model/validate.ts';
import { KEY_HI, PhiloxStream, philox4x32, uniform23 } from '../util/philox.ts';

/** Fourth counter word of the Philox draws (see engine/util/philox.ts): initial states, Poisson inputs. */
export const STREAM_INIT = 2;
/** Poisson: (1 << 28) | (population << 16) | (call << 4) | input, call = the n-th block of four uniforms. */
export const STREAM_POISSON = 1 << 28;
/** Procedural synapses: (2 << 28) | projection index. */
export const STREAM_PROCEDURAL = 2 << 28;
import { buildSynapses, fixedPointScale } from './connectivity.ts';
import type { Distribution, SpikingSpec } from './spec.ts';

export interface SpikingPopPlan {
  name: string;
  index: number;
  size: number;
  model: CompiledModel;
  /** Offset of state variable v, instance b, neuron i: stateBase + (v * B + b) * size + i. */
  stateBase: number;
  /** Offset of neuron (b, i) in per-neuron arrays (refractory counters, dc table): neuronBase + b * size + i. */
  neuronBase: number;
  /** Per-instance table row: params, then derived, then the refractory period in steps. */
  paramBase: number;
  paramCount: number;
  /** Ring of incoming synaptic input: ringBase + ((slot * ports + port) * B + b) * size + i. */
  ringBase: number;
  slots: number;
  /** Fixed-point scale exponent S per port (input = int / 2^S). */
  scales: number[];
  /** Offset of this population's spike lists (two parities of B * size entries each). */
  spikeBase: number;
  poisson: { name: string; port: number; weight: number; tableBase: number }[];
  hasDc: boolean;
}

export interface SpikingProjPlan {
  name: string;
  index: number;
  pre: SpikingPopPlan;
  post: SpikingPopPlan;
  port: number;
  rowPtr: Uint32Array;
  postIdx: Uint32Array;
  /** Weights in fixed point (int32) at the target port's scale. */
  wq: Int32Array;
  delay: Uint32Array;
  synapses: number;
}

/**
 * All synapses leaving one population (every projection from it), merged for one synapse-spike dispatch
 * per presynaptic population: row j holds neuron j's synapses; each synapse stores its ring target
 * (post ringBase + port * B * N_post + post index), its fixed-point weight and (delay | post pop << 16).
 */
export interface OutgoingPlan {
  pre: SpikingPopPlan;
  projections: SpikingProjPlan[];
  rowPtr: Uint32Array;
  target: Uint32Array;
  wq: Int32Array;
  delayPop: Uint32Array;
}

/**
 * A procedural fixed-total projection: only the row lengths are stored; synapse k (numbered within the
 * projection) takes post = mulhi(r.x, N_post), weight mean + sd * z(r) and delay from Philox keyed by
 * (seed, LAMI) and counted by (k, draw, 0, STREAM_PROCEDURAL | index), regenerated at every spike.
 */
export interface ProceduralPlan {
  name: string;
  index: number;
  pre: SpikingPopPlan;
  post: SpikingPopPlan;
  port: number;
  seed: number;
  rowPtr: Uint32Array;
  synapses: number;
  /** float32 values used on both sides. */
  wMean: number;
  wSd: number;
  /** 0: none, 1: clip at >= 0 (excitatory), 2: clip at <= 0 (inhibitory). */
  sign: number;
  /** Delay mean and s.d. in steps. */
  dMean: number;
  dSd: number;
}

/** Given spike trains into one population: events of step t are events[stepPtr[t] .. stepPtr[t + 1]]. */
export interface SpikeSourcePlan {
  name: string;
  pop: SpikingPopPlan;
  port: number;
  weight: number;
  /** Fixed-point weight at the port's scale (set once scales are known). */
  wq: number;
  stepPtr: Uint32Array;
  neurons: Uint32Array;
  maxPerStep: number;
}

export interface SpikingPlan {
  dt: number;
  sources: SpikeSourcePlan[];
  batch: number;
  pops: SpikingPopPlan[];
  projections: SpikingProjPlan[];
  outgoing: OutgoingPlan[];
  procedural: ProceduralPlan[];
  stateInit: Float32Array;
  paramTable: Float32Array;
  neuronCount: number;
  ringLength: number;
  spikeListLength: number;
  /** Per-neuron input table: dc currents, then Poisson e^{-lambda} values. */
  inputTable: Float32Array;
  seeds: Uint32Array;
}

/** Checks the shape of a user-defined model before its code is compiled. */
function checkModelShape(v: unknown, field: string): void {
  const o = object(v, field, ['params', 'derived', 'state', 'ports', 'update', 'threshold', 'reset', 'refractory', 'description']);
  for (const key of ['params', 'state', 'ports', 'update', 'threshold', 'reset']) {
    if (o[key] === undefined) throw new SpecError(`${field}.${key}`, 'is required');
  }
  for (const [name, p] of Object.entries(object(o.params, `${field}.params`, Object.keys(o.params as object)))) {
    const po = object(p, `${field}.params.${name}`, ['value', 'unit']);
    finite(po.value, `${field}.params.${name}.value`);
    str(po.unit, `${field}.params.${name}.unit`);
  }
  for (const [name, s] of Object.entries(object(o.state, `${field}.state`, Object.keys(o.state as object)))) {
    const so = object(s, `${field}.state.${name}`, ['init', 'unit']);
    if (typeof so.init !== 'string') finite(so.init, `${field}.state.${name}.init`);
    str(so.unit, `${field}.state.${name}.unit`);
  }
  if (o.derived !== undefined) {
    for (const [name, d] of Object.entries(object(o.derived, `${field}.derived`, Object.keys(o.derived as object)))) str(d, `${field}.derived.${name}`);
  }
  if (!Array.isArray(o.ports)) throw new SpecError(`${field}.ports`, 'expected an array of port names');
  o.ports.forEach((p, k) => str(p, `${field}.ports[${k}]`));
  for (const key of ['update', 'threshold', 'reset']) str(o[key], `${field}.${key}`);
  if (o.refractory !== undefined) str(o.refractory, `${field}.refractory`);
}

function model(spec: SpikingSpec, name: string, field: string): CompiledModel {
  const user = spec.models?.[name];
  if (user) checkModelShape(user, `models.${name}`);
  const def: NeuronModelSpec | undefined = user ?? BUILTIN_MODELS[name];
  if (!def) throw new SpecError(field, `unknown model "${name}" (built in: ${Object.keys(BUILTIN_MODELS).join(', ')}${spec.models ? `; defined: ${Object.keys(spec.models).join(', ')}` : ''})`);
  try {
    return compileModel(name, def, user ? `models.${name}` : `model ${name}`);
  } catch (e) {
    if (e instanceof ModelError) throw new SpecError(e.field, e.message);
    throw e;
  }
}

function distribution(v: unknown, field: string): Distribution {
  if (typeof v === 'number') return finite(v, field);
  const o = object(v, field, ['uniform', 'normal']);
  const key = 'uniform' in o ? 'uniform' : 'normal' in o ? 'normal' : undefined;
  if (!key || Object.keys(o).length !== 1) throw new SpecError(field, 'expected a number, {"uniform": [low, high]} or {"normal": [mean, sd]}');
  const [a, b] = numArray(o[key], `${field}.${key}`, 2);
  if (key === 'uniform' && !(b >= a)) throw new SpecError(`${field}.uniform`, 'needs low <= high');
  if (key === 'normal' && b < 0) throw new SpecError(`${field}.normal[1]`, 'standard deviation must be >= 0');
  return key === 'uniform' ? { uniform: [a, b] } : { normal: [a, b] };
}

/** Validates and compiles; `batch` and `seed` override the spec's. */
export function compileSpiking(raw: unknown, opts: { batch?: number; seed?: number } = {}): { spec: SpikingSpec; plan: SpikingPlan } {
  const o = object(raw, 'spec', ['dt', 'steps', 'seed', 'models', 'populations', 'projections', 'inputs', 'record', 'batch', 'name', 'description']);
  const dt = positive(o.dt, 'dt');
  const seed = opts.seed ?? (o.seed === undefined ? 0 : integer(o.seed, 'seed', 0));
  const spec = raw as SpikingSpec;
  if (o.models !== undefined && !isObj(o.models)) throw new SpecError('models', 'expected an object of model definitions');
  if (!Array.isArray(o.populations) || o.populations.length === 0) throw new SpecError('populations', 'expected a non-empty array');
  const batchObj = o.batch === undefined ? undefined : object(o.batch, 'batch', ['size', 'params']);
  const specB = batchObj ? integer(batchObj.size, 'batch.size', 1) : 1;
  const B = opts.batch ?? specB;
  const bparams = (batchObj?.params === undefined ? {} : object(batchObj.params, 'batch.params', Object.keys(batchObj.params as object))) as Record<string, unknown>;
  if (Object.keys(bparams).length && B !== specB) throw new SpecError('batch.size', `the spec gives per-instance parameters for ${specB} instances; cannot run a batch of ${B}`);
  const perInstance = new Map<string, number[]>();
  for (const [k, v] of Object.entries(bparams)) perInstance.set(k, numArray(v, `batch.params.${k}`, B));
  const usedKeys = new Set<string>(['seed']);

  // Populations.
  let stateLen = 0, neurons = 0, paramLen = 0;
  const pops: SpikingPopPlan[] = (o.populations as unknown[]).map((p, index) => {
    const f = `populations[${index}]`;
    const po = object(p, f, ['name', 'size', 'model', 'params', 'init']);
    const m = model(spec, str(po.model, `${f}.model`), `${f}.model`);
    const size = integer(po.size, `${f}.size`, 1);
    const pop: SpikingPopPlan = {
      name: str(po.name, `${f}.name`), index, size, model: m, stateBase: stateLen, neuronBase: neurons, paramBase: paramLen,
      paramCount: m.paramNames.length + m.derivedNames.length + 1, ringBase: 0, slots: 2, scales: m.ports.map(() => 24),
      spikeBase: 0, poisson: [], hasDc: false,
    };
    stateLen += m.stateNames.length * B * size;
    neurons += B * size;
    paramLen += B * pop.paramCount;
    return pop;
  });
  uniqueNames(pops, 'populations');
  const byName = new Map(pops.map((p) => [p.name, p]));

  // Parameter tables and initial states (host, float64 -> float32).
  const paramTable = new Float32Array(paramLen);
  const stateInit = new Float32Array(stateLen);
  pops.forEach((pop, index) => {
    const f = `populations[${index}]`;
    const po = (o.populations as Record<string, unknown>[])[index];
    const m = pop.model;
    const overrides = po.params === undefined ? {} : object(po.params, `${f}.params`, m.paramNames);
    const defaults = (spec.models?.[m.name] ?? BUILTIN_MODELS[m.name]).params;
    for (let b = 0; b < B; b++) {
      const values: Record<string, number> = {};
      for (const name of m.paramNames) {
        const key = `populations.${pop.name}.${name}`;
        usedKeys.add(key);
        values[name] = perInstance.get(key)?.[b] ?? (overrides[name] === undefined ? defaults[name].value : finite(overrides[name], `${f}.params.${name}`));
      }
      let derived: Record<string, number>;
      try {
        derived = m.derive(values, dt);
      } catch (e) {
        if (e instanceof ModelError) throw new SpecError(`${f}.params (${e.field})`, e.message);
        throw e;
      }
      const row = [...m.paramNames.map((n) => values[n]), ...m.derivedNames.map((n) => derived[n])];
      const tRef = m.refractoryParam ? values[m.refractoryParam] : 0;
      if (tRef < 0) throw new SpecError(`${f}.params.${m.refractoryParam}`, 'must be >= 0');
      row.push(Math.round(tRef / dt));
      paramTable.set(row, pop.paramBase + b * pop.paramCount);
    }
    const init = po.init === undefined ? {} : object(po.init, `${f}.init`, m.stateNames);
    const sdefs = (spec.models?.[m.name] ?? BUILTIN_MODELS[m.name]).state;
    m.stateNames.forEach((s, v) => {
      const d: Distribution = init[s] === undefined ? 0 : distribution(init[s], `${f}.init.${s}`);
      for (let b = 0; b < B; b++) {
        const dflt = sdefs[s].init;
        const base = typeof dflt === 'string' ? paramTable[pop.paramBase + b * pop.paramCount + m.paramNames.indexOf(dflt)] : dflt;
        for (let i = 0; i < pop.size; i++) {
          let x = base;
          if (init[s] !== undefined) {
            if (typeof d === 'number') x = d;
            else {
              // Per (neuron, instance) draw from Philox, the same for any batch size.
              const bits = philox4x32(i, v, b, STREAM_INIT | (pop.index << 8), seed, KEY_HI);
              const u1 = uniform23(bits[0]), u2 = uniform23(bits[1]);
              x = 'uniform' in d ? d.uniform[0] + (d.uniform[1] - d.uniform[0]) * u1 : d.normal[0] + d.normal[1] * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
            }
          }
          stateInit[pop.stateBase + (v * B + b) * pop.size + i] = x;
        }
      }
    });
  });

  // Projections.
  const projList = o.projections === undefined ? [] : o.projections;
  if (!Array.isArray(projList)) throw new SpecError('projections', 'expected an array');
  const maxAbs = pops.map((p) => p.model.ports.map(() => new Float64Array(p.size)));
  const procedural: ProceduralPlan[] = [];
  const procBound = pops.map((p) => p.model.ports.map(() => 0));
  const built = projList.map((pr, index) => {
    const f = `projections[${index}]`;
    const po = object(pr, f, ['name', 'from', 'to', 'port', 'connectivity', 'weight', 'sign', 'delay', 'seed']);
    const pre = byName.get(str(po.from, `${f}.from`));
    const post = byName.get(str(po.to, `${f}.to`));
    if (!pre) throw new SpecError(`${f}.from`, `no population named "${po.from}"`);
    if (!post) throw new SpecError(`${f}.to`, `no population named "${po.to}"`);
    const port = post.model.ports.indexOf(str(po.port, `${f}.port`));
    if (port < 0) throw new SpecError(`${f}.port`, `model ${post.model.name} has ports ${post.model.ports.join(', ')}, not "${po.port}"`);
    const cf = `${f}.connectivity`;
    const c = object(po.connectivity, cf, ['type', 'p', 'k', 'n', 'pre', 'post', 'weights', 'delays', 'allowAutapses', 'procedural']);
    const type = oneOf(c.type, `${cf}.type`, ['fixed-probability', 'fixed-indegree', 'fixed-total', 'explicit'] as const);
    let conn;
    if (type === 'fixed-probability') {
      const p = finite(c.p, `${cf}.p`);
      if (p < 0 || p > 1) throw new SpecError(`${cf}.p`, `must be in [0, 1], got ${p}`);
      conn = { type, p, allowAutapses: c.allowAutapses !== false };
    } else if (type === 'fixed-indegree') {
      conn = { type, k: integer(c.k, `${cf}.k`, 0), allowAutapses: c.allowAutapses !== false };
      if (pre === post && !conn.allowAutapses && pre.size < 2 && conn.k > 0) throw new SpecError(`${cf}.k`, 'no partner without autapses');
    } else if (type === 'fixed-total') {
      conn = { type, n: integer(c.n, `${cf}.n`, 0), procedural: c.procedural === true };
    } else {
      const preIdx = numArray(c.pre, `${cf}.pre`);
      conn = {
        type, pre: preIdx, post: numArray(c.post, `${cf}.post`, preIdx.length),
        weights: c.weights === undefined ? undefined : numArray(c.weights, `${cf}.weights`, preIdx.length),
        delays: c.delays === undefined ? undefined : numArray(c.delays, `${cf}.delays`, preIdx.length),
      };
    }
    const projSeed = po.seed === undefined ? seed : integer(po.seed, `${f}.seed`, 0);
    if (conn.type === 'fixed-total' && conn.procedural) {
      const weight = distribution(po.weight, `${f}.weight`);
      const delay = po.delay === undefined ? dt : distribution(po.delay, `${f}.delay`);
      const normalOrConst = (d: Distribution, field: string): [number, number] => {
        if (typeof d === 'number') return [d, 0];
        if ('normal' in d) return d.normal;
        throw new SpecError(field, 'procedural connectivity takes a constant or {"normal": [mean, sd]}');
      };
      const [wm, ws] = normalOrConst(weight, `${f}.weight`);
      const [dm, ds] = normalOrConst(delay, `${f}.delay`);
      const sign = po.sign === undefined ? 0 : oneOf(po.sign, `${f}.sign`, ['excitatory', 'inhibitory'] as const) === 'excitatory' ? 1 : 2;
      const rowPtr = multinomialRows(conn.n, pre.size, projSeed, index);
      // Bound on the input of the most connected neuron (probabilistic: mean in-degree + 6 sd + 10).
      const k = conn.n / post.size;
      const wMax = Math.abs(wm) + 3 * ws;
      procBound[post.index][port] += (k + 6 * Math.sqrt(k) + 10) * wMax;
      const maxDelay = Math.max(1, Math.floor((dm + 3 * ds) / dt + 0.5));
      post.slots = Math.max(post.slots, maxDelay + 2); // one spare slot for float32 rounding of the bound
      procedural.push({
        name: str(po.name, `${f}.name`), index, pre, post, port, seed: projSeed, rowPtr, synapses: conn.n,
        wMean: Math.fround(wm), wSd: Math.fround(ws), sign, dMean: Math.fround(dm / dt), dSd: Math.fround(ds / dt),
      });
      return undefined;
    }
    const syn = buildSynapses(conn, {
      nPre: pre.size, nPost: post.size, seed: projSeed, projIndex: index,
      recurrent: pre === post, weight: distribution(po.weight, `${f}.weight`),
      sign: po.sign === undefined ? undefined : oneOf(po.sign, `${f}.sign`, ['excitatory', 'inhibitory'] as const),
      delay: po.delay === undefined ? dt : distribution(po.delay, `${f}.delay`), dt, field: f,
    });
    for (let k = 0; k < syn.post.length; k++) maxAbs[post.index][port][syn.post[k]] += Math.abs(syn.weight[k]);
    let maxDelay = 1;
    for (const d of syn.delay) maxDelay = Math.max(maxDelay, d);
    post.slots = Math.max(post.slots, maxDelay + 1);
    return { name: str(po.name, `${f}.name`), index, pre, post, port, syn };
  });
  uniqueNames([...built.filter((b) => b !== undefined), ...procedural], 'projections');

  // Inputs: Poisson (through a port, counted in float) and DC (into I_ext).
  const inputList = o.inputs === undefined ? [] : o.inputs;
  if (!Array.isArray(inputList)) throw new SpecError('inputs', 'expected an array');
  const dc = pops.map((p) => new Float64Array(B * p.size));
  const sources: SpikeSourcePlan[] = [];
  const poissonTables: Float32Array[] = [];
  let inputLen = neurons;
  inputList.forEach((inp, k) => {
    const f = `inputs[${k}]`;
    const io = object(inp, f, ['name', 'target', 'type', 'rate', 'weight', 'port', 'amplitude', 'times', 'neurons']);
    const name = str(io.name, `${f}.name`);
    const pop = byName.get(str(io.target, `${f}.target`));
    if (!pop) throw new SpecError(`${f}.target`, `no population named "${io.target}"`);
    const type = oneOf(io.type, `${f}.type`, ['poisson', 'dc', 'spikes'] as const);
    const perNeuron = (v: unknown, key: string) => (Array.isArray(v) ? numArray(v, `${f}.${key}`, pop.size) : finite(v, `${f}.${key}`));
    if (type === 'spikes') {
      const times = numArray(io.times, `${f}.times`);
      const ids = numArray(io.neurons, `${f}.neurons`, times.length);
      const port = pop.model.ports.indexOf(str(io.port, `${f}.port`));
      if (port < 0) throw new SpecError(`${f}.port`, `model ${pop.model.name} has ports ${pop.model.ports.join(', ')}, not "${io.port}"`);
      const weight = finite(io.weight, `${f}.weight`);
      const steps = times.map((t, k) => {
        if (!(t >= 0)) throw new SpecError(`${f}.times[${k}]`, `must be >= 0, got ${t}`);
        const i = ids[k];
        if (!Number.isInteger(i) || i < 0 || i >= pop.size) throw new SpecError(`${f}.neurons[${k}]`, `must be an integer in [0, ${pop.size}), got ${i}`);
        return Math.round(t / dt);
      });
      const T = steps.reduce((a, s) => Math.max(a, s + 1), 0);
      const stepPtr = new Uint32Array(T + 1);
      for (const s of steps) stepPtr[s + 1]++;
      let maxPerStep = 0;
      for (let t = 0; t < T; t++) { maxPerStep = Math.max(maxPerStep, stepPtr[t + 1]); stepPtr[t + 1] += stepPtr[t]; }
      const order = steps.map((s, k) => k).sort((a, b) => steps[a] - steps[b] || ids[a] - ids[b]);
      const neuronsSorted = Uint32Array.from(order, (k) => ids[k]);
      // Bound: the most events one neuron receives in one step.
      const perCell = new Map<number, number>();
      steps.forEach((s, k) => perCell.set(s * pop.size + ids[k], (perCell.get(s * pop.size + ids[k]) ?? 0) + 1));
      let most = 0;
      for (const c of perCell.values()) most = Math.max(most, c);
      procBound[pop.index][port] += Math.abs(weight) * most;
      sources.push({ name, pop, port, weight, wq: 0, stepPtr, neurons: neuronsSorted, maxPerStep });
      return;
    }
    if (type === 'dc') {
      const amp = perNeuron(io.amplitude, 'amplitude');
      const scaleKey = `inputs.${name}.amplitude`;
      usedKeys.add(scaleKey);
      for (let b = 0; b < B; b++) {
        for (let i = 0; i < pop.size; i++) {
          // A per-instance amplitude replaces the spec's (scalar) amplitude.
          dc[pop.index][b * pop.size + i] += perInstance.get(scaleKey)?.[b] ?? (Array.isArray(amp) ? amp[i] : amp);
        }
      }
      pop.hasDc = true;
    } else {
      const rate = perNeuron(io.rate, 'rate');
      const port = pop.model.ports.indexOf(str(io.port, `${f}.port`));
      if (port < 0) throw new SpecError(`${f}.port`, `model ${pop.model.name} has ports ${pop.model.ports.join(', ')}, not "${io.port}"`);
      const weight = finite(io.weight, `${f}.weight`);
      const rateKey = `inputs.${name}.rate`;
      usedKeys.add(rateKey);
      const table = new Float32Array(B * pop.size);
      for (let b = 0; b < B; b++) {
        for (let i = 0; i < pop.size; i++) {
          const r = perInstance.get(rateKey)?.[b] ?? (Array.isArray(rate) ? rate[i] : rate);
          if (!(r >= 0)) throw new SpecError(`${f}.rate`, `must be >= 0, got ${r}`);
          table[b * pop.size + i] = Math.exp(-r * dt * 1e-3);
        }
      }
      pop.poisson.push({ name, port, weight: Math.fround(weight), tableBase: inputLen });
      poissonTables.push(table);
      inputLen += table.length;
    }
  });
  for (const key of perInstance.keys()) if (!usedKeys.has(key)) throw new SpecError(`batch.params.${key}`, 'unknown per-instance parameter');

  // Fixed-point scales and buffer offsets.
  let ringLen = 0, spikeLen = 0;
  for (const pop of pops) {
    pop.scales = maxAbs[pop.index].map((m, q) => fixedPointScale(m.reduce((a, x) => Math.max(a, x), 0) + procBound[pop.index][q]));
    pop.ringBase = ringLen;
    ringLen += pop.slots * pop.model.ports.length * B * pop.size;
    pop.spikeBase = spikeLen;
    spikeLen += 2 * B * pop.size;
  }
  const projections: SpikingProjPlan[] = built.filter((b) => b !== undefined).map(({ name, index, pre, post, port, syn }) => {
    const scale = 2 ** post.scales[port];
    const wq = Int32Array.from(syn.weight, (w) => Math.round(w * scale));
    return { name, index, pre, post, port, rowPtr: syn.rowPtr, postIdx: syn.post, wq, delay: syn.delay, synapses: syn.post.length };
  });
  for (const s of sources) s.wq = Math.round(s.weight * 2 ** s.pop.scales[s.port]);
  const outgoing = pops.map((pre) => mergeOutgoing(pre, projections.filter((p) => p.pre === pre), B)).filter((o) => o.projections.length > 0);
  const inputTable = new Float32Array(Math.max(inputLen, 1));
  pops.forEach((pop) => inputTable.set(dc[pop.index], pop.neuronBase));
  let off = neurons;
  for (const t of poissonTables) { inputTable.set(t, off); off += t.length; }
  const seedVals = perInstance.get('seed');
  const seeds = Uint32Array.from({ length: B }, (_, b) => (seedVals ? seedVals[b] : seed) >>> 0);
  return {
    spec,
    plan: {
      dt, batch: B, pops, projections, outgoing, procedural, sources, stateInit, paramTable, neuronCount: neurons, ringLength: Math.max(ringLen, 1),
      spikeListLength: Math.max(spikeLen, 1), inputTable, seeds,
    },
  };
}

function mergeOutgoing(pre: SpikingPopPlan, projs: SpikingProjPlan[], B: number): OutgoingPlan {
  const rowPtr = new Uint32Array(pre.size + 1);
  for (const p of projs) for (let j = 0; j < pre.size; j++) rowPtr[j + 1] += p.rowPtr[j + 1] - p.rowPtr[j];
  for (let j = 0; j < pre.size; j++) rowPtr[j + 1] += rowPtr[j];
  const n = rowPtr[pre.size];
  const target = new Uint32Array(n), wq = new Int32Array(n), delayPop = new Uint32Array(n);
  const fill = rowPtr.slice(0, pre.size);
  for (const p of projs) {
    const post = p.post;
    if (post.index > 0xffff) throw new Error('too many populations');
    for (let j = 0; j < pre.size; j++) {
      for (let k = p.rowPtr[j]; k < p.rowPtr[j + 1]; k++) {
        const s = fill[j]++;
        target[s] = post.ringBase + p.port * B * post.size + p.postIdx[k];
        wq[s] = p.wq[k];
        if (p.delay[k] > 0xffff) throw new Error(`projection ${p.name}: delay of ${p.delay[k]} steps is over 65535`);
        delayPop[s] = p.delay[k] | (post.index << 16);
      }
    }
  }
  return { pre, projections: projs, rowPtr, target, wq, delayPop };
}

/**
 * Row lengths of a fixed-total projection: the number of synapses of each presynaptic neuron, a
 * multinomial draw (sequential binomials, host, float64), as row pointers.
 */
export function multinomialRows(n: number, nPre: number, seed: number, projIndex: number): Uint32Array {
  const rng = new PhiloxStream(seed, projIndex, 0, 12);
  const rowPtr = new Uint32Array(nPre + 1);
  let left = n;
  for (let j = 0; j < nPre; j++) {
    const take = j === nPre - 1 ? left : binomial(left, 1 / (nPre - j), rng);
    rowPtr[j + 1] = rowPtr[j] + take;
    left -= take;
  }
  return rowPtr;
}

/** Binomial(n, p) by inversion for small means, else a normal approximation rounded and clipped. */
function binomial(n: number, p: number, rng: PhiloxStream): number {
  const mean = n * p;
  if (mean < 30) {
    // Inversion: walk the cumulative distribution from 0.
    const q = 1 - p;
    let prob = Math.pow(q, n), cdf = prob, k = 0;
    const u = rng.uniform();
    while (u > cdf && k < n) {
      prob *= ((n - k) / (k + 1)) * (p / q);
      k++;
      cdf += prob;
    }
    return k;
  }
  const k = Math.round(mean + Math.sqrt(mean * (1 - p)) * rng.normal());
  return Math.min(n, Math.max(0, k));
}
