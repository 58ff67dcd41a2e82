/**
 * A network on the GPU: built once (buffers, pipelines, bind groups), then stepped in chunks of many
 * steps per submission. The host never waits on the GPU per step: it writes the chunk's step numbers
 * into the step buffer (one group-0 bind group per step slot), encodes every dispatch of the chunk in one
 * compute pass, copies the recorders' ring buffers to a staging buffer and moves on; readbacks complete
 * asynchronously, with a bounded number of chunks in flight.
 *
 * Dispatch order of step n (rates r(n) in rate_in, r(n+1) written to rate_out):
 *   1. modulators (only if a schedule or activity modulator exists): every modulator's value for step n
 *      into the modulator buffer; activity modulators read r(n), schedules the time course at step n;
 *      host modulators keep the value last written by setModulator().
 *   2. for each population in spec order, its incoming projections in spec order (the last one finishes
 *      the population's update in its epilogue) or rate-update: x(n+1), r(n+1) from r(n), with gains
 *      gain_b * modulator (gainModulator). Plastic projections read their per-instance weights W_b(n).
 *   3. plasticity, for each plastic projection in spec order: W_b(n+1) from r(n+1) and the modulators of
 *      step n (eligibility first for three-factor).
 *   4. recorders that fire after step n (rates/states r(n+1), x(n+1), weights W(n+1), modulators of step n).
 * The CPU twin (engine/reference/rate.ts) runs the same order.
 */
import { SpecError } from '../errors.ts';
import { acquireGpu, isSoftwareAdapter, type Gpu } from '../gpu/device.ts';
import { GROUP0, STEP_STRIDE } from '../gpu/layouts.ts';
import { PipelineCache } from '../gpu/pipelines.ts';
import { createBuffer, guardGpu, readBuffer, scoped, STORAGE, USAGE } from '../gpu/resources.ts';
import { hostModulatorValues, weightsForAll } from '../plan/host-values.ts';
import { compile, type NetworkPlan } from '../plan/rate.ts';
import type { RecorderInfo } from '../record/recorders.ts';
import type { RunOptions, RunTiming, Simulation } from '../simulation.ts';
import type { NetworkSpec } from '../spec/rate.ts';
import { validateSpec } from '../spec/validate-rate.ts';
import { runChunks, type ChunkRecorder, type Kernel, type RuntimeOptions, type StepProgram, type StepSlot } from './chunk-runner.ts';
import { chooseRatePath, rateFusedBlockers, type FusedMode, type RatePath } from '../plan/rate-path.ts';
import { rateFusedRuntimeBlockers, rateFusedSlot } from './rate-fused.ts';
import { countDispatches, type DispatchCount } from './dispatch-count.ts';
import { clearFault, laneIn, type FaultWords } from './faults.ts';
import type { KernelContext, KernelTuning, PlasticBuffers } from './rate-context.ts';
import { buildStepKernels } from './rate-kernels.ts';
import { rateRecorders } from './rate-recorders.ts';
import { initialRates } from '../plan/rate-units.ts';
import { captureState, restoreState, RunTracker, type SimulationState, type StateOwner } from '../plan/state.ts';
import { bufferSlot } from './state.ts';
import { RATE_FAULT_VARIABLES } from '../codegen/rate.ts';
import { faultWordCount } from '../codegen/faults.ts';
import { hostMemory } from '../util/host.ts';
import { checkFootprint } from './footprint.ts';
import { rateFootprint } from './rate-footprint.ts';

export type { KernelTuning };

/** Dense weights larger than maxBindingBytes are split into row blocks. */
export interface SimulationOptions extends RuntimeOptions {
  /** Kernel shapes (see KernelTuning); defaults suit large GPUs. */
  tuning?: KernelTuning;
  /**
   * The fused path (one dispatch per chunk, one workgroup per instance; engine/plan/rate-path.ts):
   * 'auto' (default) where it covers the network and the rule picks it, 'on' (a feature it does not
   * cover is a SpecError naming it) or 'off' (multi-dispatch).
   */
  fused?: FusedMode;
}

export class RateSimulation implements Simulation {
  readonly kind = 'rate';
  /** Global index of the next step to run. */
  step = 0;
  private destroyed = false;
  private readonly runs = new RunTracker();
  private readonly program: StepProgram;

