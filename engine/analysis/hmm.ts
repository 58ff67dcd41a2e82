/**
 * Hidden Markov models on the host (float64): sampling a state sequence and exact Bayesian filtering
 * (the forward algorithm), i.e. the belief state b_t(s) = P(s_t = s | o_1..o_t) of the POMDP view.
 *
 * Conventions: K states; the transition matrix is K x K row-major and row-stochastic,
 * trans[i * K + j] = P(s_{t+1} = j | s_t = i); the first state is drawn from `initial`. Observations
 * enter as log-likelihoods logLik[t * K + s] = log p(o_t | s_t = s) (up to a constant per t), so that
 * sharply peaked likelihoods cannot underflow. The filter:
 *   b_0 ∝ initial * p(o_0 | .),   b_t ∝ (b_{t-1} trans) * p(o_t | .).
 */

export class HmmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HmmError';
  }
}

function checkStochastic(v: ArrayLike<number>, from: number, k: number, what: string): void {
  let s = 0;
  for (let j = 0; j < k; j++) {
    const x = v[from + j];
    if (!(x >= 0)) throw new HmmError(`${what}[${j}] must be >= 0, got ${x}`);
    s += x;
  }
  if (Math.abs(s - 1) > 1e-9) throw new HmmError(`${what} must sum to 1, sums to ${s}`);
}

export function checkModel(trans: ArrayLike<number>, initial: ArrayLike<number>, k: number): void {
  if (trans.length !== k * k) throw new HmmError(`transition matrix has ${trans.length} entries, expected ${k} x ${k}`);
  if (initial.length !== k) throw new HmmError(`initial distribution has ${initial.length} entries, expected ${k}`);
  for (let i = 0; i < k; i++) checkStochastic(trans, i * k, k, `transition row ${i}`);
  checkStochastic(initial, 0, k, 'initial distribution');
}

/** K states that stay with probability `stay` per step and otherwise jump to one of the others uniformly. */
export function stickyTransitions(k: number, stay: number): Float64Array {
  if (k < 2) throw new HmmError(`need at least 2 states, got ${k}`);
  if (!(stay >= 0 && stay <= 1)) throw new HmmError(`stay probability must be in [0, 1], got ${stay}`);
  const t = new Float64Array(k * k).fill((1 - stay) / (k - 1));
  for (let i = 0; i < k; i++) t[i * k + i] = stay;
  return t;
}

/** Draws s_0..s_{n-1}; `uniform` returns numbers in (0, 1). */
export function sampleChain(trans: ArrayLike<number>, initial: ArrayLike<number>, k: number, n: number, uniform: () => number): Int32Array {
  checkModel(trans, initial, k);
  const pick = (row: ArrayLike<number>, from: number): number => {
    const u = uniform();
    let c = 0;
    for (let j = 0; j < k - 1; j++) {
      c += row[from + j];
      if (u < c) return j;
    }
    return k - 1;
  };
  const s = new Int32Array(n);
  for (let t = 0; t < n; t++) s[t] = t === 0 ? pick(initial, 0) : pick(trans, s[t - 1] * k);
  return s;
}

export interface FilterResult {
  /** n x K filtered posteriors P(s_t | o_0..o_t). */
  belief: Float64Array;
  /** log p(o_0..o_{n-1}) up to the constants dropped from logLik. */
  logEvidence: number;
}

/** The forward algorithm, normalised at every step. */
export function forwardFilter(trans: ArrayLike<number>, initial: ArrayLike<number>, k: number, logLik: ArrayLike<number>): FilterResult {
  checkModel(trans, initial, k);
  if (logLik.length % k !== 0) throw new HmmError(`log-likelihoods have ${logLik.length} entries, not a multiple of K = ${k}`);
  const n = logLik.length / k;
  const belief = new Float64Array(n * k);
  const prior = new Float64Array(k);
  let logEvidence = 0;
  for (let t = 0; t < n; t++) {
    // Predict: prior = b_{t-1} trans (or the initial distribution).
    for (let j = 0; j < k; j++) {
      if (t === 0) { prior[j] = initial[j]; continue; }
      let s = 0;
      for (let i = 0; i < k; i++) s += belief[(t - 1) * k + i] * trans[i * k + j];
      prior[j] = s;
    }
    // Update with the likelihood, scaled by its maximum so that exp cannot underflow to all zeros.
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, logLik[t * k + j]);
    if (!Number.isFinite(m)) throw new HmmError(`observation ${t} has no finite log-likelihood`);
    let z = 0;
    for (let j = 0; j < k; j++) z += (belief[t * k + j] = prior[j] * Math.exp(logLik[t * k + j] - m));
    if (!(z > 0)) throw new HmmError(`observation ${t} has probability 0 under the model`);
    for (let j = 0; j < k; j++) belief[t * k + j] /= z;
    logEvidence += Math.log(z) + m;
  }
  return { belief, logEvidence };
}
