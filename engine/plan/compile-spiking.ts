/**
 * Validates a SpikingSpec and compiles it into a SpikingPlan: per-population model code, parameter
 * tables (per instance, derived values in float64 then float32), initial states, synapses with
 * quantized weights, input tables and buffer offsets. The GPU runtime and the CPU reference both execute
 * this plan.
 */
import { SpecError } from '../errors.ts';
import { ModelError } from '../models/check.ts';
import { float32Param, model, modelDef, userModel } from './spiking-models.ts';
import { fileName, finite, float32Problem, integer, isObj, numArray, object, oneOf, positive, seed32, stepCount, str, uniqueNames } from '../spec/checks.ts';
import { KEY_HI, philox4x32, uniform23 } from '../util/philox.ts';
import { readHostFile } from '../util/host.ts';
import { readNpy } from '../util/npy.ts';
import { buildHostSynapses, multinomialRows } from './synapses.ts';
import { Inflow } from './inflow.ts';
import { instanceSeeds } from '../spec/seeds.ts';
import { compileInputs } from './spiking-inputs.ts';
import { ruleTable } from './rules.ts';
import { compileModulators, compilePlastic, gainModulator, plasticMaxAbs, type PlasticPlan } from './spiking-plasticity.ts';
import {
  STREAM_INIT, type GenDistribution, type GeneratedPlan, type OutgoingPlan, type ProceduralPlan, type SpikingPlan, type SpikingPopPlan,
  type SpikingProjPlan,
} from './spiking.ts';
import type { Distribution, SpikingSpec } from '../spec/spiking.ts';
import { validateRecorders } from './spiking-recorders.ts';
import { assignWeightSlots, instanceWeight, instanceWeightKeys, type InstanceWeights, type StaticProjections } from './instance-weights.ts';
import { checkDelayDistribution, genDelay, genMaxAbs, MAX_DELAY_STEPS, refractorySteps } from './time-steps.ts';

function distribution(v: unknown, field: string): Distribution {
  if (typeof v === 'number') return finite(v, field);
  const o = object(v, field, ['uniform', 'normal']);
  const key = 'uniform' in o ? 'uniform' : 'normal' in o ? 'normal' : undefined;
  if (!key || Object.keys(o).length !== 1) throw new SpecError(field, 'expected a number, {"uniform": [low, high]} or {"normal": [mean, sd]}');
  const [a, b] = numArray(o[key], `${field}.${key}`, 2);
  if (key === 'uniform' && !(b >= a)) throw new SpecError(`${field}.uniform`, 'needs low <= high');
  if (key === 'uniform' && float32Problem(b - a)) throw new SpecError(`${field}.uniform`, `its width ${float32Problem(b - a)}`);
  if (key === 'normal' && b < 0) throw new SpecError(`${field}.normal[1]`, 'standard deviation must be >= 0');
  return key === 'uniform' ? { uniform: [a, b] } : { normal: [a, b] };
}

/**
 * Dale's law clips each drawn weight to the projection's sign; a weight whose centre (the constant, the
 * normal's mean, the uniform's midpoint) has the other sign would clip (nearly) every synapse to 0 and
 * silently remove the projection, so it is refused.
 */
function checkSign(d: Distribution, sign: 'excitatory' | 'inhibitory', field: string): void {
  const centre = typeof d === 'number' ? d : 'normal' in d ? d.normal[0] : (d.uniform[0] + d.uniform[1]) / 2;
  if ((sign === 'excitatory' && centre < 0) || (sign === 'inhibitory' && centre > 0)) {
    throw new SpecError(field, `centred at ${centre} but the projection's sign is "${sign}": Dale's law would clip (nearly) every synapse to 0; give the weight the sign's sign`);
  }
}

