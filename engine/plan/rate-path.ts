/**
 * Which path runs a rate network's steps: the multi-dispatch path (one dispatch per projection or
 * rate-update per step, plus recorders) or the fused path (one rate-fused dispatch per chunk, one
 * workgroup per instance looping over the chunk's steps: shaders/rate-fused.wgsl). The option `fused`
 * works as for spiking networks (engine/plan/spiking-path.ts).
 */
import type { RecorderSpec } from '../spec/rate.ts';
import { choosePath, type FusedMode, type SpikingPath } from './spiking-path.ts';

export type { FusedMode };
export type RatePath = SpikingPath;

/**
 * What the path depends on: a NetworkPlan (engine/plan/rate.ts), or its shape worked out from the spec
 * (the dry run, engine/run/rate-fused.ts: rateFootprintOnPath).
 */
export interface RateShape {
  pops: { size: number }[];
  projections: { name: string; csr?: unknown; plastic?: unknown; dense?: unknown; pre: { size: number }; post: { size: number } }[];
  modulators: unknown[];
  batch: number;
}

/**
 * Largest population (units per instance) that 'auto' runs fused, per adapter class.
 * - CPU adapters: 64, for one instance (RATE_FUSED_MAX_BATCH_SOFTWARE). Measured with
 *   bench/rate-fused-bench.ts on lavapipe (2 shared cores, interleaved, 5-7 rounds of 256-512 steps;
 *   one tanh population, gaussian W; bench/RESULTS.md, issue 11) once both paths read r(n) as vec4s
 *   for several rows per invocation (shaders/synapse-dense-rows.wgsl): time ratio fused / multi-dispatch,
 *   median [min - max], at B = 1: N = 16 0.1 [0.1 - 0.2], 32 0.2 [0.1 - 0.3], 64 0.2 [0.1 - 0.8] and
 *   0.5 [0.1 - 1.3], 96 0.7-1.1, 128 0.8-1.3, 192 1.2, 256 1.5. B = 2: N = 32 0.2-0.5, 64 0.8-0.9 with
 *   rounds up to 1.7-3.8 (not taken); B = 4: 0.5 at N = 32, 1.4 at 64; B = 8: 1.4-1.9. One workgroup per
 *   instance runs on one lavapipe thread, and the main thread polling Dawn takes one of the two cores.
 * - GPUs: 0, a placeholder, not measured.
 */
export const RATE_FUSED_MAX_UNITS = { software: 64, gpu: 0 } as const;

/** Largest batch 'auto' runs fused on a CPU adapter (see RATE_FUSED_MAX_UNITS). */
export const RATE_FUSED_MAX_BATCH_SOFTWARE = 1;

/** Features of the network the fused kernel does not cover (empty: it covers them all). */
export function rateFusedBlockers(plan: RateShape, record: RecorderSpec[]): string[] {
  const out: string[] = [];
  if (plan.pops.length > 1) out.push(`${plan.pops.length} populations (it runs one)`);
  if (plan.projections.some((p) => p.csr)) out.push('sparse (CSR or fixed-indegree) projections');
  if (plan.projections.some((p) => p.plastic)) out.push('plastic projections');
  if (plan.modulators.length) out.push('modulators');
  if (record.length) out.push('recorders');
  return out;
}

/** The path for `mode` (blockers include the runtime's: weight parts, workgroup limits) and the adapter's class. */
export function chooseRatePath(mode: FusedMode | undefined, plan: RateShape, blockers: string[], software: boolean): RatePath {
  const units = Math.max(...plan.pops.map((p) => p.size));
  const path = choosePath(mode, blockers, software, { size: units, unit: 'units', max: RATE_FUSED_MAX_UNITS });
  if (path.kind === 'fused' && (mode ?? 'auto') === 'auto' && software && plan.batch > RATE_FUSED_MAX_BATCH_SOFTWARE) {
    return { kind: 'multi-dispatch', reason: `auto: batch ${plan.batch} > ${RATE_FUSED_MAX_BATCH_SOFTWARE} (CPU adapter, measured limit)` };
  }
  return path;
}
