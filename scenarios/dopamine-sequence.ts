/**
 * Dopamine-gated sequence learning, and dopamine as a gain that makes trial-to-trial variability rank
 * one (the seed chapter: a reward-modulated three-factor rule learns a rewarded sequence; after
 * learning, phasic dopamine acts as a gain on the recurrent connectivity).
 *
 * Network: K groups of M excitatory adaptive LIF cells (the place-cell model of hippocampal-replay, with
 * a delta-pulse port for given spikes), weak Poisson background, all-to-all plastic excitation that
 * starts at zero, and a pool of inhibitory cells.
 *
 * Learning trials. Two sequences are imposed by given spike trains, group after group every `stepMs`:
 * A = 1 2 3 4 5 is followed by reward (R = 1), its reverse B = 5 4 3 2 1 is not (R = 0), in a seeded random order.
 * The rule is three-factor STDP (engine/plan/spiking-plasticity.ts): pair-based STDP changes go into an
 * eligibility trace per synapse (tau_e), and the weight changes only while dopamine D is non-zero,
 * dw = dt eta D e. D is a schedule: a pulse at the end of each learning trial of height RPE = R - Rbar
 * (Rbar, the reward expected from the recent trials: a running average updated after each trial), so
 * A's forward pairs are consolidated and B's are weakened. Acetylcholine (a schedule gain on the
 * recurrent projection) keeps recurrent transmission low while sequences are imposed, 1 in probes.
 *
 * Probe trials (every few trials; no learning, no dopamine): only group 1 is kicked; the network
 * produces a sequence on its own. Probe reward = (1/K) sum_k [rate of group k in window k - mean rate
 * of the other groups there] / (the largest of those rates), windows of `stepMs` from the cue: 1 for
 * A exactly, 0 for nothing. The learning curve is the probe reward against trials.
 *
 * Dopamine as gain. The learned network runs T probe trials as one batch of T instances, each with its
 * own background noise and its own phasic dopamine transient delta_t ~ N(0, sd) acting as a gain
 * 1 + delta_t on the recurrent projection. The residuals of the trials' group-rate trajectories (5 ms
 * bins) around their mean are analysed by PCA: the model predicts a low-dimensional, rank-one
 * structure: PC1 explains >= 70 % of the residual variance, has the shape of the mean sequence (the
 * cosine between PC1 and the mean trajectory, both over (window, group) entries, is >= 0.8: residuals
 * that scale the mean sequence give 1) and each trial's PC1 loading correlates with its dopamine
 * transient (r >= 0.9). Two choices make the recall graded rather than all-or-none (with a homogeneous
 * network a group either fires completely or not at all, and the PC1 loading is a step function of the
 * dopamine transient): frozen excitability differences between cells (DC, uniform in
 * +-testHeterogeneityPa) and a tonic recurrent gain (testGain) in the range where recruitment grows
 * with the gain. Trajectories are group rates in windows of binMs.
 */
import { pearson } from '../engine/analysis/decoding.ts';
import { lineChart } from '../engine/plot/line.ts';
import { scatterChart } from '../engine/plot/scatter.ts';
import { topPrincipalComponent } from '../engine/analysis/pca.ts';
import { binnedCounts } from '../engine/analysis/network-metrics.ts';
import { asymmetryIndex, laggedCovariance, rowsOf, sequenceOrder, spearman } from '../engine/analysis/xcov.ts';
import { SpecError } from '../engine/errors.ts';
import { adapterReport } from '../engine/gpu/device.ts';
import { SpikingSimulation } from '../engine/run/spiking-simulation.ts';
import type { SpikingSpec } from '../engine/spec/spiking.ts';
import { PhiloxStream } from '../engine/util/philox.ts';
import { PLACE_CELL } from './hippocampal-replay.ts';
import type { Check, ProtocolOutcome, ProtocolScenario, ScenarioOptions } from './scenario.ts';

