/**
 * Dopamine-gated sequence learning and dopamine-driven, rank-one trial-to-trial variability (the seed
 * chapter: a reward-modulated three-factor rule learns a rewarded sequence; after learning, phasic
 * dopamine acts as a gain on the recurrent connectivity).
 *
 * Network: K groups of M sigmoid rate units (tau dx/dt = -x + g_D W r + bias + cue + OU noise). A cue
 * drives group 1 at the start of every trial. Reward of a trial: the sequence 1, 2, ..., K in windows
 * of `windowMs` after the cue, R = (1/K) sum_k [mean rate of group k in window k - mean rate of the
 * other groups there], in [-1, 1].
 *
 * Learning (three-factor rule, engine/model: rule 'three-factor'): every synapse keeps an eligibility
 * trace e_ij <- e_ij exp(-dt/tauE) + dt r_i r_j; the weight changes only when dopamine D is non-zero,
 * dw = dt eta D e. D is a host modulator: after each trial the host sets it to the reward prediction
 * error D = R - Rbar (Rbar: a running average of the instance's rewards) for the inter-trial interval,
 * then back to 0. With exploration noise this is a covariance rule (E[dw] ~ Cov(R, e)): co-activations
 * that come with more reward than predicted are strengthened. B instances learn in parallel, each with
 * its own noise and reward history (one GPU batch); the learning curve is their mean reward per trial.
 *
 * Dopamine as gain: the learned network of instance 0 is then run for T test trials as one batch of T
 * instances (learning off, weaker noise), each with its own phasic dopamine transient delta_t ~ N(0,
 * sd), acting as a gain g = 1 + delta_t on the recurrent projection (gainModulator). The residuals of the
 * trials' group-rate trajectories around their mean are analysed by PCA: the model predicts a
 * low-dimensional, rank-one structure (the sequence expressed with more or less amplitude): PC1
 * explains >= 70 % of the residual variance, has the shape of the mean sequence (its profile
 * correlates with the mean trajectory's), and each trial's PC1 loading correlates with its dopamine
 * transient (|r| >= 0.9).
 */
import { esc } from '../engine/analysis/plot.ts';
import { pearson } from '../engine/analysis/decoding.ts';
import { topPrincipalComponent } from '../engine/analysis/pca.ts';
import { adapterReport } from '../engine/gpu/device.ts';
import type { NetworkSpec } from '../engine/model/spec.ts';
import { MemorySink } from '../engine/record/recorders.ts';
import { Simulation } from '../engine/schedule/simulation.ts';
import { PhiloxStream } from '../engine/util/philox.ts';
import { SpecError } from '../engine/errors.ts';
import type { Check, ProtocolOutcome, ProtocolScenario, ScenarioOptions } from './scenario.ts';

export const DOPAMINE_DEFAULTS = {
  groups: 5, groupSize: 20, tau: 10, dt: 1, bias: -3, noise: 1.2,
  cueMs: 10, cueAmplitude: 8, windowMs: 15, trialMs: 100, itiMs: 100,
  /**
   * Initial recurrence W_ij = wIn (same group) + wFf (j in group k, i in group k + 1) + g0 / sqrt(N) z_ij:
   * excitable assemblies with a weak chain, too weak to carry the sequence before learning.
   */
  wIn: 0.1, wFf: 0.1, g0: 0.3,
  /** Static inhibition between groups (each synapse, post in another group than pre): a soft winner-take-all. */
  wInh: -0.05,
  eta: 2e-3, tauEligibilityMs: 100, tauPostBaselineMs: 20, wMin: -2, wMax: 2,
  /** Running average of the reward (per trial). */
  rewardAverageTrials: 10,
  trials: 300, batch: 8,
  recordEveryMs: 5,
  testTrials: 96, testNoise: 0.15, dopamineSd: 0.1,
};

export type DopamineParams = typeof DOPAMINE_DEFAULTS;

