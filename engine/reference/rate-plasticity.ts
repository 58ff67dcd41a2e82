/**
 * CPU float32 twins of the plasticity kernels (Math.fround after every operation), on the same
 * NetworkPlan: modulators (shaders/modulators.wgsl, with the same strided-then-tree summation order),
 * the learning rules (shaders/plasticity.wgsl, the same operation order). The GPU may contract a
 * multiply-add into an FMA, so the two agree to float32 rounding (test/tolerances.ts).
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
      this.eligibility.set(p.name, new Float32Array(p.plastic.rule === 'three-factor' ? plan.batch * n + (p.plastic.centerPost ? 2 * plan.batch * p.post.size : 0) : 0));
    }
    this.modulators = new Float32Array(2 * plan.batch * plan.modK);
    for (const m of plan.modulators) if (m.kind === 'host') for (let b = 0; b < plan.batch; b++) this.modulators[b * plan.modK + m.index] = m.init;
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
          this.modulators[slot] = f(plan.modParams[o] + v);
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

  /** The plasticity kernel of one projection, from the new rates. */
  learn(proj: ProjPlan, rate: Float32Array, step: number): void {
    const { plan } = this;
    const rule = proj.plastic!;
    const w = this.weights.get(proj.name)!, e = this.eligibility.get(proj.name)!;
    const [dt, decay, eDecay, wMin, wMax, kMean] = rule.params;
    const means = plan.batch * proj.post.size * proj.pre.size, parity = step % 2;
    const post = proj.post, pre = proj.pre;
    for (let b = 0; b < plan.batch; b++) {
      let a = plan.instTable[b * plan.instK + rule.etaParam];
      if (rule.modulator >= 0) a = f(a * this.modulator(b, rule.modulator));
      for (let i = 0; i < post.size; i++) {
        const ri = rate[post.base + b * post.size + i];
        let ci = ri;
        if (rule.centerPost) {
          const mean = e[means + parity * plan.batch * post.size + b * post.size + i];
          ci = f(ri - mean);
          e[means + (1 - parity) * plan.batch * post.size + b * post.size + i] = f(mean + f(kMean * ci));
        }
        for (let j = 0; j < pre.size; j++) {
          const k = (b * post.size + i) * pre.size + j;
          const rj = rate[pre.base + b * pre.size + j];
          let x = w[k];
          if (rule.rule === 'hebbian') x = f(x + f(dt * f(f(a * f(ri * rj)) - f(decay * x))));
          else if (rule.rule === 'oja') x = f(x + f(dt * f(a * f(ri * f(rj - f(ri * x))))));
          else {
            e[k] = f(f(eDecay * e[k]) + f(dt * f(ci * rj)));
            x = f(x + f(dt * f(a * e[k])));
          }
          if (rule.hasWMin) x = Math.max(x, wMin);
          if (rule.hasWMax) x = Math.min(x, wMax);
          w[k] = x;
        }
      }
    }
  }
}
