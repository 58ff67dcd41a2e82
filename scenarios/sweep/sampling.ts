/**
 * Designs of n points in the unit cube [0, 1)^d for the sampled axes of a sweep: independent uniforms
 * (random axes), the Sobol' sequence (sobol axes) and Latin-hypercube samples (lhs axes). Every design is
 * deterministic: the Sobol' sequence has no seed, the others are drawn from a 32-bit seed.
 */

/** Murmur3's 32-bit finalizer: a bijective mix of a 32-bit word. */
export function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Uniform numbers in [0, 1) from a 32-bit seed (SplitMix32). */
export function uniforms(seed: number, n: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (s + 0x9e3779b9) >>> 0;
    return mix32(s) / 2 ** 32;
  });
}

/**
 * Primitive polynomials and initial direction numbers m_1..m_s of Sobol' dimensions 2..21, from Joe and
 * Kuo's new-joe-kuo-6.21201 (https://web.maths.unsw.edu.au/~fkuo/sobol/): [s, a, m...], where the
 * polynomial is x^s + a_1 x^(s-1) + ... + a_(s-1) x + 1 with a's bits a_1..a_(s-1). Dimension 1 is the
 * van der Corput sequence (every m = 1).
 */
const JOE_KUO: [number, number, number[]][] = [
  [1, 0, [1]], [2, 1, [1, 3]], [3, 1, [1, 3, 1]], [3, 2, [1, 1, 1]], [4, 1, [1, 1, 3, 3]], [4, 4, [1, 3, 5, 13]],
  [5, 2, [1, 1, 5, 5, 17]], [5, 4, [1, 1, 5, 5, 5]], [5, 7, [1, 1, 7, 11, 19]], [5, 11, [1, 1, 5, 1, 1]],
  [5, 13, [1, 1, 1, 3, 11]], [5, 14, [1, 3, 5, 5, 31]], [6, 1, [1, 3, 3, 9, 7, 49]], [6, 13, [1, 1, 1, 15, 21, 21]],
  [6, 16, [1, 3, 1, 13, 27, 49]], [6, 19, [1, 1, 1, 15, 7, 5]], [6, 22, [1, 3, 1, 15, 13, 25]],
  [6, 25, [1, 1, 5, 5, 19, 61]], [7, 1, [1, 3, 7, 11, 23, 15, 103]], [7, 4, [1, 3, 7, 13, 13, 15, 69]],
];

/** The most Sobol' dimensions (sobol axes of one sweep file). */
export const SOBOL_MAX_DIMS = JOE_KUO.length + 1;
const BITS = 32;

/** Direction numbers v_1..v_32 of one dimension (0-based), each scaled by 2^32. */
function directions(dim: number): number[] {
  if (dim === 0) return Array.from({ length: BITS }, (_, k) => 2 ** (BITS - 1 - k));
  const [s, a, m] = JOE_KUO[dim - 1];
  const v = m.map((mk, k) => mk * 2 ** (BITS - 1 - k));
  for (let k = s; k < BITS; k++) {
    let x = (v[k - s] >>> s) ^ v[k - s];
    for (let j = 1; j < s; j++) if ((a >>> (s - 1 - j)) & 1) x ^= v[k - j];
    v.push(x >>> 0);
  }
  return v;
}

/**
 * The first n points of the d-dimensional Sobol' sequence (Joe-Kuo direction numbers, Gray-code order,
 * 32 bits), unscrambled, first point (the origin) included: with n a power of two every dimension's
 * values then fall one in each of n equal strata (dropping the first point would break that; Owen 2022,
 * "On dropping the first Sobol' point"). Points are rows: result[i][j] is point i, dimension j.
 */
export function sobolPoints(n: number, d: number): number[][] {
  if (d > SOBOL_MAX_DIMS) throw new RangeError(`at most ${SOBOL_MAX_DIMS} Sobol' dimensions, got ${d}`);
  if (n > 2 ** BITS) throw new RangeError(`at most 2^${BITS} Sobol' points, got ${n}`);
  const v = Array.from({ length: d }, (_, j) => directions(j));
  const x = new Array<number>(d).fill(0);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    out.push(x.map((xj) => xj / 2 ** BITS));
    // Gray code: point i+1 differs from point i by the direction of the lowest zero bit of i.
    let c = 0;
    while ((i >>> c) & 1) c++;
    for (let j = 0; j < d; j++) x[j] = (x[j] ^ v[j][c]) >>> 0;
  }
  return out;
}

/**
 * n Latin-hypercube points in d dimensions: in every dimension each of the n strata [k/n, (k+1)/n) holds
 * exactly one point, at a uniform position inside it; the strata are matched across dimensions by one
 * random permutation per dimension. Dimension j draws from its own stream (seed mixed with j), so the
 * permutations are independent even though the axes share one seed.
 */
export function latinHypercube(n: number, d: number, seed: number): number[][] {
  const columns = Array.from({ length: d }, (_, j) => {
    const u = uniforms(mix32((seed ^ mix32(j + 1)) >>> 0), 2 * n);
    // Fisher-Yates on 0..n-1 with the first n uniforms; the other n place each point inside its stratum.
    const perm = Array.from({ length: n }, (_, k) => k);
    for (let k = n - 1; k > 0; k--) {
      const r = Math.floor(u[k] * (k + 1));
      [perm[k], perm[r]] = [perm[r], perm[k]];
    }
    return perm.map((stratum, i) => (stratum + u[n + i]) / n);
  });
  return Array.from({ length: n }, (_, i) => columns.map((c) => c[i]));
}

/** Maps u in [0, 1) to [from, to), linearly or evenly in log(value). */
export function scaleUnit(u: number, from: number, to: number, scale: 'linear' | 'log'): number {
  return scale === 'log' ? Math.exp(Math.log(from) + u * (Math.log(to) - Math.log(from))) : from + u * (to - from);
}
