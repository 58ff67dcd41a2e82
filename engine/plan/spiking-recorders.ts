/**
 * The recorders of a spiking spec, checked against its plan: spikes (bitsets per step), population rate
 * (spike counts binned over `every` steps), state variables of chosen units, weights of a plastic
 * projection, and modulator values. The GPU simulation and the CPU twin both take their recorders from here.
 */
import { SpecError } from '../errors.ts';
import { fileName } from '../spec/checks.ts';
import { MAX_RECORDERS } from '../spec/limits.ts';
import type { SpikingRecorderSpec, SpikingSpec } from '../spec/spiking.ts';
import type { SpikingPlan } from './spiking.ts';

export interface ValidRecorders {
  weights: { name: string; plastic: number; index: number; every: number }[];
  modulators: { name: string; modulator: number; index: number; every: number }[];
  spikes: { name: string; pop: number; index: number }[];
  rates: { name: string; pop: number; index: number; every: number }[];
  state: { name: string; pop: number; index: number; variable: number; units: Uint32Array; every: number }[];
}

export function validateRecorders(spec: SpikingSpec, plan: SpikingPlan): ValidRecorders {
  const list = (spec.record ?? []) as SpikingRecorderSpec[];
  if (!Array.isArray(list)) throw new SpecError('record', 'expected an array');
  if (list.length > MAX_RECORDERS) throw new SpecError('record', `at most ${MAX_RECORDERS} recorders, got ${list.length}`);
  const out: ValidRecorders = { weights: [], modulators: [], spikes: [], rates: [], state: [] };
  const names = new Set<string>();
  list.forEach((r, index) => {
    const f = `record[${index}]`;
    if (typeof r !== 'object' || r === null) throw new SpecError(f, 'expected an object');
    for (const k of Object.keys(r)) if (!['name', 'population', 'projection', 'modulator', 'what', 'units', 'every'].includes(k)) throw new SpecError(`${f}.${k}`, 'unknown field (allowed: name, population, projection, modulator, what, units, every)');
    fileName(r.name, `${f}.name`);
    if (names.has(r.name)) throw new SpecError(`${f}.name`, `duplicate name "${r.name}"`);
    names.add(r.name);
    const every = r.every ?? 1;
    if (!Number.isInteger(every) || every < 1) throw new SpecError(`${f}.every`, 'must be an integer >= 1');
    if (r.what === 'weights' || r.what === 'modulator') {
      if (r.population !== undefined || r.units !== undefined) throw new SpecError(`${f}.${r.population !== undefined ? 'population' : 'units'}`, `not used when recording ${r.what === 'weights' ? 'weights (name the projection)' : 'a modulator (name it)'}`);
      if (r.what === 'weights') {
        const plastic = plan.plastic.findIndex((p) => p.name === r.projection);
        if (plastic < 0) throw new SpecError(`${f}.projection`, `no plastic projection named "${r.projection}"${plan.plastic.length ? ` (plastic: ${plan.plastic.map((p) => p.name).join(', ')})` : ''}`);
        out.weights.push({ name: r.name, plastic, index, every });
      } else {
        const modulator = plan.modulators.findIndex((m) => m.name === r.modulator);
        if (modulator < 0) throw new SpecError(`${f}.modulator`, `no modulator named "${r.modulator}"`);
        out.modulators.push({ name: r.name, modulator, index, every });
      }
      return;
    }
    if (r.projection !== undefined || r.modulator !== undefined) throw new SpecError(`${f}.${r.projection !== undefined ? 'projection' : 'modulator'}`, `only with what "weights" or "modulator"`);
    const pop = plan.pops.find((p) => p.name === r.population);
    if (!pop) throw new SpecError(`${f}.population`, `no population named "${r.population}"`);
    if (r.what === 'spikes') {
      if (out.spikes.some((s) => s.pop === pop.index)) throw new SpecError(`${f}.what`, `population "${pop.name}" already has a spike recorder`);
      out.spikes.push({ name: r.name, pop: pop.index, index });
      return;
    }
    if (r.what === 'rate') {
      out.rates.push({ name: r.name, pop: pop.index, index, every });
      return;
    }
    const variable = pop.model.stateNames.indexOf(r.what);
    if (variable < 0) throw new SpecError(`${f}.what`, `"spikes", "rate", "weights", "modulator" or a state variable of ${pop.model.name} (${pop.model.stateNames.join(', ')}), got "${r.what}"`);
    const units = r.units ?? Array.from({ length: pop.size }, (_, i) => i);
    units.forEach((u, k) => { if (!Number.isInteger(u) || u < 0 || u >= pop.size) throw new SpecError(`${f}.units[${k}]`, `must be an integer in [0, ${pop.size})`); });
    out.state.push({ name: r.name, pop: pop.index, index, variable, units: Uint32Array.from(units), every });
  });
  return out;
}
