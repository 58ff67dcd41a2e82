/**
 * The step slots of a spiking network, built once: given spike trains into the input rings, one
 * neuron-update dispatch per neuron model (populations of a model share it; spikes appended to
 * per-population lists and recorded as bitsets), one synapse-spike dispatch per part of the stored
 * synapses, one synapse-procedural dispatch for every procedural projection, then the plastic passes:
 * the plastic projections share buffers in groups (engine/plan/plastic-groups.ts; one group unless a
 * binding would overflow), and each group takes one dispatch per pass kind for all its projections:
 * traces, presynaptic, postsynaptic (where some rule has work in it), and the eligibility pass per
 * modulator, only in steps where that modulator is not zero in some instance (the host knows the
 * modulator table of each chunk).
 */
import { hasPass, neuronUpdateWgsl, plasticWgsl, proceduralTables, spikeSourceWgsl, synapseProceduralWgsl, synapseSpikeWgsl, type PlasticKernel, type SpikeRecordSlot } from '../codegen/spiking.ts';
import type { Gpu } from '../gpu/device.ts';
import { SPIKING_GROUP1, type SpikingKernel } from '../gpu/layouts.ts';
import { grid, type PipelineCache } from '../gpu/pipelines.ts';
import { STORAGE, USAGE } from '../gpu/resources.ts';
import { plasticConstants } from '../plan/spiking-plasticity.ts';
import type { PlasticPlan, SpikingPlan } from '../plan/spiking.ts';
import { plasticGroups, type PlasticMember, type PlasticWords } from '../plan/plastic-groups.ts';
import type { Chunk, Kernel, StepSlot } from './chunk-runner.ts';
import type { BuiltSynapses } from './synapse-build.ts';

type PlasticRole = keyof PlasticWords;

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
  /** Largest storage binding to use (bytes): plastic projections share buffers up to it. */
  bindingLimit: number;
  /** Workgroups of the dispatches that loop over a step's spikes. */
  spikeWorkgroups: number;
  /** Check every neuron's state for NaN and infinity (engine/codegen/faults.ts). */
  detectFaults: boolean;
}

/** Where a plastic projection's array sits in its group's shared buffer (bytes). */
export interface BufferRegion {
  buffer: GPUBuffer;
  offset: number;
  size: number;
}

/** A plastic projection on the GPU: weights then eligibilities per instance (wel), traces (tr), eligibility steps (elast). */
export interface Plastic {
  plan: PlasticPlan;
  wel: BufferRegion;
  tr: BufferRegion;
  elast: BufferRegion;
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
    const { rows, info } = proceduralTables(plan);
    kernels.push(spikingKernel(ctx, 'synapse-procedural', `synapse-procedural (${listed(projs.map((p) => p.name))})`, synapseProceduralWgsl(plan, projs),
      [ctx.buf('procedural:row_ptr', rows), ctx.buf('procedural:proj_info', info)],
      spread(Math.max(...projs.map((p) => p.pre.size)) * plan.batch)));
  }
  const slots: StepSlot<SpikingChunk>[] = kernels.map((kernel) => ({ kernel }));
  // Plastic projections, after every static synapse dispatch of the step.
  const B = plan.batch, M = Math.max(plan.modulators.length, 1);
  const active = (q: number) => (chunk: Chunk<SpikingChunk>, s: number) => {
    for (let b = 0; b < B; b++) if (chunk.data.modTable[(s * B + b) * M + q] !== 0) return true;
    return false;
  };
  const plastic = plasticSlots(ctx, slots, mods, spread, active);
  return { slots, plastic };
}

/**
 * The plastic passes, appended to `slots`: per group of plastic projections (engine/plan/plastic-groups.ts),
 * its shared buffers and one dispatch per pass kind; the eligibility pass per modulator runs `when` it is active.
 */
