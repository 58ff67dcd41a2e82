/**
 * jPCA (Churchland, Cunningham, Kaufman et al. 2012, Nature 487:51): rotational structure of population
 * trajectories. Input: C conditions, each T times x N units (trial-averaged rates), row-major.
 *  1. Soft normalisation (optional): each unit divided by (its range over all data + softNorm).
 *  2. The cross-condition mean at each time is subtracted (the condition-independent part).
 *  3. PCA to k dimensions (default 6) over all conditions and times: X (samples x k).
 *  4. A linear dynamical system is fitted to the trajectories, dX = X M (rows: samples), with the
 *     state at t and the derivative the forward difference (x(t+1) - x(t)) / dt within each condition:
 *     M_full by least squares; M_skew by least squares over skew-symmetric M (pure rotation), solved in
 *     closed form: the normal equations are G M + M G = C - C^T (G = X^T X, C = X^T dX), diagonal in G's
 *     eigenbasis: M'_ab = C'_ab / (g_a + g_b).
 *  5. R^2 = 1 - |dX - X M|^2 / |dX - mean(dX)|^2 for both, and their ratio (Churchland et al. report
 *     the skew fit capturing ~0.8 of the unconstrained one in motor cortex).
 *  6. Rotation planes: the skew-symmetric M has eigenvalues +-i w; each plane is the eigenspace of
 *     M^T M (eigenvalue w^2), ordered by w (fastest first). Within a plane, u2 = M^T u1 / w, so the
 *     state rotates from jPC1 towards jPC2 (counter-clockwise) at w radians per unit of time; u1 is
 *     turned so that the conditions' initial states spread most along jPC1, as in the original.
 */
import { crossProduct, matmul, symmetricEigen, transpose } from './linalg.ts';

export interface JpcaOptions {
  /** PCA dimensions (even, >= 2; default 6). */
  k?: number;
  /** Soft normalisation constant (rate units; default 5, Churchland et al.); null: none. */
  softNorm?: number | null;
  /** Subtract the cross-condition mean at each time (default true). */
  meanSubtract?: boolean;
  /** Time between samples (default 1): frequencies are per this unit. */
  dt?: number;
}

export interface RotationPlane {
  /** Angular frequency w (radians per unit time) and w / 2 pi. */
  omega: number;
  frequency: number;
  /** The plane's axes in PCA space (k values each) and in unit space (N values each). */
  axes: [Float64Array, Float64Array];
  unitAxes: [Float64Array, Float64Array];
}

export interface Jpca {
  k: number;
  /** PCA basis (N x k, row-major) and each component's share of the variance. */
  pcs: Float64Array;
  varianceExplained: Float64Array;
  /** Skew-symmetric and unconstrained fits (k x k, row-major; dX = X M). */
  mSkew: Float64Array;
  mFull: Float64Array;
  r2Skew: number;
  r2Full: number;
  /** r2Skew / r2Full. */
  r2Ratio: number;
  planes: RotationPlane[];
  /** Each condition's trajectory in the first plane (T x 2, row-major). */
  projections: Float64Array[];
}

/** jPCA of `conditions` (each T x N, row-major). */
export function jpca(conditions: ArrayLike<number>[], T: number, N: number, options: JpcaOptions = {}): Jpca {
  const k = options.k ?? 6, dt = options.dt ?? 1;
  const C = conditions.length;
  if (!(Number.isInteger(k) && k >= 2 && k % 2 === 0 && k <= N)) throw new RangeError(`k: expected an even integer in [2, ${N}], got ${k}`);
  if (C < 1 || T < 3) throw new RangeError(`jpca: expected at least 1 condition of at least 3 times, got ${C} x ${T}`);
  conditions.forEach((c, i) => { if (c.length !== T * N) throw new RangeError(`condition ${i}: expected ${T} x ${N} values, got ${c.length}`); });
  const data = preprocess(conditions, T, N, options);
  // PCA over all samples (the data are centred: each time's cross-condition mean is gone, or the overall mean below).
  const all = new Float64Array(C * T * N);
  data.forEach((d, c) => all.set(d, c * T * N));
  centreColumns(all, C * T, N);
  const { pcs, varianceExplained } = principalAxes(all, C * T, N, k);
  const scores = matmul(all, pcs, C * T, N, k);
  // States at t and forward differences, within each condition.
  const n = C * (T - 1);
  const X = new Float64Array(n * k), dX = new Float64Array(n * k);
  for (let c = 0; c < C; c++) {
    for (let t = 0; t < T - 1; t++) {
      const row = (c * (T - 1) + t) * k, a = (c * T + t) * k;
      for (let j = 0; j < k; j++) {
        X[row + j] = scores[a + j];
        dX[row + j] = (scores[a + k + j] - scores[a + j]) / dt;
      }
    }
  }
  const G = crossProduct(X, X, n, k, k), Cx = crossProduct(X, dX, n, k, k);
  const mFull = fullFit(G, Cx, k);
  const mSkew = skewFit(G, Cx, k);
  const r2Full = rSquared(X, dX, mFull, n, k), r2Skew = rSquared(X, dX, mSkew, n, k);
  const planes = rotationPlanes(mSkew, k, pcs, N, scores, C, T);
  const [u1, u2] = planes[0].axes;
  const projections = Array.from({ length: C }, (_, c) => {
    const p = new Float64Array(T * 2);
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < k; j++) {
        p[2 * t] += scores[(c * T + t) * k + j] * u1[j];
        p[2 * t + 1] += scores[(c * T + t) * k + j] * u2[j];
      }
    }
    return p;
  });
  return { k, pcs, varianceExplained, mSkew, mFull, r2Skew, r2Full, r2Ratio: r2Skew / r2Full, planes, projections };
}

