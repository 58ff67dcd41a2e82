/**
 * Spike-history Poisson GLM (Truccolo et al. 2005; Pillow et al. 2008): the expected count of a bin is
 *   mu_t = exp(b0 + sum_s (k_s * stim_s)(t) + (h * y)(t) + sum_c beta_c cov_c(t)),
 * with stimulus filters k_s over lags 0, 1, ... (causal) and the history filter h over lags 1, 2, ...
 * (strictly past spikes of the same trial), each a weighted sum of raised-cosine basis functions on a
 * log-stretched time axis (Pillow et al. 2008):
 *   b_j(l) = (1 + cos(clip((log(l + c) - phi_j) pi / (2 D), -pi, pi))) / 2,
 * peaks phi_j evenly spaced by D between log(first + c) and log(last + c); each function spans 4 D, so
 * the sum of the basis is flat (2) from the second to the second-to-last peak.
 * Fitted by Newton's method (iteratively reweighted least squares) on the penalised log-likelihood
 *   sum_t (y_t eta_t - mu_t) - ridge / 2 |beta without the intercept|^2,
 * with step halving when a step would not increase it, until the Newton decrement g^T H^-1 g (twice the
 * objective's remaining gain, to second order) falls below the tolerance (full steps once it is below 1e-8). Held-out quality is the log-likelihood gain over a
 * baseline model (the PSTH: an inhomogeneous Poisson model locked to the trial), in bits per spike:
 *   (LL(model) - LL(baseline)) / (spikes ln 2).
 */
import { cholesky, choleskySolve } from './regression.ts';

export interface BasisSpec {
  /** Number of basis functions (>= 2). */
  n: number;
  /** Peaks of the first and last functions, in bins (lags). */
  firstPeak: number;
  lastPeak: number;
  /** Offset c of the log stretch, in bins (default 1: larger is closer to linear spacing). */
  stretch?: number;
}

export interface Basis {
  /** Lag of row 0 (0 for stimulus filters, 1 for the history filter). */
  firstLag: number;
  /** lags x n, row-major: value of function j at lag firstLag + r. */
  values: Float64Array;
  lags: number;
  n: number;
}

/** The raised-cosine basis of `spec`, sampled at lags firstLag, firstLag + 1, ... until the last function ends. */
export function raisedCosineBasis(spec: BasisSpec, firstLag: number): Basis {
  const { n, firstPeak, lastPeak } = spec;
  const c = spec.stretch ?? 1;
  if (!(Number.isInteger(n) && n >= 2)) throw new RangeError(`basis.n: expected an integer >= 2, got ${n}`);
  if (!(c > 0) || !(firstPeak + c > 0) || !(lastPeak > firstPeak)) {
    throw new RangeError(`basis: expected stretch > 0 and lastPeak > firstPeak > -stretch, got ${c}, ${firstPeak}, ${lastPeak}`);
  }
  const phi0 = Math.log(firstPeak + c), phi1 = Math.log(lastPeak + c);
  const D = (phi1 - phi0) / (n - 1);
  const end = Math.ceil(Math.exp(phi1 + 2 * D) - c);
  const lags = Math.max(1, end - firstLag + 1);
  const values = new Float64Array(lags * n);
  for (let r = 0; r < lags; r++) {
    const x = Math.log(firstLag + r + c);
    for (let j = 0; j < n; j++) {
      const a = Math.max(-Math.PI, Math.min(Math.PI, ((x - (phi0 + j * D)) * Math.PI) / (2 * D)));
      values[r * n + j] = 0.5 * (1 + Math.cos(a));
    }
  }
  return { firstLag, values, lags, n };
}

/** A filter (value per lag) from basis weights. */
export function filterFromWeights(basis: Basis, weights: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: basis.lags }, (_, r) => {
    let s = 0;
    for (let j = 0; j < basis.n; j++) s += basis.values[r * basis.n + j] * weights[j];
    return s;
  });
}

/** One trial: spike counts per bin, and optional stimulus signals (filtered) and covariates (as they are), each per bin. */
export interface GlmTrial {
  counts: ArrayLike<number>;
  stimuli?: ArrayLike<number>[];
  covariates?: ArrayLike<number>[];
}

export interface GlmOptions {
  /** History basis (null: no history term). */
  history: BasisSpec | null;
  /** Basis of every stimulus filter (required when trials carry stimuli). */
  stimulus?: BasisSpec;
  /** Ridge penalty on all weights but the intercept (default 1e-3). */
  ridge?: number;
  maxIterations?: number;
  /** Stop when the Newton decrement falls below this (default 1e-18). */
  tolerance?: number;
}