export function dopamineParams(opts: ScenarioOptions): DopamineParams {
  const p = { ...DOPAMINE_DEFAULTS };
  if (opts.dt !== undefined) p.dt = opts.dt;
  if (opts.batch !== undefined) p.batch = opts.batch;
  if (opts.steps !== undefined) {
    // --steps sets the learning trials (each trial is (trialMs + itiMs) / dt steps).
    const per = (p.trialMs + p.itiMs) / p.dt;
    p.trials = Math.max(10, Math.round(opts.steps / per));
  }
  if (!(p.dt > 0 && p.dt <= 2)) throw new SpecError('--dt', `dopamine-sequence takes dt in (0, 2] ms, got ${p.dt}`);
  return p;
}

function groupProfile(p: DopamineParams, k: number): number[] {
  const N = p.groups * p.groupSize;
  return Array.from({ length: N }, (_, i) => (Math.floor(i / p.groupSize) === k ? 1 : 0));
}

/** The cue: on for cueMs at the start of every trial period (trial + inter-trial interval). */
function cueTime(p: DopamineParams, trials: number, withIti: boolean) {
  const period = withIti ? p.trialMs + p.itiMs : p.trialMs;
  const per = Math.round(period / p.cueMs);
  if (Math.abs(per * p.cueMs - period) > 1e-9) throw new Error('trial period must be a multiple of cueMs');
  const values: number[] = [];
  for (let t = 0; t < trials; t++) for (let k = 0; k < per; k++) values.push(k === 0 ? 1 : 0);
  return { type: 'array' as const, dt: p.cueMs, values };
}

/** The initial recurrent matrix (post x pre), from the seed. */
export function initialWeights(p: DopamineParams, seed: number): Float64Array {
  const N = p.groups * p.groupSize, M = p.groupSize;
  const rng = new PhiloxStream(seed, 29, 0, 43);
  const W = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const gi = Math.floor(i / M), gj = Math.floor(j / M);
      W[i * N + j] = (gi === gj && i !== j ? p.wIn : 0) + (gi === gj + 1 ? p.wFf : 0) + (p.g0 / Math.sqrt(N)) * rng.normal();
    }
  }
  return W;
}

/** The static inhibition between groups. */
function inhibition(p: DopamineParams): NonNullable<NetworkSpec['projections']>[number] {
  const N = p.groups * p.groupSize, M = p.groupSize;
  const values = new Array<number>(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) values[i * N + j] = Math.floor(i / M) === Math.floor(j / M) ? 0 : p.wInh;
  return { name: 'inh', from: 'net', to: 'net', weights: { type: 'dense', values } };
}

export function learningSpec(p: DopamineParams, seed: number): NetworkSpec {
  const N = p.groups * p.groupSize;
  return {
    dt: p.dt, integrator: 'exponential', seed,
    populations: [{ name: 'net', size: N, tau: p.tau, activation: 'sigmoid', bias: p.bias, noise: p.noise }],
    modulators: [{ name: 'dopamine', type: 'host', init: 0 }],
    projections: [{
      name: 'rec', from: 'net', to: 'net', weights: { type: 'dense', values: Array.from(initialWeights(p, seed)) },
      plasticity: { rule: 'three-factor', eta: p.eta, tauEligibility: p.tauEligibilityMs, tauPostBaseline: p.tauPostBaselineMs, modulator: 'dopamine', wMin: p.wMin, wMax: p.wMax },
    }, inhibition(p)],
    inputs: [{ name: 'cue', target: 'net', amplitude: p.cueAmplitude, profile: groupProfile(p, 0), time: cueTime(p, p.trials + 1, true) }],
    record: [{ name: 'rates', population: 'net', what: 'rate', every: Math.round(p.recordEveryMs / p.dt) }],
    batch: { size: p.batch, params: { seed: Array.from({ length: p.batch }, (_, b) => seed * 1000 + b) } },
  };
}

/** Group-mean rates per recorded row: rows x B x K, from rows x B x N. */
export function groupRates(values: Float32Array, rows: number, B: number, p: DopamineParams): Float64Array {
  const K = p.groups, M = p.groupSize, N = K * M;
  const out = new Float64Array(rows * B * K);
  for (let r = 0; r < rows; r++) {
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < N; i++) out[(r * B + b) * K + Math.floor(i / M)] += values[(r * B + b) * N + i] / M;
    }
  }
  return out;
}

