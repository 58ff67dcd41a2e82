/**
 * CPU float32 twin of the spiking kernels (neuron-update, synapse-spike), executing a SpikingPlan:
 * the model code's JS twin, the int32 input ring (wrapping adds, as atomicAdd on the GPU), Poisson counts
 * by inversion with Philox uniforms, refractory counters. With model code made of + - * and comparisons
 * its spike trains are bit-identical to the GPU's.
 */
import { KEY_HI, mulhi32, philox4x32, uniform23, z3FromBits } from '../util/philox.ts';
import { STREAM_POISSON, STREAM_PROCEDURAL, type ProceduralPlan, type SpikeSourcePlan, type SpikingPlan, type SpikingPopPlan, type SpikingProjPlan } from '../plan/spiking.ts';
import { generateSynapses } from './synapse-build.ts';
import { sortByPre } from '../plan/synapses.ts';
import type { ModelEnv } from '../models/neuron.ts';
import { validateRecorders, type ValidRecorders } from '../plan/spiking-recorders.ts';
import { fires, plannedRows, type RecorderInfo } from '../record/recorders.ts';
import { binRateHz, spikingRecorderInfos } from '../record/spiking-recorders.ts';
import type { RunOptions, RunTiming, Simulation } from '../simulation.ts';
import { hostModulatorValues, weightsForAll } from '../plan/host-values.ts';
import type { SpikingSpec } from '../spec/spiking.ts';
import { modulatorValue } from '../plan/spiking-plasticity.ts';
import { plasticStep, plasticTwin, twinEligibility, type PlasticTwin } from './spiking-plasticity.ts';
import { arraySlot, captureState, restoreState, RunTracker, valueSlot, type SimulationState, type StateOwner } from '../plan/state.ts';
import { NumericalError } from '../errors.ts';
import { slotDelivery } from '../plan/instance-weights.ts';

const F = Math.fround;

/** int32 fixed-point sum to float32 exactly as the GPU converts it: (f32(hi) * 4096 + f32(lo)) / 2^S. */
export function fromFixed(v: number, scale: number): number {
  const hi = v >> 12, lo = v & 4095;
  return F(F(F(hi * 4096) + lo) * F(2 ** -scale));
}

/**
 * Poisson count of mean lambda drawn as `chunks` counts with P(0) = L = e^{-lambda / chunks} each:
 * multiply Philox uniforms until the product is <= L, then start the next chunk's product at 1 with the
 * next uniform (as poisson_count in shaders/neuron-update.wgsl).
 */
export function poissonCount(L: number, chunks: number, i: number, step: number, pop: number, input: number, seed: number): number {
  let k = 0, p = 1, left = chunks;
  for (let call = 0; call < 4096; call++) {
    const bits = philox4x32(i, step, 0, (STREAM_POISSON | (pop << 16) | (call << 4) | input) >>> 0, seed, KEY_HI);
    for (let q = 0; q < 4; q++) {
      p = F(p * uniform23(bits[q]));
      if (p > L) k++;
      else if (--left === 0) return k;
      else p = 1;
    }
  }
  return k;
}

export interface Spike {
  step: number;
  pop: number;
  instance: number;
  neuron: number;
}

export class SpikingReference implements Simulation {
  readonly kind = 'spiking';
  step = 0;
  readonly state: Float32Array;
  readonly refrac: Int32Array;
  readonly ring: Int32Array;
  private readonly params: Record<string, number>[][];
  /** Per plastic projection: weights then eligibilities (B x S each), and lazy traces (engine/reference/spiking-plasticity.ts). */
  readonly plastic: PlasticTwin[];
  /** Host modulators' values per instance (setModulator). */
  private readonly hostModulators: Float32Array[];
  /** Generated projections (built on the GPU there), as CSR over presynaptic neurons. */
  private readonly generated: Pick<SpikingProjPlan, 'pre' | 'post' | 'port' | 'rowPtr' | 'postIdx' | 'wq' | 'delay' | 'slot'>[];

  /** Recorders of the spec this twin runs (none without a spec): run() delivers them as the GPU does. */
  private readonly records: ValidRecorders;
  /** Spike counts of each rate recorder since its last row, per instance (kept across runs, as on the GPU). */
  private readonly rateCounts: Float64Array[];
  private readonly runs = new RunTracker();

  /** The first numerical fault (checked as the GPU checks it: engine/codegen/faults.ts); runs reject with it. */
  fault?: NumericalError;

