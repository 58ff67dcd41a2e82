/**
 * The fused path of a spiking network: one spiking-fused dispatch per chunk (its slot fires at the
 * chunk's first step only), one workgroup per instance (engine/codegen/spiking-fused.ts). The spike
 * recorders, their bitsets and the readback are the multi-dispatch path's.
 */
import { spikingFusedWgsl } from '../codegen/spiking-fused.ts';
import type { SpikeRecordSlot } from '../codegen/spiking.ts';
import type { StepSlot } from './chunk-runner.ts';
import { spikingKernel, type SpikingChunk, type SpikingContext } from './spiking-kernels.ts';
import type { BuiltSynapses } from './synapse-build.ts';

/** What the runtime adds to the plan's blockers of the fused path (engine/plan/spiking-path.ts). */
export function fusedRuntimeBlockers(ctx: SpikingContext, built: BuiltSynapses | undefined): string[] {
  const out: string[] = [];
  const parts = built?.parts.length ?? 0;
  if (parts > 1) out.push(`stored synapses in ${parts} parts (one storage binding each)`);
  const max = ctx.gpu.device.limits.maxComputeWorkgroupsPerDimension;
  if (ctx.plan.batch > max) out.push(`a batch of ${ctx.plan.batch} (more than ${max} workgroups)`);
  return out;
}

/** The one slot of the fused path. */
export function fusedSlot(ctx: SpikingContext, built: BuiltSynapses | undefined, spikeBits: GPUBuffer, recs: SpikeRecordSlot[]): StepSlot<SpikingChunk> {
  const part = built?.parts[0];
  const none = part ? undefined : ctx.buf('spiking-fused:no synapses', new Uint32Array(4));
  const stored = part ? [part.rowPtr, part.target, part.wq, part.delayPop] : [none!, none!, none!, none!];
  const pres = part ? built!.pres : [];
  const label = `spiking-fused (${ctx.plan.pops.map((p) => `"${p.name}"`).join(', ')}; ${ctx.plan.batch} workgroup${ctx.plan.batch > 1 ? 's' : ''})`;
  const kernel = spikingKernel(ctx, 'spiking-fused', label, spikingFusedWgsl(ctx.plan, recs, pres, ctx.detectFaults), [spikeBits, ...stored], [ctx.plan.batch, 1, 1]);
  return { kernel, perChunk: true };
}