export interface GlmFit {
  /** Intercept first, then stimulus weights (signal-major), history weights, covariate weights. */
  beta: Float64Array;
  names: string[];
  history: Basis | null;
  stimulus: Basis | null;
  /** h(l) for l = 1 .. (log gain of a spike l bins ago). */
  historyFilter: Float64Array;
  stimulusFilters: Float64Array[];
  iterations: number;
  /** Penalised log-likelihood at the fit (without the log y! terms). */
  objective: number;
}

interface Design { x: Float64Array; y: Float64Array; rows: number; cols: number; names: string[] }

/** The design matrix of `trials` for the bases (rows: every bin of every trial). */
export function designMatrix(trials: GlmTrial[], history: Basis | null, stimulus: Basis | null): Design {
  const S = trials[0]?.stimuli?.length ?? 0, V = trials[0]?.covariates?.length ?? 0;
  if (S > 0 && !stimulus) throw new RangeError('glm: the trials carry stimuli but no stimulus basis is given');
  const names = ['intercept'];
  for (let s = 0; s < S; s++) for (let j = 0; j < stimulus!.n; j++) names.push(`stimulus${s}.b${j}`);
  if (history) for (let j = 0; j < history.n; j++) names.push(`history.b${j}`);
  for (let v = 0; v < V; v++) names.push(`covariate${v}`);
  const cols = names.length;
  const rows = trials.reduce((a, t) => a + t.counts.length, 0);
  const x = new Float64Array(rows * cols), y = new Float64Array(rows);
  let row0 = 0;
  trials.forEach((trial, r) => {
    const T = trial.counts.length;
    if ((trial.stimuli?.length ?? 0) !== S || (trial.covariates?.length ?? 0) !== V) throw new RangeError(`trial ${r}: expected ${S} stimuli and ${V} covariates like trial 0`);
    for (let t = 0; t < T; t++) {
      const o = (row0 + t) * cols;
      x[o] = 1;
      y[row0 + t] = trial.counts[t];
      let col = 1;
      for (let s = 0; s < S; s++) { convolveAt(trial.stimuli![s], stimulus!, t, x, o + col); col += stimulus!.n; }
      if (history) { convolveAt(trial.counts, history, t, x, o + col); col += history.n; }
      for (let v = 0; v < V; v++) x[o + col + v] = trial.covariates![v][t];
    }
    row0 += T;
  });
  return { x, y, rows, cols, names };
}

/** x[at + j] = sum over the basis's lags l of b_j(l) * signal[t - l] (signal before the trial: 0). */
function convolveAt(signal: ArrayLike<number>, basis: Basis, t: number, x: Float64Array, at: number): void {
  for (let r = 0; r < basis.lags; r++) {
    const src = t - basis.firstLag - r;
    if (src < 0) break;
    const v = signal[src];
    if (v === 0) continue;
    for (let j = 0; j < basis.n; j++) x[at + j] += basis.values[r * basis.n + j] * v;
  }
}

/** Fits the GLM to `trials` (Newton / IRLS with a ridge penalty). */
export function fitGlm(trials: GlmTrial[], options: GlmOptions): GlmFit {
  if (trials.length === 0) throw new RangeError('glm: no trials');
  const history = options.history ? raisedCosineBasis(options.history, 1) : null;
  const stimulus = options.stimulus ? raisedCosineBasis(options.stimulus, 0) : null;
  const d = designMatrix(trials, history, stimulus);
  const ridge = options.ridge ?? 1e-3, tol = options.tolerance ?? 1e-18, maxIt = options.maxIterations ?? 100;
  const spikes = d.y.reduce((a, b) => a + b, 0);
  if (spikes === 0) throw new RangeError('glm: no spikes in the training trials');
  const beta = new Float64Array(d.cols);
  beta[0] = Math.log(spikes / d.rows);
  let obj = objective(d, beta, ridge);
  let it = 0;
  for (; it < maxIt; it++) {
    const { grad, hess } = derivatives(d, beta, ridge);
    const step = choleskySolve(cholesky(hess, d.cols), d.cols, grad, 1);
    const decrement = step.reduce((s, v, j) => s + v * grad[j], 0);
    if (decrement < tol) break;
    if (decrement < 1e-8) {
      // Near the maximum the full Newton step converges quadratically; the objective's rounding (a sum
      // over every bin) could no longer tell the step's gain from zero.
      beta.set(beta.map((b, j) => b + step[j]));
      obj = objective(d, beta, ridge);
      continue;
    }
    let scale = 1, next = beta, nextObj = -Infinity;
    for (let h = 0; h < 40; h++, scale /= 2) {
      next = beta.map((b, j) => b + scale * step[j]);
      nextObj = objective(d, next, ridge);
      if (nextObj >= obj) break;
    }
    if (!(nextObj >= obj)) break;
    beta.set(next);
    obj = nextObj;
  }
  let col = 1;
  const S = trials[0].stimuli?.length ?? 0;
  const stimulusFilters: Float64Array[] = [];
  for (let s = 0; s < S; s++) { stimulusFilters.push(filterFromWeights(stimulus!, beta.subarray(col, col + stimulus!.n))); col += stimulus!.n; }
  const historyFilter = history ? filterFromWeights(history, beta.subarray(col, col + history.n)) : new Float64Array(0);
  return { beta, names: d.names, history, stimulus, historyFilter, stimulusFilters, iterations: it, objective: obj };
}

