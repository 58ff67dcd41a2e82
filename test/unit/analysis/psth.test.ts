/** PSTH: exact counts, smoothing mass and edges, the bootstrap band's coverage and width. */
import { describe, expect, it } from 'vitest';
import { alignSpikes, binCount, psth, quantile, smoothRate } from '../../../engine/analysis/psth.ts';
import { seededUniform } from '../../../engine/analysis/random.ts';

describe('psth', () => {
  it('aligns spikes on events and counts them exactly', () => {
    const times = [0.05, 0.98, 1.02, 1.05, 1.5, 2.99, 3.01, 3.3];
    const trials = alignSpikes(times, [1, 3], [-0.1, 0.2]);
    expect(trials.map((t) => [...t].map((x) => +x.toFixed(6)))).toEqual([[-0.02, 0.02, 0.05], [-0.01, 0.01]]);
    const p = psth(trials, { window: [-0.1, 0.2], binWidth: 0.05 });
    // Counts per bin over 2 trials: [-0.05, 0): 2; [0, 0.05): 2; [0.05, 0.1): 1.
    expect([...p.rate].map((r) => +r.toFixed(9))).toEqual([0, 20, 20, 10, 0, 0]);
    expect([...p.centers].map((c) => +c.toFixed(9))).toEqual([-0.075, -0.025, 0.025, 0.075, 0.125, 0.175]);
    expect(() => binCount([0, 1], 0.3)).toThrow(/whole number of bins/);
  });

  it('smooths with unit mass, without bias at the edges', () => {
    const flat = new Float64Array(50).fill(7);
    for (const shape of ['gaussian', 'boxcar'] as const) smoothRate(flat, 0.01, { shape, width: 0.05 }).forEach((v) => expect(v).toBeCloseTo(7, 12));
    const delta = new Float64Array(101);
    delta[50] = 1;
    const g = smoothRate(delta, 1, { shape: 'gaussian', width: 4 });
    // A delta becomes the normalised Gaussian of sd 4 bins (sampled, truncated at 4 sd).
    const norm = Array.from({ length: 33 }, (_, j) => Math.exp(-0.5 * ((j - 16) / 4) ** 2)).reduce((a, b) => a + b, 0);
    expect(g[50]).toBeCloseTo(1 / norm, 12);
    expect(g[54] / g[50]).toBeCloseTo(Math.exp(-0.5), 12);
    expect(g.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('estimates an inhomogeneous Poisson rate, with a bootstrap band that covers it and narrows as 1/sqrt(trials)', () => {
    const rate = (t: number) => 20 + 15 * Math.sin(2 * Math.PI * t); // Hz, t in [0, 1)
    const simulate = (n: number, seed: number) => {
      const u = seededUniform(seed);
      return Array.from({ length: n }, () => {
        // Thinning of a 35 Hz homogeneous process.
        const out: number[] = [];
        for (let t = -Math.log(1 - u()) / 35; t < 1; t += -Math.log(1 - u()) / 35) if (u() < rate(t) / 35) out.push(t);
        return Float64Array.from(out);
      });
    };
    const opts = { window: [0, 1] as [number, number], binWidth: 0.05, bootstrap: 400, seed: 9 };
    const p = psth(simulate(200, 4), opts);
    let covered = 0;
    p.centers.forEach((c, k) => {
      const truth = (rate(c - 0.025) + 4 * rate(c) + rate(c + 0.025)) / 6; // bin mean (Simpson)
      if (p.lower![k] <= truth && truth <= p.upper![k]) covered++;
      expect(p.lower![k]).toBeLessThanOrEqual(p.rate[k]);
      expect(p.upper![k]).toBeGreaterThanOrEqual(p.rate[k]);
    });
    expect(covered).toBeGreaterThanOrEqual(16); // of 20 bins; nominal 95 %
    const wide = psth(simulate(50, 5), opts);
    const width = (q: typeof p) => q.upper!.reduce((a, v, k) => a + v - q.lower![k], 0) / q.rate.length;
    expect(width(wide) / width(p)).toBeGreaterThan(1.6); // sqrt(4) = 2, with sampling noise
    expect(width(wide) / width(p)).toBeLessThan(2.5);
    // Same seed, same band.
    expect([...psth(simulate(200, 4), opts).upper!]).toEqual([...p.upper!]);
  });

  it('takes quantiles as numpy does (linear, type 7)', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([5], 0.9)).toBe(5);
  });
});
