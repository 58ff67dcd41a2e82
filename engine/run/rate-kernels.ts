/**
 * Builds the per-step kernel list of a network once: the modulators kernel (when a modulator is computed
 * on the GPU), one projection kernel per incoming projection of each population (the last one finishes
 * the population's step in its epilogue), or a rate-update kernel for a population without input
 * projections, then one plasticity kernel per plastic projection. Pipelines and bind groups are made
 * here, never in the step loop.
 */
import { assemble, unitConstants, type EpilogueMode, type Constants } from '../codegen/rate.ts';
import { SpecError } from '../errors.ts';
import { createBuffer, STORAGE } from '../gpu/resources.ts';
import type { PopPlan, ProjPlan } from '../plan/rate.ts';
import { isSoftwareAdapter } from '../gpu/device.ts';
import { grid } from '../gpu/pipelines.ts';
import type { Kernel } from './chunk-runner.ts';
import { rateKernel, type KernelContext } from './rate-context.ts';
import { modulatorsKernel, plasticityKernel, plasticProjectionKernel } from './rate-plastic-kernels.ts';
import { denseParts, gemmShape, MATVEC_MAX_BATCH } from './rate-footprint.ts';
import { denseRowsKernel, rowsPerInvocation } from './rate-matvec-rows.ts';

export { MATVEC_MAX_BATCH };

/**
 * Threads per row of the matrix-vector kernel: 256 on GPUs (many loads in flight per row); 1 on CPU
 * adapters (lavapipe), where each invocation is a SIMD lane and a row per invocation streams best.
 */
function defaultThreadsPerRow(ctx: KernelContext): number {
  return isSoftwareAdapter(ctx.device.adapterInfo) ? 1 : 256;
}

/** Bytes one storage binding may hold (the adapter's limit, or a smaller one set for testing). */
function bindingLimit(ctx: KernelContext): number {
  return Math.min(ctx.device.limits.maxStorageBufferBindingSize, ctx.maxBindingBytes ?? Infinity);
}

function checkSize(ctx: KernelContext, field: string, bytes: number): void {
  const limit = bindingLimit(ctx);
  if (bytes > limit) {
    throw new SpecError(field, `needs a ${(bytes / 2 ** 20).toFixed(1)} MiB buffer; this adapter allows ${(limit / 2 ** 20).toFixed(1)} MiB per storage binding (use sparse or generated connectivity, or a smaller batch)`);
  }
}

/**
 * A dense projection's weights on the GPU: rows padded to a multiple of 4 columns for vec4 loads, split
 * into row blocks that each fit one storage binding (so a matrix larger than the per-binding limit still
 * runs). Shared by the multi-dispatch kernels and rate-fused.
 */
export function denseWeights(ctx: KernelContext, proj: ProjPlan, label: string): { pre4: number; parts: { row0: number; rows: number; weights: GPUBuffer }[] } {
  const { pre4, rowBytes, parts: blocks } = denseParts(proj.post.size, proj.pre.size, bindingLimit(ctx));
  if (blocks.length === 0) checkSize(ctx, `projections[${proj.specIndex}].weights`, rowBytes);
  const parts = blocks.map(({ row0, rows }) => {
    const block = new Float32Array(rows * pre4 * 4);
    for (let i = 0; i < rows; i++) block.set(proj.dense!.subarray((row0 + i) * proj.pre.size, (row0 + i + 1) * proj.pre.size), i * pre4 * 4);
    const weights = createBuffer(ctx.device, `${label}:weights[rows ${row0}..${row0 + rows - 1}]`, block.byteLength, STORAGE, block);
    ctx.buffers.push(weights);
    return { row0, rows, weights };
  });
  return { pre4, parts };
}

