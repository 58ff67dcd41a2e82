/**
 * Belief state (the seed chapter's POMDP view): a recurrent network driven by noisy observations of a
 * hidden Markov world carries the exact Bayesian belief in its state, readable by a linear decoder.
 *
 * World (host, float64, seeded): K = 3 hidden states, a sticky chain (stay with probability `stay` per
 * observation, otherwise jump to one of the others); every `obsDt` ms it emits o = e_s + sigma z (e_s the
 * one-hot vector of state s, z standard normal in K dimensions). Exact belief b_t(s) = P(s_t | o_0..o_t)
 * by the forward algorithm (engine/analysis/hmm.ts).
 *
 * Network (GPU): N tanh units, tau dx/dt = -x + W tanh(x) + U o(t), W gaussian with gain g, U_id standard
 * normal times `inputScale`. The observation enters as K inputs (one per component d): profile U[:, d]
 * and a scalar time course 'array' sampled every obsDt ms holding o_t[d], so the spec (written to
 * meta.json) holds K numbers per observation rather than N. All rates are recorded once per observation,
 * after the last step that observation is held, so row t has seen o_0..o_t.
 *
 * Readout (host): after `washout` observations, the first `trainFraction` of rows train a ridge decoder
 * rates + bias -> b_t (engine/analysis/regression.ts); lambda is chosen on the last quarter of the
 * training rows, then refitted on all of them. The rest is the test segment. Baselines get the same
 * treatment: raw current observation o_t + bias (the comparison the checks use), the last `window`
 * observations, and the constant training-mean belief. Errors: mean absolute error over test rows and
 * states. Same seed = same world, weights and result.
 *
 * Options: --steps sets the run length (observations = steps / (obsDt / dt)); --scale s sets N = s * 300;
 * --seed the world, weights and readout split. Runs one instance (the observations are one input shared
 * by every instance, so a batch would repeat the same run).
 */
import { forwardFilter, sampleChain, stickyTransitions } from '../engine/analysis/hmm.ts';
import { meanAbsError, predict, ridgeSelect } from '../engine/analysis/regression.ts';
import { barChart } from '../engine/plot/bars.ts';
import { linePanel } from '../engine/plot/line.ts';
import { panelFigure } from '../engine/plot/panels.ts';
import { niceTicks, type Box } from '../engine/plot/svg.ts';
import { SpecError } from '../engine/errors.ts';
import type { InputSpec, NetworkSpec } from '../engine/spec/rate.ts';
import type { MemorySink } from '../engine/record/recorders.ts';
import { PhiloxStream } from '../engine/util/philox.ts';
import type { Check, Scenario, ScenarioOptions, ScenarioResult, ScenarioRun } from './scenario.ts';

export const BELIEF_DEFAULTS = {
  /** Hidden states; per-observation stay probability; observation noise sigma (means one-hot). */
  K: 3, stay: 0.98, sigma: 1,
  /** Time step and observation interval [ms]. */
  dt: 1, obsDt: 5,
  /** Units at scale 1; time constant [ms]; recurrent gain; input weight scale. */
  N: 300, tau: 10, g: 1, inputScale: 1,
  /** Observations in the default run (100 s of simulated time). */
  observations: 20000,
  /** Observations dropped before the readout (network transient); training share of the rest. */
  washout: 50, trainFraction: 0.7,
  /** Observations in the window baseline; ridge penalties tried. */
  window: 10, lambdas: [1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000],
  /**
   * Checks: the network's test MAE at most these fractions of the raw-observation and window readouts'
   * MAE, and at most maxDecodedMae. Measured: seeds 1-12 at the test size (800 observations, 100 units)
   * gave ratios 0.26-0.37 and 0.44-0.63, MAE 0.063-0.113; seeds 1-5 at full size gave 0.17-0.20,
   * 0.33-0.38 and 0.051-0.059.
   */
  maxRatioToRaw: 0.5, maxRatioToWindow: 0.8, maxDecodedMae: 0.15,
};

/** Purpose word of the world's Philox streams (distinct from noise 0, connectivity 1, init 2). */
const WORLD_STREAM = 0x574f524c;

export interface World {
  states: Int32Array;
  /** n x K observations. */
  obs: Float64Array;
  /** n x K exact filtered belief. */
  belief: Float64Array;
  /** N x K input weights U. */
  inputWeights: Float64Array;
}