export const DOPAMINE_DEFAULTS = {
  groups: 5, groupSize: 20, inhibitory: 20, dt: 0.25,
  /** Imposed sequences: group onsets every stepMs from cueAtMs; each cell one kick (jitter +-1 ms). */
  stepMs: 15, cueAtMs: 10, trialMs: 200, jitterMs: 1,
  trials: 64, probeEvery: 8,
  aPlus: 30, aMinus: 33, tauStdpMs: 10, tauEligibilityMs: 100, wMax: 200, eta: 2, delayMs: 15,
  /** Dopamine pulse at the end of a learning trial (ms) and the reward average's time constant (trials). */
  pulseMs: 10, rewardTrials: 5,
  /** Recurrent gain while sequences are imposed (acetylcholine high). */
  teachGain: 0.1,
  background: { rate: 400, weight: 40 },
  wEI: 60, wIE: -120, pEI: 0.5, pIE: 0.5,
  binMs: 15, testTrials: 128, dopamineSd: 0.1,
  /** Recurrent gain of the test trials without dopamine: below the all-or-none regime, so that recruitment is graded. */
  testGain: 1.5,
  /** Background rate of the test trials (Hz): the intrinsic noise against which the dopamine gain acts. */
  testBackgroundRate: 400,
  /** Frozen excitability differences of the E cells (DC, uniform in +-this, pA): graded recruitment. */
  testHeterogeneityPa: 250,
};

export type DopamineParams = typeof DOPAMINE_DEFAULTS;

export const SEQUENCES = { A: [0, 1, 2, 3, 4], B: [4, 3, 2, 1, 0] };

export function dopamineParams(opts: ScenarioOptions): DopamineParams {
  const p = { ...DOPAMINE_DEFAULTS };
  if (opts.dt !== undefined) p.dt = opts.dt;
  if (opts.scale !== undefined) throw new SpecError('--scale', 'dopamine-sequence has no scale option (its size is fixed; --steps sets the number of trials)');
  if (opts.batch !== undefined && opts.batch !== 1) throw new SpecError('--batch', 'dopamine-sequence runs one learning network (its test phase is a batch of trials); use --seed for others');
  if (opts.steps !== undefined) p.trials = Math.max(2 * p.probeEvery, Math.round(opts.steps / (p.trialMs / p.dt)));
  if (!(p.dt > 0 && p.dt <= 0.5)) throw new SpecError('--dt', `dopamine-sequence takes dt in (0, 0.5] ms, got ${p.dt}`);
  return p;
}

export type TrialKind = 'A' | 'B' | 'probe';

/** The trial list: a probe every probeEvery trials, else A or B at random (seeded). */
export function trialKinds(p: DopamineParams, seed: number): TrialKind[] {
  const rng = new PhiloxStream(seed, 51, 0, 52);
  return Array.from({ length: p.trials }, (_, t) => ((t + 1) % p.probeEvery === 0 ? 'probe' : rng.uniform() < 0.5 ? 'A' : 'B'));
}

/** Reward prediction errors of the learning trials (0 for probes) and the running reward expectation. */
export function rewardErrors(kinds: TrialKind[], p: DopamineParams): number[] {
  let expected = 0.5;
  return kinds.map((k) => {
    if (k === 'probe') return 0;
    const R = k === 'A' ? 1 : 0;
    const rpe = R - expected;
    expected += (R - expected) / p.rewardTrials;
    return rpe;
  });
}

function kicks(p: DopamineParams, kinds: TrialKind[], seed: number): { times: number[]; neurons: number[] } {
  const rng = new PhiloxStream(seed, 53, 0, 54);
  const times: number[] = [], neurons: number[] = [];
  kinds.forEach((kind, t) => {
    const order = kind === 'probe' ? [0] : SEQUENCES[kind];
    order.forEach((group, k) => {
      for (let c = 0; c < p.groupSize; c++) {
        times.push(t * p.trialMs + p.cueAtMs + k * p.stepMs + p.jitterMs * (2 * rng.uniform() - 1));
        neurons.push(group * p.groupSize + c);
      }
    });
  });
  return { times, neurons };
}