/** Reward of instance b from its group rates over one trial (rows from the cue). */
export function trialReward(g: Float64Array, rows: number, B: number, b: number, p: DopamineParams): number {
  const K = p.groups, every = p.recordEveryMs;
  let total = 0;
  for (let k = 0; k < K; k++) {
    const r0 = Math.round((k * p.windowMs) / every), r1 = Math.min(rows, Math.round(((k + 1) * p.windowMs) / every));
    let on = 0, off = 0;
    for (let r = r0; r < r1; r++) {
      for (let q = 0; q < K; q++) {
        const v = g[(r * B + b) * K + q];
        if (q === k) on += v; else off += v / (K - 1);
      }
    }
    total += (on - off) / Math.max(1, r1 - r0);
  }
  return total / K;
}

export interface LearningResult {
  rewards: Float64Array; // trials x B
  weights: Float32Array; // B x N x N
  first: Float64Array; // group rates of the first trial, rows x B x K
  last: Float64Array; // of the last trial
  rows: number;
  wallSeconds: number;
  sim: { adapter: unknown; kernels: string[] };
}

/** The learning phase: trials with the host setting dopamine to each trial's reward prediction error. */
export async function learn(p: DopamineParams, seed: number, dev: { backend?: string; adapter?: string }, progress?: (msg: string) => void): Promise<LearningResult> {
  const sim = await Simulation.create(learningSpec(p, seed), { backend: dev.backend, adapter: dev.adapter });
  const B = p.batch;
  const trialSteps = Math.round(p.trialMs / p.dt), itiSteps = Math.round(p.itiMs / p.dt);
  const rows = Math.round(p.trialMs / p.recordEveryMs);
  const rewards = new Float64Array(p.trials * B);
  const average = new Float64Array(B);
  let first: Float64Array = new Float64Array(0), last: Float64Array = new Float64Array(0);
  const t0 = performance.now();
  let lastReport = t0;
  for (let t = 0; t < p.trials; t++) {
    const sink = new MemorySink();
    await sim.run(trialSteps, { sink });
    const d = sink.data.get('rates')!;
    const g = groupRates(d.values, d.rows, B, p);
    const rpe: number[] = [];
    for (let b = 0; b < B; b++) {
      const R = trialReward(g, rows, B, b, p);
      rewards[t * B + b] = R;
      // The first trial sets the prediction (no error to learn from yet).
      if (t === 0) average[b] = R;
      rpe.push(R - average[b]);
      average[b] += (R - average[b]) / p.rewardAverageTrials;
    }
    if (t === 0) first = g;
    if (t === p.trials - 1) last = g;
    // A phasic dopamine pulse of one step at the end of the trial: dw = dt eta D e(end of trial).
    sim.setModulator('dopamine', rpe);
    await sim.run(1);
    sim.setModulator('dopamine', 0);
    await sim.run(itiSteps - 1);
    if (progress && (performance.now() - lastReport > 2000 || t === p.trials - 1)) {
      lastReport = performance.now();
      let mean = 0;
      for (let b = 0; b < B; b++) mean += rewards[t * B + b] / B;
      progress(`lamina: dopamine-sequence: trial ${t + 1}/${p.trials}, mean reward ${mean.toFixed(3)}`);
    }
  }
  const weights = await sim.readWeights('rec');
  const info = { adapter: adapterReport(sim.gpu), kernels: sim.kernelNames.map((k) => k.label) };
  sim.destroy();
  return { rewards, weights, first, last, rows, wallSeconds: (performance.now() - t0) / 1000, sim: info };
}

