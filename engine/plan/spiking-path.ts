/**
 * Which path runs a spiking network's steps: the multi-dispatch path (one dispatch per kernel per step:
 * neuron-update per model, synapse-spike, ...) or the fused path (one dispatch per chunk, one workgroup
 * per instance looping over the chunk's steps: shaders/spiking-fused.wgsl). The option `fused` forces
 * it ('on': a feature the fused kernel does not cover is a SpecError naming it; 'off') or lets the rule
 * below choose ('auto', the default).
 */
import { SpecError } from '../errors.ts';
import type { ValidRecorders } from './spiking-recorders.ts';
import type { SpikingPlan } from './spiking.ts';

export type FusedMode = 'auto' | 'on' | 'off';

/** The chosen path and why, as the simulation reports it (meta.json: path). */
export interface SpikingPath {
  kind: 'fused' | 'multi-dispatch';
  reason: string;
}

/**
 * Largest number of neurons per instance (all populations) that 'auto' runs fused.
 * - CPU adapters: 32,000, the largest size measured (bench/fused-bench.ts on lavapipe, 2 cores, the COBA
 *   network at in-degree 80, interleaved rounds): at one instance the fused path was faster at every
 *   size from 500 to 32,000 neurons (time ratio 0.46-0.76), at 4 instances as fast (500, 1,000) or
 *   faster (2,000 and up). Larger instances were not measured, so they keep the multi-dispatch path.
 * - GPUs: 4,096, a placeholder, not measured (no GPU measurement yet): one workgroup steps all neurons
 *   of its instance, so a large instance runs on one compute unit where the multi-dispatch path spreads
 *   it over all of them, while a small one saves a few dispatches per step.
 */
export const FUSED_MAX_NEURONS = { software: 32000, gpu: 4096 } as const;

/** Features of the network the fused kernel does not cover (empty: it covers them all). */
export function fusedBlockers(plan: SpikingPlan, records: ValidRecorders): string[] {
  const out: string[] = [];
  const add = (n: number, what: string) => { if (n) out.push(what); };
  add(plan.procedural.length, 'procedural projections');
  add(plan.plastic.length, 'plastic projections');
  add(plan.modulators.length, 'modulators');
  add(records.rates.length, 'rate recorders');
  add(records.weights.length, 'weight recorders');
  add(records.modulators.length, 'modulator recorders');
  return out;
}

/**
 * The path for `mode`, given what the fused kernel does not cover (`blockers`, including the runtime's:
 * synapse parts, workgroup limits) and the adapter's class.
 */
export function chooseSpikingPath(mode: FusedMode | undefined, perInstance: number, blockers: string[], software: boolean): SpikingPath {
  return choosePath(mode, blockers, software, { size: perInstance, unit: 'neurons', max: FUSED_MAX_NEURONS });
}

/**
 * The path for `mode` (both network kinds): 'on' refuses with the blockers, 'off' is multi-dispatch,
 * 'auto' runs fused when nothing blocks it and `size.size` (per instance) is at most the adapter class's
 * limit (`size.max`).
 */
export function choosePath(mode: FusedMode | undefined, blockers: string[], software: boolean,
  size: { size: number; unit: string; max: { software: number; gpu: number } }): SpikingPath {
  const m = mode ?? 'auto';
  if (m !== 'auto' && m !== 'on' && m !== 'off') throw new SpecError('fused', `expected 'auto', 'on' or 'off', got ${JSON.stringify(mode)}`);
  const uncovered = `the fused path does not cover ${blockers.join(', ')}`;
  if (m === 'on') {
    if (blockers.length) throw new SpecError('fused', `'on', but ${uncovered}`);
    return { kind: 'fused', reason: "option fused: 'on'" };
  }
  if (m === 'off') return { kind: 'multi-dispatch', reason: "option fused: 'off'" };
  if (blockers.length) return { kind: 'multi-dispatch', reason: uncovered };
  const max = software ? size.max.software : size.max.gpu;
  const rule = `${size.size} ${size.unit} per instance ${size.size <= max ? '<=' : '>'} ${max} (${software ? 'CPU adapter, measured limit' : 'GPU, unmeasured placeholder'})`;
  return { kind: size.size <= max ? 'fused' : 'multi-dispatch', reason: `auto: ${rule}` };
}
