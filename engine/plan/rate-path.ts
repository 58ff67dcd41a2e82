/**
 * Which path runs a rate network's steps: the multi-dispatch path (one dispatch per projection or
 * rate-update per step, plus recorders) or the fused path (one rate-fused dispatch per chunk, one
 * workgroup per instance looping over the chunk's steps: shaders/rate-fused.wgsl). The option `fused`
 * works as for spiking networks (engine/plan/spiking-path.ts).
 */
import type { RecorderSpec } from '../spec/rate.ts';
import type { NetworkPlan } from './rate.ts';
import { choosePath, type FusedMode, type SpikingPath } from './spiking-path.ts';

export type { FusedMode };
export type RatePath = SpikingPath;

/**
 * Largest population (units per instance) that 'auto' runs fused: 0 on both adapter classes, so 'auto'
 * keeps the multi-dispatch path.
 * - CPU adapters: measured (bench/rate-fused-bench.ts on lavapipe, 2 shared cores, interleaved, 3 rounds;
 *   one tanh population, gaussian W): the fused path was not faster at any size, time ratio fused / multi
 *   (median) 1.1-2.0 at N = 64 to 2048, B = 1, and 0.9-2.0 at B = 8. One workgroup steps an instance on
 *   one lavapipe thread, and the matrix-vector product, not the dispatches, dominates the step.
 * - GPUs: 0, a placeholder, not measured.
 */
export const RATE_FUSED_MAX_UNITS = { software: 0, gpu: 0 } as const;

/** Features of the network the fused kernel does not cover (empty: it covers them all). */
export function rateFusedBlockers(plan: NetworkPlan, record: RecorderSpec[]): string[] {
  const out: string[] = [];
  if (plan.pops.length > 1) out.push(`${plan.pops.length} populations (it runs one)`);
  if (plan.projections.some((p) => p.csr)) out.push('sparse (CSR or fixed-indegree) projections');
  if (plan.projections.some((p) => p.plastic)) out.push('plastic projections');
  if (plan.modulators.length) out.push('modulators');
  if (record.length) out.push('recorders');
  return out;
}

/** The path for `mode` (blockers include the runtime's: weight parts, workgroup limits) and the adapter's class. */
export function chooseRatePath(mode: FusedMode | undefined, plan: NetworkPlan, blockers: string[], software: boolean): RatePath {
  const units = Math.max(...plan.pops.map((p) => p.size));
  return choosePath(mode, blockers, software, { size: units, unit: 'units', max: RATE_FUSED_MAX_UNITS });
}
