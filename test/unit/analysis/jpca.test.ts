/** jPCA: pure rotation (ratio ~1, frequency and direction recovered), symmetric dynamics (ratio ~0). */
import { describe, expect, it } from 'vitest';
import { jpca } from '../../../engine/analysis/jpca.ts';
import { seededUniform } from '../../../engine/analysis/random.ts';

/** C conditions of T steps of x(t+1) = P x(t) in 4 latent dimensions, embedded in N units by a random orthonormal-ish map. */
function simulate(P: number[][], starts: number[][], T: number, N: number, seed: number, noise = 0): Float64Array[] {
  const u = seededUniform(seed);
  const embed = Array.from({ length: 4 }, () => Array.from({ length: N }, () => u() - 0.5));
  return starts.map((x0) => {
    const out = new Float64Array(T * N);
    let x = x0.slice();
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < N; i++) out[t * N + i] = x.reduce((s, v, d) => s + v * embed[d][i], 0) + noise * (u() - 0.5);
      x = P.map((row) => row.reduce((s, v, d) => s + v * x[d], 0));
    }
    return out;
  });
}

describe('jpca', () => {
  const dt = 0.01, w1 = 2 * Math.PI * 2, w2 = 2 * Math.PI * 0.5; // 2 Hz and 0.5 Hz rotations
  const rot = (w: number) => [[Math.cos(w * dt), -Math.sin(w * dt)], [Math.sin(w * dt), Math.cos(w * dt)]];
  const block = (a: number[][], b: number[][]) => [[...a[0], 0, 0], [...a[1], 0, 0], [0, 0, ...b[0]], [0, 0, ...b[1]]];
  const starts = Array.from({ length: 8 }, (_, c) => {
    const a = (2 * Math.PI * c) / 8;
    return [Math.cos(a), Math.sin(a), 0.6 * Math.cos(3 * a + 1), 0.6 * Math.sin(3 * a + 1)];
  });

  it('finds the rotation planes, their frequencies and direction when the dynamics are rotations', () => {
    const data = simulate(block(rot(w1), rot(w2)), starts, 60, 12, 1);
    const r = jpca(data, 60, 12, { k: 4, softNorm: null, dt });
    expect(r.r2Full).toBeGreaterThan(0.999);
    expect(r.r2Ratio).toBeGreaterThan(0.95);
    // Forward differences of an exact rotation by w dt give sin(w dt) / dt.
    expect(r.planes[0].omega).toBeCloseTo(Math.sin(w1 * dt) / dt, 0);
    expect(r.planes[1].omega).toBeCloseTo(Math.sin(w2 * dt) / dt, 0);
    expect(r.planes[0].frequency).toBeCloseTo(2, 1);
    // mSkew is skew-symmetric; the trajectories turn counter-clockwise in the first plane.
    for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) expect(r.mSkew[a * 4 + b]).toBeCloseTo(-r.mSkew[b * 4 + a], 14);
    for (const p of r.projections) {
      const cross = p[0] * p[3] - p[1] * p[2]; // x(0) x x(1): positive for counter-clockwise
      expect(cross).toBeGreaterThan(0);
    }
    const axes = r.planes[0].axes;
    expect(axes[0].reduce((s, v, i) => s + v * axes[1][i], 0)).toBeCloseTo(0, 12);
  });

  it('gives a skew-symmetric fit near zero for decaying symmetric dynamics (the control)', () => {
    // x(t+1) = (I + dt S) x with S symmetric (not diagonal in the latent axes), negative definite.
    const S = [[-3, 1, 0.5, 0], [1, -4, 0, 0.3], [0.5, 0, -6, 1], [0, 0.3, 1, -2]];
    const P = S.map((row, i) => row.map((v, j) => (i === j ? 1 : 0) + dt * v));
    const r = jpca(simulate(P, starts, 60, 12, 2, 1e-4), 60, 12, { k: 4, softNorm: null, dt });
    expect(r.r2Full).toBeGreaterThan(0.9);
    expect(r.r2Ratio).toBeLessThan(0.3);
  });

  it('is unchanged by a condition-independent component and a unit rescaling with soft normalisation off', () => {
    const data = simulate(block(rot(w1), rot(w2)), starts, 40, 10, 3);
    const base = jpca(data, 40, 10, { k: 4, softNorm: null, dt });
    const shifted = data.map((d) => d.map((v, i) => v + Math.sin(Math.floor(i / 10) * 0.2) * (1 + (i % 10))));
    const r = jpca(shifted, 40, 10, { k: 4, softNorm: null, dt });
    expect(r.r2Ratio).toBeCloseTo(base.r2Ratio, 8);
    expect(r.planes[0].omega).toBeCloseTo(base.planes[0].omega, 8);
    expect(() => jpca(data, 40, 10, { k: 3 })).toThrow(/even integer/);
  });
});

describe('principalAxes', () => {
  it('gives the same axes and variance shares from the Gram matrix (fewer rows than units) as from the covariance', async () => {
    const { principalAxes } = await import('../../../engine/analysis/jpca.ts');
    const u = seededUniform(5);
    const rows = 12, N = 30, k = 4;
    const x = Float64Array.from({ length: rows * N }, (_, i) => (u() - 0.5) * (1 + (i % N) / 10));
    for (let j = 0; j < N; j++) { let m = 0; for (let r = 0; r < rows; r++) m += x[r * N + j] / rows; for (let r = 0; r < rows; r++) x[r * N + j] -= m; }
    const gram = principalAxes(x, rows, N, k);
    // The covariance route on the same data, padded with zero rows (rows >= N: no Gram).
    const padded = new Float64Array(N * N);
    padded.set(x);
    const cov = principalAxes(padded, N, N, k);
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let i = 0; i < N; i++) dot += gram.pcs[i * k + j] * cov.pcs[i * k + j];
      expect(Math.abs(dot)).toBeCloseTo(1, 9);
      expect(gram.varianceExplained[j]).toBeCloseTo(cov.varianceExplained[j], 12);
    }
  });
});
