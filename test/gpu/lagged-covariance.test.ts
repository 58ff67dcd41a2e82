/**
 * The lagged cross-covariance kernel against its float32 twin (same time chunks, same order) and against
 * the float64 definition, on seeded random activity whose sizes are not multiples of the 16 x 16 tile;
 * several time chunks; the same result on every run.
 */
import { describe, expect, it } from 'vitest';
import { seededUniform } from '../../engine/analysis/random.ts';
import { asymmetryIndex, centred, laggedCovariance } from '../../engine/analysis/xcov.ts';
import { laggedProductsF32 } from '../../engine/reference/lagged-covariance.ts';
import { laggedCovarianceGpu } from '../../engine/run/lagged-covariance.ts';
import { gpu, maxRelDiff } from '../gpu-helpers.ts';

function activity(T: number, N: number, seed: number): Float64Array {
  const u = seededUniform(seed);
  const x = new Float64Array(T * N);
  // Poisson-like counts with a planted lag-2 dependence of unit k+1 on unit k.
  for (let t = 0; t < T; t++) for (let i = 0; i < N; i++) x[t * N + i] = (u() < 0.2 ? 1 : 0) + (t >= 2 && i > 0 ? 0.5 * x[(t - 2) * N + i - 1] : 0);
  return x;
}

describe('lagged-covariance kernel', () => {
  it('equals its float32 twin over several time chunks, and the float64 definition to float32 rounding', async () => {
    const g = await gpu();
    const T = 300, N = 37, L = 5, chunkRows = 64;
    const x = activity(T, N, 1);
    const r = await laggedCovarianceGpu(g, x, T, N, { maxLag: L, chunkRows });
    expect(r.chunks).toBe(5);
    // The twin's products, normalised like the host does.
    const twin = laggedProductsF32(centred(x, T, N, false, new Float32Array(T * N)), T, N, L, chunkRows);
    const gpuProducts = new Float32Array((L + 1) * N * N), twinScaled = new Float32Array((L + 1) * N * N);
    for (let lag = 0; lag <= L; lag++) {
      for (let k = 0; k < N * N; k++) {
        gpuProducts[lag * N * N + k] = r.cov!.c[(L + lag) * N * N + k] * (T - lag);
        twinScaled[lag * N * N + k] = twin[lag * N * N + k];
      }
    }
    expect(maxRelDiff(gpuProducts, twinScaled)).toBeLessThan(2e-5);
    const exact = laggedCovariance(x, T, N, { maxLag: L });
    expect(maxRelDiff(Float32Array.from(r.cov!.c), Float32Array.from(exact.c))).toBeLessThan(1e-5);
    expect(maxRelDiff(Float32Array.from(r.asymmetry), Float32Array.from(asymmetryIndex(exact)))).toBeLessThan(1e-5);
    // The planted dependence: unit 0 leads unit 1 at lag 2.
    expect(r.cov!.c[((L + 2) * N + 0) * N + 1]).toBeGreaterThan(4 * Math.abs(r.cov!.c[((L - 2) * N + 0) * N + 1]));
  });

  it('gives the same bits on every run, with and without the full lag array, and normalises to correlations', async () => {
    const g = await gpu();
    const T = 200, N = 20, L = 3;
    const x = activity(T, N, 2);
    const a = await laggedCovarianceGpu(g, x, T, N, { maxLag: L, output: 'asymmetry' });
    const b = await laggedCovarianceGpu(g, x, T, N, { maxLag: L });
    expect(a.cov).toBeUndefined();
    expect(Array.from(a.asymmetry)).toEqual(Array.from(b.asymmetry));
    const n = await laggedCovarianceGpu(g, x, T, N, { maxLag: L, normalize: true });
    for (let i = 0; i < N; i++) expect(n.cov!.c[(L * N + i) * N + i]).toBeCloseTo(1, 5);
  });

  it('refuses bad lags and sizes with the field named', async () => {
    const g = await gpu();
    await expect(laggedCovarianceGpu(g, new Float64Array(10), 10, 1, { maxLag: 10 })).rejects.toThrow(/maxLag/);
    await expect(laggedCovarianceGpu(g, new Float64Array(9), 10, 1, { maxLag: 1 })).rejects.toThrow(/activity/);
  });
});
