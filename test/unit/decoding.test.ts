/** Bayesian position decoding: the posterior against direct evaluation, and recovery of a known trajectory. */
import { describe, expect, it } from 'vitest';
import { decodePosterior, decodeWindow, pearson, placeFields } from '../../engine/analysis/decoding.ts';
import { PhiloxStream } from '../../engine/util/philox.ts';

/** Poisson spike times of a rate function on [0, T) by thinning (seeded). */
function poissonSpikes(rate: (t: number) => number, maxRate: number, T: number, rng: PhiloxStream): number[] {
  const out: number[] = [];
  for (let t = -Math.log(rng.uniform()) / maxRate; t < T; t += -Math.log(rng.uniform()) / maxRate) {
    if (rng.uniform() * maxRate < rate(t)) out.push(t);
  }
  return out;
}

describe('Bayesian decoder', () => {
  it('posterior equals the normalized Poisson likelihood', () => {
    const fields = { centres: Float64Array.from([0.5, 1.5, 2.5]), rates: Float64Array.from([10, 1, 0.5, 2, 8, 3]), neurons: 2, bins: 3 };
    const n = [2, 1], tau = 0.02;
    const lik = [0, 1, 2].map((k) => {
      let p = 1;
      for (let i = 0; i < 2; i++) {
        const f = fields.rates[i * 3 + k];
        p *= (f * tau) ** n[i] * Math.exp(-f * tau);
      }
      return p;
    });
    const z = lik.reduce((a, b) => a + b, 0);
    const post = decodePosterior(fields, n, tau);
    lik.forEach((l, k) => expect(post[k]).toBeCloseTo(l / z, 12));
  });

  it('recovers a trajectory from Poisson place-cell spikes', () => {
    const L = 100, N = 60, v = 20;  // track cm, cells, cm/s
    const rng = new PhiloxStream(7, 0, 0, 0);
    const pos = (t: number) => (v * t) % L;
    const field = (i: number, x: number) => 0.5 + 25 * Math.exp(-((x - ((i + 0.5) * L) / N) ** 2) / (2 * 6 ** 2));
    const times: number[] = [], neurons: number[] = [];
    for (let i = 0; i < N; i++) for (const t of poissonSpikes((t) => field(i, pos(t)), 26, 15, rng)) { times.push(t); neurons.push(i); }
    const f = placeFields(times, neurons, N, pos, L, 50, 0, 10, 0.001);
    // The peak of each estimated field is near its true centre.
    for (const i of [5, 30, 55]) {
      let best = 0;
      for (let k = 1; k < 50; k++) if (f.rates[i * 50 + k] > f.rates[i * 50 + best]) best = k;
      expect(Math.abs(f.centres[best] - ((i + 0.5) * L) / N)).toBeLessThan(5);
    }
    // Decode the held-out lap [10, 15): decoded positions follow the true ones.
    const d = decodeWindow(f, times, neurons, 10, 14.9, 0.25);
    expect(d.times.length).toBeGreaterThan(15);
    const errors = d.times.map((t, k) => Math.abs(d.positions[k] - pos(t)));
    errors.sort((a, b) => a - b);
    expect(errors[Math.floor(errors.length / 2)]).toBeLessThan(5);
    expect(pearson(d.times, d.positions)).toBeGreaterThan(0.9);
  });

  it('pearson', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson([1], [1])).toBeNaN();
  });
});
