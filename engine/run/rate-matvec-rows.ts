/**
 * The matrix-vector kernel of CPU adapters (shaders/synapse-dense-rows.wgsl): several rows per
 * invocation and r(n) staged in workgroup memory, because on lavapipe every per-invocation load is a
 * scalar load per lane (bench/matvec-micro.ts measures the layouts; bench/RESULTS.md, issue 11).
 */
import { denseRowsBlock } from '../codegen/dense-rows.ts';
import { assemble, type Constants, type UnitLib } from '../codegen/rate.ts';
import { isSoftwareAdapter } from '../gpu/device.ts';
import { grid } from '../gpu/pipelines.ts';
import type { Kernel } from './chunk-runner.ts';
import { rateKernel, type KernelContext } from './rate-context.ts';

/**
 * Rows per invocation of synapse-dense-rows, or 0 for synapse-dense: the tuning's, else 0 when the
 * tuning asks for a shape of synapse-dense (matvecThreadsPerRow) or on a GPU, else (CPU adapters) as
 * many rows as keep 8 accumulators per invocation (8 / batch, at least 1).
 */
export function rowsPerInvocation(ctx: KernelContext): number {
  const t = ctx.tuning;
  if (t?.matvecRowsPerInvocation !== undefined) return t.matvecRowsPerInvocation;
  if (t?.matvecThreadsPerRow !== undefined || !isSoftwareAdapter(ctx.device.adapterInfo)) return 0;
  return Math.max(1, Math.floor(8 / ctx.plan.batch));
}

/**
 * Invocations per workgroup: 32, halved (down to 8, one SIMD vector of lavapipe) while that leaves
 * fewer than 2 workgroups, so that a small projection still runs on two of lavapipe's threads.
 */
function workgroupSize(invocations: number): number {
  let wg = 32;
  while (wg > 8 && Math.ceil(invocations / wg) < 2) wg /= 2;
  return wg;
}

/**
 * synapse-dense-rows for one row block of W (`consts`: the projection's, as for synapse-dense; `split`:
 * W has more than one block, so the label names the block's rows).
 */
export function denseRowsKernel(ctx: KernelContext, consts: Constants, lib: UnitLib, label: string, split: boolean, part: { row0: number; rows: number; weights: GPUBuffer }, rpi: number): Kernel {
  const { batch } = ctx.plan;
  const pre4 = consts.PRE4 as number;
  const invocations = Math.ceil(part.rows / rpi);
  const wg = workgroupSize(invocations);
  // r(n) of every instance as vec4s, when it fits the adapter's workgroup memory.
  const stage = batch * pre4 * 16 <= ctx.device.limits.maxComputeWorkgroupStorageSize;
  const code = assemble('synapse-dense-rows', { ...consts, WG: wg, RPI: rpi, STAGE: stage, STAGE_LEN: stage ? batch * pre4 : 1, ROW0: part.row0, PART_ROWS: part.rows }, lib, denseRowsBlock(rpi, batch));
  const rows = split ? ` rows ${part.row0}..${part.row0 + part.rows - 1}` : '';
  return rateKernel(ctx, 'synapse-dense-rows', `synapse-dense-rows ${label}${rows}`, code, [part.weights], grid(Math.ceil(invocations / wg), ctx.device));
}
