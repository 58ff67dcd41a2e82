/**
 * Validation of a network spec before anything touches the GPU. Every error names the field at fault
 * (`populations[1].tau[7]`). Accepts untrusted JSON and returns a typed NetworkSpec.
 */
import { SpecError } from '../errors.ts';
import { MAX_RECORDERS } from './limits.ts';
import { instanceSeeds } from './seeds.ts';
import { describe, fileName, finite, integer, isObj, numArray, object, oneOf, positive, seed32, stepCount, str, uniqueNames } from './checks.ts';
import {
  ACTIVATIONS, INTEGRATORS, type InputSpec, type NetworkSpec, type PopulationSpec, type ProjectionSpec,
  type RecorderSpec,
} from './rate.ts';
import { modulationRecorder, modulator, projectionModulation, timeCourse } from './validate-modulation.ts';
import { checkPopulationUnit, populationUnit, unitOf, validatePopulationUnit, validateUnits } from './rate-units.ts';
import { rateRuleTable, type RateRuleTable } from './rate-rules.ts';
import { checkInputTarget, gatedPopulation, gatedProjection, gatedRecorder, weightRows } from './validate-gated.ts';

// The checks are shared with the spiking validator, which imports them from here.
export { describe, finite, integer, isObj, numArray, object, oneOf, positive, str, uniqueNames } from './checks.ts';

/** A scalar or a per-unit array of the population's size. */
function scalarOrPerUnit(v: unknown, field: string, size: number, check = finite): number | number[] {
  return Array.isArray(v) ? numArray(v, field, size, check) : check(v, field);
}

function population(v: unknown, f: string, spec: NetworkSpec): PopulationSpec {
  const size = integer(isObj(v) ? v.size : undefined, `${f}.size`, 1);
  if (isObj(v) && v.gated !== undefined) return gatedPopulation(v, f, size);
  const o = object(v, f, ['name', 'size', 'activation', 'unit', 'params', 'tau', 'bias', 'noise', 'init', 'gated']);
  const p: PopulationSpec = { name: fileName(o.name, `${f}.name`), size };
  if (o.unit !== undefined && o.activation === undefined) p.unit = str(o.unit, `${f}.unit`);
  else p.activation = oneOf(o.activation, `${f}.activation`, ACTIVATIONS);
  // Values only; the unit's checks (tau > 0, noise >= 0, ...) run once batch.params is known.
  if (o.tau !== undefined) p.tau = scalarOrPerUnit(o.tau, `${f}.tau`, size);
  if (o.bias !== undefined) p.bias = scalarOrPerUnit(o.bias, `${f}.bias`, size);
  if (o.noise !== undefined) p.noise = scalarOrPerUnit(o.noise, `${f}.noise`, size);
  if (o.init !== undefined) p.init = scalarOrPerUnit(o.init, `${f}.init`, size);
  validatePopulationUnit(o, p, f, spec);
  return p;
}