function projectionKernels(ctx: KernelContext, proj: ProjPlan, mode: EpilogueMode): Kernel[] {
  if (proj.plastic) return [plasticProjectionKernel(ctx, proj, mode)];
  const { device, plan } = ctx;
  const post = proj.post;
  const label = `projection "${proj.name}" (${proj.pre.name} -> ${post.name})`;
  const field = `projections[${proj.specIndex}].weights`;
  const base: Constants = { ...unitConstants(plan, post), POST_N: post.size, PRE_N: proj.pre.size, PRE_BASE: proj.pre.base, GAIN_PARAM: proj.gainParam };
  const lib = { pop: post, epilogue: mode, gainModulator: proj.gainModulator, faults: ctx.detectFaults };
  if (proj.csr) {
    const { rowPtr, colIdx, values } = proj.csr;
    checkSize(ctx, field, colIdx.byteLength);
    const bufs = [
      createBuffer(device, `${label}:rowPtr`, rowPtr.byteLength, STORAGE, rowPtr),
      createBuffer(device, `${label}:colIdx`, colIdx.byteLength, STORAGE, colIdx),
      createBuffer(device, `${label}:values`, values.byteLength, STORAGE, values),
    ];
    ctx.buffers.push(...bufs);
    const code = assemble('synapse-csr', base, lib);
    return [rateKernel(ctx, 'synapse-csr', `synapse-csr ${label}`, code, bufs, grid(Math.ceil((post.size * plan.batch) / 64), device))];
  }
  const { pre4, parts } = denseWeights(ctx, proj, label);
  const consts = { ...base, PRE4: pre4, PADDED: pre4 * 4 !== proj.pre.size };
  const rpi = plan.batch <= MATVEC_MAX_BATCH ? rowsPerInvocation(ctx) : 0;
  if (rpi > 0) return parts.map((part) => denseRowsKernel(ctx, consts, lib, label, parts.length > 1, part, rpi));
  if (plan.batch <= MATVEC_MAX_BATCH) {
    const wg = 256;
    const rowPow2 = 2 ** Math.ceil(Math.log2(pre4));
    const tpr = Math.min(ctx.tuning?.matvecThreadsPerRow ?? defaultThreadsPerRow(ctx), rowPow2 < 32 ? 32 : rowPow2, wg);
    const rowsPerGroup = wg / tpr;
    const info = ctx.device.adapterInfo as GPUAdapterInfo & { subgroupMaxSize?: number };
    const subgroups = ctx.device.features.has('subgroups') && (info.subgroupMaxSize ?? 128) <= tpr && ctx.tuning?.matvecSubgroups !== false;
    const name = subgroups ? 'synapse-dense-subgroup' : 'synapse-dense';
    return parts.map((part) => {
      const code = assemble(name, { ...consts, WG: wg, TPR: tpr, ROWS: rowsPerGroup, ITERS: Math.ceil(pre4 / tpr), ROW0: part.row0, PART_ROWS: part.rows }, lib);
      const partLabel = parts.length > 1 ? `${label} rows ${part.row0}..${part.row0 + part.rows - 1}` : label;
      return rateKernel(ctx, name, `${name} ${partLabel}`, code, [part.weights], grid(Math.ceil(part.rows / rowsPerGroup), device));
    });
  }
  // Batched GEMM (tiled or register-tiled: gemmShape); split the presynaptic range (K) so that enough
  // workgroups fill the GPU. Split defaults from the H100 sweep in bench/RESULTS.md.
  const shape = gemmShape(post.size, pre4, plan.batch, ctx.tuning);
  const { kernel: gemm, kSlice, splitCount, partialsBytes } = shape;
  checkSize(ctx, `${field} (split-K partial sums)`, partialsBytes);
  if (shape.workgroupBytes > device.limits.maxComputeWorkgroupStorageSize) {
    throw new SpecError('tuning', `the GEMM shape ${JSON.stringify(shape.consts)} needs ${shape.workgroupBytes} bytes of workgroup memory; this adapter allows ${device.limits.maxComputeWorkgroupStorageSize}`);
  }
  const partials = createBuffer(device, `${label}:partials`, partialsBytes, STORAGE);
  ctx.buffers.push(partials);
  const tiledConsts = { ...consts, K_SLICE: kSlice, SPLIT: splitCount, ...shape.consts };
  const kernels: Kernel[] = parts.map((part) => {
    const partLabel = parts.length > 1 ? `${label} rows ${part.row0}..${part.row0 + part.rows - 1}` : label;
    return rateKernel(ctx, gemm, `${gemm} ${partLabel}`, assemble(gemm, { ...tiledConsts, ROW0: part.row0, PART_ROWS: part.rows }, lib),
      [part.weights, partials], [Math.ceil(part.rows / shape.rows), Math.ceil(plan.batch / shape.instances), splitCount]);
  });
  if (splitCount > 1) {
    kernels.push(rateKernel(ctx, 'synapse-reduce', `synapse-reduce ${label}`, assemble('synapse-reduce', { ...tiledConsts, ROW0: 0, PART_ROWS: post.size }, lib),
      [parts[0].weights, partials], grid(Math.ceil((post.size * plan.batch) / 64), device)));
  }
  return kernels;
}

function populationKernels(ctx: KernelContext, pop: PopPlan): Kernel[] {
  if (pop.incoming.length === 0) {
    const label = `rate-update population "${pop.name}"`;
    const code = assemble('rate-update', { ...unitConstants(ctx.plan, pop), HAS_SYN: false }, { pop, faults: ctx.detectFaults });
    return [rateKernel(ctx, 'rate-update', label, code, [], grid(Math.ceil((pop.size * ctx.plan.batch) / 64), ctx.device))];
  }
  const last = pop.incoming.length - 1;
  return pop.incoming.flatMap((proj, k) => {
    const mode: EpilogueMode = k === last ? (k === 0 ? 'finish' : 'finish-after-syn') : (k === 0 ? 'store' : 'accumulate');
    return projectionKernels(ctx, proj, mode);
  });
}

/** Every kernel of one step, in dispatch order: modulators, populations, plasticity. */
export function buildStepKernels(ctx: KernelContext): Kernel[] {
  const modulators = modulatorsKernel(ctx);
  return [
    ...(modulators ? [modulators] : []),
    ...ctx.plan.pops.flatMap((pop) => populationKernels(ctx, pop)),
    ...ctx.plan.projections.filter((p) => p.plastic).map((p) => plasticityKernel(ctx, p)),
  ];
}