export function learningSpec(p: DopamineParams, seed: number, kinds: TrialKind[]): SpikingSpec {
  const N = p.groups * p.groupSize;
  const rpe = rewardErrors(kinds, p);
  const per = Math.round(p.trialMs / p.pulseMs);
  // Dopamine: RPE / pulseMs during the last pulseMs of each learning trial (the pulse integrates to RPE).
  const dopamine: number[] = [], ach: number[] = [];
  kinds.forEach((k, t) => {
    for (let s = 0; s < per; s++) {
      dopamine.push(s === per - 1 ? rpe[t] / p.pulseMs : 0);
      ach.push(k === 'probe' ? 1 : p.teachGain);
    }
  });
  const kick = kicks(p, kinds, seed);
  return {
    dt: p.dt, seed,
    models: { place_cell: PLACE_CELL },
    populations: [
      { name: 'E', size: N, model: 'place_cell', params: { b: 60, tau_w: 100 } },
      { name: 'I', size: p.inhibitory, model: 'lif_psc_exp', params: { tau_syn_exc: 2, tau_syn_inh: 4 } },
    ],
    modulators: [
      { name: 'dopamine', type: 'schedule', time: { type: 'array', dt: p.pulseMs, values: dopamine }, baseline: 0, amplitude: 1 },
      { name: 'acetylcholine_gain', type: 'schedule', time: { type: 'array', dt: p.pulseMs, values: ach }, baseline: 0, amplitude: 1 },
    ],
    projections: [
      {
        name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity: { type: 'fixed-probability', p: 1, allowAutapses: false }, weight: 0, delay: p.delayMs,
        plasticity: { rule: 'three-factor', aPlus: p.aPlus, aMinus: p.aMinus, tauPlus: p.tauStdpMs, tauMinus: p.tauStdpMs, wMin: 0, wMax: p.wMax, eta: p.eta, tauEligibility: p.tauEligibilityMs, modulator: 'dopamine' },
        gainModulator: 'acetylcholine_gain',
      },
      { name: 'EI', from: 'E', to: 'I', port: 'exc', connectivity: { type: 'fixed-probability', p: p.pEI }, weight: p.wEI, delay: 1 },
      { name: 'IE', from: 'I', to: 'E', port: 'inh', connectivity: { type: 'fixed-probability', p: p.pIE }, weight: p.wIE, delay: 1 },
    ],
    inputs: [
      { name: 'sequence', target: 'E', type: 'spikes', times: kick.times, neurons: kick.neurons, weight: 40, port: 'kick' },
      { name: 'background', target: 'E', type: 'poisson', rate: p.background.rate, weight: p.background.weight, port: 'exc' },
    ],
    record: [{ name: 'spikes_E', population: 'E', what: 'spikes' }],
  };
}

/** Group rates (Hz) in bins of binMs from the cue of trial t: bins x K, for instance b. */
export function groupRates(spikes: { step: number; instance: number; neuron: number }[], p: DopamineParams, t0Ms: number, bins: number, b = 0): Float64Array {
  const K = p.groups, out = new Float64Array(bins * K);
  for (const s of spikes) {
    if (s.instance !== b) continue;
    const k = Math.floor((s.step * p.dt - t0Ms) / p.binMs);
    if (k >= 0 && k < bins) out[k * K + Math.floor(s.neuron / p.groupSize)] += 1000 / (p.binMs * p.groupSize);
  }
  return out;
}

/** Probe reward from group rates in windows of stepMs after the cue (see the file comment). */
export function probeReward(rates: Float64Array, p: DopamineParams): number {
  const K = p.groups, per = p.stepMs / p.binMs;
  const means = Array.from({ length: K }, (_, w) => Array.from({ length: K }, (_, q) => {
    let s = 0;
    for (let r = w * per; r < (w + 1) * per; r++) s += rates[r * K + q];
    return s / per;
  }));
  const top = Math.max(1e-9, ...means.flat());
  let total = 0;
  for (let w = 0; w < K; w++) {
    const off = means[w].reduce((a, v, q) => a + (q === w ? 0 : v), 0) / (K - 1);
    total += (means[w][w] - off) / top;
  }
  return total / K;
}

