/**
 * Kernels of plastic rate networks, built once: the per-instance weights of each plastic projection
 * (B x post x pre, every instance starting from the projection's initial matrix) and its eligibility
 * trace, the matrix-vector kernel that reads them (synapse-dense-plastic), the learning-rule kernel
 * (plasticity) and the kernel that computes every modulator of a step (modulators).
 */
import { assemble, modulatorsCode, unitConstants, type EpilogueMode } from '../codegen/rate.ts';
import { SpecError } from '../errors.ts';
import { createBuffer, STORAGE } from '../gpu/resources.ts';
import type { ProjPlan } from '../plan/rate.ts';
import { ratePlasticityWgsl } from '../codegen/rate-plasticity.ts';
import { isSoftwareAdapter } from '../gpu/device.ts';
import { grid } from '../gpu/pipelines.ts';
import type { Kernel } from './chunk-runner.ts';
import { rateKernel, type KernelContext, type PlasticBuffers } from './rate-context.ts';


/** The plastic projection's buffers, made on first use and registered in ctx.plastic. */
export function plasticBuffers(ctx: KernelContext, proj: ProjPlan): PlasticBuffers {
  const known = ctx.plastic.get(proj.name);
  if (known) return known;
  const { device, plan } = ctx;
  const perInstance = proj.post.size * proj.pre.size;
  const length = plan.batch * perInstance;
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, ctx.maxBindingBytes ?? Infinity);
  if (length * 4 > limit) {
    throw new SpecError(`projections[${proj.specIndex}].plasticity`, `per-instance weights of batch ${plan.batch} need ${(length * 4 / 2 ** 20).toFixed(1)} MiB; this adapter allows ${(limit / 2 ** 20).toFixed(1)} MiB per storage binding (use a smaller batch)`);
  }
  const init = new Float32Array(length);
  for (let b = 0; b < plan.batch; b++) init.set(proj.dense!, b * perInstance);
  const label = `plastic projection "${proj.name}"`;
  const weights = createBuffer(device, `${label}:weights`, length * 4, STORAGE, init);
  const rule = proj.plastic!;
  const eligibility = createBuffer(device, `${label}:eligibility`, rule.state.byteLength, STORAGE, rule.state);
  ctx.buffers.push(weights, eligibility);
  const buffers = { proj, weights, eligibility, length };
  ctx.plastic.set(proj.name, buffers);
  return buffers;
}

/**
 * Threads per row of the plastic matrix-vector kernel: 1 on CPU adapters (a row per SIMD lane streams
 * best), else a power of two up to 256 covering the row. It depends on the sizes only, never on the
 * batch, so an instance's sums are the same whatever the batch size.
 */
function threadsPerRow(ctx: KernelContext, pre: number): number {
  const software = isSoftwareAdapter(ctx.device.adapterInfo);
  const wanted = ctx.tuning?.matvecThreadsPerRow ?? (software ? 1 : 256);
  return Math.min(wanted, Math.max(32, 2 ** Math.ceil(Math.log2(pre))), 256);
}

export function plasticProjectionKernel(ctx: KernelContext, proj: ProjPlan, mode: EpilogueMode): Kernel {
  const { plan } = ctx;
  const { weights } = plasticBuffers(ctx, proj);
  const label = `projection "${proj.name}" (${proj.pre.name} -> ${proj.post.name}, plastic)`;
  const tpr = threadsPerRow(ctx, proj.pre.size);
  const wg = tpr === 1 ? 64 : 256;
  const consts = {
    ...unitConstants(plan, proj.post), POST_N: proj.post.size, PRE_N: proj.pre.size, PRE_BASE: proj.pre.base,
    GAIN_PARAM: proj.gainParam, WG: wg, TPR: tpr, ROWS: wg / tpr,
  };
  const name = 'synapse-dense-plastic';
  const code = assemble(name, consts, { pop: proj.post, epilogue: mode, gainModulator: proj.gainModulator, faults: ctx.detectFaults });
  return rateKernel(ctx, name, `${name} ${label}`, code, [weights], grid(Math.ceil((plan.batch * proj.post.size) / (wg / tpr)), ctx.device));
}

export function plasticityKernel(ctx: KernelContext, proj: ProjPlan): Kernel {
  const { plan, device } = ctx;
  const rule = proj.plastic!;
  const { weights, eligibility, length } = plasticBuffers(ctx, proj);
  const label = `plasticity "${proj.name}" (${rule.rule})`;
  const params = createBuffer(device, `${label}:rule_params`, rule.params.byteLength, STORAGE, rule.params);
  ctx.buffers.push(params);
  const code = ratePlasticityWgsl(plan, proj);
  return rateKernel(ctx, 'plasticity', label, code, [weights, eligibility, params], grid(Math.ceil(length / 64), device));
}

/** The modulators kernel, or nothing when every modulator is set by the host (or there are none). */
export function modulatorsKernel(ctx: KernelContext): Kernel | undefined {
  const { plan, device } = ctx;
  if (!plan.modulators.some((m) => m.kind !== 'host')) return undefined;
  const label = `modulators (${plan.modulators.filter((m) => m.kind !== 'host').map((m) => m.name).join(', ')})`;
  const params = createBuffer(device, 'modulators:mod_params', plan.modParams.byteLength, STORAGE, plan.modParams);
  ctx.buffers.push(params);
  const code = assemble('modulators', { BATCH: plan.batch, INST_K: plan.instK, MOD_K: plan.modK }, undefined, modulatorsCode(plan));
  return rateKernel(ctx, 'modulators', label, code, [params], [plan.batch, 1, 1]);
}