/** Test trials as one batch: learned weights (instance 0), weaker noise, per-trial dopamine gain. */
export function testSpec(p: DopamineParams, seed: number, W: Float32Array, deltas: number[]): NetworkSpec {
  const N = p.groups * p.groupSize;
  const T = deltas.length;
  return {
    dt: p.dt, integrator: 'exponential', seed,
    populations: [{ name: 'net', size: N, tau: p.tau, activation: 'sigmoid', bias: p.bias, noise: p.testNoise }],
    modulators: [{ name: 'dopamine_gain', type: 'schedule', time: { type: 'constant' }, baseline: 1, amplitude: 0 }],
    projections: [{ name: 'rec', from: 'net', to: 'net', weights: { type: 'dense', values: Array.from(W.subarray(0, N * N)) }, gainModulator: 'dopamine_gain' }, inhibition(p)],
    inputs: [{ name: 'cue', target: 'net', amplitude: p.cueAmplitude, profile: groupProfile(p, 0), time: cueTime(p, 1, false) }],
    record: [{ name: 'rates', population: 'net', what: 'rate', every: Math.round(p.recordEveryMs / p.dt) }],
    batch: { size: T, params: { seed: Array.from({ length: T }, (_, t) => seed * 7919 + t + 1), 'modulators.dopamine_gain.amplitude': deltas } },
  };
}

export interface VariabilityResult {
  deltas: number[];
  /** Trials x (rows x K) group-rate trajectories. */
  trajectories: Float64Array;
  mean: Float64Array;
  varianceExplained: number;
  shapeCorrelation: number;
  loadingCorrelation: number;
  pc1: Float64Array;
  loadings: Float64Array;
  rows: number;
}

export async function testVariability(p: DopamineParams, seed: number, W: Float32Array, dev: { backend?: string; adapter?: string }): Promise<VariabilityResult> {
  const rng = new PhiloxStream(seed, 31, 0, 41);
  const deltas = Array.from({ length: p.testTrials }, () => p.dopamineSd * rng.normal());
  const sim = await Simulation.create(testSpec(p, seed, W, deltas), { backend: dev.backend, adapter: dev.adapter });
  const sink = new MemorySink();
  await sim.run(Math.round(p.trialMs / p.dt), { sink });
  sim.destroy();
  const d = sink.data.get('rates')!;
  const T = p.testTrials, K = p.groups, rows = d.rows;
  const g = groupRates(d.values, rows, T, p);
  const F = rows * K;
  const traj = new Float64Array(T * F);
  for (let t = 0; t < T; t++) for (let r = 0; r < rows; r++) for (let k = 0; k < K; k++) traj[t * F + r * K + k] = g[(r * T + t) * K + k];
  const mean = new Float64Array(F);
  for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) mean[f] += traj[t * F + f] / T;
  const resid = new Float64Array(T * F);
  for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) resid[t * F + f] = traj[t * F + f] - mean[f];
  const pc = topPrincipalComponent(resid, T, F);
  // Sign convention: PC1 points along the mean sequence.
  let dot = 0;
  for (let f = 0; f < F; f++) dot += pc.component[f] * mean[f];
  const sgn = dot < 0 ? -1 : 1;
  const pc1 = pc.component.map((v) => v * sgn);
  const loadings = pc.scores.map((v) => v * sgn);
  return {
    deltas, trajectories: traj, mean, rows, pc1, loadings,
    varianceExplained: pc.varianceExplained, shapeCorrelation: pearson(pc1, mean), loadingCorrelation: pearson(loadings, deltas),
  };
}

function lineSvg(title: string, xlabel: string, ylabel: string, series: { name: string; colour: string; x: number[]; y: number[] }[]): string {
  const W = 560, H = 320, m = 55, pw = W - 2 * m, ph = H - 2 * m;
  const xs = series.flatMap((s) => s.x), ys = series.flatMap((s) => s.y);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys, 0), y1 = Math.max(...ys);
  const X = (x: number) => m + ((x - x0) / (x1 - x0 || 1)) * pw, Y = (y: number) => m + ph - ((y - y0) / (y1 - y0 || 1)) * ph;
  const lines = series.map((s, k) => `<polyline fill="none" stroke="${s.colour}" stroke-width="1.8" points="${s.x.map((x, i) => `${X(x).toFixed(1)},${Y(s.y[i]).toFixed(1)}`).join(' ')}"/>`
    + `<text x="${m + pw - 5}" y="${m + 15 + 15 * k}" text-anchor="end" font-size="11" fill="${s.colour}">${esc(s.name)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif"><rect width="${W}" height="${H}" fill="white"/>`
    + `<text x="${W / 2}" y="22" text-anchor="middle" font-size="13">${esc(title)}</text>${lines.join('')}`
    + `<rect x="${m}" y="${m}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`
    + `<text x="${W / 2}" y="${H - 12}" text-anchor="middle" font-size="12">${esc(xlabel)}</text>`
    + `<text x="14" y="${m + ph / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${m + ph / 2})">${esc(ylabel)}</text>`
    + `<text x="${m - 5}" y="${m + 4}" text-anchor="end" font-size="10">${y1.toPrecision(3)}</text><text x="${m - 5}" y="${m + ph}" text-anchor="end" font-size="10">${y0.toPrecision(3)}</text>`
    + `<text x="${m}" y="${m + ph + 14}" font-size="10">${x0.toPrecision(3)}</text><text x="${m + pw}" y="${m + ph + 14}" text-anchor="end" font-size="10">${x1.toPrecision(3)}</text></svg>`;
}