export interface LearningResult {
  kinds: TrialKind[];
  probes: { trial: number; reward: number; rates: Float64Array }[];
  synapses: { pre: Uint32Array; post: Uint32Array };
  weights: Float32Array;
  wallSeconds: number;
  adapter: unknown;
  kernels: string[];
}

type Dev = { backend?: string; adapter?: string };

export async function learn(p: DopamineParams, seed: number, dev: Dev, progress?: (msg: string) => void): Promise<LearningResult> {
  const kinds = trialKinds(p, seed);
  const sim = await SpikingSimulation.create(learningSpec(p, seed, kinds), { backend: dev.backend, adapter: dev.adapter });
  const spikes: { step: number; instance: number; neuron: number }[] = [];
  const t0 = performance.now();
  const steps = Math.round((p.trials * p.trialMs) / p.dt);
  let last = t0;
  // Only the probe trials' spikes are kept (the learning trials' are imposed).
  const inProbe = (step: number) => kinds[Math.floor((step * p.dt) / p.trialMs)] === 'probe';
  await sim.run(steps, {
    onSpikes: (_r, s, b, n) => { for (let k = 0; k < s.length; k++) if (inProbe(s[k])) spikes.push({ step: s[k], instance: b[k], neuron: n[k] }); },
    onProgress: (done, total) => {
      if (progress && (performance.now() - last > 2000 || done === total)) { last = performance.now(); progress(`lamina: dopamine-sequence learning, step ${done}/${total}`); }
    },
  });
  const bins = Math.round((p.groups * p.stepMs) / p.binMs);
  const byTrial = new Map<number, typeof spikes>();
  for (const s of spikes) {
    const t = Math.floor((s.step * p.dt) / p.trialMs);
    if (!byTrial.has(t)) byTrial.set(t, []);
    byTrial.get(t)!.push(s);
  }
  const probes = kinds.flatMap((k, t) => {
    if (k !== 'probe') return [];
    const rates = groupRates(byTrial.get(t) ?? [], p, t * p.trialMs + p.cueAtMs, bins);
    return [{ trial: t, reward: probeReward(rates, p), rates }];
  });
  const syn = sim.synapses('EE');
  const weights = await sim.readWeights('EE');
  const out = { kinds, probes, synapses: { pre: syn.pre, post: syn.post }, weights, wallSeconds: (performance.now() - t0) / 1000, adapter: adapterReport(sim.gpu), kernels: sim.kernelLabels };
  sim.destroy();
  return out;
}

export interface VariabilityResult {
  deltas: number[];
  trajectories: Float64Array;
  mean: Float64Array;
  bins: number;
  varianceExplained: number;
  /** Cosine of the angle between PC1 and the mean trajectory (1: the residuals scale the mean sequence). */
  shapeCosine: number;
  /** Pearson correlation of the two profiles (centred over the entries). */
  shapeCorrelation: number;
  loadingCorrelation: number;
  pc1: Float64Array;
  loadings: Float64Array;
  /** The order recovered from the test trials' lagged cross-correlation against the learned one. */
  order: ReturnType<typeof learnedOrder>;
}