/** Validates and compiles; `batch` and `seed` override the spec's. */
export function compileSpiking(raw: unknown, opts: { batch?: number; seed?: number } = {}): { spec: SpikingSpec; plan: SpikingPlan } {
  const o = object(raw, 'spec', ['dt', 'steps', 'seed', 'models', 'rules', 'populations', 'projections', 'inputs', 'record', 'modulators', 'batch', 'name', 'description', '$schema']);
  if (o.$schema !== undefined) str(o.$schema, '$schema');
  const dt = positive(o.dt, 'dt');
  if (o.steps !== undefined) stepCount(o.steps, 'steps');
  const seed = opts.seed !== undefined ? seed32(opts.seed, 'options.seed') : o.seed === undefined ? 0 : seed32(o.seed, 'seed');
  const spec = raw as SpikingSpec;
  if (o.models !== undefined && !isObj(o.models)) throw new SpecError('models', 'expected an object of model definitions');
  if (!Array.isArray(o.populations) || o.populations.length === 0) throw new SpecError('populations', 'expected a non-empty array');
  const batchObj = o.batch === undefined ? undefined : object(o.batch, 'batch', ['size', 'params', 'seeds']);
  const specB = batchObj ? integer(batchObj.size, 'batch.size', 1) : 1;
  const B = opts.batch ?? specB;
  const bparams = (batchObj?.params === undefined ? {} : object(batchObj.params, 'batch.params', Object.keys(batchObj.params as object))) as Record<string, unknown>;
  if ((Object.keys(bparams).length || batchObj?.seeds !== undefined) && B !== specB) throw new SpecError('batch.size', `the spec gives per-instance parameters for ${specB} instances; cannot run a batch of ${B}`);
  const perInstance = new Map<string, number[]>();
  for (const [k, v] of Object.entries(bparams)) perInstance.set(k, numArray(v, `batch.params.${k}`, B));
  const seeds = instanceSeeds(B, seed, batchObj?.seeds, bparams.seed);
  const usedKeys = new Set<string>(['seed']);

  // Populations.
  let stateLen = 0, neurons = 0, paramLen = 0;
  const pops: SpikingPopPlan[] = (o.populations as unknown[]).map((p, index) => {
    const f = `populations[${index}]`;
    const po = object(p, f, ['name', 'size', 'model', 'params', 'init']);
    const m = model(spec, str(po.model, `${f}.model`), `${f}.model`);
    const size = integer(po.size, `${f}.size`, 1);
    const pop: SpikingPopPlan = {
      name: fileName(po.name, `${f}.name`), index, size, model: m, stateBase: stateLen, neuronBase: neurons, paramBase: paramLen,
      paramCount: m.paramNames.length + m.derivedNames.length + 1, ringBase: 0, slots: 2, scales: m.ports.map(() => 24), instanceScales: m.ports.map(() => undefined),
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
    const defaults = modelDef(spec, m.name)!.params;
    for (let b = 0; b < B; b++) {
      const values: Record<string, number> = {};
      // Where each value comes from, for errors: a batch sweep, the population, or the model's default.
      const source: Record<string, string> = {};
      for (const name of m.paramNames) {
        const key = `populations.${pop.name}.${name}`;
        usedKeys.add(key);
        const swept = perInstance.get(key)?.[b];
        source[name] = swept !== undefined ? `batch.params.${key}[${b}]` : overrides[name] !== undefined ? `${f}.params.${name}` : `${userModel(spec, m.name) ? `models.${m.name}` : `model ${m.name}`}.params.${name}.value`;
        values[name] = float32Param(swept ?? (overrides[name] === undefined ? defaults[name].value : finite(overrides[name], source[name])), source[name]);
      }
      const env = { ...values, dt };
      for (const c of m.checks) {
        if (!c.holds(env)) throw new SpecError(source[c.param], `${c.message}, got ${values[c.param]} (model ${m.name}, population "${pop.name}"${B > 1 ? `, instance ${b}` : ''})`);
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
      if (tRef < 0) throw new SpecError(source[m.refractoryParam!], 'must be >= 0');
      // Rounded up, as NEST does (engine/plan/time-steps.ts).
      row.push(m.refractoryParam ? refractorySteps(tRef, dt, source[m.refractoryParam]) : 0);
      paramTable.set(row, pop.paramBase + b * pop.paramCount);
    }
    const init = po.init === undefined ? {} : object(po.init, `${f}.init`, m.stateNames);
    const sdefs = modelDef(spec, m.name)!.state;
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
              // Per neuron, keyed by the instance's own seed: the same at any place in any batch.
              const bits = philox4x32(i, v, 0, STREAM_INIT | (pop.index << 8), seeds[b], KEY_HI);
              const u1 = uniform23(bits[0]), u2 = uniform23(bits[1]);
              x = 'uniform' in d ? d.uniform[0] + (d.uniform[1] - d.uniform[0]) * u1 : d.normal[0] + d.normal[1] * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
            }
          }
          stateInit[pop.stateBase + (v * B + b) * pop.size + i] = x;
        }
      }
    });
  });

  const modulators = compileModulators(o.modulators, dt, { B, perInstance, usedKeys });
  const rules = ruleTable(o.rules);

  // Projections.
  const plastic: PlasticPlan[] = [];
  const projList = o.projections === undefined ? [] : o.projections;
  if (!Array.isArray(projList)) throw new SpecError('projections', 'expected an array');
  const inflow = new Inflow(pops);
  const procedural: ProceduralPlan[] = [];
  const generated: GeneratedPlan[] = [];
  const statics: StaticProjections = { stored: [], generated: [], procedural: [], plastic, sources: [], gainPorts: [] };
  const built = projList.map((pr, index) => {
    const f = `projections[${index}]`;
    const po = object(pr, f, ['name', 'from', 'to', 'port', 'connectivity', 'weight', 'sign', 'delay', 'seed', 'plasticity', 'gainModulator']);
    const pre = byName.get(str(po.from, `${f}.from`));
    const post = byName.get(str(po.to, `${f}.to`));
    if (!pre) throw new SpecError(`${f}.from`, `no population named "${po.from}"`);
    if (!post) throw new SpecError(`${f}.to`, `no population named "${po.to}"`);
    const port = post.model.ports.indexOf(str(po.port, `${f}.port`));
    if (port < 0) throw new SpecError(`${f}.port`, `model ${post.model.name} has ports ${post.model.ports.join(', ')}, not "${po.port}"`);
    const cf = `${f}.connectivity`;
    const c = object(po.connectivity, cf, ['type', 'p', 'k', 'n', 'pre', 'post', 'weights', 'delays', 'allowAutapses', 'procedural', 'file', 'weightsFile', 'instance']);
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
    } else if (c.file !== undefined) {
      conn = { type, ...loadSynapseFiles(c, cf, dt) };
    } else {
      const preIdx = numArray(c.pre, `${cf}.pre`);
      conn = {
        type, pre: preIdx, post: numArray(c.post, `${cf}.post`, preIdx.length),
        weights: c.weights === undefined ? undefined : numArray(c.weights, `${cf}.weights`, preIdx.length),
        delays: c.delays === undefined ? undefined : numArray(c.delays, `${cf}.delays`, preIdx.length),
      };
    }
    const projSeed = po.seed === undefined ? seed : seed32(po.seed, `${f}.seed`);
    if (po.sign !== undefined && po.weight !== undefined) checkSign(distribution(po.weight, `${f}.weight`), oneOf(po.sign, `${f}.sign`, ['excitatory', 'inhibitory'] as const), `${f}.weight`);
    // Synapses drawn on the GPU (generated at build time or regenerated at every spike): float32
    // distributions (delays in steps), sign as a code, and bounds for the fixed-point scale and the ring.
    const drawn = () => {
      const wd = genDistribution(distribution(po.weight, `${f}.weight`));
      const dd = genDelay(po.delay === undefined ? dt : distribution(po.delay, `${f}.delay`), dt, { field: `${f}.delay`, projection: String(po.name) });
      const sign = po.sign === undefined ? 0 : oneOf(po.sign, `${f}.sign`, ['excitatory', 'inhibitory'] as const) === 'excitatory' ? 1 : 2;
      // One spare ring slot for float32 rounding of the delay bound.
      post.slots = Math.max(post.slots, Math.max(1, Math.floor(genMaxAbs(dd) + 0.5)) + 2);
      return { wd, dd, sign };
    };
    // Fixed total: the in-degree of the most connected neuron, bounded by mean + 6 sd + 10 (probabilistic).
    const totalInDegree = (n: number) => n / post.size + 6 * Math.sqrt(n / post.size) + 10;
    const isPlastic = po.plasticity !== undefined;
    // Per-instance weights (engine/plan/instance-weights.ts); a drawn projection's bound in instance b.
    const iw = isPlastic ? undefined : instanceWeightKeys(String(po.name), f, po, { perInstance, usedKeys }, 'weights' in conn && conn.weights !== undefined);
    const drawnBound = (iw: InstanceWeights | undefined, wd: GenDistribution, degree: number) =>
      iw && ((b: number) => degree * (iw.weight ? Math.abs(Math.fround(iw.weight[b])) : genMaxAbs(wd) * iw.scale![b]));
    if (po.gainModulator !== undefined && !isPlastic) throw new SpecError(`${f}.gainModulator`, 'only plastic projections (float weights) take a gain modulator');
    if (isPlastic && conn.type === 'fixed-total' && conn.procedural) throw new SpecError(`${cf}.procedural`, 'a plastic projection stores its weights: procedural connectivity cannot be plastic');
    // Connectivity per instance: free for procedural synapses (regenerated at every spike); stored ones hold one realization.
    const seedKey = `projections.${String(po.name)}.seed`, seeds = perInstance.get(seedKey)?.map((s, b) => seed32(s, `batch.params.${seedKey}[${b}]`));
    usedKeys.add(seedKey);
    if (seeds && !(conn.type === 'fixed-total' && conn.procedural)) {
      throw new SpecError(`batch.params.${seedKey}`, 'stored connectivity is one realization shared by the batch: vary its seed across batches, or make it procedural (fixed-total with "procedural": true)');
    }
    if (conn.type === 'fixed-total' && conn.procedural) {
      const { wd, dd, sign } = drawn();
      const n = conn.n, rows = (s: number) => multinomialRows(n, pre.size, s, index);
      if (wd.kind === 2) throw new SpecError(`${f}.weight`, 'procedural connectivity takes a constant or {"normal": [mean, sd]}');
      if (dd.kind === 2) throw new SpecError(`${f}.delay`, 'procedural connectivity takes a constant or {"normal": [mean, sd]}');
      inflow.addBound(post.index, port, `${f}.weight`, totalInDegree(conn.n) * genMaxAbs(wd), drawnBound(iw, wd, totalInDegree(conn.n)), iw?.field);
      procedural.push({
        name: fileName(po.name, `${f}.name`), index, pre, post, port, seed: projSeed,
        rowPtr: seeds ? Uint32Array.from(seeds.flatMap((s) => [...rows(s)])) : rows(projSeed), ...(seeds ? { seeds: Uint32Array.from(seeds) } : {}),
        synapses: conn.n, wMean: wd.a, wSd: wd.b, sign, dMean: dd.a, dSd: dd.b, slot: 0,
      });
      statics.procedural.push({ plan: procedural[procedural.length - 1], iw });
      return undefined;
    }
    if (!isPlastic && (conn.type === 'fixed-indegree' || conn.type === 'fixed-total')) {
      // Generated on the GPU at build time (engine/run/synapse-build.ts).
      const { wd, dd, sign } = drawn();
      const rule = conn.type === 'fixed-total' ? 0 : 1;
      const k = conn.type === 'fixed-indegree' ? conn.k : 0;
      const synapses = conn.type === 'fixed-total' ? conn.n : k * post.size;
      const excludeSelf = conn.type === 'fixed-indegree' && pre === post && !conn.allowAutapses;
      if (excludeSelf && pre.size < 2 && k > 0) throw new SpecError(`${cf}.k`, 'no partner without autapses');
      if (synapses > 0xffffffff) throw new SpecError(`${cf}`, `${synapses} synapses: at most 2^32 - 1 per projection`);
      // Fixed-point bound: exact for fixed in-degree.
      const degree = rule === 1 ? k : totalInDegree(synapses);
      inflow.addBound(post.index, port, `${f}.weight`, degree * genMaxAbs(wd), drawnBound(iw, wd, degree), iw?.field);
      generated.push({
        name: fileName(po.name, `${f}.name`), index, pre, post, port, seed: projSeed, rule, synapses, k, excludeSelf, sign, weight: wd, delay: dd, slot: 0,
      });
      statics.generated.push({ plan: generated[generated.length - 1], iw });
      return undefined;
    }
    const delay = po.delay === undefined ? dt : distribution(po.delay, `${f}.delay`);
    const name = fileName(po.name, `${f}.name`);
    checkDelayDistribution(delay, dt, { field: `${f}.delay`, projection: name });
    const syn = buildHostSynapses(conn, {
      nPre: pre.size, nPost: post.size, seed: projSeed, projIndex: index,
      recurrent: pre === post, weight: distribution(po.weight, `${f}.weight`),
      sign: po.sign === undefined ? undefined : oneOf(po.sign, `${f}.sign`, ['excitatory', 'inhibitory'] as const),
      delay, dt, field: f, name,
    });
    let maxDelay = 1;
    for (const d of syn.delay) maxDelay = Math.max(maxDelay, d);
    post.slots = Math.max(post.slots, maxDelay + 1);
    if (isPlastic) {
      const p = compilePlastic(po.plasticity, `${f}.plasticity`, { name, index, pre, post, port, syn }, dt, modulators, { B, perInstance, usedKeys }, rules);
      p.gain = gainModulator(po.gainModulator, `${f}.gainModulator`, modulators);
      const bound = plasticMaxAbs(p, modulators);
      // A gain that varies per instance: the port's scale per instance (engine/plan/instance-weights.ts), each from its own range.
      const gainKey = p.gain < 0 ? undefined : ['amplitude', 'baseline'].map((k) => `modulators.${modulators[p.gain].name}.${k}`).find((k) => perInstance.has(k));
      const gainKeyed = gainKey !== undefined;
      const bounds = gainKeyed ? Array.from({ length: B }, (_, b) => plasticMaxAbs(p, modulators, b)) : undefined;
      inflow.addSynapses(post.index, port, `${f}.plasticity`, syn.post, () => bound, bounds && ((k, b) => bounds[b]), gainKey && `batch.params.${gainKey}`);
      if (gainKeyed) statics.gainPorts.push({ pop: post, port });
      plastic.push(p);
      return undefined;
    }
    inflow.addSynapses(post.index, port, `${f}.weight`, syn.post, (k) => syn.weight[k], iw && ((k, b) => instanceWeight(iw, syn.weight[k], b)), iw?.field);
    return { name, index, pre, post, port, syn, iw, constant: typeof po.weight === 'number' && !('weights' in conn && conn.weights !== undefined) };
  });
  uniqueNames([...built.filter((b) => b !== undefined), ...procedural, ...generated, ...plastic], 'projections');

  // Inputs: Poisson (through a port, counted in float), DC (into I_ext) and given spike trains.
  const { dc, poissonTables, sources, inputLength: inputLen } = compileInputs(o.inputs, { pops, byName, B, dt, neurons, perInstance, usedKeys, inflow });
  for (const key of perInstance.keys()) if (!usedKeys.has(key)) throw new SpecError(`batch.params.${key}`, 'unknown per-instance parameter');

  // Fixed-point scales and buffer offsets.
  let ringLen = 0, spikeLen = 0;
  for (const pop of pops) {
    pop.scales = pop.model.ports.map((_, q) => inflow.scale(pop, q));
    pop.ringBase = ringLen;
    ringLen += pop.slots * pop.model.ports.length * B * pop.size;
    pop.spikeBase = spikeLen;
    spikeLen += 2 * B * pop.size;
  }
  const projections: SpikingProjPlan[] = built.filter((b) => b !== undefined).map(({ name, index, pre, post, port, syn, iw, constant }) => {
    const scale = 2 ** post.scales[port];
    const wq = Int32Array.from(syn.weight, (w) => Math.round(w * scale));
    const proj = { name, index, pre, post, port, rowPtr: syn.rowPtr, postIdx: syn.post, wq, delay: syn.delay, synapses: syn.post.length, slot: 0 };
    statics.stored.push({ proj, syn, constant, iw });
    return proj;
  });
  // Ports that a per-instance weight reaches: scales and weight slots per instance, after the input tables.
  statics.sources = sources;
  const { slots: weightSlots, table: slotTable } = assignWeightSlots(pops, inflow, B, statics, inputLen);
  for (const p of plastic) p.scale = p.post.scales[p.port];
  for (const s of sources) s.wq = Math.round(s.weight * 2 ** s.pop.scales[s.port]);
  const outgoing = pops.map((pre) => mergeOutgoing(pre, projections.filter((p) => p.pre === pre), B)).filter((o) => o.projections.length > 0);
  const inputTable = new Float32Array(Math.max(inputLen + slotTable.length, 1));
  inputTable.set(slotTable, inputLen);
  pops.forEach((pop) => inputTable.set(dc[pop.index], pop.neuronBase));
  let off = neurons;
  for (const t of poissonTables) { inputTable.set(t, off); off += t.length; }
  const plan: SpikingPlan = {
    dt, batch: B, pops, projections, outgoing, generated, procedural, plastic, modulators, sources, stateInit, paramTable, neuronCount: neurons, ringLength: Math.max(ringLen, 1),
    spikeListLength: Math.max(spikeLen, 1), inputTable, seeds, weightSlots,
  };
  // The recorders are checked here too, so that a compiled spec is a valid one (their GPU side is built by the runtime).
  validateRecorders(spec, plan);
  return { spec, plan };
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
    if (post.index > 0xff) throw new SpecError('populations', `stored synapses reach population ${post.index}: at most 256 populations receive stored synapses`);
    for (let j = 0; j < pre.size; j++) {
      for (let k = p.rowPtr[j]; k < p.rowPtr[j + 1]; k++) {
        const s = fill[j]++;
        target[s] = post.ringBase + p.port * B * post.size + p.postIdx[k];
        wq[s] = p.wq[k];
        if (p.delay[k] > 0xffff) throw new Error(`projection ${p.name}: delay of ${p.delay[k]} steps is over 65535`);
        delayPop[s] = (p.delay[k] | (post.index << 16) | (p.slot << 24)) >>> 0;
      }
    }
  }
  return { pre, projections: projs, rowPtr, target, wq, delayPop };
}