  private constructor(
    readonly gpu: Gpu,
    readonly plan: NetworkPlan,
    readonly spec: NetworkSpec,
    private readonly kernels: Kernel[],
    private readonly chunkRecorders: ChunkRecorder[],
    steps: { slots: StepSlot[]; group0: (n: number, s: number) => GPUBindGroup },
    private readonly buffers: { rates: GPUBuffer[]; state: GPUBuffer; steps: GPUBuffer; modulators: GPUBuffer; all: GPUBuffer[] },
    private readonly plastic: Map<string, PlasticBuffers>,
    readonly chunkSteps: number,
    private readonly maxInFlight: number,
    readonly buildSeconds: number,
    faults: FaultWords | undefined,
    /** The path that runs the steps and why (fused or multi-dispatch). */
    readonly path: RatePath,
  ) {
    // The step program: its slots (rates ping-pong between the parity bind groups), then the recorders.
    this.program = { label: 'step kernels', stepBuffer: buffers.steps, group0: steps.group0, slots: steps.slots, recorders: chunkRecorders, faults };
  }

  get batch(): number { return this.plan.batch; }
  get dt(): number { return this.plan.dt; }
  /** What each recorder delivers, in spec order. */
  get recorders(): RecorderInfo[] { return this.chunkRecorders.map((r) => r.info!); }

  static async create(specInput: NetworkSpec | unknown, opts: SimulationOptions = {}): Promise<RateSimulation> {
    const t0 = performance.now();
    const spec = validateSpec(specInput);
    const gpu = await acquireGpu(opts);
    const { device } = gpu;
    const chunkSteps = Math.max(1, Math.floor(opts.chunkSteps ?? 256));
    // Everything the network will allocate, checked against the adapter and the host before the plan
    // materializes a weight (a SpecError names the structure, its size and the limit).
    const bindingLimit = Math.min(device.limits.maxStorageBufferBindingSize, opts.maxBindingBytes ?? Infinity);
    const footprint = rateFootprint(spec, { batch: opts.batch, chunkSteps, maxInFlight: opts.maxInFlight, bindingLimit, tuning: opts.tuning });
    checkFootprint(footprint, device.limits, isSoftwareAdapter(gpu.info), hostMemory());
    const plan = compile(spec, opts);
    const blockers = [...rateFusedBlockers(plan, spec.record ?? []), ...rateFusedRuntimeBlockers(plan, { bindingBytes: bindingLimit, workgroups: device.limits.maxComputeWorkgroupsPerDimension, workgroupBytes: device.limits.maxComputeWorkgroupStorageSize })];
    const path = chooseRatePath(opts.fused, plan, blockers, isSoftwareAdapter(gpu.info));
    const all: GPUBuffer[] = [];
    const cache = PipelineCache.of(device);
    const ctx: KernelContext = { device, plan, cache, group0: cache.layout(GROUP0, 'group0:network'), buffers: all, maxBindingBytes: opts.maxBindingBytes, tuning: opts.tuning, plastic: new Map(), detectFaults: opts.detectFaults ?? true };
    if (plan.batch > device.limits.maxComputeWorkgroupsPerDimension && plan.modulators.length > 0) {
      throw new SpecError('batch', `modulators run one workgroup per instance; this adapter allows ${device.limits.maxComputeWorkgroupsPerDimension}, got batch ${plan.batch}`);
    }
    return scoped(device, 'building the network', () => {
      const bytes = plan.stateLength * 4;
      const init = new Float32Array(plan.stateLength);
      for (const pop of plan.pops) for (let b = 0; b < plan.batch; b++) init.set(pop.init, pop.base + b * pop.size);
      const rate0 = initialRates(plan);
      const rates = [createBuffer(device, 'rates[0]', bytes, STORAGE, rate0), createBuffer(device, 'rates[1]', bytes, STORAGE, rate0)];
      const state = createBuffer(device, 'state', bytes, STORAGE, init);
      const syn = createBuffer(device, 'syn', bytes, STORAGE);
      const unitTable = createBuffer(device, 'unit_table', plan.unitTable.byteLength, STORAGE, plan.unitTable);
      const instTable = createBuffer(device, 'inst_table', plan.instTable.byteLength, STORAGE, plan.instTable);
      const seeds = createBuffer(device, 'seeds', plan.seeds.byteLength, STORAGE, plan.seeds);
      const inputData = createBuffer(device, 'input_data', plan.inputData.byteLength, STORAGE, plan.inputData);
      const steps = createBuffer(device, 'step_info', chunkSteps * STEP_STRIDE, USAGE.UNIFORM);
      // Values (B x modK), then the activity modulators' running predictions (B x modK, start at 0).
      const mod0 = new Float32Array(2 * plan.batch * plan.modK);
      for (const m of plan.modulators) if (m.kind === 'host') for (let b = 0; b < plan.batch; b++) mod0[b * plan.modK + m.index] = m.init[b];
      const modulators = createBuffer(device, 'modulators', mod0.byteLength, STORAGE, mod0);
      // The fault words (engine/codegen/faults.ts): x and r of every unit; bound (unused) when not checked.
      const fault = createBuffer(device, 'fault', 16, STORAGE);
      all.push(...rates, state, syn, unitTable, instTable, seeds, inputData, steps, modulators, fault);
      const bound = (parity: number) => [steps, rates[parity], rates[1 - parity], state, syn, unitTable, instTable, seeds, inputData, modulators, fault];
      const faults: FaultWords | undefined = ctx.detectFaults
        ? { buffer: fault, offset: 0, words: faultWordCount(RATE_FAULT_VARIABLES.length), lane: laneIn(plan.pops, (p) => p.base, plan.batch, () => RATE_FAULT_VARIABLES) }
        : undefined;
      let program: { slots: StepSlot[]; group0: (n: number, s: number) => GPUBindGroup };
      if (path.kind === 'fused') {
        const f = rateFusedSlot(ctx, bound(0));
        program = { slots: [f.slot], group0: (n) => f.group0[n % 2] };
      } else {
        const group0 = [0, 1].map((parity) => cache.stepGroups(`group0:network (step parity ${parity})`, ctx.group0, bound(parity), chunkSteps));
        program = { slots: buildStepKernels(ctx).map((kernel) => ({ kernel })), group0: (n, s) => group0[n % 2][s] };
      }
      const recorders = rateRecorders(ctx, spec.record ?? [], chunkSteps);
      return new RateSimulation(gpu, plan, spec, program.slots.map((s) => s.kernel), recorders, program, { rates, state, steps, modulators, all }, ctx.plastic, chunkSteps,
        opts.maxInFlight ?? 3, (performance.now() - t0) / 1000, faults, path);
    });
  }