/** T probe trials of the learned network as one batch, each with its own dopamine gain and noise. */
export async function testVariability(p: DopamineParams, seed: number, L: LearningResult, dev: Dev): Promise<VariabilityResult> {
  const rng = new PhiloxStream(seed, 55, 0, 56);
  const T = p.testTrials;
  const deltas = Array.from({ length: T }, () => p.dopamineSd * rng.normal());
  const het = new PhiloxStream(seed, 57, 0, 58);
  const base = learningSpec({ ...p, trials: 1 }, seed, ['probe']);
  const S = L.synapses.pre.length;
  const spec: SpikingSpec = {
    ...base,
    modulators: [{ name: 'dopamine_gain', type: 'schedule', time: { type: 'constant' }, baseline: p.testGain, amplitude: 0 }],
    projections: [
      {
        ...base.projections![0],
        connectivity: { type: 'explicit', pre: Array.from(L.synapses.pre), post: Array.from(L.synapses.post), weights: Array.from(L.weights.subarray(0, S)) },
        // Learning off: a frozen plastic projection carries the per-trial gain.
        plasticity: { rule: 'stdp', aPlus: 0, aMinus: 0, wMin: 0, wMax: p.wMax },
        gainModulator: 'dopamine_gain',
      },
      ...base.projections!.slice(1),
    ],
    inputs: [
      ...base.inputs!.map((i) => (i.type === 'poisson' ? { ...i, rate: p.testBackgroundRate } : i)),
      { name: 'excitability', target: 'E', type: 'dc', amplitude: Array.from({ length: p.groups * p.groupSize }, () => p.testHeterogeneityPa * (2 * het.uniform() - 1)) },
    ],
    batch: { size: T, params: { seed: Array.from({ length: T }, (_, t) => seed * 7919 + t + 1), 'modulators.dopamine_gain.amplitude': deltas } },
  };
  const sim = await SpikingSimulation.create(spec, { backend: dev.backend, adapter: dev.adapter });
  const spikes: { step: number; instance: number; neuron: number }[] = [];
  await sim.run(Math.round(p.trialMs / p.dt), { onSpikes: (_r, s, b, n) => { for (let k = 0; k < s.length; k++) spikes.push({ step: s[k], instance: b[k], neuron: n[k] }); } });
  sim.destroy();
  const bins = Math.round((p.groups * p.stepMs + 20) / p.binMs), K = p.groups, F = bins * K;
  const traj = new Float64Array(T * F);
  for (let t = 0; t < T; t++) {
    const r = groupRates(spikes, p, p.cueAtMs, bins, t);
    traj.set(r, t * F);
  }
  const mean = new Float64Array(F);
  for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) mean[f] += traj[t * F + f] / T;
  const resid = new Float64Array(T * F);
  for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) resid[t * F + f] = traj[t * F + f] - mean[f];
  const pc = topPrincipalComponent(resid, T, F);
  let dot = 0;
  for (let f = 0; f < F; f++) dot += pc.component[f] * mean[f];
  const sgn = dot < 0 ? -1 : 1;
  const pc1 = pc.component.map((v) => v * sgn), loadings = pc.scores.map((v) => v * sgn);
  return {
    deltas, trajectories: traj, mean, bins, pc1, loadings, order: learnedOrder(spikes, p, T),
    varianceExplained: pc.varianceExplained, shapeCosine: cosine(pc1, mean), shapeCorrelation: pearson(pc1, mean), loadingCorrelation: pearson(loadings, deltas),
  };
}

/**
 * The learned order recovered from the test trials by the asymmetry of the lagged cross-correlation
 * (engine/analysis/xcov.ts: counts in 5 ms bins from the cue to the end of the trial, lags up to the
 * sequence's duration (groups x stepMs, 75 ms: shorter lags leave the first and last groups' pair to
 * the window's edges), normalised per unit, the asymmetry averaged over the trials, then the HodgeRank
 * order), for the 5 groups (each group's summed counts: the order that was learned) and for the single
 * cells that fired in at least a tenth of the trials (Spearman with their group, ties averaged).
 */
export function learnedOrder(spikes: { step: number; instance: number; neuron: number }[], p: DopamineParams, trials: number): { groups: number[]; groupSpearman: number; cellSpearman: number; cells: number } {
  const N = p.groups * p.groupSize, bin = Math.round(5 / p.dt), maxLag = Math.round((p.groups * p.stepMs) / (bin * p.dt));
  const from = Math.round(p.cueAtMs / p.dt), to = Math.round(p.trialMs / p.dt);
  const trains: number[][][] = Array.from({ length: trials }, () => Array.from({ length: N }, () => []));
  for (const s of spikes) if (s.neuron < N && s.step >= from && s.step < to) trains[s.instance][s.neuron].push(s.step);
  const active = Array.from({ length: N }, (_, i) => i).filter((i) => trains.filter((t) => t[i].length).length >= trials / 10);
  const orderOf = (units: (t: number[][]) => number[][]) => {
    const M = units(trains[0]).length;
    const A = new Float64Array(M * M);
    for (const t of trains) {
      const { x, T } = rowsOf(binnedCounts(units(t), { from, to }, bin));
      const a = asymmetryIndex(laggedCovariance(x, T, M, { maxLag, normalize: true }));
      for (let k = 0; k < A.length; k++) A[k] += a[k] / trials;
    }
    return sequenceOrder(A, M).position;
  };
  const groups = orderOf((t) => Array.from({ length: p.groups }, (_, g) => t.slice(g * p.groupSize, (g + 1) * p.groupSize).flat()));
  const cells = active.length >= 3 ? orderOf((t) => active.map((i) => t[i])) : new Float64Array(0);
  return {
    groups: Array.from(groups), groupSpearman: spearman(groups, groups.map((_, g) => g)),
    cellSpearman: cells.length ? spearman(cells, active.map((i) => Math.floor(i / p.groupSize))) : NaN, cells: active.length,
  };
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  return ab / Math.sqrt(aa * bb);
}