function objective(d: Design, beta: Float64Array, ridge: number): number {
  let ll = 0;
  for (let r = 0; r < d.rows; r++) {
    let eta = 0;
    for (let j = 0; j < d.cols; j++) eta += d.x[r * d.cols + j] * beta[j];
    ll += d.y[r] * eta - Math.exp(eta);
  }
  let pen = 0;
  for (let j = 1; j < d.cols; j++) pen += beta[j] ** 2;
  return ll - 0.5 * ridge * pen;
}

function derivatives(d: Design, beta: Float64Array, ridge: number): { grad: Float64Array; hess: Float64Array } {
  const p = d.cols;
  const grad = new Float64Array(p), hess = new Float64Array(p * p);
  for (let r = 0; r < d.rows; r++) {
    const o = r * p;
    let eta = 0;
    for (let j = 0; j < p; j++) eta += d.x[o + j] * beta[j];
    const mu = Math.exp(eta), res = d.y[r] - mu;
    for (let i = 0; i < p; i++) {
      const xi = d.x[o + i];
      if (xi === 0) continue;
      grad[i] += xi * res;
      const w = mu * xi;
      for (let j = 0; j <= i; j++) hess[i * p + j] += w * d.x[o + j];
    }
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) hess[j * p + i] = hess[i * p + j];
  for (let j = 1; j < p; j++) { grad[j] -= ridge * beta[j]; hess[j * p + j] += ridge; }
  return { grad, hess };
}

/** Expected counts per bin of `trials` under the fit (their own spike history). */
export function predictGlm(fit: GlmFit, trials: GlmTrial[]): Float64Array {
  const d = designMatrix(trials, fit.history, fit.stimulus);
  return Float64Array.from({ length: d.rows }, (_, r) => {
    let eta = 0;
    for (let j = 0; j < d.cols; j++) eta += d.x[r * d.cols + j] * fit.beta[j];
    return Math.exp(eta);
  });
}

/** Poisson log-likelihood sum_t y_t log mu_t - mu_t - log(y_t!) (nats). */
export function poissonLogLikelihood(y: ArrayLike<number>, mu: ArrayLike<number>): number {
  let ll = 0;
  for (let t = 0; t < y.length; t++) {
    ll += (y[t] > 0 ? y[t] * Math.log(mu[t]) : 0) - mu[t] - logFactorial(y[t]);
  }
  return ll;
}

function logFactorial(k: number): number {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
}

/**
 * The PSTH baseline: expected count in each bin of a trial, the training trials' mean count there with
 * `pseudo` added to every bin's total (default 0.5 spike spread over all trials: a bin never seen to fire
 * keeps a small, finite rate).
 */
export function psthBaseline(trials: GlmTrial[], pseudo = 0.5): Float64Array {
  const T = trials[0].counts.length;
  const mean = new Float64Array(T);
  for (const t of trials) {
    if (t.counts.length !== T) throw new RangeError(`psth baseline: trials of ${T} and ${t.counts.length} bins`);
    for (let k = 0; k < T; k++) mean[k] += t.counts[k];
  }
  return mean.map((s) => (s + pseudo) / trials.length);
}

/** Held-out gain of the model over the baseline in bits per spike: (LL(mu) - LL(base)) / (spikes ln 2). */
export function bitsPerSpike(y: ArrayLike<number>, mu: ArrayLike<number>, base: ArrayLike<number>): number {
  let spikes = 0;
  for (let t = 0; t < y.length; t++) spikes += y[t];
  return (poissonLogLikelihood(y, mu) - poissonLogLikelihood(y, base)) / (spikes * Math.LN2);
}
