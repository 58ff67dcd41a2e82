/** Small numerical helpers for scenario analysis (float64). */

export interface LinearFit {
  slope: number;
  intercept: number;
  r2: number;
  /** Standard error of the slope. */
  slopeSE: number;
}

export function linearFit(x: ArrayLike<number>, y: ArrayLike<number>): LinearFit {
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
  mx /= n; my /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2; sxy += (x[i] - mx) * (y[i] - my); syy += (y[i] - my) ** 2;
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (y[i] - intercept - slope * x[i]) ** 2;
  const r2 = syy > 0 ? 1 - sse / syy : 1;
  const slopeSE = n > 2 ? Math.sqrt(sse / (n - 2) / sxx) : NaN;
  return { slope, intercept, r2, slopeSE };
}

/** Removes 2 pi jumps from a phase sequence. */
export function unwrap(phase: ArrayLike<number>): Float64Array {
  const out = new Float64Array(phase.length);
  let offset = 0;
  for (let t = 0; t < phase.length; t++) {
    if (t > 0) {
      const d = phase[t] + offset - out[t - 1];
      if (d > Math.PI) offset -= 2 * Math.PI;
      else if (d < -Math.PI) offset += 2 * Math.PI;
    }
    out[t] = phase[t] + offset;
  }
  return out;
}

/** Population vector of rates r over a ring: sum_j r_j e^{i theta_j}; returns phase and length / N. */
export function populationVector(r: ArrayLike<number>, offset: number, n: number): { phase: number; length: number } {
  let c = 0, s = 0;
  for (let j = 0; j < n; j++) {
    const th = (2 * Math.PI * j) / n;
    c += r[offset + j] * Math.cos(th);
    s += r[offset + j] * Math.sin(th);
  }
  return { phase: Math.atan2(s, c), length: Math.hypot(c, s) / n };
}
