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
 * Largest population (units per instance) that 'auto' runs fused.
 * - CPU adapters: 0 until measured: 'auto' keeps the multi-dispatch path (see README, "Fused path").
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
