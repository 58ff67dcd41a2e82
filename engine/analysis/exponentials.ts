/**
 * Least-squares fit of a sum of two exponentials to samples y(x):
 *   y(x) ~ c1 exp(-x / t1) + c2 exp(-x / t2),   t1 <= t2,
 * by variable projection (Golub & Pereyra 1973): for given time constants the amplitudes are the linear
 * least-squares solution, so only (t1, t2) are searched, on a log grid and then by a shrinking pattern
 * search around the best grid point. Used on a GLM's spike-history filter, which for an adapting
 * integrate-and-fire neuron is the reset's recovery (the membrane time constant) plus the adaptation.
 */

export interface TwoExponentials {
  c1: number;
  t1: number;
  c2: number;
  t2: number;
  /** Residual sum of squares. */
  sse: number;
}

export interface TwoExponentialOptions {
  /** Range searched for both time constants (default: from the first sample spacing to 10 times the span of x). */
  minTau?: number;
  maxTau?: number;
  /** Sign both amplitudes must have (1 or -1; default: either sign). */
  sign?: 1 | -1;
}

/** Amplitudes and residual for fixed time constants (the 2 x 2 normal equations; one exponential when they coincide). */
function project(x: ArrayLike<number>, y: ArrayLike<number>, t1: number, t2: number, sign = 0): TwoExponentials {
  let s11 = 0, s12 = 0, s22 = 0, b1 = 0, b2 = 0, yy = 0;
  for (let i = 0; i < x.length; i++) {
    const e1 = Math.exp(-x[i] / t1), e2 = Math.exp(-x[i] / t2);
    s11 += e1 * e1; s12 += e1 * e2; s22 += e2 * e2; b1 += e1 * y[i]; b2 += e2 * y[i]; yy += y[i] * y[i];
  }
  const det = s11 * s22 - s12 * s12;
  let c1: number, c2: number;
  if (!(det > 1e-12 * s11 * s22)) { c1 = 0; c2 = s22 > 0 ? b2 / s22 : 0; } else { c1 = (b1 * s22 - b2 * s12) / det; c2 = (b2 * s11 - b1 * s12) / det; }
  if (sign !== 0 && (sign * c1 < 0 || sign * c2 < 0)) {
    // The constrained optimum lies on an edge: one exponential alone (or none), whichever fits best.
    const only1 = sign * b1 > 0 ? b1 / s11 : 0, only2 = sign * b2 > 0 ? b2 / s22 : 0;
    if (only2 * b2 >= only1 * b1) { c1 = 0; c2 = only2; } else { c1 = only1; c2 = 0; }
  }
  // sse = |y|^2 - 2 c.b + c^T S c
  const sse = yy - 2 * (c1 * b1 + c2 * b2) + c1 * c1 * s11 + 2 * c1 * c2 * s12 + c2 * c2 * s22;
  return { c1, t1, c2, t2, sse: Math.max(0, sse) };
}

/** The best two-exponential fit of y(x) (x ascending, at least 4 samples). */
export function fitTwoExponentials(x: ArrayLike<number>, y: ArrayLike<number>, options: TwoExponentialOptions = {}): TwoExponentials {
  const n = x.length;
  if (n < 4 || y.length !== n) throw new RangeError(`fitTwoExponentials: expected at least 4 samples of x and y alike, got ${n} and ${y.length}`);
  const span = x[n - 1] - x[0];
  const lo = Math.log(options.minTau ?? Math.max(1e-12, (x[1] - x[0]) / 2)), hi = Math.log(options.maxTau ?? 10 * span);
  if (!(hi > lo)) throw new RangeError(`fitTwoExponentials: expected maxTau > minTau, got ${Math.exp(hi)} and ${Math.exp(lo)}`);
  const G = 80, step = (hi - lo) / (G - 1);
  let best = project(x, y, Math.exp(lo), Math.exp(lo), options.sign);
  for (let i = 0; i < G; i++) {
    for (let j = i; j < G; j++) {
      const f = project(x, y, Math.exp(lo + i * step), Math.exp(lo + j * step), options.sign);
      if (f.sse < best.sse) best = f;
    }
  }
  // Pattern search in (log t1, log t2), the step halving when no neighbour improves.
  let u = Math.log(best.t1), v = Math.log(best.t2);
  for (let d = step; d > 1e-9; ) {
    let moved = false;
    for (const [du, dv] of [[d, 0], [-d, 0], [0, d], [0, -d], [d, d], [-d, -d]]) {
      const a = Math.min(hi, Math.max(lo, u + du)), b = Math.min(hi, Math.max(lo, v + dv));
      if (a > b) continue;
      const f = project(x, y, Math.exp(a), Math.exp(b), options.sign);
      if (f.sse < best.sse) { best = f; u = a; v = b; moved = true; }
    }
    if (!moved) d /= 2;
  }
  return best;
}
