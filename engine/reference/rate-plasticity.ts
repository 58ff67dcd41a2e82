/**
 * CPU float32 twins of the plasticity kernels (Math.fround after every operation), on the same
 * NetworkPlan: modulators (shaders/modulators.wgsl, with the same strided-then-tree summation order),
 * the learning rules (shaders/plasticity.wgsl: the rule's JS twin, engine/models/rate-rule.ts, in the
 * same order). The rule code keeps its products from FMA contraction, but the rates it reads agree only
 * to float32 rounding (test/tolerances.ts).
 */
import { MOD_WORDS, type NetworkPlan, type ProjPlan } from '../plan/rate.ts';

const f = Math.fround;
/** Threads of the modulators kernel's workgroup (its strided sum and tree). */
const MOD_THREADS = 256;

/** Per-instance state of the plastic projections and modulators, kept by the reference simulation. */
export class PlasticState {
  /** B x post x pre weights per plastic projection. */
  readonly weights = new Map<string, Float32Array>();
  readonly eligibility = new Map<string, Float32Array>();
  /** Values (B x modK), then the activity modulators' running predictions (B x modK). */
  readonly modulators: Float32Array;

  constructor(readonly plan: NetworkPlan) {
    for (const p of plan.projections) {
      if (!p.plastic) continue;
      const n = p.post.size * p.pre.size;
      const w = new Float32Array(plan.batch * n);
      for (let b = 0; b < plan.batch; b++) w.set(p.dense!, b * n);
      this.weights.set(p.name, w);
      this.eligibility.set(p.name, p.plastic.state.slice());
    }
    this.modulators = new Float32Array(2 * plan.batch * plan.modK);
    for (const m of plan.modulators) if (m.kind === 'host') for (let b = 0; b < plan.batch; b++) this.modulators[b * plan.modK + m.index] = m.init[b];
  }

  modulator(b: number, index: number): number {
    return this.modulators[b * this.plan.modK + index];
  }

  /** The modulators kernel: values for `step` from the rates at the start of the step. */
  updateModulators(rate: Float32Array, step: number): void {
    const { plan } = this;
    const { batch, modK } = plan;
    for (const m of plan.modulators) {
      const o = m.index * MOD_WORDS;
      for (let b = 0; b < batch; b++) {
        const slot = b * modK + m.index;
        if (m.kind === 'schedule') {
          const amp = plan.instTable[b * plan.instK + m.ampParam];
          const t = m.time;
          let v = amp;
          if (t.kind === 'pulse') v = f(amp * (step >= t.startStep && step < t.stopStep ? 1 : 0));
          if (t.kind === 'array') v = f(amp * plan.inputData[t.dataOffset + Math.min(Math.floor(step / t.everySteps), t.samples - 1)]);
          this.modulators[slot] = f(plan.instTable[b * plan.instK + m.baseParam] + v);
        } else if (m.kind === 'activity') {
          const n = m.pop.size;
          const partial = new Float32Array(MOD_THREADS);
          for (let lid = 0; lid < MOD_THREADS; lid++) {
            let acc = 0;
            for (let i = lid; i < n; i += MOD_THREADS) acc = f(acc + f(plan.unitTable[m.profileOffset + i] * rate[m.pop.base + b * n + i]));
            partial[lid] = acc;
          }
          for (let s = MOD_THREADS / 2; s > 0; s >>= 1) for (let lid = 0; lid < s; lid++) partial[lid] = f(partial[lid] + partial[lid + s]);
          const pred = this.modulators[batch * modK + slot];
          const d = f(partial[0] - pred);
          this.modulators[slot] = f(plan.modParams[o] + f(plan.modParams[o + 1] * d));
          this.modulators[batch * modK + slot] = f(pred + f(plan.modParams[o + 2] * d));
        }
      }
    }
  }

  /** gain_b times the projection's gain modulator (proj_gain in WGSL). */
  gain(proj: ProjPlan, b: number): number {
    const g = this.plan.instTable[b * this.plan.instK + proj.gainParam];
    return proj.gainModulator >= 0 ? f(g * this.modulator(b, proj.gainModulator)) : g;
  }

  /** The plasticity kernel of one projection, from the new rates: its rule's twin, in the kernel's order. */
  learn(proj: ProjPlan, rate: Float32Array, step: number): void {
    const { plan } = this;
    const rule = proj.plastic!, c = rule.compiled;
    const w = this.weights.get(proj.name)!, st = this.eligibility.get(proj.name)!;
    const post = proj.post, pre = proj.pre, B = plan.batch, parity = step % 2;
    const names = [...c.paramNames, ...c.derivedNames];
    const hasE = c.update.reads.has('e') || c.update.assigns.has('e');
    const v: Record<string, number> = {};
    for (let b = 0; b < B; b++) {
      const p: Record<string, number> = { dt: f(plan.dt) };
      names.forEach((n, k) => { p[n] = rule.params[b * names.length + k]; });
      v.M = rule.modulator >= 0 ? this.modulator(b, rule.modulator) : 1;
      for (let i = 0; i < post.size; i++) {
        const slot = (k: number, q: number) => rule.postBase[k] + q * B * post.size + b * post.size + i;
        v.r_post = rate[post.base + b * post.size + i];
        for (let j = 0; j < pre.size; j++) {
          const k = (b * post.size + i) * pre.size + j;
          c.post.forEach((x, q) => { v[x.name] = st[slot(q, parity)]; });
          v.r_pre = rate[pre.base + b * pre.size + j];
          v.w = w[k];
          if (hasE) v.e = st[k];
          c.update.js(v, p);
          if (c.update.assigns.has('e')) st[k] = v.e;
          let x = v.w;
          if (rule.wMin !== undefined) x = Math.max(x, rule.wMin);
          if (rule.wMax !== undefined) x = Math.min(x, rule.wMax);
          w[k] = x;
          if (j === 0 && c.postUpdate) {
            c.postUpdate.js(v, p);
            c.post.forEach((x, q) => { st[slot(q, 1 - parity)] = v[x.name]; });
          }
        }
      }
    }
  }
}