function projection(v: unknown, f: string, pops: Map<string, PopulationSpec>, modulators: Set<string>, rules: RateRuleTable, userRules: Record<string, unknown>): ProjectionSpec {
  const o = object(v, f, ['name', 'from', 'to', 'gain', 'weights', 'plasticity', 'gainModulator', 'bias']);
  const name = fileName(o.name, `${f}.name`);
  const from = str(o.from, `${f}.from`);
  const to = str(o.to, `${f}.to`);
  const pre = pops.get(from), post = pops.get(to);
  if (!pre) throw new SpecError(`${f}.from`, `no population named "${from}"`);
  if (!post) throw new SpecError(`${f}.to`, `no population named "${to}"`);
  const wf = `${f}.weights`;
  const rows = weightRows(post);
  const w = isObj(o.weights) ? o.weights : object(o.weights, wf, []);
  const type = oneOf(w.type, `${wf}.type`, ['dense', 'csr', 'ring', 'gaussian', 'fixed-indegree', 'npy'] as const);
  const p: ProjectionSpec = { name, from, to, weights: { type: 'ring', J0: 0, J1: 0, gamma: 0 } };
  if (o.gain !== undefined) p.gain = finite(o.gain, `${f}.gain`);
  switch (type) {
    case 'dense': {
      object(w, wf, ['type', 'values']);
      const values = w.values;
      if (Array.isArray(values) && values.length > 0 && Array.isArray(values[0])) {
        if (values.length !== rows) throw new SpecError(`${wf}.values`, `expected ${rows} rows (${post.gated ? `gates x size` : 'size'} of "${to}"), got ${values.length}`);
        values.forEach((row, i) => numArray(row, `${wf}.values[${i}]`, pre.size));
        p.weights = { type, values: values as number[][] };
      } else {
        p.weights = { type, values: numArray(values, `${wf}.values`, rows * pre.size) };
      }
      break;
    }
    case 'csr': {
      object(w, wf, ['type', 'rowPtr', 'colIdx', 'values']);
      const rowPtr = numArray(w.rowPtr, `${wf}.rowPtr`, post.size + 1);
      const colIdx = numArray(w.colIdx, `${wf}.colIdx`);
      const values = numArray(w.values, `${wf}.values`, colIdx.length);
      if (rowPtr[0] !== 0) throw new SpecError(`${wf}.rowPtr[0]`, `must be 0, got ${rowPtr[0]}`);
      for (let i = 1; i <= post.size; i++) {
        if (!Number.isInteger(rowPtr[i]) || rowPtr[i] < rowPtr[i - 1]) throw new SpecError(`${wf}.rowPtr[${i}]`, 'must be a non-decreasing integer');
      }
      if (rowPtr[post.size] !== colIdx.length) throw new SpecError(`${wf}.rowPtr[${post.size}]`, `must equal colIdx length ${colIdx.length}, got ${rowPtr[post.size]}`);
      colIdx.forEach((j, k) => {
        if (!Number.isInteger(j) || j < 0 || j >= pre.size) throw new SpecError(`${wf}.colIdx[${k}]`, `must be an integer in [0, ${pre.size}), got ${j}`);
      });
      p.weights = { type, rowPtr, colIdx, values };
      break;
    }
    case 'ring':
      object(w, wf, ['type', 'J0', 'J1', 'gamma']);
      if (pre.size !== post.size) throw new SpecError(wf, `a ring kernel needs equal sizes, got ${pre.size} -> ${post.size}`);
      p.weights = { type, J0: finite(w.J0, `${wf}.J0`), J1: finite(w.J1, `${wf}.J1`), gamma: finite(w.gamma ?? 0, `${wf}.gamma`) };
      break;
    case 'gaussian':
      object(w, wf, ['type', 'g', 'seed']);
      p.weights = { type, g: finite(w.g, `${wf}.g`), seed: w.seed === undefined ? undefined : seed32(w.seed, `${wf}.seed`) };
      break;
    case 'fixed-indegree': {
      object(w, wf, ['type', 'k', 'weight', 'seed', 'allowAutapses']);
      const k = integer(w.k, `${wf}.k`, 0);
      const allowAutapses = w.allowAutapses === undefined ? true : w.allowAutapses === true;
      const available = pre.size - (!allowAutapses && from === to ? 1 : 0);
      if (k > available) throw new SpecError(`${wf}.k`, `must be <= ${available} (distinct presynaptic units available), got ${k}`);
      p.weights = {
        type, k, weight: finite(w.weight, `${wf}.weight`), allowAutapses,
        seed: w.seed === undefined ? undefined : seed32(w.seed, `${wf}.seed`),
      };
      break;
    }
    case 'npy':
      object(w, wf, ['type', 'file']);
      p.weights = { type, file: str(w.file, `${wf}.file`) };
      break;
  }
  projectionModulation(o, p, f, modulators, rules, userRules);
  gatedProjection(o, p, f, post);
  return p;
}