function scatterSvg(title: string, x: number[], y: number[], xlabel: string, ylabel: string): string {
  const W = 400, H = 340, m = 55, pw = W - 2 * m, ph = H - 2 * m;
  const x0 = Math.min(...x), x1 = Math.max(...x), y0 = Math.min(...y), y1 = Math.max(...y);
  const dots = x.map((v, i) => `<circle cx="${(m + ((v - x0) / (x1 - x0 || 1)) * pw).toFixed(1)}" cy="${(m + ph - ((y[i] - y0) / (y1 - y0 || 1)) * ph).toFixed(1)}" r="3" fill="#1f5fa8"/>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif"><rect width="${W}" height="${H}" fill="white"/>`
    + `<text x="${W / 2}" y="22" text-anchor="middle" font-size="13">${esc(title)}</text>${dots.join('')}<rect x="${m}" y="${m}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`
    + `<text x="${W / 2}" y="${H - 12}" text-anchor="middle" font-size="12">${esc(xlabel)}</text>`
    + `<text x="14" y="${m + ph / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${m + ph / 2})">${esc(ylabel)}</text></svg>`;
}

const COLOURS = ['#1f5fa8', '#c0392b', '#27ae60', '#8e44ad', '#d35400', '#16a085', '#7f8c8d', '#2c3e50'];

async function run(opts: ScenarioOptions & { backend?: string; adapter?: string; progress?: (msg: string) => void }): Promise<ProtocolOutcome> {
  const p = dopamineParams(opts);
  const seed = opts.seed ?? 1;
  const dev = { backend: opts.backend, adapter: opts.adapter };
  const L = await learn(p, seed, dev, opts.progress);
  const B = p.batch, K = p.groups;
  const curve = Array.from({ length: p.trials }, (_, t) => { let s = 0; for (let b = 0; b < B; b++) s += L.rewards[t * B + b]; return s / B; });
  const block = Math.max(1, Math.round(p.trials / 10));
  const early = curve.slice(0, block).reduce((a, b) => a + b, 0) / block;
  const late = curve.slice(-block).reduce((a, b) => a + b, 0) / block;
  const t1 = performance.now();
  const V = await testVariability(p, seed, L.weights, dev);
  const testWall = (performance.now() - t1) / 1000;
  const checks: Check[] = [
    { name: 'reward rises with learning (last tenth of trials >= first tenth + 0.2)', pass: late >= early + 0.2, detail: `mean reward ${early.toFixed(3)} -> ${late.toFixed(3)} (${B} instances)` },
    { name: 'the learned sequence is expressed (reward of the last trials >= 0.3)', pass: late >= 0.3, detail: `last-tenth reward ${late.toFixed(3)} (1 = perfect sequence)` },
    { name: 'trial residuals are low-dimensional: PC1 explains >= 70 %', pass: V.varianceExplained >= 0.7, detail: `PC1 explains ${(100 * V.varianceExplained).toFixed(1)} % of the residual variance over ${p.testTrials} trials` },
    { name: 'PC1 has the shape of the mean sequence (r >= 0.8)', pass: V.shapeCorrelation >= 0.8, detail: `correlation of PC1 with the mean trajectory ${V.shapeCorrelation.toFixed(3)}` },
    { name: 'PC1 loading follows the dopamine transient (r >= 0.9)', pass: Math.abs(V.loadingCorrelation) >= 0.9, detail: `r = ${V.loadingCorrelation.toFixed(3)}` },
  ];
  const every = p.recordEveryMs;
  const tAxis = Array.from({ length: L.rows }, (_, r) => (r + 0.5) * every);
  const traces = (g: Float64Array, b: number) => Array.from({ length: K }, (_, k) => ({ name: `group ${k + 1}`, colour: COLOURS[k % COLOURS.length], x: tAxis, y: tAxis.map((_, r) => g[(r * B + b) * K + k]) }));
  const meanSeries = Array.from({ length: K }, (_, k) => ({ name: `group ${k + 1}`, colour: COLOURS[k % COLOURS.length], x: tAxis, y: tAxis.map((_, r) => V.mean[r * K + k]) }));
  const pcSeries = Array.from({ length: K }, (_, k) => ({ name: `group ${k + 1}`, colour: COLOURS[k % COLOURS.length], x: tAxis, y: tAxis.map((_, r) => V.pc1[r * K + k]) }));
  const N = K * p.groupSize;
  const blocks = new Float64Array(K * K);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) blocks[Math.floor(i / p.groupSize) * K + Math.floor(j / p.groupSize)] += L.weights[i * N + j] / (p.groupSize * p.groupSize);
  return {
    result: {
      summary: {
        scenario: 'dopamine-sequence', trials: p.trials, instances: B, reward_first_tenth: early, reward_last_tenth: late,
        reward_curve: curve, learned_group_weights_instance0: Array.from({ length: K }, (_, i) => Array.from(blocks.subarray(i * K, (i + 1) * K))),
        test_trials: p.testTrials, dopamine_sd: p.dopamineSd, pc1_variance_explained: V.varianceExplained, pc1_shape_correlation: V.shapeCorrelation,
        pc1_loading_vs_dopamine_r: V.loadingCorrelation, learning_wall_s: L.wallSeconds, test_wall_s: testWall, checks, pass: checks.every((c) => c.pass),
      },
      arrays: {
        rewards: { data: L.rewards, shape: [p.trials, B] },
        weights_rec: { data: L.weights, shape: [B, N, N] },
        test_trajectories: { data: V.trajectories, shape: [p.testTrials, V.rows, K] },
        test_dopamine: { data: Float64Array.from(V.deltas), shape: [p.testTrials] },
        test_pc1_loadings: { data: V.loadings, shape: [p.testTrials] },
      },
      figures: {
        'reward-curve.svg': lineSvg(`Reward per trial (mean of ${B} instances)`, 'trial', 'reward', [{ name: 'mean reward', colour: '#1f5fa8', x: curve.map((_, t) => t + 1), y: curve }]),
        'sequence-before.svg': lineSvg('Group rates, first trial (instance 0)', 'time from cue (ms)', 'rate', traces(L.first, 0)),
        'sequence-after.svg': lineSvg('Group rates, last learning trial (instance 0)', 'time from cue (ms)', 'rate', traces(L.last, 0)),
        'test-mean.svg': lineSvg(`Mean of ${p.testTrials} test trials`, 'time from cue (ms)', 'rate', meanSeries),
        'test-pc1.svg': lineSvg(`PC1 of trial residuals (${(100 * V.varianceExplained).toFixed(0)} % of variance)`, 'time from cue (ms)', 'loading profile', pcSeries),
        'pc1-vs-dopamine.svg': scatterSvg(`PC1 loading against dopamine (r = ${V.loadingCorrelation.toFixed(3)})`, V.deltas, Array.from(V.loadings), 'dopamine transient (gain - 1)', 'PC1 loading'),
      },
    },
    meta: { params: { ...p, seed }, adapter: L.sim.adapter, kernels_learning: L.sim.kernels, learning_spec: { ...learningSpec(p, seed), inputs: '(cue: group 1, every trial)' } },
  };
}

export const dopamineSequence: ProtocolScenario = {
  kind: 'protocol',
  name: 'dopamine-sequence',
  description: 'A three-factor rule with host-set dopamine (reward prediction error) learns a rewarded sequence; dopamine as gain makes rank-one trial variability.',
  run,
};
