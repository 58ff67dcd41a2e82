/**
 * Maximum-likelihood time constant of a slow exponential history term (spike-triggered adaptation) in a
 * Poisson GLM. The history filter is h(l) = hs(l) - a exp(-l / tau): hs is free on a raised-cosine basis
 * over the short lags (the reset's recovery, which is far from exponential in the log rate), and the
 * slow term enters as one covariate, sum over past spikes k of exp(-(t - t_k) / tau) (a recursion per
 * bin). For each tau the GLM is linear in its weights and fitted by fitGlm; tau maximises the profile
 * log-likelihood, found by golden-section search on log tau. Fitting the time constant to a
 * raised-cosine filter by least squares instead weighs most the deep, barely identified dip after the
 * spike (no spikes there, so the estimate runs off toward -infinity) and inherits the basis's ripple.
 */
import { fitGlm, type BasisSpec, type GlmTrial } from './glm.ts';

export interface HistoryTauOptions {
  /** Basis of the free short-lag part of the history filter. */
  short: BasisSpec;
  stimulus?: BasisSpec;
  ridge?: number;
  /** Search interval for tau (bins). */
  minTau: number;
  maxTau: number;
  /** Stop when the interval is narrower than this fraction of tau (default 0.005). */
  relTolerance?: number;
}

export interface HistoryTau {
  /** Time constant (bins) and amplitude a of the slow term (h = hs - a e^{-l/tau}). */
  tau: number;
  amplitude: number;
  objective: number;
  /** Every (tau, penalised log-likelihood) evaluated, in order. */
  profile: [number, number][];
}

/** x_t = sum over spikes before bin t of exp(-(t - t_k) / tau). */
export function exponentialTrace(counts: ArrayLike<number>, tau: number): Float64Array {
  const d = Math.exp(-1 / tau), x = new Float64Array(counts.length);
  for (let t = 1; t < counts.length; t++) x[t] = d * (x[t - 1] + counts[t - 1]);
  return x;
}

export function fitHistoryTau(trials: GlmTrial[], options: HistoryTauOptions): HistoryTau {
  const { minTau, maxTau } = options;
  if (!(minTau > 0 && maxTau > minTau)) throw new RangeError(`fitHistoryTau: expected 0 < minTau < maxTau, got ${minTau}, ${maxTau}`);
  const profile: [number, number][] = [];
  const cache = new Map<number, { obj: number; a: number }>();
  const evaluate = (u: number) => {
    const hit = cache.get(u);
    if (hit) return hit;
    const tau = Math.exp(u);
    const fit = fitGlm(trials.map((t) => ({ ...t, covariates: [...(t.covariates ?? []), exponentialTrace(t.counts, tau)] })), {
      history: options.short, stimulus: options.stimulus, ridge: options.ridge,
    });
    const r = { obj: fit.objective, a: -fit.beta[fit.beta.length - 1] };
    cache.set(u, r);
    profile.push([tau, fit.objective]);
    return r;
  };
  const g = (Math.sqrt(5) - 1) / 2, tol = Math.log(1 + (options.relTolerance ?? 0.005));
  let lo = Math.log(minTau), hi = Math.log(maxTau);
  let u1 = hi - g * (hi - lo), u2 = lo + g * (hi - lo);
  while (hi - lo > tol) {
    if (evaluate(u1).obj >= evaluate(u2).obj) { hi = u2; u2 = u1; u1 = hi - g * (hi - lo); } else { lo = u1; u1 = u2; u2 = lo + g * (hi - lo); }
  }
  const best = evaluate((lo + hi) / 2);
  return { tau: Math.exp((lo + hi) / 2), amplitude: best.a, objective: best.obj, profile };
}