function input(v: unknown, f: string, pops: Map<string, PopulationSpec>): InputSpec {
  const o = object(v, f, ['name', 'target', 'amplitude', 'profile', 'time']);
  const target = str(o.target, `${f}.target`);
  const pop = pops.get(target);
  if (!pop) throw new SpecError(`${f}.target`, `no population named "${target}"`);
  checkInputTarget(pop, f);
  const inp: InputSpec = { name: str(o.name, `${f}.name`), target };
  if (o.amplitude !== undefined) inp.amplitude = finite(o.amplitude, `${f}.amplitude`);
  if (o.profile !== undefined) {
    if (Array.isArray(o.profile)) inp.profile = numArray(o.profile, `${f}.profile`, pop.size);
    else {
      const pr = object(o.profile, `${f}.profile`, ['type', 'center', 'rectify']);
      oneOf(pr.type, `${f}.profile.type`, ['cosine'] as const);
      inp.profile = { type: 'cosine', center: finite(pr.center, `${f}.profile.center`), rectify: pr.rectify === true };
    }
  }
  if (o.time !== undefined) inp.time = timeCourse(o.time, `${f}.time`, pop.size);
  return inp;
}

function recorder(v: unknown, f: string, spec: NetworkSpec, pops: Map<string, PopulationSpec>): RecorderSpec {
  if (isObj(v) && (v.projection !== undefined || v.modulator !== undefined || v.what === 'weights' || v.what === 'modulator')) {
    if (v.projection === undefined && v.modulator === undefined) {
      throw new SpecError(`${f}.${v.what === 'weights' ? 'projection' : 'modulator'}`, `required when what is "${v.what}"`);
    }
    return modulationRecorder(v, f, spec.projections ?? [], new Set((spec.modulators ?? []).map((m) => m.name)));
  }
  const o = object(v, f, ['name', 'population', 'what', 'gate', 'units', 'every', 'reduce']);
  const population = str(o.population, `${f}.population`);
  const pop = pops.get(population);
  if (!pop) throw new SpecError(`${f}.population`, `no population named "${population}"`);
  const r: RecorderSpec = { name: fileName(o.name, `${f}.name`), population };
  if (o.what !== undefined) r.what = oneOf(o.what, `${f}.what`, ['rate', 'state', 'gate'] as const);
  const gate = gatedRecorder(o, f, pop);
  if (gate !== undefined) r.gate = gate;
  if (o.units !== undefined) {
    r.units = numArray(o.units, `${f}.units`);
    r.units.forEach((u, k) => {
      if (!Number.isInteger(u) || u < 0 || u >= pop.size) throw new SpecError(`${f}.units[${k}]`, `must be an integer in [0, ${pop.size}), got ${u}`);
    });
    if (r.units.length === 0) throw new SpecError(`${f}.units`, 'must not be empty');
  }
  if (o.every !== undefined) r.every = integer(o.every, `${f}.every`, 1);
  if (o.reduce !== undefined) r.reduce = oneOf(o.reduce, `${f}.reduce`, ['none', 'mean'] as const);
  return r;
}

/** Keys accepted in batch.params, given the named parts of the network. */
function batchParamKeys(spec: NetworkSpec, rules: RateRuleTable): Set<string> {
  const keys = new Set(['seed']);
  for (const i of spec.inputs ?? []) keys.add(`inputs.${i.name}.amplitude`);
  for (const p of spec.projections ?? []) {
    keys.add(`projections.${p.name}.gain`);
    if (p.weights.type === 'ring') keys.add(`projections.${p.name}.gamma`);
    if (p.plasticity) for (const q of rules.get(p.plasticity.rule, 'rule').paramNames) keys.add(`projections.${p.name}.${q}`);
  }
  for (const m of spec.modulators ?? []) {
    if (m.type === 'schedule') keys.add(`modulators.${m.name}.amplitude`).add(`modulators.${m.name}.baseline`);
    if (m.type === 'host') keys.add(`modulators.${m.name}.init`);
  }
  spec.populations.forEach((p, k) => {
    for (const param of Object.keys(unitOf(spec, p, `populations[${k}]`).def.params)) keys.add(`populations.${p.name}.${param}`);
  });
  return keys;
}

