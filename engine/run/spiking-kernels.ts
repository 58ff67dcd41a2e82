/**
 * The step slots of a spiking network, built once: given spike trains into the input rings, one
 * neuron-update dispatch per neuron model (populations of a model share it; spikes appended to
 * per-population lists and recorded as bitsets), one synapse-spike dispatch per part of the stored
 * synapses, one synapse-procedural dispatch for every procedural projection, then each plastic
 * projection's trace, presynaptic and postsynaptic passes (and its eligibility pass, only in steps where
 * its modulator is not zero in some instance: the host knows the modulator table of each chunk).
 */
import { neuronUpdateWgsl, plasticWgsl, proceduralInfo, spikeSourceWgsl, synapseProceduralWgsl, synapseSpikeWgsl, type SpikeRecordSlot } from '../codegen/spiking.ts';
import type { Gpu } from '../gpu/device.ts';
import { SPIKING_GROUP1, type SpikingKernel } from '../gpu/layouts.ts';
import { grid, type PipelineCache } from '../gpu/pipelines.ts';
import { STORAGE, USAGE } from '../gpu/resources.ts';
import { plasticConstants } from '../plan/spiking-plasticity.ts';
import type { PlasticPlan, SpikingPlan } from '../plan/spiking.ts';
import type { Chunk, Kernel, StepSlot } from './chunk-runner.ts';
import type { BuiltSynapses } from './synapse-build.ts';

/** What a chunk of a spiking run carries: the modulator values of its steps, (step, instance, modulator). */
export interface SpikingChunk {
  modTable: Float32Array<ArrayBuffer>;
}

export interface SpikingContext {
  gpu: Gpu;
  plan: SpikingPlan;
  cache: PipelineCache;
  group0: GPUBindGroupLayout;
  /** Makes (and keeps, for destroy) a buffer from data or a byte size. */
  buf: (label: string, data: ArrayBufferView | number, usage?: number) => GPUBuffer;
  /** Throws a SpecError naming `field` when `bytes` exceed one storage binding. */
  check: (field: string, bytes: number) => void;
  /** Workgroups of the dispatches that loop over a step's spikes. */
  spikeWorkgroups: number;
  /** Check every neuron's state for NaN and infinity (engine/codegen/faults.ts). */
  detectFaults: boolean;
}

/** A plastic projection on the GPU: weights then eligibilities per instance (wel), traces (tr). */
export interface Plastic {
  plan: PlasticPlan;
  wel: GPUBuffer;
  tr: GPUBuffer;
  elast: GPUBuffer;
}

/** A spiking kernel: template `kind` compiled from `code` (cached per device), its group-1 buffers in declared order. */
export function spikingKernel(ctx: SpikingContext, kind: SpikingKernel, label: string, code: string, buffers: GPUBuffer[], workgroups: [number, number, number]): Kernel {
  const layout = ctx.cache.layout(SPIKING_GROUP1[kind], `spiking group1:${kind}`);
  return { label, name: kind, workgroups, pipeline: ctx.cache.pipeline(label, code, [ctx.group0, layout]), group1: ctx.cache.bindGroup(label, layout, buffers) };
}

const listed = (names: string[]) => `${names.length} projection${names.length > 1 ? 's' : ''}: ${names.slice(0, 4).join(', ')}${names.length > 4 ? ', ...' : ''}`;

