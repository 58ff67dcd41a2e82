/**
 * CPU float32 twin of one plastic projection's kernels (shaders/spiking/plastic-trace, -pre, -post and
 * -eligibility, in that order), running its learning rule's JS twin (engine/models/rule.ts) on the same
 * lazy traces and eligibilities with the same operations: with rule code made of + - * and min/max the
 * weights are bit-identical to the GPU's.
 */
import { eligibilityNow } from '../plan/spiking-plasticity.ts';
import type { PlasticPlan, SpikingPlan } from '../plan/spiking.ts';

const F = Math.fround;

/** A plastic projection's state: weights then eligibilities (B x S each), and lazy traces. */
export interface PlasticTwin {
  plan: PlasticPlan;
  wel: Float32Array;
  /** Per trace word triple of the GPU (traceBase / 3 + b * N + neuron): value after the last spike, that step, value before it. */
  trVal: Float32Array;
  trLast: Uint32Array;
  trBefore: Float32Array;
  /** Step of each eligibility's last change. */
  eLast: Uint32Array;
  /** Per instance: the rule's parameters and derived values (float32) and dt. */
  rows: Record<string, number>[];
}

/** What the twin reads and writes of the rest of the network in a step. */
export interface PlasticContext {
  step: number;
  ring: Int32Array;
  state: Float32Array;
  /** Modulator q's value in instance b this step. */
  modulator(q: number, b: number): number;
}

export function plasticTwin(net: SpikingPlan, p: PlasticPlan): PlasticTwin {
  const B = net.batch, S = p.synapses;
  const wel = new Float32Array((p.threeFactor ? 2 : 1) * B * S);
  for (let b = 0; b < B; b++) wel.set(p.w0, b * S);
  const n = p.traceWords / 3;
  const names = [...p.rule.paramNames, ...p.rule.derivedNames];
  const rows = Array.from({ length: B }, (_, b) => {
    const row: Record<string, number> = Object.fromEntries(names.map((k, q) => [k, p.params[b * names.length + q]]));
    row.dt = F(net.dt);
    return row;
  });
  return { plan: p, wel, trVal: new Float32Array(n), trLast: new Uint32Array(n), trBefore: new Float32Array(n), eLast: new Uint32Array(p.threeFactor ? B * S : 0), rows };
}

/** Eligibilities now (B x S), as SpikingSimulation.readWeights(name, 'eligibility') gives them. */
export function twinEligibility(t: PlasticTwin, B: number, step: number): Float32Array {
  return eligibilityNow(t.wel.subarray(B * t.plan.synapses), t.eLast, t.plan.tableElig, step);
}