  constructor(readonly plan: SpikingPlan, spec?: SpikingSpec, private readonly detectFaults = true) {
    this.records = spec ? validateRecorders(spec, plan) : { weights: [], modulators: [], spikes: [], rates: [], state: [] };
    this.rateCounts = this.records.rates.map(() => new Float64Array(plan.batch));
    this.state = plan.stateInit.slice();
    this.refrac = new Int32Array(plan.neuronCount);
    this.ring = new Int32Array(plan.ringLength);
    this.generated = plan.generated.map((g) => {
      const s = generateSynapses(g);
      const { rowPtr, order } = sortByPre(s.pre, g.pre.size);
      return {
        pre: g.pre, post: g.post, port: g.port, rowPtr, slot: g.slot,
        postIdx: order.map((q) => s.post[q]), wq: Int32Array.from(order, (q) => s.wq[q]), delay: order.map((q) => s.delay[q]),
      };
    });
    this.plastic = plan.plastic.map((p) => plasticTwin(plan, p));
    this.hostModulators = plan.modulators.map((m) => m.baseline.slice());
    this.params = plan.pops.map((pop) => Array.from({ length: plan.batch }, (_, b) => {
      const row = plan.paramTable.subarray(pop.paramBase + b * pop.paramCount, pop.paramBase + (b + 1) * pop.paramCount);
      const names = [...pop.model.paramNames, ...pop.model.derivedNames, '__ref_steps'];
      return Object.fromEntries(names.map((n, k) => [n, row[k]]));
    }));
  }

  private updatePop(pop: SpikingPopPlan, spikes: Spike[]): void {
    const { plan } = this;
    const B = plan.batch, N = pop.size, m = pop.model;
    const slot = this.step % pop.slots;
    const s: Record<string, number> = {};
    const env: ModelEnv = { inp: {}, I_ext: 0, refractory: false, dt: F(plan.dt) };
    for (let b = 0; b < B; b++) {
      const p = this.params[pop.index][b];
      for (let i = 0; i < N; i++) {
        m.stateNames.forEach((name, v) => { s[name] = this.state[pop.stateBase + (v * B + b) * N + i]; });
        m.ports.forEach((port, q) => {
          const r = pop.ringBase + ((slot * m.ports.length + q) * B + b) * N + i;
          env.inp[port] = fromFixed(this.ring[r], pop.instanceScales[q]?.exps[b] ?? pop.scales[q]);
          this.ring[r] = 0;
        });
        pop.poisson.forEach((src, k) => {
          const at = src.tableBase + b * N + i;
          const n = poissonCount(plan.inputTable[at], plan.inputTable[at + B * N], i, this.step, pop.index, k, plan.seeds[b]);
          if (n > 0) env.inp[m.ports[src.port]] = F(env.inp[m.ports[src.port]] + F(n * plan.inputTable[src.tableBase + 2 * B * N + b]));
        });
        const g = pop.neuronBase + b * N + i;
        env.I_ext = pop.hasDc ? plan.inputTable[g] : 0;
        env.refractory = this.refrac[g] > 0;
        m.js.update(s, p, env);
        if (!env.refractory && m.js.threshold(s, p, env)) {
          m.js.reset(s, p, env);
          this.refrac[g] = p.__ref_steps;
          spikes.push({ step: this.step, pop: pop.index, instance: b, neuron: i });
        } else if (env.refractory) {
          this.refrac[g]--;
        }
        m.stateNames.forEach((name, v) => { this.state[pop.stateBase + (v * B + b) * N + i] = s[name]; });
        // The first neuron of the step in (population, instance, neuron) order, its first variable.
        const bad = this.detectFaults && !this.fault ? m.stateNames.find((name) => !Number.isFinite(s[name])) : undefined;
        if (bad) this.fault = new NumericalError(this.step, pop.name, bad, b, i);
      }
    }
  }

  /** One step; returns its spikes in (population, instance, neuron) order. */
  advance(): Spike[] {
    const spikes: Spike[] = [];
    for (const src of this.plan.sources) this.deliverSource(src);
    for (const pop of this.plan.pops) this.updatePop(pop, spikes);
    for (const proj of [...this.plan.projections, ...this.generated]) {
      const post = proj.post, B = this.plan.batch, P = post.model.ports.length;
      const ws = proj.slot ? this.plan.weightSlots[proj.slot - 1] : undefined;
      for (const sp of spikes) {
        if (sp.pop !== proj.pre.index) continue;
        for (let k = proj.rowPtr[sp.neuron]; k < proj.rowPtr[sp.neuron + 1]; k++) {
          const slot = (this.step + proj.delay[k]) % post.slots;
          const r = post.ringBase + ((slot * P + proj.port) * B + sp.instance) * post.size + proj.postIdx[k];
          this.ring[r] = (this.ring[r] + (ws ? slotDelivery(this.plan.inputTable, ws, sp.instance, proj.wq[k]) : proj.wq[k])) | 0;
        }
      }
    }
    for (const proj of this.plan.procedural) this.propagateProcedural(proj, spikes);
    const ctx = { step: this.step, ring: this.ring, state: this.state, modulator: (q: number, b: number) => this.modulator(q, b) };
    for (const p of this.plastic) plasticStep(p, this.plan, ctx, spikes);
    this.step++;
    return spikes;
  }

