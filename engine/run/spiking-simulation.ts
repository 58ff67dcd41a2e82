/**
 * A spiking network on the GPU. Per step: neuron-update for every population (spikes appended to a
 * per-population list), then synapse-spike for every projection (only spiking rows touched), then the
 * recorders. Many steps per submission; spikes are recorded as per-step bitsets in a GPU ring buffer,
 * read back asynchronously per chunk and delivered as (step, instance, neuron) lists.
 */
import { GpuError, SpecError } from '../errors.ts';
import { acquireGpu, type DeviceOptions, type Gpu } from '../gpu/device.ts';
import { entry, STEP_STRIDE } from '../gpu/layouts.ts';
import { createBuffer, guardGpu, readBuffer, scoped, scopedAsync, STORAGE } from '../gpu/resources.ts';
import { buildSynapses } from './synapse-build.ts';
import { fires, plannedRows, type RecordSink, type RecorderInfo } from '../record/recorders.ts';
import { grid } from './rate-kernels.ts';
import { compileSpiking } from '../plan/compile-spiking.ts';
import type { SpikingPlan } from '../plan/spiking.ts';
import { neuronUpdateWgsl, plasticWgsl, proceduralInfo, recordRateWgsl, recordStateWgsl, spikeSourceWgsl, synapseProceduralWgsl, synapseSpikeWgsl } from '../codegen/spiking.ts';
import { eligibilityNow, modulatorValue, plasticConstants, type PlasticPlan } from '../plan/spiking-plasticity.ts';
import { SPIKING_GROUP0, SPIKING_GROUP1, type SpikingKernel } from '../gpu/spiking-layouts.ts';
import type { SpikingRecorderSpec, SpikingSpec } from '../spec/spiking.ts';

export interface SpikingOptions extends DeviceOptions {
  batch?: number;
  seed?: number;
  /** Steps per submission (default 200). */
  chunkSteps?: number;
  maxInFlight?: number;
  /** Largest storage binding to use for synapse arrays (default: the adapter's limit; tests lower it to force parts). */
  maxBindingBytes?: number;
  /**
   * Workgroups of each synapse-spike dispatch; each loops over the step's spikes. Default 256 on GPUs,
   * 4 on CPU adapters (lavapipe: 6.7 s per biological second of COBA with 4, 13.4 s with 256).
   */
  spikeWorkgroups?: number;
}

/** Receives the spikes of a recorder in step order: parallel arrays of one chunk. */
export type SpikeHandler = (recorder: string, steps: Uint32Array, instances: Uint32Array, neurons: Uint32Array) => void | Promise<void>;

interface Kernel {
  label: string;
  pipeline: GPUComputePipeline;
  group1: GPUBindGroup;
  workgroups: [number, number, number];
  /** Dispatched only in steps where this modulator is not zero in some instance. */
  whenModulator?: number;
}

interface SpikeRec { name: string; pop: number; index: number; words: number; bits: GPUBuffer; bitsBase: number; capacity: number }
interface StateRec extends RecorderInfo { index: number; kernel: Kernel; ring: GPUBuffer; capacity: number }
/** Population rate: spike counts per step on the GPU, summed into bins of `every` steps on the host. */
interface RateRec extends RecorderInfo { index: number; pop: number; kernel: Kernel; counts: GPUBuffer; acc: Float64Array }
/** Weight snapshots of a plastic projection: copies of its weights into a ring, one row per snapshot. */
interface WeightRec extends RecorderInfo { index: number; plastic: Plastic; ring: GPUBuffer }
/** Modulator values per instance, taken from the chunk's modulator table on the host. */
interface ModRec extends RecorderInfo { index: number; modulator: number }
/** A plastic projection on the GPU: weights then eligibilities per instance (wel), traces (tr). */
interface Plastic { plan: PlasticPlan; wel: GPUBuffer; tr: GPUBuffer; elast: GPUBuffer; kernels: Kernel[] }

export class SpikingSimulation {
  step = 0;

  private constructor(
    readonly gpu: Gpu,
    readonly plan: SpikingPlan,
    readonly spec: SpikingSpec,
    private readonly stepKernels: Kernel[],
    private readonly spikeRecs: SpikeRec[],
    private readonly stateRecs: StateRec[],
    private readonly rateRecs: RateRec[],
    private readonly weightRecs: WeightRec[],
    private readonly modRecs: ModRec[],
    private readonly plastic: Plastic[],
    private readonly group0: GPUBindGroup,
    private readonly buffers: { steps: GPUBuffer; state: GPUBuffer; refrac: GPUBuffer; mods: GPUBuffer; all: GPUBuffer[] },
    readonly chunkSteps: number,
    private readonly maxInFlight: number,
    readonly buildSeconds: number,
  ) {}