/** The hidden chain, its observations, the exact belief and the input weights, all from `seed`. */
export function makeWorld(seed: number, n: number, N: number, p = BELIEF_DEFAULTS): World {
  const K = p.K;
  const trans = stickyTransitions(K, p.stay);
  const initial = new Float64Array(K).fill(1 / K);
  const chainRng = new PhiloxStream(seed, 0, 0, WORLD_STREAM);
  const states = sampleChain(trans, initial, K, n, () => chainRng.uniform());
  const noiseRng = new PhiloxStream(seed, 1, 0, WORLD_STREAM);
  const obs = new Float64Array(n * K), logLik = new Float64Array(n * K);
  for (let t = 0; t < n; t++) {
    for (let d = 0; d < K; d++) obs[t * K + d] = (d === states[t] ? 1 : 0) + p.sigma * noiseRng.normal();
    for (let s = 0; s < K; s++) {
      let q = 0;
      for (let d = 0; d < K; d++) q += (obs[t * K + d] - (d === s ? 1 : 0)) ** 2;
      logLik[t * K + s] = -q / (2 * p.sigma * p.sigma);
    }
  }
  const inRng = new PhiloxStream(seed, 2, 0, WORLD_STREAM);
  const inputWeights = Float64Array.from({ length: N * K }, () => p.inputScale * inRng.normal());
  return { states, obs, belief: forwardFilter(trans, initial, K, logLik).belief, inputWeights };
}

function build(opts: ScenarioOptions): ScenarioRun {
  const p = BELIEF_DEFAULTS;
  if (opts.batch !== undefined && opts.batch !== 1) throw new SpecError('--batch', `belief-state runs one instance (its observations are one input shared by all instances), got ${opts.batch}`);
  const scale = opts.scale ?? 1;
  if (!(scale > 0 && scale <= 1)) throw new SpecError('--scale', `must be in (0, 1], got ${scale}`);
  const dt = opts.dt ?? p.dt;
  const every = Math.round(p.obsDt / dt);
  if (every < 1 || Math.abs(every * dt - p.obsDt) > 1e-9 * p.obsDt) throw new SpecError('--dt', `must divide the observation interval ${p.obsDt} ms, got ${dt}`);
  const steps = opts.steps ?? p.observations * every;
  const n = Math.floor(steps / every);
  const minObs = p.washout + 2 * p.window + 40;
  if (n < minObs) throw new SpecError('--steps', `belief-state needs at least ${minObs} observations (${minObs * every} steps), got ${steps} steps`);
  const N = Math.max(10, Math.round(p.N * scale));
  const seed = opts.seed ?? 1;
  const world = makeWorld(seed, n, N, p);
  const inputs: InputSpec[] = Array.from({ length: p.K }, (_, d) => ({
    name: `obs${d}`, target: 'rnn',
    profile: Array.from({ length: N }, (_, i) => world.inputWeights[i * p.K + d]),
    time: { type: 'array', dt: p.obsDt, values: Array.from({ length: n }, (_, t) => world.obs[t * p.K + d]) },
  }));
  const spec: NetworkSpec = {
    dt, integrator: 'exponential', seed,
    populations: [{ name: 'rnn', size: N, tau: p.tau, activation: 'tanh' }],
    projections: [{ name: 'recurrent', from: 'rnn', to: 'rnn', weights: { type: 'gaussian', g: p.g } }],
    inputs,
    record: [{ name: 'rates', population: 'rnn', what: 'rate', every }],
  };
  return { spec, steps, params: { ...p, dt, N, scale, seed, observations: n, recordEvery: every, steps } };
}

interface Decoder { name: string; label: string; features: number; mae: number; lambda: number; agreement: number; accuracy: number; decoded: Float64Array }

function argmax(v: ArrayLike<number>, from: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (v[from + j] > v[from + best]) best = j;
  return best;
}