/**
 * The top k principal axes (N x k) of centred data (rows x N) and their shares of the variance: from the
 * N x N covariance, or, with fewer rows than units, from the rows x rows Gram matrix X X^T (same nonzero
 * eigenvalues; axis = X^T u / sqrt(lambda)).
 */
export function principalAxes(x: Float64Array, rows: number, N: number, k: number): { pcs: Float64Array; varianceExplained: Float64Array } {
  const pcs = new Float64Array(N * k);
  const gram = rows < N;
  const m = gram ? rows : N;
  const eig = symmetricEigen(gram ? matmul(x, transpose(x, rows, N), rows, N, rows) : crossProduct(x, x, rows, N, N), m);
  const total = eig.values.reduce((a, b) => a + Math.max(b, 0), 0) || 1;
  const varianceExplained = Float64Array.from({ length: k }, (_, j) => Math.max(eig.values[j] ?? 0, 0) / total);
  for (let j = 0; j < Math.min(k, m); j++) {
    if (!gram) { for (let i = 0; i < N; i++) pcs[i * k + j] = eig.vectors[i * N + j]; continue; }
    const s = Math.sqrt(Math.max(eig.values[j], 0)) || 1;
    for (let r = 0; r < rows; r++) {
      const u = eig.vectors[r * rows + j] / s;
      if (u === 0) continue;
      for (let i = 0; i < N; i++) pcs[i * k + j] += x[r * N + i] * u;
    }
  }
  return { pcs, varianceExplained };
}

/** Step 1 and 2: soft normalisation and cross-condition mean subtraction (copies). */
function preprocess(conditions: ArrayLike<number>[], T: number, N: number, options: JpcaOptions): Float64Array[] {
  const data = conditions.map((c) => Float64Array.from(c));
  const soft = options.softNorm === undefined ? 5 : options.softNorm;
  if (soft !== null) {
    for (let i = 0; i < N; i++) {
      let lo = Infinity, hi = -Infinity;
      for (const d of data) for (let t = 0; t < T; t++) { lo = Math.min(lo, d[t * N + i]); hi = Math.max(hi, d[t * N + i]); }
      const scale = 1 / (hi - lo + soft);
      if (Number.isFinite(scale)) for (const d of data) for (let t = 0; t < T; t++) d[t * N + i] *= scale;
    }
  }
  if ((options.meanSubtract ?? true) && data.length > 1) {
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < N; i++) {
        let m = 0;
        for (const d of data) m += d[t * N + i];
        m /= data.length;
        for (const d of data) d[t * N + i] -= m;
      }
    }
  }
  return data;
}

function centreColumns(x: Float64Array, rows: number, cols: number): void {
  for (let j = 0; j < cols; j++) {
    let m = 0;
    for (let r = 0; r < rows; r++) m += x[r * cols + j];
    m /= rows;
    for (let r = 0; r < rows; r++) x[r * cols + j] -= m;
  }
}

/** M = G^-1 C through G's eigendecomposition (pseudo-inverse on zero eigenvalues). */
function fullFit(G: Float64Array, C: Float64Array, k: number): Float64Array {
  const { values, vectors: Q } = symmetricEigen(G, k);
  const tol = values[0] * 1e-12;
  // M = Q diag(1/g) Q^T C.
  const qtc = crossProduct(Q, C, k, k, k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) qtc[a * k + b] = values[a] > tol ? qtc[a * k + b] / values[a] : 0;
  return matmul(Q, qtc, k, k, k);
}

