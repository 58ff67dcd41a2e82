/**
 * What a run's output directory holds, read from its meta.json: the network kind, time step, steps
 * planned and completed, and for each recorder its file, what it holds and in which unit (from the
 * models' data: engine/models/variable-units.ts). Nothing here reads the recordings themselves.
 */
import type { NeuronModelSpec } from '../models/neuron.ts';
import { DIMENSIONLESS, portUnit, SPIKE_RATE_UNIT, stateUnit } from '../models/variable-units.ts';
import { modelDef } from '../plan/spiking-models.ts';
import { isSpikingSpec } from '../spec/kind.ts';
import type { RecorderSpec } from '../spec/rate.ts';
import type { SpikingRecorderSpec, SpikingSpec } from '../spec/spiking.ts';

export interface Recording {
  /** The recorder's name; its file is NAME.npy. */
  name: string;
  /** spikes: (step, instance, neuron) rows; series: (rows, batch, ...) values, one row every `every` steps. */
  kind: 'spikes' | 'series';
  /** The quantity, e.g. "V", "rate", "modulator da", "weights"; with its unit in `unit` (undefined: unknown). */
  quantity: string;
  unit: string | undefined;
  /** The population, projection or modulator recorded. */
  source: string;
  /** Neurons in the population (spikes). */
  size?: number;
  every: number;
  /** Indices of the recorded neurons or units (in the order of the row's values), when a subset. */
  units?: number[];
  /** Weights (one value per synapse per row): drawn as their mean over time. */
  weights?: boolean;
  /** What one value of a row belongs to: a neuron (spiking), a unit (rate) or a synapse (weights). */
  member: 'neuron' | 'unit' | 'synapse';
}

export interface RunFacts {
  kind: 'spiking' | 'rate' | 'unknown';
  /** Time step [ms] (undefined when meta.json does not say). */
  dt?: number;
  batch: number;
  /** Steps the run was asked for, and the steps it completed (less when interrupted). */
  stepsPlanned?: number;
  stepsCompleted?: number;
  /** meta.status, e.g. "interrupted"; undefined for a run that did not record one. */
  status?: string;
  recordings: Recording[];
  /** The unit of a plastic projection's weights (weights_NAME.npy). */
  weightUnit(projection: string): string | undefined;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The facts meta.json gives; fields a run did not write are left undefined. */
export function runFacts(meta: Record<string, unknown>): RunFacts {
  const spec = (meta.spec && typeof meta.spec === 'object' ? meta.spec : undefined) as Record<string, unknown> | undefined;
  const kind = !spec ? 'unknown' : isSpikingSpec(spec) ? 'spiking' : 'rate';
  const status = typeof meta.status === 'string' ? meta.status : undefined;
  const facts = {
    kind, dt: num(meta.dt_ms) ?? num(spec?.dt), batch: num(meta.batch) ?? 1, stepsPlanned: num(meta.steps), status,
    // A run that stopped early without saying how far it got: unknown (the recordings tell).
    stepsCompleted: num(meta.steps_completed) ?? (status === undefined || status === 'complete' ? num(meta.steps) : undefined),
  } as const;
  if (kind === 'spiking') return { ...facts, ...spikingRecordings(spec as unknown as SpikingSpec) };
  if (kind === 'rate') return { ...facts, recordings: ((spec!.record ?? []) as RecorderSpec[]).map(rateRecording), weightUnit: () => DIMENSIONLESS };
  return { ...facts, recordings: [], weightUnit: () => undefined };
}

/** Rate networks: rates, states, weights and modulators are all dimensionless (engine/spec/rate.ts). */
function rateRecording(r: RecorderSpec): Recording {
  const every = r.every ?? 1;
  if ('projection' in r) return { name: r.name, kind: 'series', quantity: 'weight', unit: DIMENSIONLESS, source: r.projection, every, weights: true, member: 'synapse' };
  if ('modulator' in r) return { name: r.name, kind: 'series', quantity: `modulator ${r.modulator}`, unit: DIMENSIONLESS, source: r.modulator, every, member: 'unit' };
  const what = r.what === 'state' ? 'state x' : 'rate r';
  return { name: r.name, kind: 'series', quantity: r.reduce === 'mean' ? `mean ${what}` : what, unit: DIMENSIONLESS, source: r.population, every, units: r.reduce === 'mean' ? undefined : r.units, member: 'unit' };
}

function spikingRecordings(spec: SpikingSpec): Pick<RunFacts, 'recordings' | 'weightUnit'> {
  const model = (pop: string | undefined): NeuronModelSpec | undefined => {
    const name = spec.populations.find((p) => p.name === pop)?.model;
    return name === undefined ? undefined : modelDef(spec, name);
  };
  const weightUnit = (projection: string) => {
    const p = spec.projections?.find((q) => q.name === projection);
    const m = p && model(p.to);
    return m && portUnit(m, p.port);
  };
  const recording = (r: SpikingRecorderSpec): Recording => {
    const every = r.every ?? 1;
    const base = { name: r.name, kind: 'series', every, member: 'neuron' } as const;
    if (r.what === 'spikes') return { ...base, kind: 'spikes', quantity: 'spikes', unit: undefined, source: r.population!, size: spec.populations.find((p) => p.name === r.population)?.size };
    if (r.what === 'rate') return { ...base, quantity: 'population rate', unit: SPIKE_RATE_UNIT, source: r.population! };
    if (r.what === 'weights') return { ...base, quantity: 'weight', unit: weightUnit(r.projection!), source: r.projection!, weights: true, member: 'synapse' };
    if (r.what === 'modulator') return { ...base, quantity: `modulator ${r.modulator}`, unit: DIMENSIONLESS, source: r.modulator! };
    const m = model(r.population);
    return { ...base, quantity: r.what, unit: m && stateUnit(m, r.what), source: r.population!, units: r.units };
  };
  return { recordings: (spec.record ?? []).map(recording), weightUnit };
}
