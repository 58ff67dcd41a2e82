/**
 * Two-exponential fit (variable projection): exact recovery from noiseless samples, the sign constraint,
 * and the time constants of a known two-exponential spike-history filter recovered from spikes simulated
 * by that GLM (profile likelihood of the slow term, short lags free on raised cosines).
 */
import { describe, expect, it } from 'vitest';
import { fitTwoExponentials } from '../../../engine/analysis/exponentials.ts';
import { type GlmTrial } from '../../../engine/analysis/glm.ts';
import { exponentialTrace, fitHistoryTau } from '../../../engine/analysis/history-tau.ts';
import { poissonSample, seededUniform } from '../../../engine/analysis/random.ts';

const lagsFrom = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => a + k);

describe('fitTwoExponentials', () => {
  it('recovers amplitudes and time constants of noiseless samples', () => {
    const x = lagsFrom(3, 600);
    const y = x.map((l) => -3 * Math.exp(-l / 7) - 0.8 * Math.exp(-l / 120));
    const f = fitTwoExponentials(x, y);
    expect(f.t1).toBeCloseTo(7, 4);
    expect(f.t2).toBeCloseTo(120, 3);
    expect(f.c1).toBeCloseTo(-3, 4);
    expect(f.c2).toBeCloseTo(-0.8, 5);
    expect(f.sse).toBeLessThan(1e-12);
  });

  it('keeps both amplitudes of the given sign (a single exponential when the free optimum mixes signs)', () => {
    const x = lagsFrom(1, 300);
    const y = x.map((l) => -2 * Math.exp(-l / 10) + 0.5 * Math.exp(-l / 80));
    const free = fitTwoExponentials(x, y);
    expect(free.c2).toBeCloseTo(0.5, 4);
    const neg = fitTwoExponentials(x, y, { sign: -1 });
    expect(neg.c1).toBeLessThanOrEqual(0);
    expect(neg.c2).toBeLessThanOrEqual(0);
    expect(neg.sse).toBeGreaterThan(free.sse);
  });

  it('rejects too few samples', () => {
    expect(() => fitTwoExponentials([1, 2, 3], [1, 2, 3])).toThrow(/at least 4/);
  });
});

describe('fitHistoryTau', () => {
  it('recovers the slow time constant of a GLM history filter -a1 e^(-l/t1) - a2 e^(-l/t2) from simulated spikes', () => {
    const [a1, t1, a2, t2] = [20, 10, 2.5, 144];
    const L = 5 * t2, T = 2000;
    const h = Float64Array.from({ length: L }, (_, r) => -a1 * Math.exp(-(r + 1) / t1) - a2 * Math.exp(-(r + 1) / t2));
    const u = seededUniform(3);
    const trials: GlmTrial[] = Array.from({ length: 120 }, () => {
      const y = new Float64Array(T), drive = new Float64Array(T + L);
      for (let t = 0; t < T; t++) {
        y[t] = poissonSample(Math.exp(-3 + drive[t]), u);
        if (y[t]) for (let r = 0; r < L; r++) drive[t + 1 + r] += y[t] * h[r];
      }
      return { counts: y };
    });
    const f = fitHistoryTau(trials, { short: { n: 6, firstPeak: 1, lastPeak: 25, stretch: 2 }, minTau: 30, maxTau: 1000, relTolerance: 0.01 });
    expect(Math.abs(f.tau - t2) / t2).toBeLessThan(0.1);
    expect(Math.abs(f.amplitude - a2) / a2).toBeLessThan(0.15);
    // The profile peaks inside the interval: its ends are worse.
    const ends = f.profile.filter(([tau]) => tau < 0.7 * t2 || tau > 1.4 * t2);
    for (const [, obj] of ends) expect(obj).toBeLessThan(f.objective);
  }, 60_000);

  it('is the exponential trace of past spikes', () => {
    const x = exponentialTrace([1, 0, 2, 0, 0], 2);
    const d = Math.exp(-1 / 2);
    expect(Array.from(x)).toEqual([0, d, d * d, d * (d * d + 2), d * d * (d * d + 2)].map((v, k) => expect.closeTo(v, 12)));
  });
});
