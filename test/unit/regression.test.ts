/**
 * Ridge regression (engine/analysis/regression.ts) against known solutions: exact recovery of a noiseless
 * linear map, the one-feature closed form w = Sxy / (Sxx + lambda), and the optimality conditions of the
 * penalised problem (Xc^T (Y - X W - b) = lambda W, residuals summing to zero). Seeded data.
 */
import { describe, expect, it } from 'vitest';
import { cholesky, choleskySolve, meanAbsError, predict, RegressionError, ridge, ridgeSelect } from '../../engine/analysis/regression.ts';
import { PhiloxStream } from '../../engine/util/philox.ts';

function randomMatrix(rng: PhiloxStream, rows: number, cols: number): Float64Array {
  return Float64Array.from({ length: rows * cols }, () => rng.normal());
}

/** Y = X W + b (+ noise * z). */
function linearData(seed: number, n: number, p: number, q: number, noise: number) {
  const rng = new PhiloxStream(seed, 0, 0);
  const x = randomMatrix(rng, n, p), w = randomMatrix(rng, p, q), b = randomMatrix(rng, 1, q);
  const y = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < q; c++) {
      let s = b[c] + noise * rng.normal();
      for (let j = 0; j < p; j++) s += x[i * p + j] * w[j * q + c];
      y[i * q + c] = s;
    }
  }
  return { x, y, w, b };
}

describe('Cholesky', () => {
  it('factors a random SPD matrix (L L^T = A) and solves A X = B', () => {
    const rng = new PhiloxStream(3, 0, 0);
    const n = 12, q = 2;
    const m = randomMatrix(rng, n, n);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = i === j ? 0.5 : 0;
      for (let k = 0; k < n; k++) s += m[i * n + k] * m[j * n + k];
      a[i * n + j] = s;
    }
    const l = cholesky(a, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += l[i * n + k] * l[j * n + k];
      expect(s).toBeCloseTo(a[i * n + j], 10);
      if (j > i) expect(l[i * n + j]).toBe(0);
    }
    const xTrue = randomMatrix(rng, n, q);
    const b = new Float64Array(n * q);
    for (let i = 0; i < n; i++) for (let c = 0; c < q; c++) for (let k = 0; k < n; k++) b[i * q + c] += a[i * n + k] * xTrue[k * q + c];
    const x = choleskySolve(l, n, b, q);
    for (let k = 0; k < n * q; k++) expect(x[k]).toBeCloseTo(xTrue[k], 8);
  });

  it('rejects a matrix that is not positive definite', () => {
    expect(() => cholesky(Float64Array.of(1, 2, 2, 1), 2)).toThrow(RegressionError);
  });
});

describe('ridge regression', () => {
  it('recovers a noiseless linear map with its intercept (lambda = 0)', () => {
    const { x, y, w, b } = linearData(11, 200, 8, 3, 0);
    const fit = ridge(x, y, 200, 8, 3, 0);
    for (let k = 0; k < w.length; k++) expect(fit.weights[k]).toBeCloseTo(w[k], 9);
    for (let c = 0; c < 3; c++) expect(fit.bias[c]).toBeCloseTo(b[c], 9);
    expect(meanAbsError(predict(fit, x, 200), y)).toBeLessThan(1e-9);
  });

  it('matches the one-feature closed form w = Sxy / (Sxx + lambda), b = mean(y) - w mean(x)', () => {
    const { x, y } = linearData(12, 50, 1, 1, 0.3);
    let mx = 0, my = 0;
    for (let i = 0; i < 50; i++) { mx += x[i] / 50; my += y[i] / 50; }
    let sxx = 0, sxy = 0;
    for (let i = 0; i < 50; i++) { sxx += (x[i] - mx) ** 2; sxy += (x[i] - mx) * (y[i] - my); }
    for (const lambda of [0, 0.5, 10, 1e4]) {
      const fit = ridge(x, y, 50, 1, 1, lambda);
      const wExp = sxy / (sxx + lambda);
      expect(fit.weights[0]).toBeCloseTo(wExp, 12);
      expect(fit.bias[0]).toBeCloseTo(my - wExp * mx, 12);
    }
  });

  it('satisfies the optimality conditions of the penalised problem', () => {
    const n = 120, p = 15, q = 2, lambda = 7.5;
    const { x, y } = linearData(13, n, p, q, 1);
    const fit = ridge(x, y, n, p, q, lambda);
    const r = predict(fit, x, n).map((v, k) => y[k] - v);
    const mx = new Float64Array(p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mx[j] += x[i * p + j] / n;
    for (let c = 0; c < q; c++) {
      let sr = 0;
      for (let i = 0; i < n; i++) sr += r[i * q + c];
      expect(Math.abs(sr)).toBeLessThan(1e-9);
      for (let j = 0; j < p; j++) {
        let g = 0;
        for (let i = 0; i < n; i++) g += (x[i * p + j] - mx[j]) * r[i * q + c];
        expect(g).toBeCloseTo(lambda * fit.weights[j * q + c], 9);
      }
    }
  });

  it('shrinks the weights as lambda grows', () => {
    const { x, y } = linearData(14, 80, 6, 1, 0.5);
    const norms = [0, 1, 100, 1e6].map((l) => Math.hypot(...ridge(x, y, 80, 6, 1, l).weights));
    for (let k = 1; k < norms.length; k++) expect(norms[k]).toBeLessThan(norms[k - 1]);
    expect(norms[3]).toBeLessThan(1e-3 * norms[0]);
  });

  it('selects the lambda with the lowest hold-out error and refits it on all rows', () => {
    // Few samples, many noise features: some shrinkage must beat none.
    const n = 60, p = 40;
    const { x, y } = linearData(15, n, p, 1, 3);
    const grid = [1e-6, 1e-2, 1, 10, 100, 1e4];
    const sel = ridgeSelect(x, y, n, p, 1, grid);
    const best = sel.validation.reduce((a, b) => (b.mae < a.mae ? b : a));
    expect(sel.validation.map((v) => v.lambda)).toEqual(grid);
    expect(sel.fit.lambda).toBe(best.lambda);
    expect(best.lambda).toBeGreaterThan(1e-6);
    const direct = ridge(x, y, n, p, 1, best.lambda);
    for (let j = 0; j < p; j++) expect(sel.fit.weights[j]).toBe(direct.weights[j]);
  });

  it('names the problem in its errors', () => {
    expect(() => ridge(new Float64Array(5), new Float64Array(2), 2, 2, 1, 0)).toThrow(/X has 5 values/);
    expect(() => ridge(new Float64Array(4), new Float64Array(3), 2, 2, 1, 0)).toThrow(/Y has 3 values/);
    expect(() => ridge(new Float64Array(4), new Float64Array(2), 2, 2, 1, -1)).toThrow(/lambda/);
  });
});
