/**
 * Rotational dynamics and jPCA (Churchland et al. 2012): a preparatory input sets the initial state of
 * a rate network's transient, reach-like activity, and jPCA finds whether the transient rotates.
 *
 * Two networks of N tanh units, tau dx/dt = -x + W tanh(x) + I(t), run side by side on the same inputs.
 * Both have their dynamics in the same 6-dimensional subspace, spanned by random orthonormal vectors
 * q_0 .. q_5 (outside it W = s I: every other direction only decays, at (1 - s) / tau):
 *  - rotation: W = s I + sum_m omega_m (q_2m q_2m+1^T - q_2m+1 q_2m^T), omega_m = omega (1, 3/4, 1/2):
 *    linearised, three planes turn at omega_m / tau while decaying at (1 - s) / tau;
 *  - control: W = s I - sum_j sigma j / 5 q_j q_j^T: symmetric, each direction q_j decays on its own
 *    at (1 - s + sigma j / 5) / tau, nothing rotates.
 * Conditions (the batch) are 8 "reach directions" theta_c: during the preparatory period the input is
 * sum_k a_k(theta_c) p_k over 4 fixed random patterns p_k in the subspace, with a = A (cos theta,
 * sin theta, cos 2 theta, sin 2 theta); at "go" it switches off and the state evolves freely. jPCA
 * (engine/analysis/jpca.ts, k = 6, no soft normalisation: the rates are tanh values, not spike rates)
 * over the movement window of each network. Checks: the rotation network's skew-symmetric fit captures
 * >= 70 % of the unconstrained fit's R^2; the control's < 30 %. The linearised expectation for one
 * plane is omega'^2 / (omega'^2 + d^2) of the derivative's variance, omega' the turning and d the
 * decay rate (0.96 for the fastest plane at the defaults, 0.86 for the slowest).
 */
import { jpca, type Jpca } from '../engine/analysis/jpca.ts';
import { SpecError } from '../engine/errors.ts';
import type { MemorySink } from '../engine/record/recorders.ts';
import type { NetworkSpec } from '../engine/spec/rate.ts';
import { PhiloxStream } from '../engine/util/philox.ts';
import { jpcaFigure } from './analyze/figures.ts';
import type { Check, Scenario, ScenarioOptions, ScenarioResult, ScenarioRun } from './scenario.ts';

export const ROTATION_DEFAULTS = {
  N: 80, tau: 20, dt: 0.5,
  /** Self-coupling s (the decay (1 - s) / tau), the fastest plane's coupling omega, the control's decay spread sigma. */
  self: 0.8, omega: 1, sigma: 1.5,
  conditions: 8, patterns: 4, inputAmplitude: 0.3,
  prepMs: 200, moveMs: 200, recordEveryMs: 2, k: 6,
};

export type RotationParams = typeof ROTATION_DEFAULTS;

/** The two recurrent matrices (post x pre, row-major) and the preparatory patterns, from the seed. */
export function rotationWeights(p: RotationParams, seed: number): { rotation: Float64Array; control: Float64Array; patterns: Float64Array[] } {
  const rng = new PhiloxStream(seed, 91, 0, 92);
  const n = p.N;
  // q_0 .. q_5: Gram-Schmidt of Gaussian vectors.
  const q: Float64Array[] = [];
  while (q.length < 6) {
    let v = Float64Array.from({ length: n }, () => rng.normal());
    for (const u of q) { const d = v.reduce((a, x, i) => a + x * u[i], 0); v = v.map((x, i) => x - d * u[i]); }
    const len = Math.hypot(...v);
    q.push(v.map((x) => x / len));
  }
  const rotation = new Float64Array(n * n), control = new Float64Array(n * n);
  for (let i = 0; i < n; i++) { rotation[i * n + i] = p.self; control[i * n + i] = p.self; }
  const omegas = [1, 0.75, 0.5].map((f) => f * p.omega);
  for (let m = 0; m < 3; m++) {
    const [a, b] = [q[2 * m], q[2 * m + 1]];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rotation[i * n + j] += omegas[m] * (a[i] * b[j] - b[i] * a[j]);
  }
  for (let k = 0; k < 6; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) control[i * n + j] -= ((p.sigma * k) / 5) * q[k][i] * q[k][j];
  const patterns = Array.from({ length: p.patterns }, () => {
    const c = Array.from({ length: 6 }, () => rng.normal());
    const norm = Math.hypot(...c);
    return Float64Array.from({ length: n }, (_, i) => (Math.sqrt(n) * c.reduce((a, ck, k) => a + ck * q[k][i], 0)) / norm);
  });
  return { rotation, control, patterns };
}

/** Input amplitudes of condition c on pattern k: A (cos theta, sin theta, cos 2 theta, sin 2 theta)_k. */
export function conditionAmplitude(p: RotationParams, c: number, k: number): number {
  const th = (2 * Math.PI * c) / p.conditions;
  return p.inputAmplitude * [Math.cos(th), Math.sin(th), Math.cos(2 * th), Math.sin(2 * th)][k % 4];
}