  /** Current eligibilities (three-factor) of plastic projection k, B x S, as readWeights(name, 'eligibility'). */
  eligibility(k: number): Float32Array {
    return twinEligibility(this.plastic[k], this.plan.batch, this.step);
  }

  setModulator(name: string, values: number | ArrayLike<number>): void {
    const { index, values: v } = hostModulatorValues(this.plan.modulators, name, values, this.plan.batch);
    this.hostModulators[index] = v;
  }

  /** Modulator q's value in instance b at the current step. */
  private modulator(q: number, b: number): number {
    return modulatorValue(this.plan.modulators[q], b, this.step, this.hostModulators[q]);
  }

  /** Given spike trains: this step's events into the current ring slot (as spike-source). */
  private deliverSource(src: SpikeSourcePlan): void {
    if (this.step + 1 >= src.stepPtr.length) return;
    const pop = src.pop, B = this.plan.batch, P = pop.model.ports.length, slot = this.step % pop.slots;
    const ws = src.slot ? this.plan.weightSlots[src.slot - 1] : undefined;
    for (let e = src.stepPtr[this.step]; e < src.stepPtr[this.step + 1]; e++) {
      for (let b = 0; b < B; b++) {
        const r = pop.ringBase + ((slot * P + src.port) * B + b) * pop.size + src.neurons[e];
        this.ring[r] = (this.ring[r] + (ws ? slotDelivery(this.plan.inputTable, ws, b, 0) : src.wq)) | 0;
      }
    }
  }

  /** Regenerates the synapses of each spiking neuron of a procedural projection (as synapse-procedural). */
  private propagateProcedural(p: ProceduralPlan, spikes: Spike[]): void {
    const post = p.post, B = this.plan.batch, P = post.model.ports.length;
    const stream = (STREAM_PROCEDURAL | p.index) >>> 0;
    // A per-instance weight slot holds each instance's scale and weight mean (engine/plan/instance-weights.ts).
    const table = this.plan.inputTable, ws = p.slot ? this.plan.weightSlots[p.slot - 1].base : -1;
    for (const sp of spikes) {
      if (sp.pop !== p.pre.index) continue;
      // A connectivity seed per instance: the instance's own rows and Philox key.
      const row = p.seeds ? sp.instance * (p.pre.size + 1) + sp.neuron : sp.neuron, seed = p.seeds ? p.seeds[sp.instance] : p.seed;
      const scale = ws < 0 ? F(2 ** post.scales[p.port]) : table[ws + 1 + 2 * sp.instance];
      const wMean = ws < 0 ? p.wMean : table[ws + 2 + 2 * sp.instance];
      for (let k = p.rowPtr[row]; k < p.rowPtr[row + 1]; k++) {
        const r = philox4x32(k, 0, 0, stream, seed, KEY_HI);
        const target = mulhi32(r[0], post.size);
        let w = F(wMean + F(p.wSd * z3FromBits(r)));
        if (p.sign === 1) w = Math.max(w, 0);
        if (p.sign === 2) w = Math.min(w, 0);
        const wq = Math.floor(F(F(w * scale) + 0.5)) | 0;
        const r2 = philox4x32(k, 1, 0, stream, seed, KEY_HI);
        const d = Math.max(Math.floor(F(F(p.dMean + F(p.dSd * z3FromBits(r2))) + 0.5)), 1);
        const slot = (this.step + d) % post.slots;
        const idx = post.ringBase + ((slot * P + p.port) * B + sp.instance) * post.size + target;
        this.ring[idx] = (this.ring[idx] + wq) | 0;
      }
    }
  }

  /** State variable `name` of population `pop`, instance b, neuron i. */
  value(pop: number, name: string, b: number, i: number): number {
    const p = this.plan.pops[pop];
    const v = p.model.stateNames.indexOf(name);
    return this.state[p.stateBase + (v * this.plan.batch + b) * p.size + i];
  }

  get batch(): number { return this.plan.batch; }
  get dt(): number { return this.plan.dt; }

  private plasticNamed(name: string): SpikingReference['plastic'][number] {
    const p = this.plastic.find((x) => x.plan.name === name);
    if (!p) throw new Error(`no plastic projection named "${name}"`);
    return p;
  }

  /** Weights of a plastic projection, B x S (as the GPU's readWeights). */
  async readWeights(projection: string): Promise<Float32Array> {
    const p = this.plasticNamed(projection);
    return p.wel.slice(0, this.plan.batch * p.plan.synapses);
  }