/** A weight distribution for GPU generation, float32 parameters (delays: time-steps.ts genDelay). */
function genDistribution(d: Distribution): GenDistribution {
  const f = Math.fround;
  if (typeof d === 'number') return { kind: 0, a: f(d), b: 0 };
  if ('normal' in d) return { kind: 1, a: f(d.normal[0]), b: f(d.normal[1]) };
  return { kind: 2, a: f(d.uniform[0]), b: f(d.uniform[1] - d.uniform[0]) };
}

/**
 * Explicit synapses from .npy files as the spiking runner saves them: `file` an (S, 3) integer table of
 * (pre, post, delay in steps) rows (synapses_NAME.npy), `weightsFile` S weights or a (B, S) table
 * (weights_NAME.npy; row `instance`, default 0, is used).
 */
function loadSynapseFiles(c: Record<string, unknown>, cf: string, dt: number): { pre: number[]; post: number[]; delays: number[]; weights?: number[] } {
  const load = (field: string) => {
    const path = str(c[field], `${cf}.${field}`);
    try {
      return readNpy(readHostFile(path));
    } catch (e) {
      throw new SpecError(`${cf}.${field}`, `cannot read ${path}: ${(e as Error).message}`);
    }
  };
  for (const k of ['pre', 'post', 'weights', 'delays']) if (c[k] !== undefined) throw new SpecError(`${cf}.${k}`, 'give either file or the pre/post arrays, not both');
  const t = load('file');
  if (t.shape.length !== 2 || t.shape[1] !== 3 || t.fortranOrder) throw new SpecError(`${cf}.file`, `expected a C-order (S, 3) table of (pre, post, delay in steps), got shape (${t.shape.join(', ')})`);
  const S = t.shape[0];
  if (!['<i4', '<u4', '<i8'].includes(t.dtype)) throw new SpecError(`${cf}.file`, `expected an integer table (int32, uint32 or int64), got ${t.dtype}`);
  const col = (k: number) => Array.from({ length: S }, (_, s) => Number(t.data[s * 3 + k]));
  const steps = col(2);
  steps.forEach((d, s) => {
    if (!(d >= 1 && d <= MAX_DELAY_STEPS)) throw new SpecError(`${cf}.file`, `row ${s}: a delay of ${d} steps; delays are in [1, ${MAX_DELAY_STEPS}] steps`);
  });
  // In ms for the host builder, whose rounding gives the same whole steps back.
  const out: { pre: number[]; post: number[]; delays: number[]; weights?: number[] } = { pre: col(0), post: col(1), delays: steps.map((d) => d * dt) };
  if (c.weightsFile !== undefined) {
    const w = load('weightsFile');
    const rows = w.shape.length === 1 ? 1 : w.shape[0];
    if (w.data.length !== rows * S || w.shape.length > 2 || w.fortranOrder) throw new SpecError(`${cf}.weightsFile`, `expected ${S} weights or a C-order (B, ${S}) table, got shape (${w.shape.join(', ')})`);
    const b = c.instance === undefined ? 0 : integer(c.instance, `${cf}.instance`, 0);
    if (b >= rows) throw new SpecError(`${cf}.instance`, `the file holds ${rows} instance${rows > 1 ? 's' : ''}, got ${b}`);
    out.weights = Array.from(w.data.subarray(b * S, (b + 1) * S), Number);
    out.weights.forEach((x, k) => { if (!Number.isFinite(x) || !Number.isFinite(Math.fround(x))) throw new SpecError(`${cf}.weightsFile`, `weight ${k} of instance ${b} is ${x}: weights must be finite float32 values`); });
  } else if (c.instance !== undefined) {
    throw new SpecError(`${cf}.instance`, 'only with weightsFile');
  }
  return out;
}