function analyze(run: ScenarioRun, rec: MemorySink): ScenarioResult {
  const p = BELIEF_DEFAULTS, K = p.K;
  const pr = run.params as { seed: number; N: number; observations: number };
  const d = rec.data.get('rates')!;
  const n = Math.min(d.rows, pr.observations), N = d.width;
  const world = makeWorld(pr.seed, pr.observations, pr.N, p);
  const rows = n - p.washout;
  const nTrain = Math.floor(rows * p.trainFraction), nTest = rows - nTrain;
  const target = world.belief.subarray(p.washout * K, n * K);
  const testTarget = target.subarray(nTrain * K);

  // Feature matrices over the rows after the washout: rates, the current observation, a window of them.
  const rates = Float64Array.from(d.values.subarray(p.washout * N, n * N));
  const raw = world.obs.subarray(p.washout * K, n * K);
  const W = p.window;
  const windowed = new Float64Array(rows * W * K);
  for (let t = 0; t < rows; t++) for (let w = 0; w < W; w++) for (let j = 0; j < K; j++) windowed[(t * W + w) * K + j] = world.obs[(p.washout + t - w) * K + j];

  const decode = (name: string, label: string, x: Float64Array, features: number): Decoder => {
    const sel = ridgeSelect(x.subarray(0, nTrain * features), target.subarray(0, nTrain * K), nTrain, features, K, p.lambdas);
    const decoded = predict(sel.fit, x, rows);
    const test = decoded.subarray(nTrain * K);
    let agree = 0, correct = 0;
    for (let t = 0; t < nTest; t++) {
      const a = argmax(test, t * K, K);
      if (a === argmax(testTarget, t * K, K)) agree++;
      if (a === world.states[p.washout + nTrain + t]) correct++;
    }
    return { name, label, features, mae: meanAbsError(test, testTarget), lambda: sel.fit.lambda, agreement: agree / nTest, accuracy: correct / nTest, decoded };
  };
  const network = decode('network', `network rates (${N} units)`, rates, N);
  const rawObs = decode('raw_observation', 'raw current observation', Float64Array.from(raw), K);
  const window = decode('observation_window', `last ${W} observations`, windowed, W * K);
  // Constant decoder: the training-mean belief.
  const mean = new Float64Array(K);
  for (let t = 0; t < nTrain; t++) for (let j = 0; j < K; j++) mean[j] += target[t * K + j] / nTrain;
  const constant = Float64Array.from({ length: nTest * K }, (_, k) => mean[k % K]);
  const constantMae = meanAbsError(constant, testTarget);
  let exactCorrect = 0;
  for (let t = 0; t < nTest; t++) if (argmax(testTarget, t * K, K) === world.states[p.washout + nTrain + t]) exactCorrect++;

  const ratio = network.mae / rawObs.mae;
  let finite = true;
  for (let k = 0; k < d.values.length; k++) if (!Number.isFinite(d.values[k])) { finite = false; break; }
  const checks: Check[] = [
    { name: 'rates are finite', pass: finite, detail: `${d.rows} rows x ${N} units` },
    { name: `decoded belief beats the raw-observation readout (MAE ratio <= ${p.maxRatioToRaw})`, pass: ratio <= p.maxRatioToRaw, detail: `network MAE ${network.mae.toFixed(4)} vs raw-observation MAE ${rawObs.mae.toFixed(4)} (ratio ${ratio.toFixed(3)})` },
    { name: `decoded belief beats the ${W}-observation window readout (MAE ratio <= ${p.maxRatioToWindow})`, pass: network.mae <= p.maxRatioToWindow * window.mae, detail: `network MAE ${network.mae.toFixed(4)} vs window MAE ${window.mae.toFixed(4)} (ratio ${(network.mae / window.mae).toFixed(3)})` },
    { name: `decoded belief MAE <= ${p.maxDecodedMae}`, pass: network.mae <= p.maxDecodedMae, detail: `MAE ${network.mae.toFixed(4)} over ${nTest} test observations x ${K} states (constant readout: ${constantMae.toFixed(4)})` },
  ];
  const row = (x: Decoder) => ({ decoder: x.name, features: x.features, lambda: x.lambda, mae: x.mae, argmax_agreement_with_exact: x.agreement, hidden_state_accuracy: x.accuracy });
  const summary = {
    scenario: 'belief-state', units: { time: 'ms', mae: 'probability (mean over test observations and states)' },
    world: { states: K, stay: p.stay, sigma: p.sigma, observation_interval_ms: p.obsDt, observations: n, seed: pr.seed },
    network: { units: N, tau_ms: p.tau, g: p.g, input_scale: p.inputScale, dt_ms: run.spec.dt },
    readout: { washout: p.washout, train_observations: nTrain, test_observations: nTest, lambda_grid: p.lambdas, selection: 'contiguous hold-out: last 25% of the training rows' },
    mae: { network: network.mae, raw_observation: rawObs.mae, observation_window: window.mae, constant: constantMae, ratio_network_to_raw: ratio },
    decoders: [row(network), row(rawObs), row(window), { decoder: 'constant', features: 0, mae: constantMae }],
    exact_belief_hidden_state_accuracy: exactCorrect / nTest,
    checks, pass: checks.every((c) => c.pass),
  };
  const time = Float64Array.from({ length: rows }, (_, t) => (p.washout + t + 1) * p.obsDt);
  return {
    summary,
    arrays: {
      hidden_state: { data: world.states.subarray(0, n), shape: [n] },
      observations: { data: world.obs.subarray(0, n * K), shape: [n, K] },
      belief_exact: { data: world.belief.subarray(0, n * K), shape: [n, K] },
      belief_network: { data: network.decoded, shape: [rows, K] },
      belief_raw_observation: { data: rawObs.decoded, shape: [rows, K] },
      readout_time_ms: { data: time, shape: [rows] },
    },
    figures: {
      'belief-traces.svg': traces(world, target, network.decoded, rawObs.decoded, p.washout + nTrain, nTrain, Math.min(nTest, 400)),
      'decoder-mae.svg': maeBars([...[network, window, rawObs].map((x) => ({ label: x.label, mae: x.mae })), { label: 'constant (training mean)', mae: constantMae }]),
    },
  };
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

/** One panel per state over `len` test observations: exact, network-decoded and raw-decoded belief. */
function traces(world: World, exact: Float64Array, net: Float64Array, raw: Float64Array, obs0: number, row0: number, len: number): string {
  const K = BELIEF_DEFAULTS.K, dt = BELIEF_DEFAULTS.obsDt;
  const t0 = (obs0 + 1) * dt, t1 = (obs0 + len) * dt;
  const panels = Array.from({ length: K }, (_, k) => {
    // Shade the stretches where the hidden state is k.
    const shade: [number, number][] = [];
    for (let t = 0; t < len;) {
      if (world.states[obs0 + t] !== k) { t++; continue; }
      const s = t;
      while (t < len && world.states[obs0 + t] === k) t++;
      shade.push([t0 + s * dt, t0 + t * dt]);
    }
    const state = (v: Float64Array) => Float64Array.from({ length: len }, (_, t) => v[(row0 + t) * K + k]);
    const x = Float64Array.from({ length: len }, (_, t) => t0 + t * dt);
    const last = k === K - 1;
    return {
      height: 110, below: last ? 44 : 26,
      draw: (box: Box) => linePanel({
        box, x: [t0, t1], y: [-0.2, 1.2], shade, rules: { y: [0, 1] },
        series: [{ x, y: state(raw), colour: '#aaa', width: 0.8 }, { x, y: state(exact), colour: 'black', width: 1.4 }, { x, y: state(net), colour: COLOURS[0], width: 1.1 }],
        title: `state ${k}`, ylabel: `P(state ${k})`, yTicks: [{ at: 1, label: '1' }, { at: 0, label: '0' }],
        xTicks: last ? niceTicks(t0, t1, 6) : [], xlabel: last ? 'time (ms)' : undefined,
      }),
    };
  });
  return panelFigure({
    width: 50 + 640 + 20, left: 50, title: 'Belief state: exact Bayesian filter vs linear readouts (test segment)',
    notes: [[{ label: 'black: exact belief', colour: 'black' }, { label: 'blue: decoded from network rates', colour: COLOURS[0] }, { label: 'grey: decoded from the raw observation', colour: '#888' }],
      'shaded: the hidden state is this one'],
    panels,
  });
}

/** Horizontal bars of the test MAE of each decoder. */
function maeBars(items: { label: string; mae: number }[]): string {
  return barChart({
    title: 'Mean absolute error of the decoded belief (test segment)',
    bars: items.map((it, k) => ({ label: it.label, value: it.mae, colour: COLOURS[k % COLOURS.length] })), format: (v) => v.toFixed(4),
    xlabel: 'mean absolute error (probability)',
  });
}

export const beliefState: Scenario = {
  name: 'belief-state',
  description: 'POMDP belief state: a tanh network driven by noisy observations of a hidden Markov world; a ridge readout of its rates tracks the exact Bayesian belief.',
  build,
  analyze,
};