/** The skew-symmetric M minimising |dX - X M|: G M + M G = C - C^T, solved in G's eigenbasis. */
function skewFit(G: Float64Array, C: Float64Array, k: number): Float64Array {
  const { values, vectors: Q } = symmetricEigen(G, k);
  const D = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) D[a * k + b] = C[a * k + b] - C[b * k + a];
  const Dp = matmul(crossProduct(Q, D, k, k, k), Q, k, k, k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const s = values[a] + values[b];
      Dp[a * k + b] = s > 0 ? Dp[a * k + b] / s : 0;
    }
  }
  // Back: M = Q M' Q^T, then antisymmetrised against rounding.
  const m = matmul(matmul(Q, Dp, k, k, k), transpose(Q, k, k), k, k, k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const v = 0.5 * (m[a * k + b] - m[b * k + a]);
      m[a * k + b] = v;
      m[b * k + a] = -v;
    }
  }
  return m;
}

/** 1 - |dX - X M|^2 / |dX - mean(dX)|^2. */
export function rSquared(X: Float64Array, dX: Float64Array, M: Float64Array, n: number, k: number): number {
  const pred = matmul(X, M, n, k, k);
  let res = 0, tot = 0;
  for (let j = 0; j < k; j++) {
    let mean = 0;
    for (let r = 0; r < n; r++) mean += dX[r * k + j];
    mean /= n;
    for (let r = 0; r < n; r++) {
      res += (dX[r * k + j] - pred[r * k + j]) ** 2;
      tot += (dX[r * k + j] - mean) ** 2;
    }
  }
  return 1 - res / tot;
}

/** Step 6: the k / 2 planes of the skew-symmetric M, fastest first. */
function rotationPlanes(M: Float64Array, k: number, pcs: Float64Array, N: number, scores: Float64Array, C: number, T: number): RotationPlane[] {
  // A = M^T is the system matrix of column states: dx/dt = A x; A^T A = M M^T has eigenvalues w^2 (pairs).
  const A = transpose(M, k, k);
  const { values, vectors } = symmetricEigen(matmul(M, A, k, k, k), k);
  // The conditions' initial states (t = 0), which orient each plane.
  const a0 = Array.from({ length: C }, (_, c) => scores.subarray(c * T * k, c * T * k + k));
  const planes: RotationPlane[] = [];
  const used: Float64Array[] = [];
  for (let j = 0; j < k && planes.length < k / 2; j++) {
    let u = Float64Array.from({ length: k }, (_, i) => vectors[i * k + j]);
    // Skip the partner of a plane already taken (its eigenvector lies in that plane).
    for (const w of used) { const d = dot(u, w); u = u.map((x, i) => x - d * w[i]); }
    const len = Math.hypot(...u);
    if (len < 1e-6) continue;
    u = u.map((x) => x / len);
    const omega = Math.sqrt(Math.max(values[j], 0));
    let v = omega > 0 ? matmul(A, u, k, k, 1).map((x) => x / omega) : orthogonal(u, used, k);
    // Orientation: turn (u, v) by theta so that the initial states spread most along u.
    let suu = 0, svv = 0, suv = 0;
    for (const x of a0) { const p = dot(x, u), q = dot(x, v); suu += p * p; svv += q * q; suv += p * q; }
    const theta = 0.5 * Math.atan2(2 * suv, suu - svv);
    const [c, s] = [Math.cos(theta), Math.sin(theta)];
    const u1 = u.map((x, i) => c * x + s * v[i]), v1 = u.map((x, i) => -s * x + c * v[i]);
    u = u1; v = v1;
    used.push(u, v);
    planes.push({ omega, frequency: omega / (2 * Math.PI), axes: [u, v], unitAxes: [matmul(pcs, u, N, k, 1), matmul(pcs, v, N, k, 1)] });
  }
  return planes;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** A unit vector orthogonal to u and the used axes (for a plane without rotation). */
function orthogonal(u: Float64Array, used: Float64Array[], k: number): Float64Array {
  for (let e = 0; e < k; e++) {
    let v = Float64Array.from({ length: k }, (_, i) => (i === e ? 1 : 0));
    for (const w of [u, ...used]) { const d = dot(v, w); v = v.map((x, i) => x - d * w[i]); }
    const len = Math.hypot(...v);
    if (len > 1e-6) return v.map((x) => x / len);
  }
  return new Float64Array(k);
}