  /** Dispatches per step and per chunk of its step program. */
  get dispatches(): DispatchCount {
    return countDispatches(this.program, this.chunkSteps);
  }

  /** Kernels of one step, for reports. */
  get kernelNames(): { label: string; name: string }[] {
    return this.kernels.map((k) => ({ label: k.label, name: k.name }));
  }

  private guard<T>(what: string, p: Promise<T>): Promise<T> {
    return guardGpu(this.gpu, what, p);
  }

  /** Runs `steps` steps from the current step; recorder rows go to opts.sink in order. */
  async run(steps: number, opts: RunOptions = {}): Promise<RunTiming> {
    if (this.destroyed) throw new Error('simulation destroyed');
    return this.runs.run(() => runChunks(this.gpu, this.program, this.step, steps, opts, {
      chunkSteps: this.chunkSteps, maxInFlight: this.maxInFlight, onSubmitted: (count) => { this.step += count; },
    }));
  }

  /**
   * Its dynamic buffers at step n: the rates r(n) (the buffer of parity n % 2), the state x(n), the
   * modulators (values, host ones as set, and the activity modulators' running predictions), and per
   * plastic projection its weights and rule state (eligibilities, post variables). Not saved, as every
   * step rewrites them in full before reading them: the other parity's rates, syn, split-K partial sums,
   * recorder rings and StepInfo. Static (rebuilt from the spec): weights of static projections, unit,
   * instance, input and rule parameter tables, seeds.
   */
  private stateOwner(): StateOwner {
    if (this.destroyed) throw new Error('simulation destroyed');
    const slot = (name: string, buffer: GPUBuffer) => bufferSlot(this.gpu, name, buffer);
    const plastic = [...this.plastic].flatMap(([name, p]) => [slot(`plastic "${name}" weights`, p.weights), slot(`plastic "${name}" rule state`, p.eligibility)]);
    return {
      kind: 'rate', engine: 'gpu', step: this.step, plan: this.plan, busy: this.runs.busy,
      layout: (step) => ({ buffers: [slot('rates', this.buffers.rates[step % 2]), slot('state', this.buffers.state), slot('modulators', this.buffers.modulators), ...plastic], values: [] }),
    };
  }

