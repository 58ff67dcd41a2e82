/**
 * Time-lagged cross-covariance of binned activity and its asymmetry, a signature of sequences: if unit i
 * tends to fire before unit j, i's activity at t covaries with j's at t + tau (tau > 0) more than with
 * j's at t - tau.
 *
 * For activity x (T bins x N units, row-major), with unit means m_i over all T bins,
 *   C_ij(tau) = 1 / (T - |tau|) * sum_t (x_i(t) - m_i)(x_j(t + tau) - m_j),   tau = -L..L,
 * the sum over the T - |tau| bins where both exist (so C_ij(-tau) = C_ji(tau)). The asymmetry index is
 *   A_ij = sum_{tau=1..L} C_ij(tau) - sum_{tau=1..L} C_ij(-tau)  (antisymmetric: A_ji = -A_ij),
 * positive when i leads j. The order recovered from A ranks units by a potential s (descending: the
 * earliest unit first) fitted to the pairwise comparisons, as in HodgeRank (Jiang, Lim, Yao and Ye 2011):
 *   s = argmin sum_ij |A_ij| (s_i - s_j - sign(A_ij))^2,   i.e.  L s = A 1,
 * with L the Laplacian of the coupling weights |A_ij| (solved by conjugate gradients, mean of s zero).
 * Each pair votes for its order with the weight of its asymmetry, so a long sequence seen through a
 * short lag window (each unit compared only with its neighbours) is still ordered end to end; with equal
 * weights on all pairs it is the order of the row sums (net lead) of A.
 * With `normalize`, C is divided by the units' standard deviations (a correlation).
 */

export interface LaggedCovariance {
  /** Lags -maxLag..maxLag (in bins). */
  lags: Int32Array;
  /** C[(l * N + i) * N + j] = C_ij(lags[l]). */
  c: Float64Array;
  units: number;
}

export interface XcovOptions {
  /** Largest lag in bins. */
  maxLag: number;
  /** Divide by the standard deviations (units with zero variance give 0). */
  normalize?: boolean;
}

/** Lagged cross-covariance of x (T x N, row-major) for lags -maxLag..maxLag. */
export function laggedCovariance(x: ArrayLike<number>, T: number, N: number, options: XcovOptions): LaggedCovariance {
  const L = options.maxLag;
  if (!(Number.isInteger(L) && L >= 0 && L < T)) throw new RangeError(`maxLag: expected an integer in [0, ${T - 1}], got ${L}`);
  if (x.length !== T * N) throw new RangeError(`activity: expected ${T} x ${N} = ${T * N} values, got ${x.length}`);
  const z = centred(x, T, N, options.normalize ?? false);
  const lags = Int32Array.from({ length: 2 * L + 1 }, (_, l) => l - L);
  const c = new Float64Array(lags.length * N * N);
  for (let tau = 0; tau <= L; tau++) {
    // C_ij(tau) = sum_t z_i(t) z_j(t + tau) / (T - tau); C(-tau) is its transpose.
    const pos = (L + tau) * N * N, neg = (L - tau) * N * N;
    const norm = 1 / (T - tau);
    for (let t = 0; t + tau < T; t++) {
      const a = t * N, b = (t + tau) * N;
      for (let i = 0; i < N; i++) {
        const zi = z[a + i];
        if (zi === 0) continue;
        const row = pos + i * N;
        for (let j = 0; j < N; j++) c[row + j] += zi * z[b + j];
      }
    }
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        c[pos + i * N + j] *= norm;
        if (tau > 0) c[neg + j * N + i] = c[pos + i * N + j];
      }
    }
  }
  return { lags, c, units: N };
}

/**
 * x with each unit's mean removed (and divided by its standard deviation with `normalize`; a unit with
 * zero variance becomes 0), computed in float64 and written into `out` (float64 by default; the GPU
 * version takes float32).
 */
export function centred<A extends Float64Array | Float32Array>(x: ArrayLike<number>, T: number, N: number, normalize: boolean, out?: A): A {
  const z = out ?? (new Float64Array(T * N) as A);
  for (let i = 0; i < N; i++) {
    let m = 0;
    for (let t = 0; t < T; t++) m += x[t * N + i];
    m /= T;
    let v = 0;
    for (let t = 0; t < T; t++) v += (x[t * N + i] - m) ** 2;
    const s = normalize ? (v > 0 ? 1 / Math.sqrt(v / T) : 0) : 1;
    for (let t = 0; t < T; t++) z[t * N + i] = (x[t * N + i] - m) * s;
  }
  return z;
}

