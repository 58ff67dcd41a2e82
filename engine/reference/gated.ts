/**
 * CPU float32 twin of shaders/gated-update.wgsl (Math.fround after every operation, sums in the
 * kernel's order): one step of a gated population from the rates r(n) into its state (c for LSTM, h
 * for GRU), its next rates h(n+1) and its gates' blocks of the state array.
 */
import type { PopPlan } from '../plan/rate.ts';

const f = Math.fround;
const sigmoid = (v: number) => f(1 / f(1 + f(Math.exp(-v))));
const tanhClamped = (v: number) => f(Math.tanh(Math.min(Math.max(v, -15), 15)));

/** Advances gated population `pop` of a batch of `batch` instances: reads rate (r(n)), writes state and next. */
export function gatedStep(pop: PopPlan, batch: number, rate: Float32Array, state: Float32Array, next: Float32Array): void {
  const gp = pop.gated!;
  const H = pop.size, G = gp.gates, w = gp.weights;
  const ih = new Float32Array(G), hh = new Float32Array(G);
  const putGate = (k: number, b: number, i: number, v: number) => { state[gp.gateBase + (k * batch + b) * H + i] = v; };
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < H; i++) {
      for (let k = 0; k < G; k++) {
        ih[k] = w[gp.biasIh + k * H + i];
        hh[k] = w[gp.biasHh + k * H + i];
        for (const p of gp.inputs) {
          const n = p.pre.size, row = p.offset + (k * H + i) * n, pre = p.pre.base + b * n;
          let acc = 0;
          for (let j = 0; j < n; j++) acc = f(acc + f(w[row + j] * rate[pre + j]));
          if (p.recurrent) hh[k] = f(hh[k] + acc);
          else ih[k] = f(ih[k] + acc);
        }
      }
      const g = pop.base + b * H + i;
      if (gp.kind === 'lstm') {
        const gates = [sigmoid(f(ih[0] + hh[0])), sigmoid(f(ih[1] + hh[1])), tanhClamped(f(ih[2] + hh[2])), sigmoid(f(ih[3] + hh[3]))];
        const [ig, fg, gg, og] = gates;
        const c = f(f(fg * state[g]) + f(ig * gg));
        state[g] = c;
        next[g] = f(og * tanhClamped(c));
        gates.forEach((v, k) => putGate(k, b, i, v));
      } else {
        const r = sigmoid(f(ih[0] + hh[0]));
        const z = sigmoid(f(ih[1] + hh[1]));
        const n = tanhClamped(f(ih[2] + f(r * hh[2])));
        const h = f(f(f(1 - z) * n) + f(z * rate[g]));
        state[g] = h;
        next[g] = h;
        [r, z, n].forEach((v, k) => putGate(k, b, i, v));
      }
    }
  }
}