function build(opts: ScenarioOptions): ScenarioRun {
  const p = { ...ROTATION_DEFAULTS, ...(opts.dt ? { dt: opts.dt } : {}) };
  if (opts.batch !== undefined && opts.batch !== p.conditions) throw new SpecError('--batch', `rotational-dynamics runs its ${p.conditions} conditions as the batch`);
  const seed = opts.seed ?? 1;
  const steps = opts.steps ?? Math.round((p.prepMs + p.moveMs) / p.dt);
  const every = Math.max(1, Math.round(p.recordEveryMs / p.dt));
  if (steps * p.dt < p.prepMs + 6 * every * p.dt) throw new SpecError('steps', `rotational-dynamics needs the ${p.prepMs} ms preparatory period and some movement: at least ${Math.ceil((p.prepMs + 6 * every * p.dt) / p.dt)} steps`);
  const w = rotationWeights(p, seed);
  const net = (name: string) => ({ name, size: p.N, tau: p.tau, activation: 'tanh' as const });
  const inputs = ['rotation', 'control'].flatMap((target) => w.patterns.map((pattern, k) => ({
    name: `${target}_prep${k}`, target, amplitude: 1, profile: Array.from(pattern), time: { type: 'pulse' as const, start: 0, duration: p.prepMs },
  })));
  const params: Record<string, number[]> = {};
  for (const input of inputs) params[`inputs.${input.name}.amplitude`] = Array.from({ length: p.conditions }, (_, c) => conditionAmplitude(p, c, Number(input.name.slice(-1))));
  const spec: NetworkSpec = {
    dt: p.dt, integrator: 'exponential', seed,
    populations: [net('rotation'), net('control')],
    projections: [
      { name: 'W_rotation', from: 'rotation', to: 'rotation', weights: { type: 'dense', values: Array.from(w.rotation) } },
      { name: 'W_control', from: 'control', to: 'control', weights: { type: 'dense', values: Array.from(w.control) } },
    ],
    inputs,
    record: [
      { name: 'r_rotation', population: 'rotation', what: 'rate', every },
      { name: 'r_control', population: 'control', what: 'rate', every },
    ],
    batch: { size: p.conditions, params },
  };
  return { spec, steps, params: { ...p, seed, steps, recordEvery: every } };
}

/** jPCA of one network over the movement window (rows after go). */
export function movementJpca(rec: MemorySink, name: string, p: RotationParams, every: number): Jpca & { rows: number } {
  const d = rec.data.get(name);
  if (!d) throw new Error(`recording ${name} missing`);
  const stepMs = every * p.dt;
  // Row r is the state at (r + 1) * stepMs: the movement rows are those at or after go.
  const first = Math.ceil(p.prepMs / stepMs) - 1, last = Math.min(d.rows, first + Math.round(p.moveMs / stepMs) + 1);
  const T = last - first, N = d.width;
  const conditions = Array.from({ length: d.batch }, (_, b) => {
    const x = new Float64Array(T * N);
    for (let r = 0; r < T; r++) for (let u = 0; u < N; u++) x[r * N + u] = d.values[((first + r) * d.batch + b) * N + u];
    return x;
  });
  return { ...jpca(conditions, T, N, { k: p.k, softNorm: null, dt: stepMs / 1000 }), rows: T };
}

function analyze(run: ScenarioRun, rec: MemorySink): ScenarioResult {
  const p = run.params as unknown as RotationParams & { recordEvery: number };
  const rot = movementJpca(rec, 'r_rotation', p, p.recordEvery), ctl = movementJpca(rec, 'r_control', p, p.recordEvery);
  const describe = (j: Jpca) => ({ r2_skew: j.r2Skew, r2_full: j.r2Full, r2_ratio: j.r2Ratio, plane1_frequency_hz: j.planes[0].frequency, pca_variance_explained: Array.from(j.varianceExplained) });
  const pct = (v: Float64Array) => (100 * v.reduce((a, b) => a + b, 0)).toFixed(0);
  const checks: Check[] = [
    { name: 'jPCA finds rotation in the rotational network (skew fit >= 70 % of the unconstrained R^2)', pass: rot.r2Ratio >= 0.7, detail: `R^2 skew ${rot.r2Skew.toFixed(3)} / full ${rot.r2Full.toFixed(3)} = ${rot.r2Ratio.toFixed(3)}; first plane ${rot.planes[0].frequency.toFixed(1)} Hz; ${p.k} PCs hold ${pct(rot.varianceExplained)} % of the variance` },
    { name: 'and none in the symmetric control (< 30 %)', pass: ctl.r2Ratio < 0.3, detail: `R^2 skew ${ctl.r2Skew.toFixed(3)} / full ${ctl.r2Full.toFixed(3)} = ${ctl.r2Ratio.toFixed(3)}; ${p.k} PCs hold ${pct(ctl.varianceExplained)} % of the variance` },
  ];
  const proj = (j: Jpca) => {
    const out = new Float64Array(j.projections.length * j.projections[0].length);
    j.projections.forEach((x, c) => out.set(x, c * x.length));
    return out;
  };
  return {
    summary: {
      scenario: 'rotational-dynamics', conditions: p.conditions, units: p.N, movement_ms: p.moveMs, k: p.k,
      rotation: describe(rot), control: describe(ctl), checks, pass: checks.every((c) => c.pass),
    },
    arrays: {
      jpca_rotation: { data: proj(rot), shape: [p.conditions, rot.rows, 2] },
      jpca_control: { data: proj(ctl), shape: [p.conditions, ctl.rows, 2] },
    },
    figures: {
      'jpca-rotation.svg': jpcaFigure('the rotational network', rot.projections, rot.r2Ratio, rot.planes[0].frequency),
      'jpca-control.svg': jpcaFigure('the symmetric control', ctl.projections, ctl.r2Ratio, ctl.planes[0].frequency),
    },
  };
}

export const rotationalDynamics: Scenario = {
  name: 'rotational-dynamics',
  description: 'A preparatory state sets a rotating transient (skew-symmetric-dominated rate network); jPCA finds the rotation, and none in a symmetric control.',
  build,
  analyze,
};
