/**
 * CPU float32 reference twin of the rate kernels (Math.fround after every operation), executing the
 * same NetworkPlan in the same step order (engine/run/rate-simulation.ts): modulators, then
 * synapse-dense / synapse-dense-tiled / synapse-dense-gemm / synapse-reduce / synapse-csr / synapse-dense-plastic
 * (y = gain * W r), rate-update (the unit update with inputs and Philox noise), plasticity and the
 * recorders. Sums run in index order; the GPU sums in tiles, so the two agree to rounding
 * (test/tolerances.ts), not bit for bit.
 */
import type { NetworkPlan, PopPlan, InputPlan } from '../plan/rate.ts';
import { initialRates } from '../plan/rate-units.ts';
import { unitTwin, type UnitTwin } from '../models/rate-unit.ts';
import { KEY_HI, normalFromBits, philox4x32 } from '../util/philox.ts';
import { fires, plannedRows, recorderInfos, type RecordSink, type RecorderInfo } from '../record/recorders.ts';
import type { RunOptions, RunTiming, Simulation } from '../simulation.ts';
import { hostModulatorValues, weightsForAll } from '../plan/host-values.ts';
import { NumericalError, SpecError } from '../errors.ts';
import type { RecorderSpec } from '../spec/rate.ts';
import { PlasticState } from './rate-plasticity.ts';
import { arraySlot, captureState, restoreState, RunTracker, type SimulationState, type StateOwner } from '../plan/state.ts';

const f = Math.fround;

function inputAt(plan: NetworkPlan, inp: InputPlan, size: number, b: number, i: number, step: number): number {
  let v = plan.instTable[b * plan.instK + inp.ampParam];
  if (inp.profileOffset >= 0) v = f(v * plan.unitTable[inp.profileOffset + i]);
  const t = inp.time;
  if (t.kind === 'pulse') v = step >= t.startStep && step < t.stopStep ? v : 0;
  if (t.kind === 'array') {
    const s = Math.min(Math.floor(step / t.everySteps), t.samples - 1);
    v = f(v * plan.inputData[t.dataOffset + (t.perUnit ? s * size + i : s)]);
  }
  return v;
}

export class ReferenceSimulation implements Simulation {
  readonly kind = 'rate';
  step = 0;
  state: Float32Array;
  rate: Float32Array;
  private next: Float32Array;
  private syn: Float32Array;
  /** Per-instance weights of plastic projections, eligibilities and modulators. */
  readonly plastic: PlasticState;
  /** The float32 twin of each population's unit (update and activation). */
  private readonly units: UnitTwin[];
  private readonly runs = new RunTracker();
  /** The first numerical fault (checked as the GPU checks it: engine/codegen/faults.ts); runs reject with it. */
  fault?: NumericalError;

  constructor(readonly plan: NetworkPlan, readonly record: RecorderSpec[] = [], private readonly detectFaults = true) {
    this.state = new Float32Array(plan.stateLength);
    for (const pop of plan.pops) {
      for (let b = 0; b < plan.batch; b++) this.state.set(pop.init, pop.base + b * pop.size);
    }
    this.rate = initialRates(plan);
    this.units = plan.pops.map((pop) => unitTwin(pop.unit, pop.tableBase, plan));
    this.next = new Float32Array(plan.stateLength);
    this.syn = new Float32Array(plan.stateLength);
    this.plastic = new PlasticState(plan);
  }

  get batch(): number { return this.plan.batch; }
  get dt(): number { return this.plan.dt; }
  get recorders(): RecorderInfo[] { return recorderInfos(this.plan, this.record); }

  /** A copy of a plastic projection's weights (B x post x pre), as the GPU's readWeights gives them. */
  weightsNow(projection: string): Float32Array {
    const w = this.plastic.weights.get(projection);
    if (!w) throw new Error(`no plastic projection named "${projection}"`);
    return w.slice();
  }

  async readWeights(projection: string): Promise<Float32Array> {
    return this.weightsNow(projection);
  }

  /** As Simulation.writeWeights: B x post x pre values, or one post x pre matrix for every instance. */
  writeWeights(projection: string, data: ArrayLike<number>): void {
    const w = this.plastic.weights.get(projection);
    if (!w) throw new SpecError(`writeWeights("${projection}")`, `no plastic projection named "${projection}"`);
    w.set(weightsForAll(projection, data, w.length / this.plan.batch, this.plan.batch, 'post x pre'));
  }

  /** As Simulation.setModulator (host modulators). */
  setModulator(name: string, values: number | ArrayLike<number>): void {
    const { index, values: v } = hostModulatorValues(this.plan.modulators, name, values, this.plan.batch);
    const slot = this.plan.modulators[index].index;
    for (let b = 0; b < this.plan.batch; b++) this.plastic.modulators[b * this.plan.modK + slot] = v[b];
  }

  /** The noise sample xi for unit g (the population's base + i) of instance b at `step` (as the GPU draws it). */
  noise(g: number, b: number, step: number): number {
    const bits = philox4x32(g, step, 0, 0, this.plan.seeds[b], KEY_HI);
    return normalFromBits(bits[0], bits[1]);
  }

