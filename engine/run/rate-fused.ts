/**
 * The fused path of a rate network: one rate-fused dispatch per chunk (its slot fires at the chunk's
 * first step only), one workgroup per instance (engine/codegen/rate-fused.ts), bound to its own group 0
 * (both rate buffers writable: engine/gpu/layouts.ts, RATE_FUSED_GROUP0).
 */
import { rateFusedWgsl, rateFusedWorkgroup } from '../codegen/rate-fused.ts';
import { isSoftwareAdapter } from '../gpu/device.ts';
import { RATE_FUSED_GROUP0, rateFusedGroup1 } from '../gpu/layouts.ts';
import type { NetworkPlan } from '../plan/rate.ts';
import type { StepSlot } from './chunk-runner.ts';
import type { KernelContext } from './rate-context.ts';
import { denseWeights } from './rate-kernels.ts';
import { denseParts } from './rate-footprint.ts';

/** What the runtime adds to the plan's blockers of the fused path (engine/plan/rate-path.ts). */
export function rateFusedRuntimeBlockers(plan: NetworkPlan, limits: { bindingBytes: number; workgroups: number; workgroupBytes: number }): string[] {
  const out: string[] = [];
  // r(n) of one instance lives in workgroup memory (shaders/rate-fused.wgsl: r_now).
  const units = Math.max(...plan.pops.map((p) => p.size));
  if (units * 4 > limits.workgroupBytes) out.push(`${units} units (their rates need ${units * 4} bytes of workgroup memory; this adapter has ${limits.workgroupBytes})`);
  for (const p of plan.projections) {
    const parts = p.dense ? denseParts(p.post.size, p.pre.size, limits.bindingBytes).parts.length : 1;
    if (parts > 1) out.push(`projection "${p.name}" in ${parts} row blocks (one storage binding each)`);
  }
  if (plan.batch > limits.workgroups) out.push(`a batch of ${plan.batch} (more than ${limits.workgroups} workgroups)`);
  return out;
}

/**
 * The one slot of the fused path and its group-0 bind groups (per parity of the chunk's first step, at
 * step slot 0, the only one it is dispatched at): `buffers` in GROUP0 order for parity 0.
 */
export function rateFusedSlot(ctx: KernelContext, buffers: GPUBuffer[]): { slot: StepSlot; group0: GPUBindGroup[] } {
  const { plan, cache } = ctx;
  const pop = plan.pops[0];
  const weights = pop.incoming.map((p) => denseWeights(ctx, p, `projection "${p.name}" (${p.pre.name} -> ${p.post.name})`).parts[0].weights);
  const g0 = cache.layout(RATE_FUSED_GROUP0, 'group0:rate-fused');
  const g1 = weights.length ? cache.layout(rateFusedGroup1(weights.length), `group1:rate-fused (${weights.length})`) : undefined;
  const label = `rate-fused (population "${pop.name}"; ${plan.batch} workgroup${plan.batch > 1 ? 's' : ''})`;
  const kernel = {
    label, name: 'rate-fused', workgroups: [plan.batch, 1, 1] as [number, number, number],
    pipeline: cache.pipeline(label, rateFusedWgsl(plan, pop, ctx.detectFaults, rateFusedWorkgroup(isSoftwareAdapter(ctx.device.adapterInfo))), g1 ? [g0, g1] : [g0]),
    group1: g1 ? cache.bindGroup(`${label} weights`, g1, weights) : undefined,
  };
  const [steps, r0, r1, ...rest] = buffers;
  const group0 = [[steps, r0, r1, ...rest], [steps, r1, r0, ...rest]].map((b, parity) => cache.bindGroup(`group0:rate-fused (parity ${parity})`, g0, b, 0));
  return { slot: { kernel, perChunk: true }, group0 };
}