/** (window, group) profile as one line per group over the windows. */
function profileSeries(v: ArrayLike<number>, bins: number, p: DopamineParams) {
  const colours = ['#1f5fa8', '#c0392b', '#27ae60', '#8e44ad', '#d35400', '#16a085'];
  const x = Array.from({ length: bins }, (_, r) => (r + 0.5) * p.binMs);
  return Array.from({ length: p.groups }, (_, k) => ({ label: `group ${k + 1}`, colour: colours[k % colours.length], x, y: x.map((_, r) => v[r * p.groups + k]) }));
}

async function run(opts: ScenarioOptions & { backend?: string; adapter?: string; progress?: (msg: string) => void }): Promise<ProtocolOutcome> {
  const p = dopamineParams(opts);
  const seed = opts.seed ?? 1;
  const dev = { backend: opts.backend, adapter: opts.adapter };
  const L = await learn(p, seed, dev, opts.progress);
  const t1 = performance.now();
  const V = await testVariability(p, seed, L, dev);
  const testWall = (performance.now() - t1) / 1000;
  const first = L.probes[0].reward, last = L.probes[L.probes.length - 1].reward;
  const checks: Check[] = [
    { name: 'the rewarded sequence is learned: probe reward rises by >= 0.4', pass: last - first >= 0.4, detail: `probe reward ${first.toFixed(2)} (trial ${L.probes[0].trial + 1}) -> ${last.toFixed(2)} (trial ${L.probes[L.probes.length - 1].trial + 1}); 1 = sequence A exactly` },
    { name: 'trial residuals are low-dimensional: PC1 explains >= 70 %', pass: V.varianceExplained >= 0.7, detail: `PC1 explains ${(100 * V.varianceExplained).toFixed(1)} % of the residual variance over ${p.testTrials} trials` },
    { name: 'PC1 has the shape of the mean sequence (cosine >= 0.8)', pass: V.shapeCosine >= 0.8, detail: `cosine ${V.shapeCosine.toFixed(3)} (Pearson over the entries ${V.shapeCorrelation.toFixed(3)})` },
    { name: 'cross-correlation asymmetry of the test trials recovers the learned order (Spearman >= 0.9)', pass: V.order.cellSpearman >= 0.9, detail: `single cells: Spearman ${V.order.cellSpearman.toFixed(3)} with their group over ${V.order.cells} cells; groups in the recovered order: ${V.order.groups.map((k, g) => ({ g, k })).sort((a, b) => a.k - b.k).map((x) => x.g + 1).join(' ')} (Spearman ${V.order.groupSpearman.toFixed(3)}; 5 ms bins, lags to ${p.groups * p.stepMs} ms, ${p.testTrials} trials)` },
    { name: 'PC1 loading follows the dopamine transient (r >= 0.9)', pass: V.loadingCorrelation >= 0.9, detail: `r = ${V.loadingCorrelation.toFixed(3)}` },
  ];
  const K = p.groups, M = p.groupSize, S = L.synapses.pre.length;
  const blocks = new Float64Array(K * K), counts = new Float64Array(K * K);
  for (let s = 0; s < S; s++) { const q = Math.floor(L.synapses.post[s] / M) * K + Math.floor(L.synapses.pre[s] / M); blocks[q] += L.weights[s]; counts[q]++; }
  const groupWeights = Array.from({ length: K }, (_, i) => Array.from({ length: K }, (_, j) => blocks[i * K + j] / counts[i * K + j]));
  const probeBins = L.probes[0].rates.length / K;
  const rates = (title: string, v: Float64Array, bins: number) => lineChart({ title, xlabel: 'time from cue (ms)', ylabel: 'rate (Hz)', series: profileSeries(v, bins, p) });
  return {
    result: {
      summary: {
        scenario: 'dopamine-sequence', trials: p.trials, sequences: SEQUENCES,
        learning_curve: L.probes.map((q) => ({ trial: q.trial + 1, probe_reward: q.reward })),
        learned_weight_pA_post_by_pre_group: groupWeights,
        test_trials: p.testTrials, dopamine_sd: p.dopamineSd, pc1_variance_explained: V.varianceExplained, pc1_shape_cosine: V.shapeCosine,
        pc1_shape_pearson: V.shapeCorrelation, pc1_loading_vs_dopamine_r: V.loadingCorrelation,
        sequence_order: { group_positions: V.order.groups, group_spearman: V.order.groupSpearman, cell_spearman: V.order.cellSpearman, cells: V.order.cells },
        learning_wall_s: L.wallSeconds, test_wall_s: testWall, checks, pass: checks.every((c) => c.pass),
      },
      arrays: {
        probe_rewards: { data: Float64Array.from(L.probes.flatMap((q) => [q.trial + 1, q.reward])), shape: [L.probes.length, 2] },
        weights_EE: { data: L.weights, shape: [1, S] },
        synapses_EE: { data: Int32Array.from({ length: 2 * S }, (_, k) => (k % 2 ? L.synapses.post[k >> 1] : L.synapses.pre[k >> 1])), shape: [S, 2] },
        test_trajectories: { data: V.trajectories, shape: [p.testTrials, V.bins, K] },
        test_dopamine: { data: Float64Array.from(V.deltas), shape: [p.testTrials] },
        test_pc1_loadings: { data: V.loadings, shape: [p.testTrials] },
      },
      figures: {
        'learning-curve.svg': lineChart({ title: 'Probe reward (cue only) during learning', xlabel: 'trial', ylabel: 'probe reward (1 = sequence A)', series: [{ label: 'probe reward', colour: '#1f5fa8', x: L.probes.map((q) => q.trial + 1), y: L.probes.map((q) => q.reward) }] }),
        'probe-first.svg': rates(`Group rates, first probe (trial ${L.probes[0].trial + 1})`, L.probes[0].rates, probeBins),
        'probe-last.svg': rates(`Group rates, last probe (trial ${L.probes[L.probes.length - 1].trial + 1})`, L.probes[L.probes.length - 1].rates, probeBins),
        'test-mean.svg': rates(`Mean of ${p.testTrials} test trials`, V.mean, V.bins),
        'test-pc1.svg': lineChart({ title: `PC1 of the trial residuals (${(100 * V.varianceExplained).toFixed(0)} % of the variance)`, xlabel: 'time from cue (ms)', ylabel: 'PC1 profile (dimensionless)', series: profileSeries(V.pc1, V.bins, p) }),
        'pc1-vs-dopamine.svg': scatterChart({ title: `PC1 loading against dopamine (r = ${V.loadingCorrelation.toFixed(3)})`, x: V.deltas, y: V.loadings, xlabel: 'dopamine transient (gain change, dimensionless)', ylabel: 'PC1 loading (dimensionless)' }),
      },
    },
    meta: { params: { ...p, seed }, adapter: L.adapter, kernels_learning: L.kernels },
  };
}

export const dopamineSequence: ProtocolScenario = {
  kind: 'protocol',
  name: 'dopamine-sequence',
  description: 'Three-factor STDP with a dopamine reward-prediction error learns the rewarded one of two imposed sequences; dopamine as gain makes rank-one trial variability.',
  run,
};
