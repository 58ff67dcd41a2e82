/**
 * Ridge regression (float64) for linear decoders: Y ~ X W + 1 b, minimising
 * |Y - X W - 1 b|^2 + lambda |W|^2 (the intercept b is not penalised).
 *
 * The intercept is removed by centring X and Y on their column means, then the normal equations
 * (Xc^T Xc + lambda I) W = Xc^T Yc are solved by Cholesky factorisation, and b = mean(Y) - mean(X) W.
 * Matrices are dense, row-major: X is n x p (n samples, p features), Y is n x q.
 */

export class RegressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegressionError';
  }
}

export interface RidgeFit {
  /** p x q, row-major. */
  weights: Float64Array;
  /** q intercepts. */
  bias: Float64Array;
  p: number;
  q: number;
  lambda: number;
}

/**
 * Cholesky factor of a symmetric positive-definite n x n matrix (row-major): the lower-triangular L
 * with A = L L^T. Throws when A is not positive definite (to rounding).
 */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new RegressionError(`matrix is not positive definite (pivot ${i} = ${s}); increase lambda`);
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j];
      }
    }
  }
  return l;
}

/** Solves L L^T X = B in place of a copy of B (n x q, row-major) for the Cholesky factor L. */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array, q: number): Float64Array {
  const x = Float64Array.from(b);
  for (let c = 0; c < q; c++) {
    for (let i = 0; i < n; i++) {
      let s = x[i * q + c];
      for (let k = 0; k < i; k++) s -= l[i * n + k] * x[k * q + c];
      x[i * q + c] = s / l[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i * q + c];
      for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k * q + c];
      x[i * q + c] = s / l[i * n + i];
    }
  }
  return x;
}

function columnMeans(m: ArrayLike<number>, n: number, cols: number): Float64Array {
  const mean = new Float64Array(cols);
  for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) mean[j] += m[i * cols + j];
  for (let j = 0; j < cols; j++) mean[j] /= n;
  return mean;
}

/** Centred normal equations of a data set: sums that every lambda shares. */
export interface NormalEquations {
  /** Xc^T Xc, p x p. */
  gram: Float64Array;
  /** Xc^T Yc, p x q. */
  xty: Float64Array;
  meanX: Float64Array;
  meanY: Float64Array;
  n: number;
  p: number;
  q: number;
}

export function normalEquations(x: ArrayLike<number>, y: ArrayLike<number>, n: number, p: number, q: number): NormalEquations {
  if (x.length !== n * p) throw new RegressionError(`X has ${x.length} values, expected n * p = ${n} * ${p}`);
  if (y.length !== n * q) throw new RegressionError(`Y has ${y.length} values, expected n * q = ${n} * ${q}`);
  if (n < 2) throw new RegressionError(`need at least 2 samples, got ${n}`);
  const meanX = columnMeans(x, n, p), meanY = columnMeans(y, n, q);
  // Upper triangle of the Gram matrix, accumulated row by row, then mirrored.
  const gram = new Float64Array(p * p), xty = new Float64Array(p * q);
  const xc = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) xc[j] = x[i * p + j] - meanX[j];
    for (let j = 0; j < p; j++) {
      const v = xc[j];
      if (v === 0) continue;
      const row = j * p;
      for (let k = j; k < p; k++) gram[row + k] += v * xc[k];
      for (let c = 0; c < q; c++) xty[j * q + c] += v * (y[i * q + c] - meanY[c]);
    }
  }
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) gram[j * p + k] = gram[k * p + j];
  return { gram, xty, meanX, meanY, n, p, q };
}

/** Solves (gram + lambda I) W = xty and recovers the intercept. */
export function solveRidge(ne: NormalEquations, lambda: number): RidgeFit {
  if (!(lambda >= 0)) throw new RegressionError(`lambda must be >= 0, got ${lambda}`);
  const { p, q } = ne;
  const a = Float64Array.from(ne.gram);
  for (let j = 0; j < p; j++) a[j * p + j] += lambda;
  const weights = choleskySolve(cholesky(a, p), p, ne.xty, q);
  const bias = Float64Array.from(ne.meanY);
  for (let j = 0; j < p; j++) for (let c = 0; c < q; c++) bias[c] -= ne.meanX[j] * weights[j * q + c];
  return { weights, bias, p, q, lambda };
}

/** Fits ridge regression of Y (n x q) on X (n x p) with an unpenalised intercept. */
export function ridge(x: ArrayLike<number>, y: ArrayLike<number>, n: number, p: number, q: number, lambda: number): RidgeFit {
  return solveRidge(normalEquations(x, y, n, p, q), lambda);
}

/** X W + b for X of n rows. */
export function predict(fit: RidgeFit, x: ArrayLike<number>, n: number): Float64Array {
  const { p, q, weights, bias } = fit;
  if (x.length !== n * p) throw new RegressionError(`X has ${x.length} values, expected n * p = ${n} * ${p}`);
  const out = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < q; c++) {
      let s = bias[c];
      for (let j = 0; j < p; j++) s += x[i * p + j] * weights[j * q + c];
      out[i * q + c] = s;
    }
  }
  return out;
}

/** Mean absolute difference of two arrays of equal length. */
export function meanAbsError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RegressionError(`lengths differ: ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

export interface RidgeSelection {
  fit: RidgeFit;
  /** Validation mean absolute error for each lambda of the grid. */
  validation: { lambda: number; mae: number }[];
}

/**
 * Chooses lambda from `grid` by a contiguous hold-out: fits on the first (1 - holdout) of the rows,
 * scores the mean absolute error on the rest, then refits the best lambda on all rows. Contiguous
 * (not shuffled) because consecutive samples of a time series are correlated.
 */
export function ridgeSelect(x: ArrayLike<number>, y: ArrayLike<number>, n: number, p: number, q: number,
  grid: readonly number[], holdout = 0.25): RidgeSelection {
  const nFit = Math.floor(n * (1 - holdout));
  if (nFit < 2 || n - nFit < 1) throw new RegressionError(`too few samples (${n}) for a hold-out of ${holdout}`);
  const xFit = Float64Array.from({ length: nFit * p }, (_, k) => x[k]);
  const yFit = Float64Array.from({ length: nFit * q }, (_, k) => y[k]);
  const xVal = Float64Array.from({ length: (n - nFit) * p }, (_, k) => x[nFit * p + k]);
  const yVal = Float64Array.from({ length: (n - nFit) * q }, (_, k) => y[nFit * q + k]);
  const neFit = normalEquations(xFit, yFit, nFit, p, q);
  const validation = grid.map((lambda) => ({ lambda, mae: meanAbsError(predict(solveRidge(neFit, lambda), xVal, n - nFit), yVal) }));
  const best = validation.reduce((a, b) => (b.mae < a.mae ? b : a));
  return { fit: ridge(x, y, n, p, q, best.lambda), validation };
}