/** A_ij = sum over positive lags of C_ij minus sum over negative lags (N x N, antisymmetric). */
export function asymmetryIndex(cov: LaggedCovariance): Float64Array {
  const N = cov.units, L = (cov.lags.length - 1) / 2;
  const a = new Float64Array(N * N);
  for (let tau = 1; tau <= L; tau++) {
    const pos = (L + tau) * N * N, neg = (L - tau) * N * N;
    for (let k = 0; k < N * N; k++) a[k] += cov.c[pos + k] - cov.c[neg + k];
  }
  return a;
}

/** Per-unit series (one array per unit, equal lengths) as activity rows: x is T x N, row-major. */
export function rowsOf(columns: ArrayLike<number>[]): { x: Float64Array; T: number; N: number } {
  const N = columns.length, T = columns[0]?.length ?? 0;
  const x = new Float64Array(T * N);
  columns.forEach((c, u) => { for (let t = 0; t < T; t++) x[t * N + u] = c[t]; });
  return { x, T, N };
}

/**
 * The potential s of each unit (L s = A 1, see above), the units ordered by it (descending: leaders
 * first) and each unit's place in that order (position[u], 0: first).
 */
export function sequenceOrder(a: ArrayLike<number>, N: number): { score: Float64Array; order: Int32Array; position: Float64Array } {
  const b = new Float64Array(N), degree = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) { b[i] += a[i * N + j]; degree[i] += Math.abs(a[i * N + j]); }
  }
  // L x = degree * x - |A| x.
  const laplacian = (x: Float64Array): Float64Array => Float64Array.from({ length: N }, (_, i) => {
    let s = degree[i] * x[i];
    for (let j = 0; j < N; j++) s -= Math.abs(a[i * N + j]) * x[j];
    return s;
  });
  const score = conjugateGradient(laplacian, b, N);
  const mean = score.reduce((p, v) => p + v, 0) / N;
  for (let i = 0; i < N; i++) score[i] -= mean;
  const order = Int32Array.from(Array.from({ length: N }, (_, i) => i).sort((p, q) => score[q] - score[p] || p - q));
  const position = new Float64Array(N);
  order.forEach((u, k) => { position[u] = k; });
  return { score, order, position };
}

/** Solves the symmetric positive semi-definite system op(x) = b (b in its range) from x = 0. */
function conjugateGradient(op: (x: Float64Array) => Float64Array, b: Float64Array, N: number): Float64Array {
  const x = new Float64Array(N), r = Float64Array.from(b), p = Float64Array.from(b);
  let rr = r.reduce((s, v) => s + v * v, 0);
  const stop = 1e-24 * Math.max(rr, 1e-300);
  for (let it = 0; it < 10 * N && rr > stop; it++) {
    const q = op(p);
    const pq = p.reduce((s, v, i) => s + v * q[i], 0);
    if (!(pq > 0)) break;
    const alpha = rr / pq;
    for (let i = 0; i < N; i++) { x[i] += alpha * p[i]; r[i] -= alpha * q[i]; }
    const next = r.reduce((s, v) => s + v * v, 0);
    for (let i = 0; i < N; i++) p[i] = r[i] + (next / rr) * p[i];
    rr = next;
  }
  return x;
}

/** Ranks (1-based, ties averaged) of the values. */
export function ranks(x: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: x.length }, (_, i) => i).sort((p, q) => x[p] - x[q]);
  const r = new Float64Array(x.length);
  for (let s = 0; s < idx.length;) {
    let e = s;
    while (e + 1 < idx.length && x[idx[e + 1]] === x[idx[s]]) e++;
    for (let k = s; k <= e; k++) r[idx[k]] = (s + e) / 2 + 1;
    s = e + 1;
  }
  return r;
}

/** Spearman's rank correlation: Pearson's correlation of the ranks (NaN when either is constant). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`spearman: ${x.length} against ${y.length} values`);
  const rx = ranks(x), ry = ranks(y);
  const n = rx.length, mean = (n + 1) / 2;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) ** 2;
    syy += (ry[i] - mean) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * The order of units from their binned counts (counts[u][t], one array per unit, equal lengths): the
 * lagged cross-covariance up to maxLag bins, its asymmetry and the potential it implies. `position[u]`
 * is unit u's place in the recovered order (0: first).
 */
export function orderFromCounts(counts: ArrayLike<number>[], maxLag: number): { order: Int32Array; position: Float64Array; score: Float64Array } {
  const { x, T, N } = rowsOf(counts);
  return sequenceOrder(asymmetryIndex(laggedCovariance(x, T, N, { maxLag: Math.min(maxLag, T - 1) })), N);
}
