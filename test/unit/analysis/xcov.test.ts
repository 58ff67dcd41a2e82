/** Lagged cross-covariance: closed forms, symmetry, and recovery of a planted sequence's order. */
import { describe, expect, it } from 'vitest';
import { asymmetryIndex, laggedCovariance, ranks, sequenceOrder, spearman } from '../../../engine/analysis/xcov.ts';
import { seededUniform } from '../../../engine/analysis/random.ts';

describe('lagged cross-covariance', () => {
  it('equals the direct sum for a delayed copy, with C_ij(-tau) = C_ji(tau)', () => {
    const T = 400, u = seededUniform(2);
    const a = Float64Array.from({ length: T }, () => u());
    // Unit 1 is unit 0 delayed by 3 bins.
    const x = new Float64Array(T * 2);
    for (let t = 0; t < T; t++) { x[t * 2] = a[t]; x[t * 2 + 1] = t >= 3 ? a[t - 3] : 0.5; }
    const cov = laggedCovariance(x, T, 2, { maxLag: 5 });
    const m0 = a.reduce((s, v) => s + v, 0) / T;
    let m1 = 0;
    for (let t = 0; t < T; t++) m1 += x[t * 2 + 1] / T;
    for (let l = 0; l < cov.lags.length; l++) {
      const tau = cov.lags[l];
      let direct = 0, n = 0;
      for (let t = 0; t < T; t++) {
        if (t + tau < 0 || t + tau >= T) continue;
        direct += (x[t * 2] - m0) * (x[(t + tau) * 2 + 1] - m1);
        n++;
      }
      expect(cov.c[(l * 2 + 0) * 2 + 1]).toBeCloseTo(direct / n, 12);
      const mirror = cov.lags.length - 1 - l;
      expect(cov.c[(mirror * 2 + 1) * 2 + 0]).toBeCloseTo(cov.c[(l * 2 + 0) * 2 + 1], 14);
    }
    // The peak is at tau = +3 (0 leads 1) and A_01 > 0, A antisymmetric.
    const peak = cov.lags[[...cov.lags.keys()].reduce((b, l) => (cov.c[l * 4 + 1] > cov.c[b * 4 + 1] ? l : b), 0)];
    expect(peak).toBe(3);
    const A = asymmetryIndex(cov);
    expect(A[1]).toBeGreaterThan(0);
    expect(A[2]).toBeCloseTo(-A[1], 14);
    expect(A[0]).toBe(0);
    const norm = laggedCovariance(x, T, 2, { maxLag: 5, normalize: true });
    expect(norm.c[(5 * 2 + 0) * 2 + 0]).toBeCloseTo(1, 12); // C_00(0) = 1 as a correlation
  });

  it('recovers the order of a noisy sequence (Spearman 1 on a clean chain)', () => {
    const N = 20, T = 3000, u = seededUniform(11);
    const order = Array.from({ length: N }, (_, i) => i).sort(() => u() - 0.5); // order[k]: the unit k-th in the sequence
    const x = new Float64Array(T * N);
    for (let start = 0; start < T - 3 * N; start += 3 * N + Math.floor(u() * 20)) {
      order.forEach((unit, k) => { x[(start + 2 * k) * N + unit] += 1; });
    }
    for (let k = 0; k < x.length; k++) if (u() < 0.02) x[k] += 1; // background spikes
    const { order: found } = sequenceOrder(asymmetryIndex(laggedCovariance(x, T, N, { maxLag: 6 })), N);
    const position = new Float64Array(N);
    found.forEach((unit, k) => { position[unit] = k; });
    const truth = new Float64Array(N);
    order.forEach((unit, k) => { truth[unit] = k; });
    expect(spearman(position, truth)).toBeGreaterThan(0.99);
  });

  it('ranks with ties averaged; Spearman of a monotone map is 1', () => {
    expect([...ranks([10, 20, 20, 5])]).toEqual([2, 3.5, 3.5, 1]);
    expect(spearman([1, 2, 3, 4, 5], [1, 4, 9, 16, 100])).toBeCloseTo(1, 14);
    expect(spearman([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 14);
  });
});
