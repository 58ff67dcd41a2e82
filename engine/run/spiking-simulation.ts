/**
 * A spiking network on the GPU. Per step: given spike trains, neuron-update for every model (spikes
 * appended to per-population lists and recorded as bitsets), the synapse dispatches (only spiking rows
 * touched), the plastic passes, then the recorders (engine/run/spiking-kernels.ts and
 * spiking-recorders.ts). Many steps per submission through the shared chunk runner; recordings are read
 * back asynchronously per chunk and delivered as spike lists (onSpikes) and rows (sink).
 */
import { SpecError } from '../errors.ts';
import { acquireGpu, isSoftwareAdapter, type Gpu } from '../gpu/device.ts';
import { SPIKING_GROUP0, STEP_STRIDE } from '../gpu/layouts.ts';
import { PipelineCache } from '../gpu/pipelines.ts';
import { createBuffer, guardGpu, readBuffer, scoped, scopedAsync, STORAGE, USAGE } from '../gpu/resources.ts';
import { compileSpiking } from '../plan/compile-spiking.ts';
import { hostModulatorValues, weightsForAll } from '../plan/host-values.ts';
import { eligibilityNow, modulatorValue } from '../plan/spiking-plasticity.ts';
import { validateRecorders } from '../plan/spiking-recorders.ts';
import type { SpikingPlan } from '../plan/spiking.ts';
import type { RecorderInfo } from '../record/recorders.ts';
import type { RunOptions, RunTiming, Simulation } from '../simulation.ts';
import type { SpikingSpec } from '../spec/spiking.ts';
import { runChunks, type RuntimeOptions, type StepProgram } from './chunk-runner.ts';
import { countDispatches, type DispatchCount } from './dispatch-count.ts';
import { spikingSlots, type BufferRegion, type Plastic, type SpikingChunk, type SpikingContext } from './spiking-kernels.ts';
import { spikeBitSlots, spikingRecorders } from './spiking-recorders.ts';
import { buildSynapses } from './synapse-build.ts';
import { captureState, restoreState, RunTracker, valueSlot, type SimulationState, type StateOwner } from '../plan/state.ts';
import { bufferSlot } from './state.ts';
import { spikingFaultBase } from '../codegen/spiking.ts';
import { faultWordCount } from '../codegen/faults.ts';
import { clearFault, laneIn, type FaultWords } from './faults.ts';
import { hostMemory } from '../util/host.ts';
import { checkFootprint } from './footprint.ts';
import { spikingFootprint } from './spiking-footprint.ts';
import { chooseSpikingPath, type FusedMode, type SpikingPath } from '../plan/spiking-path.ts';
import { fusedInvocations, fusedRuntimeBlockers, fusedSlot, fusedStates } from './spiking-fused.ts';


/** Stored synapse arrays larger than maxBindingBytes are split into parts of whole rows. */
export interface SpikingOptions extends RuntimeOptions {
  /**
   * Workgroups of each synapse-spike dispatch; each loops over the step's spikes. Default 256 on GPUs,
   * 4 on CPU adapters (lavapipe: 6.7 s per biological second of COBA with 4, 13.4 s with 256).
   */
  spikeWorkgroups?: number;
  /**
   * The fused path (one dispatch per chunk, one workgroup per instance; engine/plan/spiking-path.ts):
   * 'auto' (default) where it covers the network and the rule picks it, 'on' (a feature it does not
   * cover is a SpecError naming it) or 'off' (multi-dispatch).
   */
  fused?: FusedMode;
  /**
   * Invocations per workgroup of the fused kernel: a multiple of 32 up to the adapter's limit. Default
   * 32 on CPU adapters, 256 on GPUs (engine/codegen/spiking-fused.ts: fusedWorkgroup).
   */
  fusedWorkgroup?: number;
}

export class SpikingSimulation implements Simulation {
  readonly kind = 'spiking';
  step = 0;
  /** Values of host modulators (per modulator index, per instance), as last set by setModulator. */
  private readonly hostModulators: Float32Array[];
  private readonly runs = new RunTracker();

  private constructor(
    readonly gpu: Gpu,
    readonly plan: SpikingPlan,
    readonly spec: SpikingSpec,
    private readonly program: StepProgram<SpikingChunk>,
    private readonly plastic: Plastic[],
    private readonly buffers: { state: GPUBuffer; refrac: GPUBuffer; ring: GPUBuffer; all: GPUBuffer[] },
    readonly chunkSteps: number,
    private readonly maxInFlight: number,
    readonly buildSeconds: number,
    /** The path that runs the steps and why (fused or multi-dispatch). */
    readonly path: SpikingPath,
  ) {
    this.hostModulators = plan.modulators.map((m) => m.baseline.slice());
  }

