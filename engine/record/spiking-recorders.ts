/**
 * What the row-recorders of a spiking network deliver, for the GPU simulation and the CPU twin alike:
 * their RecorderInfo (what, width, every) and the population rate of a bin of spike counts.
 */
import type { ValidRecorders } from '../plan/spiking-recorders.ts';
import type { SpikingPlan } from '../plan/spiking.ts';
import type { RecorderInfo } from './recorders.ts';

export interface SpikingRecorderInfos {
  modulators: RecorderInfo[];
  state: RecorderInfo[];
  rates: RecorderInfo[];
  weights: RecorderInfo[];
}

export function spikingRecorderInfos(plan: SpikingPlan, records: ValidRecorders): SpikingRecorderInfos {
  const none = new Uint32Array(0);
  const info = (name: string, population: string, what: RecorderInfo['what'], every: number, width: number, units: Uint32Array = none): RecorderInfo =>
    ({ name, population, what, reduce: 'none', every, units, width, batch: plan.batch });
  return {
    modulators: records.modulators.map((r) => info(r.name, plan.modulators[r.modulator].name, 'modulator', r.every, 1)),
    state: records.state.map((r) => info(r.name, plan.pops[r.pop].name, 'state', r.every, r.units.length, r.units)),
    rates: records.rates.map((r) => info(r.name, plan.pops[r.pop].name, 'rate', r.every, 1)),
    weights: records.weights.map((r) => info(r.name, plan.plastic[r.plastic].name, 'weights', r.every, plan.plastic[r.plastic].synapses)),
  };
}

/** A population-rate row [Hz] from spike counts per instance over a bin of `every` steps of `dt` ms. */
export function binRateHz(counts: Float64Array, size: number, every: number, dt: number): Float32Array {
  return Float32Array.from(counts, (c) => (c / size / (every * dt)) * 1000);
}
