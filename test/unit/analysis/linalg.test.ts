/** Symmetric eigendecomposition: A v = lambda v, orthonormal vectors, known spectra. */
import { describe, expect, it } from 'vitest';
import { crossProduct, matmul, symmetricEigen } from '../../../engine/analysis/linalg.ts';
import { seededUniform } from '../../../engine/analysis/random.ts';

describe('symmetricEigen', () => {
  it('solves a random symmetric matrix: A V = V diag(values), V orthonormal, trace kept', () => {
    for (const n of [1, 2, 5, 17, 40]) {
      const u = seededUniform(n);
      const b = Float64Array.from({ length: n * n }, () => u() - 0.5);
      const a = crossProduct(b, b, n, n, n); // B^T B: symmetric positive semi-definite
      for (let i = 0; i < n; i++) a[i * n + i] -= 0.3; // and some negative eigenvalues
      const { values, vectors } = symmetricEigen(a, n);
      const av = matmul(a, vectors, n, n, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(av[i * n + j]).toBeCloseTo(vectors[i * n + j] * values[j], 10);
      const vtv = crossProduct(vectors, vectors, n, n, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(vtv[i * n + j]).toBeCloseTo(i === j ? 1 : 0, 10);
      for (let j = 1; j < n; j++) expect(values[j]).toBeLessThanOrEqual(values[j - 1]);
      let trace = 0;
      for (let i = 0; i < n; i++) trace += a[i * n + i];
      expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 9);
    }
  });

  it('gives the closed-form spectrum of the path-graph Laplacian and handles repeated eigenvalues', () => {
    const n = 12;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      a[i * n + i] = 2;
      if (i > 0) a[i * n + i - 1] = -1;
      if (i < n - 1) a[i * n + i + 1] = -1;
    }
    // Eigenvalues of tridiag(-1, 2, -1): 2 - 2 cos(k pi / (n + 1)), k = 1..n.
    const expected = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1))).sort((p, q) => q - p);
    symmetricEigen(a, n).values.forEach((v, k) => expect(v).toBeCloseTo(expected[k], 12));
    const identity = Float64Array.from({ length: 9 }, (_, k) => (k % 4 === 0 ? 3 : 0));
    expect([...symmetricEigen(identity, 3).values]).toEqual([3, 3, 3]);
  });
});
