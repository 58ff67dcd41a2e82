/**
 * The fused path of a rate network: one rate-fused dispatch per chunk (its slot fires at the chunk's
 * first step only), one workgroup per instance (engine/codegen/rate-fused.ts), bound to its own group 0
 * (both rate buffers writable: engine/gpu/layouts.ts, RATE_FUSED_GROUP0).
 */
import { rateFusedRowsPerInvocation, rateFusedWgsl, rateFusedWorkgroup } from '../codegen/rate-fused.ts';
import { isSoftwareAdapter } from '../gpu/device.ts';
import { RATE_FUSED_GROUP0, rateFusedGroup1 } from '../gpu/layouts.ts';
import { chooseRatePath, rateFusedBlockers, type FusedMode, type RateShape } from '../plan/rate-path.ts';
import type { NetworkSpec } from '../spec/rate.ts';
import type { Footprint } from './footprint.ts';
import type { StepSlot } from './chunk-runner.ts';
import type { KernelContext } from './rate-context.ts';
import { denseWeights } from './rate-kernels.ts';
import { denseParts } from './rate-footprint.ts';

/** What the runtime adds to the plan's blockers of the fused path (engine/plan/rate-path.ts). */
export function rateFusedRuntimeBlockers(plan: RateShape, limits: { bindingBytes: number; workgroups: number; workgroupBytes: number }): string[] {
  const out: string[] = [];
  // r(n) of one instance lives in workgroup memory as vec4s (shaders/rate-fused.wgsl: r_now).
  const units = Math.max(...plan.pops.map((p) => p.size));
  const bytes = Math.ceil(units / 4) * 16;
  if (bytes > limits.workgroupBytes) out.push(`${units} units (their rates need ${bytes} bytes of workgroup memory; this adapter has ${limits.workgroupBytes})`);
  for (const p of plan.projections) {
    const parts = p.dense ? denseParts(p.post.size, p.pre.size, limits.bindingBytes).parts.length : 1;
    if (parts > 1) out.push(`projection "${p.name}" in ${parts} row blocks (one storage binding each)`);
  }
  if (plan.batch > limits.workgroups) out.push(`a batch of ${plan.batch} (more than ${limits.workgroups} workgroups)`);
  return out;
}

/** The dry run's view of the adapter (engine/run/inspect.ts); absent: a GPU with WebGPU's default limits. */
export interface PathLimits {
  fused?: FusedMode;
  software?: boolean;
  bindingLimit: number;
  maxWorkgroups?: number;
  workgroupBytes?: number;
}

/**
 * A rate network's footprint (engine/run/rate-footprint.ts, which counts the multi-dispatch path) on the
 * path RateSimulation.create would choose, from the validated spec: on the fused path one rate-fused
 * dispatch per chunk replaces the step's kernels (and the GEMM's partial sums are not made); on the
 * multi-dispatch path a CPU adapter's matrix-vector kernels are named as it builds them. The path and
 * its reason become a note.
 */
export function rateFootprintOnPath(spec: NetworkSpec, fp: Footprint, limits: PathLimits): Footprint {
  const size = (name: string) => ({ size: spec.populations.find((p) => p.name === name)!.size });
  const shape: RateShape = {
    pops: spec.populations, modulators: spec.modulators ?? [], batch: fp.batch,
    projections: (spec.projections ?? []).map((p) => {
      const sparse = p.weights.type === 'csr' || p.weights.type === 'fixed-indegree';
      return { name: p.name, csr: sparse || undefined, plastic: p.plasticity, dense: !sparse && !p.plasticity, pre: size(p.from), post: size(p.to) };
    }),
  };
  const blockers = [...rateFusedBlockers(shape, spec.record ?? []), ...rateFusedRuntimeBlockers(shape, { bindingBytes: limits.bindingLimit, workgroups: limits.maxWorkgroups ?? 65535, workgroupBytes: limits.workgroupBytes ?? 16384 })];
  // 'on' with a blocker is a SpecError of the simulation; the dry run counts the multi-dispatch path then.
  const path = limits.fused === 'on' && blockers.length
    ? { kind: 'multi-dispatch', reason: `fused 'on' is refused: the fused path does not cover ${blockers.join(', ')}` }
    : chooseRatePath(limits.fused, shape, blockers, limits.software ?? false);
  const notes = [...fp.notes, `path: ${path.kind} (${path.reason})`];
  if (path.kind !== 'fused') {
    // CPU adapters run the dense matrix-vector products as synapse-dense-rows (rate-matvec-rows.ts).
    const dispatches = limits.software ? fp.dispatches.map((d) => ({ ...d, label: d.label.replace(/^synapse-dense /, 'synapse-dense-rows ') })) : fp.dispatches;
    return { ...fp, notes, dispatches };
  }
  const B = fp.batch;
  return {
    ...fp, notes, gpu: fp.gpu.filter((b) => !b.label.endsWith(':partials')),
    dispatches: [{ label: `rate-fused (population "${spec.populations[0].name}"; ${B} workgroup${B > 1 ? 's' : ''})`, perStep: 1 / fp.chunkSteps }],
  };
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
  const software = isSoftwareAdapter(ctx.device.adapterInfo);
  const label = `rate-fused (population "${pop.name}"; ${plan.batch} workgroup${plan.batch > 1 ? 's' : ''})`;
  const kernel = {
    label, name: 'rate-fused', workgroups: [plan.batch, 1, 1] as [number, number, number],
    pipeline: cache.pipeline(label, rateFusedWgsl(plan, pop, ctx.detectFaults, rateFusedWorkgroup(software), rateFusedRowsPerInvocation(software, weights.length)), g1 ? [g0, g1] : [g0]),
    group1: g1 ? cache.bindGroup(`${label} weights`, g1, weights) : undefined,
  };
  const [steps, r0, r1, ...rest] = buffers;
  const group0 = [[steps, r0, r1, ...rest], [steps, r1, r0, ...rest]].map((b, parity) => cache.bindGroup(`group0:rate-fused (parity ${parity})`, g0, b, 0));
  return { slot: { kernel, perChunk: true }, group0 };
}