  /** S values (every instance) or B x S. */
  writeWeights(projection: string, data: ArrayLike<number>): void {
    const p = this.plasticNamed(projection);
    p.wel.set(weightsForAll(projection, data, p.plan.synapses, this.plan.batch, `${p.plan.synapses} synapses`));
  }

  /** What each row-recorder delivers, in the GPU simulation's order (modulators, state, rate, weights). */
  get recorders(): RecorderInfo[] {
    const i = spikingRecorderInfos(this.plan, this.records);
    return [...i.modulators, ...i.state, ...i.rates, ...i.weights];
  }

  /** Runs `steps` steps; spikes go to onSpikes (once per run, in step order) and the other recordings to sink. */
  async run(steps: number, opts: RunOptions = {}): Promise<RunTiming> {
    return this.runs.run(() => this.runSteps(steps, opts));
  }

  /**
   * Its dynamic arrays (state variables, refractory counters, input rings; per plastic projection the
   * weights and eligibilities, lazy traces, and for a three-factor rule the eligibilities' last-change
   * steps) and host values (host modulators, partial spike counts of rate recorders). Not saved: a
   * step's spike list (it lives in advance()) and a trace's value before the last spike (read only in
   * the step that sets it).
   */
  private stateOwner(): StateOwner {
    const buffers = [arraySlot('state', this.state), arraySlot('refrac', this.refrac), arraySlot('ring', this.ring)];
    for (const t of this.plastic) {
      const p = `plastic "${t.plan.name}"`;
      buffers.push(arraySlot(`${p} weights`, t.wel), arraySlot(`${p} trace values`, t.trVal), arraySlot(`${p} trace steps`, t.trLast));
      if (t.plan.threeFactor) buffers.push(arraySlot(`${p} eligibility steps`, t.eLast));
    }
    const values = [
      ...this.plan.modulators.flatMap((m, q) => (m.kind === 'host' ? [valueSlot(`modulator "${m.name}"`, this.hostModulators[q])] : [])),
      ...this.records.rates.map((r, q) => valueSlot(`recorder "${r.name}" spike counts`, this.rateCounts[q])),
    ];
    return { kind: 'spiking', engine: 'reference', step: this.step, plan: this.plan, layout: () => ({ buffers, values }), busy: this.runs.busy };
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
    const { plan, records } = this, B = plan.batch;
    const infos = this.recorders;
    const { sink } = opts;
    for (const i of infos) await sink?.begin?.(i, plannedRows(i.every, this.step, steps));
    const lists = records.spikes.map(() => ({ s: [] as number[], b: [] as number[], n: [] as number[] }));
    const acc = this.rateCounts;
    const at = (name: string) => infos.find((i) => i.name === name)!;
    let k = 0;
    for (; k < steps && !opts.signal?.aborted && !this.fault; k++) {
      const n = this.step;
      const mods = records.modulators.map((r) => Float32Array.from({ length: B }, (_, b) => this.modulator(r.modulator, b)));
      const spikes = this.advance();
      records.spikes.forEach((r, q) => {
        for (const sp of spikes) if (sp.pop === r.pop) { lists[q].s.push(sp.step); lists[q].b.push(sp.instance); lists[q].n.push(sp.neuron); }
      });
      for (const r of records.state) {
        if (!fires(r.every, n)) continue;
        const name = plan.pops[r.pop].model.stateNames[r.variable];
        await sink?.write(at(r.name), Float32Array.from({ length: B * r.units.length }, (_, j) => this.value(r.pop, name, Math.floor(j / r.units.length), r.units[j % r.units.length])), 1);
      }
      for (const [q, r] of records.rates.entries()) {
        for (const sp of spikes) if (sp.pop === r.pop) acc[q][sp.instance]++;
        if (!fires(r.every, n)) continue;
        await sink?.write(at(r.name), binRateHz(acc[q], plan.pops[r.pop].size, r.every, plan.dt), 1);
        acc[q].fill(0);
      }
      for (const r of records.weights) if (fires(r.every, n)) await sink?.write(at(r.name), this.plastic[r.plastic].wel.slice(0, B * plan.plastic[r.plastic].synapses), 1);
      for (const [q, r] of records.modulators.entries()) if (fires(r.every, n)) await sink?.write(at(r.name), mods[q], 1);
      opts.onProgress?.(k + 1, steps);
    }
    for (const [q, r] of records.spikes.entries()) await opts.onSpikes?.(r.name, Uint32Array.from(lists[q].s), Uint32Array.from(lists[q].b), Uint32Array.from(lists[q].n));
    for (const i of infos) await sink?.end?.(i);
    if (this.fault) throw this.fault;
    return { steps: k, wallSeconds: (performance.now() - t0) / 1000, ...(k < steps ? { interrupted: true } : {}) };
  }

  destroy(): void {}
}
