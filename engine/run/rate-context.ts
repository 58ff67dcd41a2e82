/**
 * What every rate kernel builder shares: the plan, the device's pipeline cache, the group-0 layout, the
 * buffers made so far (destroyed with the simulation) and the plastic projections' buffers; and the one
 * way a rate kernel is made from its template name, label, WGSL and group-1 buffers.
 */
import { GROUP1, type KernelName } from '../gpu/layouts.ts';
import type { PipelineCache } from '../gpu/pipelines.ts';
import type { NetworkPlan, ProjPlan } from '../plan/rate.ts';
import type { Kernel } from './chunk-runner.ts';
import type { GemmTuning } from './rate-footprint.ts';

export interface KernelContext {
  device: GPUDevice;
  plan: NetworkPlan;
  cache: PipelineCache;
  group0: GPUBindGroupLayout;
  buffers: GPUBuffer[];
  /** Lower per-binding limit than the adapter's (tests use it to exercise splitting). */
  maxBindingBytes?: number;
  tuning?: KernelTuning;
  /** Check every unit's x and r for NaN and infinity (engine/codegen/faults.ts). */
  detectFaults: boolean;
  /** Per-instance weights of the plastic projections, by name (filled while building the kernels). */
  plastic: Map<string, PlasticBuffers>;
}

export interface PlasticBuffers {
  proj: ProjPlan;
  /** B x post x pre weights, row-major per instance. */
  weights: GPUBuffer;
  /**
   * The rule's eligibilities (same shape, when it has them), then its post variables (two parities of
   * B x post each: read one, write the other); at least 16 bytes (engine/plan/rate.ts: PlasticPlan.state).
   */
  eligibility: GPUBuffer;
  /** Floats in `weights`. */
  length: number;
}

/** Kernel-shape choices (defaults chosen from measurements on an H100; see bench/RESULTS.md). */
export interface KernelTuning extends GemmTuning {
  /** Threads that share one row in the matrix-vector kernel (power of two, 1..256). */
  matvecThreadsPerRow?: number;
  /**
   * Rows per invocation of the CPU adapters' matrix-vector kernel (synapse-dense-rows; 0: synapse-dense).
   * Default: 8 / batch (at least 1) on CPU adapters, 0 on GPUs and when matvecThreadsPerRow is set.
   */
  matvecRowsPerInvocation?: number;
  /** Reduce rows with subgroup operations where the adapter has them (default true). */
  matvecSubgroups?: boolean;
}

/** A rate kernel: template `name` compiled from `code` (cached per device), its group-1 buffers bound in declared order. */
export function rateKernel(ctx: KernelContext, name: KernelName, label: string, code: string, buffers: GPUBuffer[], workgroups: [number, number, number]): Kernel {
  const declared = GROUP1[name];
  const g1 = declared.length ? ctx.cache.layout(declared, `group1:${name}`) : undefined;
  return {
    label, name, workgroups,
    pipeline: ctx.cache.pipeline(label, code, g1 ? [ctx.group0, g1] : [ctx.group0]),
    group1: g1 ? ctx.cache.bindGroup(label, g1, buffers) : undefined,
  };
}