  static async create(specInput: unknown, opts: SpikingOptions = {}): Promise<SpikingSimulation> {
    const t0 = performance.now();
    const gpu = await acquireGpu(opts);
    const { device } = gpu;
    const limit = device.limits.maxStorageBufferBindingSize;
    const chunkSteps = Math.max(1, Math.floor(opts.chunkSteps ?? 200));
    // Everything the network will allocate, checked against the adapter and the host before the plan
    // materializes a synapse (a SpecError names the structure, its size and the limit).
    const bindingLimit = Math.min(limit, opts.maxBindingBytes ?? Infinity);
    const footprint = spikingFootprint(specInput, { batch: opts.batch, chunkSteps, maxInFlight: opts.maxInFlight, bindingLimit, detectFaults: opts.detectFaults });
    if (footprint) checkFootprint(footprint, device.limits, isSoftwareAdapter(gpu.info), hostMemory());
    const { spec, plan } = compileSpiking(specInput, opts);
    const records = validateRecorders(spec, plan);
    const check = (field: string, bytes: number) => {
      if (bytes > limit) throw new SpecError(field, `needs a ${(bytes / 2 ** 20).toFixed(1)} MiB buffer; this adapter allows ${(limit / 2 ** 20).toFixed(1)} MiB per storage binding`);
    };
    check('populations (state)', plan.stateInit.byteLength);
    check('populations (input ring)', plan.ringLength * 4);
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
      const cache = PipelineCache.of(device);
      const ctx: SpikingContext = {
        gpu, plan, cache, group0: cache.layout(SPIKING_GROUP0, 'spiking group0'), buf, check, bindingLimit,
        spikeWorkgroups: opts.spikeWorkgroups ?? (isSoftwareAdapter(gpu.info) ? 4 : 256), detectFaults: opts.detectFaults ?? true,
      };
      const fusedWg = fusedInvocations(opts.fusedWorkgroup, ctx);
      const path = chooseSpikingPath(opts.fused, plan.pops.reduce((a, p) => a + p.size, 0), fusedRuntimeBlockers(ctx, built), isSoftwareAdapter(gpu.info));
      // Spike counts (two per population), then the fault words (engine/codegen/spiking.ts: spikingFaultBase), one set per instance when fused.
      const faultWords = ctx.detectFaults ? faultWordCount(Math.max(...plan.pops.map((p) => p.model.stateNames.length))) : 0;
      const groups = path.kind === 'fused' ? plan.batch : 1;
      const spikeCount = buf('spike_count', Math.max((spikingFaultBase(plan) + groups * faultWords) * 4, 16));
      const faults: FaultWords | undefined = faultWords ? {
        buffer: spikeCount, offset: spikingFaultBase(plan) * 4, words: faultWords, groups,
        lane: laneIn(plan.pops, (p) => p.neuronBase, plan.batch, (p) => p.model.stateNames),
      } : undefined;
      const stepBuffer = buf('step_info', chunkSteps * STEP_STRIDE, USAGE.UNIFORM);
      const state = buf('state', plan.stateInit);
      const refrac = buf('refrac', plan.neuronCount * 4);
      const ring = buf('ring', plan.ringLength * 4);
      const group0 = cache.stepGroups('spiking group0', ctx.group0, [stepBuffer, state, refrac, buf('params', plan.paramTable), ring,
        buf('spikes', plan.spikeListLength * 4), spikeCount, buf('seeds', plan.seeds), buf('inputs', plan.inputTable)], chunkSteps);
      const bits = spikeBitSlots(ctx, records, chunkSteps);
      const spikeBits = buf('spike_bits', Math.max(bits.words, 4) * 4);
      // The modulator table holds one row per step of a chunk (uploaded per chunk).
      const mods = buf('modulators', chunkSteps * plan.batch * Math.max(plan.modulators.length, 1) * 4);
      const states = path.kind === 'fused' ? fusedStates(ctx, records, chunkSteps) : undefined;
      const { slots, plastic } = states ? { slots: [fusedSlot(ctx, built, spikeBits, bits.slots, states, fusedWg)], plastic: [] } : spikingSlots(ctx, built, spikeBits, bits.slots, mods);
      const recorders = spikingRecorders(ctx, records, bits, spikeBits, plastic, chunkSteps, states);
      let sim: SpikingSimulation | undefined;
      const program: StepProgram<SpikingChunk> = {
        label: 'spiking step kernels', stepBuffer, group0: (_n, s) => group0[s], slots, recorders, faults,
        prepare: (n0, count) => {
          const modTable = sim!.modulatorTable(n0, count);
          if (plan.modulators.length) device.queue.writeBuffer(mods, 0, modTable);
          return { modTable };
        },
      };
      sim = new SpikingSimulation(gpu, plan, spec, program, plastic, { state, refrac, ring, all }, chunkSteps, opts.maxInFlight ?? 3, (performance.now() - t0) / 1000, path);
      return sim;
    });
  }

  get batch(): number { return this.plan.batch; }
  get dt(): number { return this.plan.dt; }
  /** What each row-recorder delivers: modulators, then state, rate and weights in dispatch order. */
  get recorders(): RecorderInfo[] { return this.program.recorders.flatMap((r) => (r.info ? [r.info] : [])); }

  /**
   * Sets a host modulator's value per instance (one number for all instances, or one each) for the steps
   * submitted after this call (as for rate networks); e.g. a reward prediction error computed between trials.
   */
  setModulator(name: string, values: number | ArrayLike<number>): void {
    const { index, values: v } = hostModulatorValues(this.plan.modulators, name, values, this.plan.batch);
    this.hostModulators[index] = v;
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
    const bytes = await this.guard(`reading the weights of "${projection}"`, readBuffer(this.gpu.device, p.wel.buffer, p.wel.offset + (what === 'weights' ? 0 : n * 4), n * 4));
    if (what === 'weights') return new Float32Array(bytes);
    // Lazy eligibilities: value after the last change x decay since then, as the kernels compute it.
    const steps = new Uint32Array(await this.guard(`reading the eligibilities of "${projection}"`, readBuffer(this.gpu.device, p.elast.buffer, p.elast.offset, n * 4)));
    return eligibilityNow(new Float32Array(bytes), steps, p.plan.tableElig, this.step);
  }

  /** Replaces the weights of a plastic projection: S values (every instance) or B x S. */
  writeWeights(projection: string, data: ArrayLike<number>): void {
    const p = this.plasticNamed(projection);
    this.gpu.device.queue.writeBuffer(p.wel.buffer, p.wel.offset, weightsForAll(projection, data, p.plan.synapses, this.plan.batch, `${p.plan.synapses} synapses`));
  }

  get kernelLabels(): string[] {
    return this.program.slots.map((s) => s.kernel.label);
  }

  /** Dispatches per step and per chunk of its step program. */
  get dispatches(): DispatchCount {
    return countDispatches(this.program, this.chunkSteps);
  }

  private guard<T>(what: string, p: Promise<T>): Promise<T> {
    return guardGpu(this.gpu, what, p);
  }

  /** Runs `steps` steps; spikes go to onSpikes, the other recordings to sink. */
  async run(steps: number, opts: RunOptions = {}): Promise<RunTiming> {
    return this.runs.run(() => runChunks(this.gpu, this.program, this.step, steps, opts, {
      chunkSteps: this.chunkSteps, maxInFlight: this.maxInFlight, onSubmitted: (count) => { this.step += count; },
    }));
  }

  /**
   * Its dynamic buffers (state variables, refractory counters, input rings; per plastic projection the
   * weights and eligibilities, lazy traces, and for a three-factor rule the eligibilities' last-change
   * steps) and host values (host modulators, partial spike counts of rate recorders). Not saved: the spike
   * lists and counts (between steps the next step's count is 0 in every simulation and nothing reads the
   * other parity again; the order of a list is that of atomic adds, not reproducible) and what is refilled
   * per chunk (modulator table, StepInfo, spike bitsets, recorder rings and counts). Static (rebuilt from
   * the spec): stored and procedural synapses (generated from the seeds; their order within a row may
   * differ, their int32 sums do not), plastic connectivity and constants, parameters, seeds, input tables,
   * given spike trains.
   */
  private stateOwner(): StateOwner {
    const slot = (name: string, buffer: GPUBuffer | BufferRegion) => bufferSlot(this.gpu, name, buffer);
    const { state, refrac, ring } = this.buffers;
    const buffers = [slot('state', state), slot('refrac', refrac), slot('ring', ring)];
    for (const p of this.plastic) {
      const name = `plastic "${p.plan.name}"`;
      buffers.push(slot(`${name} weights`, p.wel), slot(`${name} traces`, p.tr), ...(p.plan.threeFactor ? [slot(`${name} eligibility steps`, p.elast)] : []));
    }
    const values = [
      ...this.plan.modulators.flatMap((m, q) => (m.kind === 'host' ? [valueSlot(`modulator "${m.name}"`, this.hostModulators[q])] : [])),
      ...this.program.recorders.flatMap((r) => (r.carry ? [valueSlot(`recorder "${r.info!.name}" spike counts`, r.carry)] : [])),
    ];
    return { kind: 'spiking', engine: 'gpu', step: this.step, plan: this.plan, layout: () => ({ buffers, values }), busy: this.runs.busy };
  }

  saveState(): Promise<SimulationState> {
    return captureState(this.stateOwner());
  }

  loadState(state: SimulationState): void {
    this.step = restoreState(state, this.stateOwner());
    clearFault(this.gpu.device, this.program.faults);
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