/** One step of the projection's plasticity, after every population's update; `spikes` are the step's. */
export function plasticStep(t: PlasticTwin, net: SpikingPlan, ctx: PlasticContext, spikes: readonly { pop: number; instance: number; neuron: number }[]): void {
  const { plan: p, wel, trVal, trLast, trBefore, eLast, rows } = t;
  const rule = p.rule, B = net.batch, S = p.synapses, n = ctx.step, post = p.post, pre = p.pre;
  const traceAt = (k: number, table: Float32Array) => {
    const age = n - trLast[k];
    return age < table.length ? F(trVal[k] * table[age]) : 0;
  };
  const eligAt = (wi: number) => {
    const age = n - eLast[wi];
    return age < p.tableElig.length ? F(wel[B * S + wi] * p.tableElig[age]) : 0;
  };
  const slot = (q: number, b: number, neuron: number) => p.traceBase[q] / 3 + b * (rule.traces[q].side === 'pre' ? pre.size : post.size) + neuron;
  // plastic-trace
  for (const sp of spikes) {
    for (const [side, pop] of [['pre', pre], ['post', post]] as const) {
      if (sp.pop !== pop.index) continue;
      rule.traces.forEach((tr, q) => {
        if (tr.side !== side) return;
        const k = slot(q, sp.instance, sp.neuron);
        const before = traceAt(k, p.traceTables[q]);
        trVal[k] = tr.js(before, rows[sp.instance]);
        trLast[k] = n;
        trBefore[k] = before;
      });
    }
  }
  const v: Record<string, number> = {};
  const M = (b: number) => (p.modulator >= 0 ? ctx.modulator(p.modulator, b) : 1);
  /** Names of one side: its traces (before this step's spike for the spiking side) and neuron state. */
  const load = (reads: Set<string>, side: 'pre' | 'post', own: boolean, b: number, neuron: number) => {
    rule.traces.forEach((tr, q) => {
      if (tr.side !== side || !reads.has(tr.name)) return;
      const k = slot(q, b, neuron);
      v[tr.name] = own ? trBefore[k] : traceAt(k, p.traceTables[q]);
    });
    const pop = side === 'pre' ? pre : post;
    for (const s of side === 'pre' ? rule.preState : rule.postState) {
      v[`${side}_${s}`] = ctx.state[pop.stateBase + (pop.model.stateNames.indexOf(s) * B + b) * pop.size + neuron];
    }
  };
  const run = (block: NonNullable<typeof rule.blocks.onPre>, wi: number, b: number) => {
    v.w = wel[wi];
    if (block.reads.has('e') || block.assigns.has('e')) v.e = eligAt(wi);
    block.js(v, rows[b]);
    if (block.assigns.has('w')) wel[wi] = v.w;
    if (block.assigns.has('e')) { wel[B * S + wi] = v.e; eLast[wi] = n; }
  };
  // plastic-pre: deliver the current weight (times the gain), then onPre.
  // The port's scale, or instance b's from the projection's weight slot (engine/plan/instance-weights.ts).
  const scales = Array.from({ length: B }, (_, b) => (p.slot ? net.inputTable[net.weightSlots[p.slot - 1].base + 1 + 2 * b] : F(2 ** p.scale)));
  const P = post.model.ports.length;
  const onPre = rule.blocks.onPre;
  for (const sp of spikes) {
    if (sp.pop !== pre.index) continue;
    const b = sp.instance, j = sp.neuron;
    const gain = p.gain >= 0 ? ctx.modulator(p.gain, b) : 1;
    v.M = M(b);
    if (onPre) load(onPre.reads, 'pre', true, b, j);
    for (let k = p.rowPtr[j]; k < p.rowPtr[j + 1]; k++) {
      const i = p.postIdx[k], wi = b * S + k;
      const r = post.ringBase + ((((n + p.delay[k]) % post.slots) * P + p.port) * B + b) * post.size + i;
      ctx.ring[r] = (ctx.ring[r] + (Math.floor(F(F(F(wel[wi] * gain) * scales[b]) + 0.5)) | 0)) | 0;
      if (!onPre) continue;
      load(onPre.reads, 'post', false, b, i);
      run(onPre, wi, b);
    }
  }
  // plastic-post
  const onPost = rule.blocks.onPost;
  if (onPost) {
    for (const sp of spikes) {
      if (sp.pop !== post.index) continue;
      const b = sp.instance, i = sp.neuron;
      v.M = M(b);
      load(onPost.reads, 'post', true, b, i);
      for (let k = p.colPtr[i]; k < p.colPtr[i + 1]; k++) {
        const syn = p.colSyn[k];
        load(onPost.reads, 'pre', false, b, p.preIdx[syn]);
        run(onPost, b * S + syn, b);
      }
    }
  }
  // plastic-eligibility: every instance, in steps where the modulator is not zero in some instance.
  const modulated = rule.blocks.modulated;
  if (modulated && Array.from({ length: B }, (_, b) => M(b)).some((m) => m !== 0)) {
    for (let b = 0; b < B; b++) {
      v.M = M(b);
      for (let s = 0; s < S; s++) run(modulated, b * S + s, b);
    }
  }
}