function plasticSlots(ctx: SpikingContext, slots: StepSlot<SpikingChunk>[], mods: GPUBuffer, spread: (n: number) => [number, number, number],
  active: (q: number) => StepSlot<SpikingChunk>['when']): Plastic[] {
  const { plan } = ctx;
  const { device } = ctx.gpu;
  const B = plan.batch;
  const plastic: Plastic[] = [];
  const groups = plasticGroups(plan.plastic, B, ctx.bindingLimit);
  for (const [gi, g] of groups.entries()) {
    for (const { p, words } of g.members) ctx.check(`projections[${p.index}] (plastic weights${p.threeFactor ? ' and eligibilities' : ''} of ${B} instance${B > 1 ? 's' : ''})`, words.wel * 4);
    const label = `plastic${groups.length > 1 ? ` group ${gi + 1}` : ''} (${listed(g.members.map((m) => m.p.name))})`;
    const f32 = (name: string, role: PlasticRole, fill: (m: PlasticMember, a: Float32Array) => void, usage = STORAGE) => {
      const a = new Float32Array(g.words[role]);
      for (const m of g.members) fill(m, a);
      return ctx.buf(`${label}:${name}`, a, usage);
    };
    const u32 = (name: string, role: PlasticRole, of: (p: PlasticPlan) => Uint32Array) => {
      const a = new Uint32Array(g.words[role]);
      for (const m of g.members) a.set(of(m.p), m.at[role]);
      return ctx.buf(`${label}:${name}`, a);
    };
    const wel = f32('weights', 'wel', ({ p, at }, a) => { for (let b = 0; b < B; b++) a.set(p.w0, at.wel + b * p.synapses); }, STORAGE | USAGE.COPY_SRC);
    const tr = ctx.buf(`${label}:traces`, g.words.tr * 4);
    const pconst = f32('constants', 'pconst', ({ p, at }, a) => a.set(plasticConstants(p).data, at.pconst));
    const elast = ctx.buf(`${label}:eligibility steps`, g.words.elast * 4);
    const kernel = (kind: PlasticKernel, members: PlasticMember[], bufs: GPUBuffer[], workgroups: [number, number, number]) =>
      spikingKernel(ctx, kind, `${kind} ${label}`, plasticWgsl(plan, members, kind), bufs, workgroups);
    const largest = (members: PlasticMember[], n: (p: PlasticPlan) => number) => B * Math.max(...members.map((m) => n(m.p)));
    const pass = (kind: PlasticKernel) => g.members.filter((m) => hasPass(m.p, kind));
    const traced = pass('plastic-trace'), post = pass('plastic-post');
    if (traced.length) slots.push({ kernel: kernel('plastic-trace', g.members, [pconst, tr], grid(Math.ceil(largest(traced, (p) => Math.max(p.pre.size, p.post.size)) / 64), device)) });
    slots.push({ kernel: kernel('plastic-pre', g.members, [u32('row_ptr', 'rowPtr', (p) => p.rowPtr), u32('post_idx', 'syn', (p) => p.postIdx), u32('delay', 'syn', (p) => p.delay), pconst, tr, wel, mods, elast], spread(largest(g.members, (p) => p.pre.size))) });
    if (post.length) slots.push({ kernel: kernel('plastic-post', g.members, [u32('col_ptr', 'colPtr', (p) => p.colPtr), u32('col_syn', 'syn', (p) => p.colSyn), u32('pre_idx', 'syn', (p) => p.preIdx), pconst, tr, wel, mods, elast], spread(largest(post, (p) => p.post.size))) });
    // Eligibility passes: one per modulator, run in the steps where it is not zero in some instance.
    for (const q of new Set(pass('plastic-eligibility').map((m) => m.p.modulator))) {
      const members = g.members.filter((m) => m.p.threeFactor && m.p.modulator === q);
      slots.push({ kernel: kernel('plastic-eligibility', members, [pconst, wel, mods, elast], grid(Math.ceil(largest(members, (p) => p.synapses) / 64), device)), when: active(q) });
    }
    const region = (buffer: GPUBuffer, at: number, words: number) => ({ buffer, offset: at * 4, size: words * 4 });
    for (const { p, at, words } of g.members) plastic.push({ plan: p, wel: region(wel, at.wel, words.wel), tr: region(tr, at.tr, words.tr), elast: region(elast, at.elast, words.elast) });
  }
  return plastic;
}
