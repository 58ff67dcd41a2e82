/**
 * rotational-dynamics: the constructed networks have the structure claimed (skew planes at the given
 * couplings; a symmetric control with the given decays, in the same subspace), and jPCA of the run finds
 * rotation in one (>= 70 % of the unconstrained fit) and none in the other (< 30 %).
 */
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../engine/analysis/linalg.ts';
import { ROTATION_DEFAULTS, rotationWeights } from '../../scenarios/rotational-dynamics.ts';
import { expectFiles, runPassing } from './helpers.ts';

describe('rotational-dynamics scenario', () => {
  it('builds a skew-symmetric rotation (plus s I) and a symmetric control with decays s - sigma j / 5', () => {
    const p = ROTATION_DEFAULTS, n = p.N;
    const { rotation, control, patterns } = rotationWeights(p, 1);
    // W - s I is skew-symmetric for the rotation, symmetric for the control.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const d = i === j ? p.self : 0;
        expect(rotation[i * n + j] - d).toBeCloseTo(-(rotation[j * n + i] - d), 12);
        expect(control[i * n + j]).toBeCloseTo(control[j * n + i], 12);
      }
    }
    // The control's spectrum: s (n - 5 times) and s - sigma j / 5, j = 1..5.
    const values = Array.from(symmetricEigen(control, n).values);
    const expected = [...Array(n - 5).fill(p.self), ...[1, 2, 3, 4, 5].map((j) => p.self - (p.sigma * j) / 5)].sort((a, b) => b - a);
    values.forEach((v, k) => expect(v).toBeCloseTo(expected[k], 9));
    // The rotation's squared skew part has eigenvalues omega_m^2 (each twice) and zeros.
    const S = rotation.map((v, q) => v - (q % (n + 1) === 0 ? p.self : 0));
    const sts = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let s = 0; for (let k = 0; k < n; k++) s += S[k * n + i] * S[k * n + j]; sts[i * n + j] = s; }
    const w2 = Array.from(symmetricEigen(sts, n).values).slice(0, 6);
    [1, 1, 0.5625, 0.5625, 0.25, 0.25].forEach((f, k) => expect(w2[k]).toBeCloseTo(f * p.omega ** 2, 9));
    expect(patterns.length).toBe(p.patterns);
  });

  it('jPCA finds the rotation and not the control', async () => {
    const { out, summary } = await runPassing('lamina-rotation-', { target: 'rotational-dynamics', seed: 1 });
    const s = summary as { rotation: { r2_ratio: number }; control: { r2_ratio: number } };
    expect(s.rotation.r2_ratio).toBeGreaterThanOrEqual(0.7);
    expect(s.control.r2_ratio).toBeLessThan(0.3);
    expectFiles(out, ['r_rotation.npy', 'r_control.npy', 'jpca_rotation.npy', 'jpca-rotation.svg', 'jpca-control.svg', 'summary.json']);
  }, 300_000);
});