/** Validates untrusted input (parsed JSON or a TS object) and returns a NetworkSpec. */
export function validateSpec(v: unknown): NetworkSpec {
  const o = object(v, 'spec', ['dt', 'steps', 'integrator', 'seed', 'units', 'populations', 'projections', 'inputs', 'modulators', 'record', 'batch', 'rules', 'name', 'description', '$schema']);
  if (o.$schema !== undefined) str(o.$schema, '$schema');
  const spec: NetworkSpec = { dt: positive(o.dt, 'dt'), populations: [] };
  if (o.steps !== undefined) spec.steps = stepCount(o.steps, 'steps');
  if (o.integrator !== undefined) spec.integrator = oneOf(o.integrator, 'integrator', INTEGRATORS);
  if (o.seed !== undefined) spec.seed = seed32(o.seed, 'seed');
  if (o.units !== undefined) spec.units = validateUnits(o.units);
  if (!Array.isArray(o.populations) || o.populations.length === 0) throw new SpecError('populations', 'expected a non-empty array');
  spec.populations = o.populations.map((p, k) => population(p, `populations[${k}]`, spec));
  uniqueNames(spec.populations, 'populations');
  const pops = new Map(spec.populations.map((p) => [p.name, p]));
  const list = (key: string) => {
    if (o[key] === undefined) return [];
    if (!Array.isArray(o[key])) throw new SpecError(key, `expected an array, got ${describe(o[key])}`);
    return o[key] as unknown[];
  };
  spec.modulators = list('modulators').map((m, k) => modulator(m, `modulators[${k}]`, pops));
  uniqueNames(spec.modulators, 'modulators');
  const modulators = new Set(spec.modulators.map((m) => m.name));
  const rules = rateRuleTable(o.rules);
  if (o.rules !== undefined) spec.rules = o.rules as NetworkSpec['rules'];
  spec.projections = list('projections').map((p, k) => projection(p, `projections[${k}]`, pops, modulators, rules, (o.rules ?? {}) as Record<string, unknown>));
  uniqueNames(spec.projections, 'projections');
  spec.inputs = list('inputs').map((p, k) => input(p, `inputs[${k}]`, pops));
  uniqueNames(spec.inputs, 'inputs');
  const records = list('record');
  if (records.length > MAX_RECORDERS) throw new SpecError('record', `at most ${MAX_RECORDERS} recorders, got ${records.length}`);
  spec.record = records.map((p, k) => recorder(p, `record[${k}]`, spec, pops));
  uniqueNames(spec.record, 'record');
  if (o.batch !== undefined) {
    const b = object(o.batch, 'batch', ['size', 'params', 'seeds']);
    const size = integer(b.size, 'batch.size', 1);
    spec.batch = { size };
    if (b.seeds !== undefined) spec.batch.seeds = [...instanceSeeds(size, 0, b.seeds, undefined)];
    if (b.params !== undefined) {
      const params = object(b.params, 'batch.params', [...batchParamKeys(spec, rules)]);
      spec.batch.params = {};
      for (const [key, vals] of Object.entries(params)) {
        spec.batch.params[key] = numArray(vals, `batch.params.${key}`, size);
        if (key === 'seed') instanceSeeds(size, 0, spec.batch.seeds, spec.batch.params[key]);
        const proj = key.endsWith('.gamma') ? spec.projections.find((p) => key === `projections.${p.name}.gamma`) : undefined;
        if (proj?.plasticity) {
          throw new SpecError(`batch.params.${key}`, 'a plastic projection starts every instance from the same matrix; per-instance gamma is not supported (set weights.gamma)');
        }
      }
    }
  }
  spec.populations.forEach((p, k) => checkPopulationUnit(populationUnit(spec, k), p.size, spec.batch?.size ?? 1, spec.dt));
  return spec;
}