  /** The unit's update and activation, with the external input and the noise sample as the kernel draws them. */
  private updateUnit(pop: PopPlan, b: number, i: number, rec: number): void {
    const { plan } = this;
    const n = pop.size;
    const g = pop.base + b * n + i;
    let ext = 0;
    if (pop.unit.reads.I_ext) for (const inp of pop.inputs) ext = f(ext + inputAt(plan, inp, n, b, i, this.step));
    const xi = pop.unit.reads.xi ? this.noise(pop.base + i, b, this.step) : 0;
    const unit = this.units[pop.index];
    const x = unit.update(this.state[g], rec, ext, xi, b, i);
    this.state[g] = x;
    const r = unit.activation(x, b, i);
    this.next[g] = r;
    // The first unit of the step in (population, instance, unit) order, its first variable (x, then r).
    if (this.detectFaults && !this.fault && !(Number.isFinite(x) && Number.isFinite(r))) {
      this.fault = new NumericalError(this.step, pop.name, Number.isFinite(x) ? 'r' : 'x', b, i);
    }
  }

  /** One step: modulators, every population, plasticity. */
  advance(): void {
    const { plan } = this;
    this.plastic.updateModulators(this.rate, this.step);
    for (const pop of plan.pops) {
      this.syn.fill(0, pop.base, pop.base + plan.batch * pop.size);
      for (const proj of pop.incoming) {
        const pre = proj.pre;
        const plastic = proj.plastic ? this.plastic.weights.get(proj.name)! : undefined;
        for (let b = 0; b < plan.batch; b++) {
          const gain = this.plastic.gain(proj, b);
          const r0 = pre.base + b * pre.size;
          const dense = plastic ? plastic.subarray(b * pop.size * pre.size) : proj.dense;
          for (let i = 0; i < pop.size; i++) {
            let acc = 0;
            if (dense) {
              const row = i * pre.size;
              for (let j = 0; j < pre.size; j++) acc = f(acc + f(dense[row + j] * this.rate[r0 + j]));
            } else {
              const { rowPtr, colIdx, values } = proj.csr!;
              for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) acc = f(acc + f(values[k] * this.rate[r0 + colIdx[k]]));
            }
            const g = pop.base + b * pop.size + i;
            this.syn[g] = f(this.syn[g] + f(gain * acc));
          }
        }
      }
      for (let b = 0; b < plan.batch; b++) {
        for (let i = 0; i < pop.size; i++) this.updateUnit(pop, b, i, this.syn[pop.base + b * pop.size + i]);
      }
    }
    for (const proj of plan.projections) if (proj.plastic) this.plastic.learn(proj, this.next, this.step);
    [this.rate, this.next] = [this.next, this.rate];
    this.step++;
  }

  /** Runs `steps` steps, delivering recorder rows to opts.sink as the GPU runtime does. */
  async run(steps: number, opts: RunOptions = {}): Promise<RunTiming> {
    return this.runs.run(() => this.runSteps(steps, opts));
  }

  /**
   * Its dynamic arrays: rates r(n), state x(n), modulators (values and running predictions), plastic
   * weights and rule state. `next` and `syn` are rewritten in full in every step before they are read.
   */
  private stateOwner(): StateOwner {
    const buffers = [arraySlot('rates', this.rate), arraySlot('state', this.state), arraySlot('modulators', this.plastic.modulators)];
    for (const [name, w] of this.plastic.weights) buffers.push(arraySlot(`plastic "${name}" weights`, w), arraySlot(`plastic "${name}" rule state`, this.plastic.eligibility.get(name)!));
    return { kind: 'rate', engine: 'reference', step: this.step, plan: this.plan, layout: () => ({ buffers, values: [] }), busy: this.runs.busy };
  }

  saveState(): Promise<SimulationState> {
    return captureState(this.stateOwner());
  }

  loadState(state: SimulationState): void {
    this.step = restoreState(state, this.stateOwner());
    this.fault = undefined;
  }

  private async runSteps(steps: number, opts: RunOptions): Promise<RunTiming> {
    const t0 = performance.now();
    if (this.fault) throw this.fault;
    const sink = opts.sink;
    const infos = recorderInfos(this.plan, this.record);
    for (const info of infos) await sink?.begin?.(info, plannedRows(info.every, this.step, steps));
    let s = 0;
    for (; s < steps && !opts.signal?.aborted && !this.fault; s++) {
      await this.recordStep(infos, sink);
      opts.onProgress?.(s + 1, steps);
    }
    for (const info of infos) await sink?.end?.(info);
    if (this.fault) throw this.fault;
    return { steps: s, wallSeconds: (performance.now() - t0) / 1000, ...(s < steps ? { interrupted: true } : {}) };
  }

  destroy(): void {}

  /** One step, then the rows of the recorders that fire after it. */
  private async recordStep(infos: RecorderInfo[], sink: RecordSink | undefined): Promise<void> {
    const n = this.step;
    this.advance();
    for (const info of infos) {
      if (sink && fires(info.every, n)) await sink.write(info, this.recorderRow(info), 1);
    }
  }

  /** The current row of a recorder: batch x width values. */
  private recorderRow(info: RecorderInfo): Float32Array {
    if (info.what === 'weights') return this.weightsNow(info.population);
    if (info.what === 'modulator') {
      const index = this.plan.modulators.findIndex((m) => m.name === info.population);
      return Float32Array.from({ length: info.batch }, (_, b) => this.plastic.modulator(b, index));
    }
    const pop = this.plan.pops.find((p) => p.name === info.population)!;
    const src = info.what === 'state' ? this.state : this.rate;
    const row = new Float32Array(info.batch * info.width);
    for (let b = 0; b < info.batch; b++) {
      let sum = 0;
      info.units.forEach((u, m) => {
        const v = src[pop.base + b * pop.size + u];
        if (info.reduce === 'mean') sum += v;
        else row[b * info.width + m] = v;
      });
      if (info.reduce === 'mean') row[b] = f(sum / info.units.length);
    }
    return row;
  }
}