  saveState(): Promise<SimulationState> {
    return captureState(this.stateOwner());
  }

  loadState(state: SimulationState): void {
    this.step = restoreState(state, this.stateOwner());
    clearFault(this.gpu.device, this.program.faults);
  }

  /** Reads the current state x and rates r(x) of every population (outside the step loop). */
  async read(): Promise<{ state: Float32Array; rate: Float32Array }> {
    const { device } = this.gpu;
    const bytes = this.plan.stateLength * 4;
    const [state, rate] = await this.guard('reading the state', Promise.all([
      readBuffer(device, this.buffers.state, 0, bytes),
      readBuffer(device, this.buffers.rates[this.step % 2], 0, bytes),
    ]));
    return { state: new Float32Array(state), rate: new Float32Array(rate) };
  }

  private plasticBuffers(projection: string, what: string): PlasticBuffers {
    if (this.destroyed) throw new Error('simulation destroyed');
    const p = this.plastic.get(projection);
    if (!p) {
      const plastic = [...this.plastic.keys()];
      throw new SpecError(`${what}("${projection}")`, `no plastic projection named "${projection}" (plastic: ${plastic.length ? plastic.join(', ') : 'none'})`);
    }
    return p;
  }

  /** The current weights of a plastic projection: B x post x pre, row-major (instance, post, pre). */
  async readWeights(projection: string): Promise<Float32Array> {
    const p = this.plasticBuffers(projection, 'readWeights');
    const bytes = await this.guard(`reading the weights of "${projection}"`, readBuffer(this.gpu.device, p.weights, 0, p.length * 4));
    return new Float32Array(bytes);
  }

  /**
   * Replaces the weights of a plastic projection (from the next step on): B x post x pre values, or one
   * post x pre matrix for every instance. Eligibility traces are kept.
   */
  writeWeights(projection: string, data: ArrayLike<number>): void {
    const p = this.plasticBuffers(projection, 'writeWeights');
    const { post, pre } = p.proj;
    this.gpu.device.queue.writeBuffer(p.weights, 0, weightsForAll(projection, data, post.size * pre.size, this.plan.batch, `post ${post.size} x pre ${pre.size}`));
  }

  /**
   * Sets a host modulator (type 'host') for the following steps: one value per instance, or one number
   * for all. Takes effect in queue order, after the steps already submitted; no per-step round trip.
   */
  setModulator(name: string, values: number | ArrayLike<number>): void {
    if (this.destroyed) throw new Error('simulation destroyed');
    const { batch, modK } = this.plan;
    const { index, values: vals } = hostModulatorValues(this.plan.modulators, name, values, batch);
    const slot = this.plan.modulators[index].index;
    // One float per instance at stride modK: write the instances' slots one by one.
    for (let b = 0; b < batch; b++) this.gpu.device.queue.writeBuffer(this.buffers.modulators, (b * modK + slot) * 4, Float32Array.of(vals[b]));
  }

  /** Every modulator's current value (the one used by the last step; host modulators as last set): B x modulators. */
  async readModulators(): Promise<Float32Array> {
    const { batch, modK, modulators } = this.plan;
    const bytes = await this.guard('reading the modulators', readBuffer(this.gpu.device, this.buffers.modulators, 0, batch * modK * 4));
    const all = new Float32Array(bytes);
    const out = new Float32Array(batch * modulators.length);
    for (let b = 0; b < batch; b++) for (let k = 0; k < modulators.length; k++) out[b * modulators.length + k] = all[b * modK + k];
    return out;
  }

  /** Submits `count` steps without recording and waits for completion; for benchmarks. */
  async stepsToCompletion(count: number): Promise<void> {
    await this.run(count);
    await this.guard('waiting for the GPU', this.gpu.device.queue.onSubmittedWorkDone());
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const b of this.buffers.all) b.destroy();
  }
}