/** Every slot of a step, in dispatch order, and the plastic projections' buffers. */
export function spikingSlots(ctx: SpikingContext, built: BuiltSynapses | undefined, spikeBits: GPUBuffer, spikeRecs: SpikeRecordSlot[], mods: GPUBuffer): { slots: StepSlot<SpikingChunk>[]; plastic: Plastic[] } {
  const { plan } = ctx;
  const { device } = ctx.gpu;
  const spread = (n: number): [number, number, number] => [Math.max(1, Math.min(ctx.spikeWorkgroups, n)), 1, 1];
  // Given spike trains go into the rings first, then every population updates.
  const kernels: Kernel[] = plan.sources.map((src) => {
    const label = `spike-source "${src.name}" -> ${src.pop.name}`;
    return spikingKernel(ctx, 'spike-source', label, spikeSourceWgsl(plan, src),
      [ctx.buf(`${label}:step_ptr`, src.stepPtr), ctx.buf(`${label}:neurons`, src.neurons.length ? src.neurons : new Uint32Array(1))],
      grid(Math.max(1, Math.ceil(src.maxPerStep / 64)), device));
  });
  for (const name of new Set(plan.pops.map((p) => p.model.name))) {
    const pops = plan.pops.filter((p) => p.model.name === name);
    const label = `neuron-update ${name} (${pops.map((p) => `"${p.name}"`).join(', ')})`;
    kernels.push(spikingKernel(ctx, 'neuron-update', label, neuronUpdateWgsl(plan, pops, spikeRecs, ctx.detectFaults), [spikeBits],
      grid(Math.ceil(pops.reduce((a, p) => a + p.size * plan.batch, 0) / 64), device)));
  }
  for (const part of built?.parts ?? []) {
    const rows = built!.parts.length > 1 ? ` rows ${part.row0}..${part.row1 - 1}` : '';
    kernels.push(spikingKernel(ctx, 'synapse-spike', `synapse-spike${rows} (${listed(built!.names)})`, synapseSpikeWgsl(plan, built!.pres, part.row0, part.row1),
      [part.rowPtr, part.target, part.wq, part.delayPop], spread(part.row1 - part.row0)));
  }
  if (plan.procedural.length) {
    const projs = plan.procedural;
    const rowBases: number[] = [];
    let total = 0;
    for (const p of projs) { rowBases.push(total); total += p.rowPtr.length + (p.seeds?.length ?? 0); }
    const rows = new Uint32Array(total);
    projs.forEach((p, q) => { rows.set(p.rowPtr, rowBases[q]); if (p.seeds) rows.set(p.seeds, rowBases[q] + p.rowPtr.length); });
    kernels.push(spikingKernel(ctx, 'synapse-procedural', `synapse-procedural (${listed(projs.map((p) => p.name))})`, synapseProceduralWgsl(plan, projs),
      [ctx.buf('procedural:row_ptr', rows), ctx.buf('procedural:proj_info', proceduralInfo(plan, projs, rowBases))],
      spread(Math.max(...projs.map((p) => p.pre.size)) * plan.batch)));
  }
  const slots: StepSlot<SpikingChunk>[] = kernels.map((kernel) => ({ kernel }));
  // Plastic projections, after every static synapse dispatch of the step.
  const B = plan.batch, M = Math.max(plan.modulators.length, 1);
  const active = (q: number) => (chunk: Chunk<SpikingChunk>, s: number) => {
    for (let b = 0; b < B; b++) if (chunk.data.modTable[(s * B + b) * M + q] !== 0) return true;
    return false;
  };
  const plastic = plan.plastic.map((p): Plastic => {
    const S = p.synapses;
    ctx.check(`projections[${p.index}] (plastic weights${p.threeFactor ? ' and eligibilities' : ''} of ${B} instance${B > 1 ? 's' : ''})`, (p.threeFactor ? 2 : 1) * B * S * 4);
    const wel0 = new Float32Array(Math.max((p.threeFactor ? 2 : 1) * B * S, 1));
    for (let b = 0; b < B; b++) wel0.set(p.w0, b * S);
    const label = `plastic "${p.name}" (${p.pre.name} -> ${p.post.name})`;
    const wel = ctx.buf(`${label}:weights`, wel0, STORAGE | USAGE.COPY_SRC);
    const tr = ctx.buf(`${label}:traces`, Math.max(p.traceWords, 1) * 4);
    const pconst = ctx.buf(`${label}:constants`, plasticConstants(p).data);
    const elast = ctx.buf(`${label}:eligibility steps`, Math.max(p.threeFactor ? B * S : 1, 1) * 4);
    const u32 = (name: string, a: Uint32Array) => ctx.buf(`${label}:${name}`, a.length ? a : new Uint32Array(1));
    const kernel = (kind: 'plastic-trace' | 'plastic-pre' | 'plastic-post' | 'plastic-eligibility', bufs: GPUBuffer[], workgroups: [number, number, number]) =>
      spikingKernel(ctx, kind, `${kind} ${label}`, plasticWgsl(plan, p, kind), bufs, workgroups);
    slots.push(
      { kernel: kernel('plastic-trace', [pconst, tr], grid(Math.ceil((B * Math.max(p.pre.size, p.post.size)) / 64), device)) },
      { kernel: kernel('plastic-pre', [u32('row_ptr', p.rowPtr), u32('post_idx', p.postIdx), u32('delay', p.delay), pconst, tr, wel, mods, elast], spread(B * p.pre.size)) },
      { kernel: kernel('plastic-post', [u32('col_ptr', p.colPtr), u32('col_syn', p.colSyn), u32('pre_idx', p.preIdx), pconst, tr, wel, mods, elast], spread(B * p.post.size)) },
    );
    if (p.threeFactor) slots.push({ kernel: kernel('plastic-eligibility', [pconst, wel, mods, elast], grid(Math.ceil((B * S) / 64), device)), when: active(p.modulator) });
    return { plan: p, wel, tr, elast };
  });
  return { slots, plastic };
}