  static async create(specInput: unknown, opts: SpikingOptions = {}): Promise<SpikingSimulation> {
    const t0 = performance.now();
    const { spec, plan } = compileSpiking(specInput, opts);
    const records = validateRecorders(spec, plan);
    const gpu = await acquireGpu(opts);
    const { device } = gpu;
    const limit = device.limits.maxStorageBufferBindingSize;
    const check = (field: string, bytes: number) => {
      if (bytes > limit) throw new SpecError(field, `needs a ${(bytes / 2 ** 20).toFixed(1)} MiB buffer; this adapter allows ${(limit / 2 ** 20).toFixed(1)} MiB per storage binding`);
    };
    check('populations (state)', plan.stateInit.byteLength);
    check('populations (input ring)', plan.ringLength * 4);
    const chunkSteps = Math.max(1, Math.floor(opts.chunkSteps ?? 200));
    const all: GPUBuffer[] = [];
    // Stored synapses: generated and laid out on the GPU, in parts that fit one binding each.
    const built = await scopedAsync(device, 'building the stored synapses',
      () => buildSynapses(gpu, plan, Math.min(limit, opts.maxBindingBytes ?? Infinity), (b) => all.push(b)));
    return scoped(device, 'building the spiking network', () => {
      const buf = (label: string, data: ArrayBufferView | number, usage = STORAGE) => {
        const b = typeof data === 'number' ? createBuffer(device, label, data, usage) : createBuffer(device, label, data.byteLength, usage, data);
        all.push(b);
        return b;
      };
      const steps = buf('step_info', chunkSteps * STEP_STRIDE, GPUBufferUsage.UNIFORM);
      const state = buf('state', plan.stateInit);
      const refrac = buf('refrac', plan.neuronCount * 4);
      const group0Layout = device.createBindGroupLayout({ label: 'spiking group0', entries: SPIKING_GROUP0.map((b, i) => entry(i, b.kind)) });
      const layouts = Object.fromEntries(Object.entries(SPIKING_GROUP1).map(([k, v]) => [k, device.createBindGroupLayout({ label: `spiking group1:${k}`, entries: v.map((b, i) => entry(i, b.kind)) })])) as Record<SpikingKernel, GPUBindGroupLayout>;
      const group0 = device.createBindGroup({
        label: 'spiking group0', layout: group0Layout,
        entries: [steps, state, refrac, buf('params', plan.paramTable), buf('ring', plan.ringLength * 4), buf('spikes', plan.spikeListLength * 4),
          buf('spike_count', Math.max(plan.pops.length * 2 * 4, 16)), buf('seeds', plan.seeds), buf('inputs', plan.inputTable)]
          .map((buffer, binding) => ({ binding, resource: binding === 0 ? { buffer, size: STEP_STRIDE } : { buffer } })),
      });
      const pipeline = (kind: SpikingKernel, label: string, code: string) => device.createComputePipeline({
        label, layout: device.createPipelineLayout({ bindGroupLayouts: [group0Layout, layouts[kind]] }),
        compute: { module: device.createShaderModule({ label, code }), entryPoint: 'main' },
      });
      const group1 = (kind: SpikingKernel, label: string, buffers: GPUBuffer[]) => device.createBindGroup({
        label, layout: layouts[kind], entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      // Spike recorders: one bitset row per step of a chunk, all in one buffer (one binding for every
      // neuron-update kernel).
      let bitsWords = 0;
      const regions = records.spikes.map((r) => {
        const words = Math.ceil(plan.pops[r.pop].size / 32);
        const base = bitsWords;
        bitsWords += chunkSteps * plan.batch * words;
        return { ...r, words, bitsBase: base };
      });
      check('record (spike bitsets of one chunk)', bitsWords * 4);
      const spikeBits = buf('spike_bits', Math.max(bitsWords, 4) * 4);
      const spikeRecs: SpikeRec[] = regions.map((r) => ({ ...r, bits: spikeBits, capacity: chunkSteps }));
      // Given spike trains go into the rings first, then every population updates.
      const kernels: Kernel[] = plan.sources.map((src) => {
        const label = `spike-source "${src.name}" -> ${src.pop.name}`;
        return {
          label, pipeline: pipeline('spike-source', label, spikeSourceWgsl(plan, src)),
          group1: group1('spike-source', label, [buf(`${label}:step_ptr`, src.stepPtr), buf(`${label}:neurons`, src.neurons.length ? src.neurons : new Uint32Array(1))]),
          workgroups: grid(Math.max(1, Math.ceil(src.maxPerStep / 64)), device),
        };
      });
      // One neuron-update dispatch per neuron model: populations of the same model share the kernel.
      const models = [...new Set(plan.pops.map((p) => p.model.name))];
      kernels.push(...models.map((name) => {
        const pops = plan.pops.filter((p) => p.model.name === name);
        const label = `neuron-update ${name} (${pops.map((p) => `"${p.name}"`).join(', ')})`;
        const recs = spikeRecs.map((r) => ({ pop: r.pop, rec: r.index, bitsBase: r.bitsBase }));
        return {
          label, pipeline: pipeline('neuron-update', label, neuronUpdateWgsl(plan, pops, recs)),
          group1: group1('neuron-update', label, [spikeBits]),
          workgroups: grid(Math.ceil(pops.reduce((a, p) => a + p.size * plan.batch, 0) / 64), device),
        };
      }));
      // One synapse-spike dispatch per part of the stored synapses (one part where they fit one binding).
      for (const part of built?.parts ?? []) {
        const rows = built!.parts.length > 1 ? ` rows ${part.row0}..${part.row1 - 1}` : '';
        const names = built!.names;
        const label = `synapse-spike${rows} (${names.length} projection${names.length > 1 ? 's' : ''}: ${names.slice(0, 4).join(', ')}${names.length > 4 ? ', ...' : ''})`;
        kernels.push({
          label, pipeline: pipeline('synapse-spike', label, synapseSpikeWgsl(plan, built!.pres, part.row0, part.row1)),
          group1: group1('synapse-spike', label, [part.rowPtr, part.target, part.wq, part.delayPop]),
          workgroups: [Math.max(1, Math.min(opts.spikeWorkgroups ?? defaultSpikeWorkgroups(gpu), part.row1 - part.row0)), 1, 1],
        });
      }
      // One synapse-procedural dispatch for every procedural projection.
      if (plan.procedural.length) {
        const projs = plan.procedural;
        const rowBases: number[] = [];
        let total = 0;
        for (const p of projs) { rowBases.push(total); total += p.rowPtr.length; }
        const rows = new Uint32Array(total);
        projs.forEach((p, q) => rows.set(p.rowPtr, rowBases[q]));
        const label = `synapse-procedural (${projs.length} projection${projs.length > 1 ? 's' : ''}: ${projs.slice(0, 4).map((p) => p.name).join(', ')}${projs.length > 4 ? ', ...' : ''})`;
        const most = Math.max(...projs.map((p) => p.pre.size));
        kernels.push({
          label, pipeline: pipeline('synapse-procedural', label, synapseProceduralWgsl(plan, projs)),
          group1: group1('synapse-procedural', label, [buf('procedural:row_ptr', rows), buf('procedural:proj_info', proceduralInfo(plan, projs, rowBases))]),
          workgroups: [Math.max(1, Math.min(opts.spikeWorkgroups ?? defaultSpikeWorkgroups(gpu), most * plan.batch)), 1, 1],
        });
      }
      // Plastic projections: trace, presynaptic and postsynaptic passes (and the third factor), after
      // every static synapse dispatch of the step. The modulator table holds one row per step of a chunk.
      const nmod = Math.max(plan.modulators.length, 1);
      const mods = buf('modulators', chunkSteps * plan.batch * nmod * 4);
      const workgroupsFor = (n: number): [number, number, number] => [Math.max(1, Math.min(opts.spikeWorkgroups ?? defaultSpikeWorkgroups(gpu), n)), 1, 1];
      const plastic: Plastic[] = plan.plastic.map((p) => {
        const B = plan.batch, S = p.synapses;
        check(`projections[${p.index}] (plastic weights${p.threeFactor ? ' and eligibilities' : ''} of ${B} instance${B > 1 ? 's' : ''})`, (p.threeFactor ? 2 : 1) * B * S * 4);
        const wel0 = new Float32Array(Math.max((p.threeFactor ? 2 : 1) * B * S, 1));
        for (let b = 0; b < B; b++) wel0.set(p.w0, b * S);
        const label = `plastic "${p.name}" (${p.pre.name} -> ${p.post.name})`;
        const wel = buf(`${label}:weights`, wel0, STORAGE | GPUBufferUsage.COPY_SRC);
        const tr = buf(`${label}:traces`, Math.max(p.traceWords, 1) * 4);
        const pconst = buf(`${label}:constants`, plasticConstants(p).data);
        const elast = buf(`${label}:eligibility steps`, Math.max(p.threeFactor ? B * S : 1, 1) * 4);
        const u32 = (name: string, a: Uint32Array) => buf(`${label}:${name}`, a.length ? a : new Uint32Array(1));
        const kernel = (kind: 'plastic-trace' | 'plastic-pre' | 'plastic-post' | 'plastic-eligibility', bufs: GPUBuffer[], workgroups: [number, number, number]): Kernel => ({
          label: `${kind} ${label}`, pipeline: pipeline(kind, `${kind} ${label}`, plasticWgsl(plan, p, kind)),
          group1: group1(kind, `${kind} ${label}`, bufs), workgroups,
        });
        const kernels = [
          kernel('plastic-trace', [pconst, tr], grid(Math.ceil((B * Math.max(p.pre.size, p.post.size)) / 64), device)),
          kernel('plastic-pre', [u32('row_ptr', p.rowPtr), u32('post_idx', p.postIdx), u32('delay', p.delay), pconst, tr, wel, mods, elast], workgroupsFor(B * p.pre.size)),
          kernel('plastic-post', [u32('col_ptr', p.colPtr), u32('col_syn', p.colSyn), u32('pre_idx', p.preIdx), pconst, tr, wel, mods, elast], workgroupsFor(B * p.post.size)),
        ];
        if (p.threeFactor) kernels.push({ ...kernel('plastic-eligibility', [pconst, wel, mods, elast], grid(Math.ceil((B * S) / 64), device)), whenModulator: p.modulator });
        return { plan: p, wel, tr, elast, kernels };
      });
      for (const p of plastic) kernels.push(...p.kernels);
      const weightRecs: WeightRec[] = records.weights.map((r) => {
        const p = plastic[r.plastic];
        const width = p.plan.synapses;
        const capacity = Math.ceil(chunkSteps / r.every) + 1;
        return {
          name: r.name, population: p.plan.name, what: 'weights', reduce: 'none', every: r.every, units: new Uint32Array(0), width, batch: plan.batch,
          index: r.index, plastic: p, ring: buf(`recorder "${r.name}":ring`, Math.max(capacity * plan.batch * width, 1) * 4, STORAGE | GPUBufferUsage.COPY_DST),
        };
      });
      const modRecs: ModRec[] = records.modulators.map((r) => ({
        name: r.name, population: plan.modulators[r.modulator].name, what: 'modulator', reduce: 'none', every: r.every, units: new Uint32Array(0), width: 1,
        batch: plan.batch, index: r.index, modulator: r.modulator,
      }));
      const stateRecs: StateRec[] = records.state.map((r) => {
        const pop = plan.pops[r.pop];
        const capacity = Math.ceil(chunkSteps / r.every) + 1;
        const ringBytes = capacity * plan.batch * r.units.length * 4;
        check(`record[${r.index}]`, ringBytes);
        const ring = buf(`recorder "${r.name}":ring`, ringBytes);
        const label = `record-state "${r.name}"`;
        return {
          name: r.name, population: pop.name, what: 'state', reduce: 'none', every: r.every, units: r.units, width: r.units.length,
          batch: plan.batch, index: r.index, ring, capacity,
          kernel: {
            label, pipeline: pipeline('record-state', label, recordStateWgsl(plan, pop, r.variable, r.units.length, r.index)),
            group1: group1('record-state', label, [buf(`${label}:units`, r.units), ring]),
            workgroups: grid(Math.ceil((r.units.length * plan.batch) / 64), device),
          },
        };
      });
      const rateRecs: RateRec[] = records.rates.map((r) => {
        const pop = plan.pops[r.pop];
        const counts = buf(`recorder "${r.name}":counts`, chunkSteps * plan.batch * 4);
        const label = `record-rate "${r.name}"`;
        return {
          name: r.name, population: pop.name, what: 'rate', reduce: 'none', every: r.every, units: new Uint32Array(0), width: 1,
          batch: plan.batch, index: r.index, pop: r.pop, counts, acc: new Float64Array(plan.batch),
          kernel: { label, pipeline: pipeline('record-rate', label, recordRateWgsl(plan, pop, r.index)), group1: group1('record-rate', label, [counts]), workgroups: [1, 1, 1] },
        };
      });
      const sim = new SpikingSimulation(gpu, plan, spec, kernels, spikeRecs, stateRecs, rateRecs, weightRecs, modRecs, plastic, group0, { steps, state, refrac, mods, all },
        chunkSteps, opts.maxInFlight ?? 3, (performance.now() - t0) / 1000);
      plan.modulators.forEach((m, q) => { sim.hostModulators[q] = m.baseline.slice(); });
      return sim;
    });
  }

  /** Values of host modulators (per modulator index, per instance), as last set by setModulator. */
  private readonly hostModulators: Float32Array[] = [];

  /**
   * Sets a host modulator's value per instance (one number for all instances, or one each), from the
   * next run() on; e.g. a reward prediction error computed on the host between trials.
   */
  setModulator(name: string, values: number | number[]): void {
    const q = this.plan.modulators.findIndex((m) => m.name === name);
    if (q < 0) throw new SpecError('setModulator', `no modulator named "${name}"`);
    if (this.plan.modulators[q].kind !== 'host') throw new SpecError('setModulator', `modulator "${name}" follows its schedule; only host modulators are set from the host`);
    const B = this.plan.batch;
    const v = typeof values === 'number' ? new Array<number>(B).fill(values) : values;
    if (v.length !== B || v.some((x) => !Number.isFinite(x))) throw new SpecError('setModulator', `expected a finite number or ${B} finite numbers, got ${JSON.stringify(values)}`);
    this.hostModulators[q] = Float32Array.from(v);
  }

  /** The synapses of a plastic projection (shared by all instances), in the order of its weights. */
  synapses(projection: string): { pre: Uint32Array; post: Uint32Array; delay: Uint32Array } {
    const p = this.plasticNamed(projection).plan;
    return { pre: p.preIdx, post: p.postIdx, delay: p.delay };
  }

  private plasticNamed(name: string): Plastic {
    const p = this.plastic.find((x) => x.plan.name === name);
    if (!p) throw new SpecError('projection', `no plastic projection named "${name}"${this.plastic.length ? ` (plastic: ${this.plastic.map((x) => x.plan.name).join(', ')})` : ''}`);
    return p;
  }

  /**
   * Current weights (or eligibilities, three-factor) of a plastic projection: B x S float32
   * (instance-major, synapses in synapses() order).
   */
  async readWeights(projection: string, what: 'weights' | 'eligibility' = 'weights'): Promise<Float32Array> {
    const p = this.plasticNamed(projection);
    if (what === 'eligibility' && !p.plan.threeFactor) throw new SpecError('readWeights', `projection "${projection}" has no eligibility trace (rule stdp)`);
    const n = this.plan.batch * p.plan.synapses;
    const bytes = await this.guard(`reading the weights of "${projection}"`, readBuffer(this.gpu.device, p.wel, what === 'weights' ? 0 : n * 4, n * 4));
    if (what === 'weights') return new Float32Array(bytes);
    // Lazy eligibilities: value after the last change x decay since then, as the kernels compute it.
    const steps = new Uint32Array(await this.guard(`reading the eligibilities of "${projection}"`, readBuffer(this.gpu.device, p.elast, 0, n * 4)));
    return eligibilityNow(new Float32Array(bytes), steps, p.plan.tableElig, this.step);
  }

  /** Replaces the weights of a plastic projection: S values (every instance) or B x S. */
  writeWeights(projection: string, data: Float32Array | Float64Array | number[]): void {
    const p = this.plasticNamed(projection);
    const B = this.plan.batch, S = p.plan.synapses;
    if (data.length !== S && data.length !== B * S) throw new SpecError('writeWeights', `projection "${projection}" has ${S} synapses x ${B} instances: expected ${S} or ${B * S} values, got ${data.length}`);
    const w = new Float32Array(B * S);
    for (let b = 0; b < B; b++) for (let s = 0; s < S; s++) w[b * S + s] = data[data.length === S ? s : b * S + s];
    for (let k = 0; k < w.length; k++) if (!Number.isFinite(w[k])) throw new SpecError('writeWeights', `value ${k} is not finite`);
    this.gpu.device.queue.writeBuffer(p.wel, 0, w);
  }

  get kernelLabels(): string[] {
    return this.stepKernels.map((k) => k.label);
  }

  private guard<T>(what: string, p: Promise<T>): Promise<T> {
    return guardGpu(this.gpu, what, p);
  }

  /** Runs `steps` steps; spikes go to onSpikes, state recordings to sink. */
  async run(steps: number, opts: { onSpikes?: SpikeHandler; sink?: RecordSink; onProgress?: (done: number, total: number) => void } = {}): Promise<{ wallSeconds: number }> {
    const { device } = this.gpu;
    const t0 = performance.now();
    for (const r of [...this.stateRecs, ...this.rateRecs, ...this.weightRecs, ...this.modRecs]) await opts.sink?.begin?.(r, plannedRows(r.every, this.step, steps));
    const inFlight: Promise<void>[] = [];
    let delivered: Promise<void> = Promise.resolve();
    for (let done = 0; done < steps;) {
      const count = Math.min(this.chunkSteps, steps - done);
      const n0 = this.step;
      const info = new Uint32Array((count * STEP_STRIDE) / 4);
      const rows = this.stateRecs.map(() => 0);
      for (let s = 0; s < count; s++) {
        const o = (s * STEP_STRIDE) / 4;
        info[o] = n0 + s;
        info[o + 2] = s;
        for (const r of [...this.spikeRecs, ...this.rateRecs]) info[o + 4 + r.index] = s;
        this.stateRecs.forEach((r, k) => { if (fires(r.every, n0 + s)) info[o + 4 + r.index] = rows[k]++; });
      }
      device.queue.writeBuffer(this.buffers.steps, 0, info);
      const modTable = this.modulatorTable(n0, count);
      if (this.plan.modulators.length) device.queue.writeBuffer(this.buffers.mods, 0, modTable);
      const weightRows = this.weightRecs.map(() => 0);
      device.pushErrorScope('out-of-memory');
      device.pushErrorScope('validation');
      const enc = device.createCommandEncoder({ label: `spiking steps ${n0}..${n0 + count - 1}` });
      if (this.spikeRecs.length) enc.clearBuffer(this.spikeRecs[0].bits);
      for (const r of this.rateRecs) enc.clearBuffer(r.counts);
      let pass = enc.beginComputePass();
      const dispatch = (k: Kernel, offset: number) => {
        pass.setPipeline(k.pipeline);
        pass.setBindGroup(0, this.group0, [offset]);
        pass.setBindGroup(1, k.group1);
        pass.dispatchWorkgroups(...k.workgroups);
      };
      const M = Math.max(this.plan.modulators.length, 1), B = this.plan.batch;
      const active = (q: number, s: number) => { for (let b = 0; b < B; b++) if (modTable[(s * B + b) * M + q] !== 0) return true; return false; };
      for (let s = 0; s < count; s++) {
        for (const k of this.stepKernels) if (k.whenModulator === undefined || active(k.whenModulator, s)) dispatch(k, s * STEP_STRIDE);
        this.stateRecs.forEach((r) => { if (fires(r.every, n0 + s)) dispatch(r.kernel, s * STEP_STRIDE); });
        for (const r of this.rateRecs) dispatch(r.kernel, s * STEP_STRIDE);
        const snapshots = this.weightRecs.filter((r) => fires(r.every, n0 + s));
        if (snapshots.length) {
          // Weight snapshots are buffer copies, which go between compute passes.
          pass.end();
          for (const r of snapshots) {
            const bytes = r.batch * r.width * 4;
            enc.copyBufferToBuffer(r.plastic.wel, 0, r.ring, weightRows[this.weightRecs.indexOf(r)]++ * bytes, bytes);
          }
          pass = enc.beginComputePass();
        }
      }
      pass.end();
      const parts: { buffer: GPUBuffer; offset: number; bytes: number }[] = [
        ...this.spikeRecs.map((r) => ({ buffer: r.bits, offset: r.bitsBase * 4, bytes: count * this.plan.batch * r.words * 4 })),
        ...this.stateRecs.map((r, k) => ({ buffer: r.ring, offset: 0, bytes: rows[k] * r.batch * r.width * 4 })),
        ...this.rateRecs.map((r) => ({ buffer: r.counts, offset: 0, bytes: count * r.batch * 4 })),
        ...this.weightRecs.map((r, k) => ({ buffer: r.ring, offset: 0, bytes: weightRows[k] * r.batch * r.width * 4 })),
      ];
      const total = parts.reduce((a, p) => a + p.bytes, 0);
      let staging: GPUBuffer | undefined;
      if (total > 0) {
        staging = device.createBuffer({ label: `recordings steps ${n0}..`, size: total, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
        let off = 0;
        for (const p of parts) { if (p.bytes) enc.copyBufferToBuffer(p.buffer, p.offset, staging, off, p.bytes); off += p.bytes; }
      }
      device.queue.submit([enc.finish()]);
      const errors = Promise.all([device.popErrorScope(), device.popErrorScope()]).then(([validation, oom]) => {
        const what = `spiking step kernels (steps ${n0}..${n0 + count - 1}; ${this.kernelLabels.join(', ')})`;
        if (oom) throw new GpuError(what, `out of GPU memory: ${oom.message}`);
        if (validation) throw new GpuError(what, `WebGPU validation error: ${validation.message}`);
      });
      const ready = this.guard(`spiking steps ${n0}..${n0 + count - 1}`,
        errors.then(() => (staging ? staging.mapAsync(GPUMapMode.READ) : device.queue.onSubmittedWorkDone())));
      delivered = Promise.all([delivered, ready]).then(async () => {
        for (const r of this.modRecs) {
          const nmod = Math.max(this.plan.modulators.length, 1);
          for (let s = 0; s < count; s++) {
            if (fires(r.every, n0 + s)) await opts.sink?.write(r, modTable.slice((s * r.batch) * nmod, (s + 1) * r.batch * nmod).filter((_, k) => k % nmod === r.modulator), 1);
          }
        }
        if (!staging) return;
        const data = staging.getMappedRange().slice(0);
        staging.unmap();
        staging.destroy();
        let off = 0;
        for (const r of this.spikeRecs) {
          const words = new Uint32Array(data, off, count * this.plan.batch * r.words);
          off += words.byteLength;
          if (opts.onSpikes) await opts.onSpikes(r.name, ...decodeBits(words, count, this.plan.batch, r.words, n0));
        }
        for (const [k, r] of this.stateRecs.entries()) {
          const n = rows[k] * r.batch * r.width;
          if (rows[k] > 0) await opts.sink?.write(r, new Float32Array(data, off, n), rows[k]);
          off += n * 4;
        }
        for (const r of this.rateRecs) {
          const counts = new Uint32Array(data, off, count * r.batch);
          off += counts.byteLength;
          const size = this.plan.pops[r.pop].size;
          for (let s = 0; s < count; s++) {
            for (let b = 0; b < r.batch; b++) r.acc[b] += counts[s * r.batch + b];
            if (fires(r.every, n0 + s)) {
              const row = Float32Array.from(r.acc, (c) => (c / size / (r.every * this.plan.dt)) * 1000);
              r.acc.fill(0);
              await opts.sink?.write(r, row, 1);
            }
          }
        }
        for (const [k, r] of this.weightRecs.entries()) {
          const n = weightRows[k] * r.batch * r.width;
          if (weightRows[k] > 0) await opts.sink?.write(r, new Float32Array(data, off, n), weightRows[k]);
          off += n * 4;
        }
      });
      delivered.catch(() => undefined);
      inFlight.push(delivered);
      this.step += count;
      done += count;
      if (inFlight.length >= this.maxInFlight) await inFlight.shift();
      opts.onProgress?.(done, steps);
    }
    await delivered;
    for (const r of [...this.stateRecs, ...this.rateRecs, ...this.weightRecs, ...this.modRecs]) await opts.sink?.end?.(r);
    return { wallSeconds: (performance.now() - t0) / 1000 };
  }

  /** Modulator values of steps n0 .. n0 + count - 1: (step, instance, modulator) float32, as the kernels read them. */
  private modulatorTable(n0: number, count: number): Float32Array<ArrayBuffer> {
    const mods = this.plan.modulators, B = this.plan.batch, M = Math.max(mods.length, 1);
    const table = new Float32Array(count * B * M);
    for (let s = 0; s < count; s++) {
      for (let b = 0; b < B; b++) mods.forEach((m, q) => { table[(s * B + b) * M + q] = modulatorValue(m, b, n0 + s, this.hostModulators[q]); });
    }
    return table;
  }

  /** Reads all state variables (plan layout) and the refractory counters. */
  async read(): Promise<{ state: Float32Array; refrac: Uint32Array }> {
    const { device } = this.gpu;
    const [state, refrac] = await this.guard('reading the spiking state', Promise.all([
      readBuffer(device, this.buffers.state, 0, this.plan.stateInit.byteLength),
      readBuffer(device, this.buffers.refrac, 0, this.plan.neuronCount * 4),
    ]));
    return { state: new Float32Array(state), refrac: new Uint32Array(refrac) };
  }

  destroy(): void {
    for (const b of this.buffers.all) b.destroy();
  }
}

function defaultSpikeWorkgroups(gpu: Gpu): number {
  return gpu.info.architecture === 'software' || gpu.info.isFallbackAdapter ? 4 : 256;
}

/** Bitset rows (step x instance x words) to (step, instance, neuron) lists, in that order. */
export function decodeBits(words: Uint32Array, steps: number, batch: number, wordsPerRow: number, step0: number): [Uint32Array, Uint32Array, Uint32Array] {
  const s: number[] = [], b: number[] = [], n: number[] = [];
  for (let t = 0; t < steps; t++) {
    for (let inst = 0; inst < batch; inst++) {
      for (let w = 0; w < wordsPerRow; w++) {
        let x = words[(t * batch + inst) * wordsPerRow + w];
        while (x !== 0) {
          const bit = 31 - Math.clz32(x & -x);
          s.push(step0 + t); b.push(inst); n.push(w * 32 + bit);
          x &= x - 1;
        }
      }
    }
  }
  return [Uint32Array.from(s), Uint32Array.from(b), Uint32Array.from(n)];
}

interface ValidRecorders {
  weights: { name: string; plastic: number; index: number; every: number }[];
  modulators: { name: string; modulator: number; index: number; every: number }[];
  spikes: { name: string; pop: number; index: number }[];
  rates: { name: string; pop: number; index: number; every: number }[];
  state: { name: string; pop: number; index: number; variable: number; units: Uint32Array; every: number }[];
}

function validateRecorders(spec: SpikingSpec, plan: SpikingPlan): ValidRecorders {
  const list = (spec.record ?? []) as SpikingRecorderSpec[];
  if (!Array.isArray(list)) throw new SpecError('record', 'expected an array');
  if (list.length > 60) throw new SpecError('record', `at most 60 recorders, got ${list.length}`);
  const out: ValidRecorders = { weights: [], modulators: [], spikes: [], rates: [], state: [] };
  const names = new Set<string>();
  list.forEach((r, index) => {
    const f = `record[${index}]`;
    if (typeof r !== 'object' || r === null) throw new SpecError(f, 'expected an object');
    for (const k of Object.keys(r)) if (!['name', 'population', 'projection', 'modulator', 'what', 'units', 'every'].includes(k)) throw new SpecError(`${f}.${k}`, 'unknown field (allowed: name, population, projection, modulator, what, units, every)');
    if (typeof r.name !== 'string' || !r.name) throw new SpecError(`${f}.name`, 'expected a non-empty string');
    if (names.has(r.name)) throw new SpecError(`${f}.name`, `duplicate name "${r.name}"`);
    names.add(r.name);
    const every = r.every ?? 1;
    if (!Number.isInteger(every) || every < 1) throw new SpecError(`${f}.every`, 'must be an integer >= 1');
    if (r.what === 'weights' || r.what === 'modulator') {
      if (r.population !== undefined || r.units !== undefined) throw new SpecError(`${f}.${r.population !== undefined ? 'population' : 'units'}`, `not used when recording ${r.what === 'weights' ? 'weights (name the projection)' : 'a modulator (name it)'}`);
      if (r.what === 'weights') {
        const plastic = plan.plastic.findIndex((p) => p.name === r.projection);
        if (plastic < 0) throw new SpecError(`${f}.projection`, `no plastic projection named "${r.projection}"${plan.plastic.length ? ` (plastic: ${plan.plastic.map((p) => p.name).join(', ')})` : ''}`);
        out.weights.push({ name: r.name, plastic, index, every });
      } else {
        const modulator = plan.modulators.findIndex((m) => m.name === r.modulator);
        if (modulator < 0) throw new SpecError(`${f}.modulator`, `no modulator named "${r.modulator}"`);
        out.modulators.push({ name: r.name, modulator, index, every });
      }
      return;
    }
    if (r.projection !== undefined || r.modulator !== undefined) throw new SpecError(`${f}.${r.projection !== undefined ? 'projection' : 'modulator'}`, `only with what "weights" or "modulator"`);
    const pop = plan.pops.find((p) => p.name === r.population);
    if (!pop) throw new SpecError(`${f}.population`, `no population named "${r.population}"`);
    if (r.what === 'spikes') {
      if (out.spikes.some((s) => s.pop === pop.index)) throw new SpecError(`${f}.what`, `population "${pop.name}" already has a spike recorder`);
      out.spikes.push({ name: r.name, pop: pop.index, index });
      return;
    }
    if (r.what === 'rate') {
      out.rates.push({ name: r.name, pop: pop.index, index, every });
      return;
    }
    const variable = pop.model.stateNames.indexOf(r.what);
    if (variable < 0) throw new SpecError(`${f}.what`, `"spikes", "rate", "weights", "modulator" or a state variable of ${pop.model.name} (${pop.model.stateNames.join(', ')}), got "${r.what}"`);
    const units = r.units ?? Array.from({ length: pop.size }, (_, i) => i);
    units.forEach((u, k) => { if (!Number.isInteger(u) || u < 0 || u >= pop.size) throw new SpecError(`${f}.units[${k}]`, `must be an integer in [0, ${pop.size})`); });
    out.state.push({ name: r.name, pop: pop.index, index, variable, units: Uint32Array.from(units), every });
  });
  return out;
}
