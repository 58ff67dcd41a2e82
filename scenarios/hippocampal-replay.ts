/**
 * Hippocampal replay (the seed chapter: place-cell sequences, STDP during running, time-compressed replay
 * at rest, Bayesian decoding).
 *
 * N excitatory place cells (CA3-like, adaptive LIF written in the spec) with place fields evenly spaced
 * on a linear track, all-to-all recurrent excitation through plastic synapses that start at zero, and a
 * population of inhibitory cells for feedback inhibition.
 *
 * Running (laps at constant speed, one direction): the cells are driven by given spike trains with theta
 * phase precession. In each theta cycle (125 ms) a cell whose field centre c lies within W of the
 * animal's position x fires with probability exp(-(c - x)^2 / (2 (W/2)^2)) at phase
 * 0.5 + (c - x) / (2W) of the cycle (cells behind the animal early, cells ahead late), plus 1 ms of
 * jitter: a theta sequence sweeps the track around the animal in ~100 ms, the sequence the STDP window
 * (20 ms) can see. STDP (CA3-like broad window: potentiation for both orders, stronger for pre before
 * post, so forward connections grow more than backward ones) is gated on by a cholinergic modulator
 * during running and off at rest.
 *
 * Rest: no place input. A brief cue to the cells at the start of the track starts a wave that travels
 * along the learned connections (spike-triggered adaptation keeps it moving away from where it has
 * been): forward replay. A cue at the end gives reverse replay. A Bayesian decoder (Poisson place fields
 * from the running spikes, uniform prior; engine/analysis/decoding.ts) decodes position from the replay
 * spikes in 5 ms bins; the checks are the correlation of decoded position with time (|r| >= 0.8, positive
 * forward, negative reverse), the compression (replay speed over running speed >= 5) and the forward
 * asymmetry of the learned weights.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeWindow, pearson, placeFields, type DecodedSequence } from '../engine/analysis/decoding.ts';
import { heatmapColumns } from '../engine/plot/heatmap.ts';
import { lineChart } from '../engine/plot/line.ts';
import { whiteBlue } from '../engine/plot/png.ts';
import { rasterSvg } from '../engine/plot/raster.ts';
import { dots } from '../engine/plot/scatter.ts';
import { panelFigure, panelTitle } from '../engine/plot/panels.ts';
import { axisTitles, ends, frame, niceTicks, xScale, xTicks, yScale, yTicks, type Box } from '../engine/plot/svg.ts';
import { linearFit } from '../engine/analysis/stats.ts';
import { binnedCounts } from '../engine/analysis/network-metrics.ts';
import { orderFromCounts, spearman } from '../engine/analysis/xcov.ts';
import type { NeuronModelSpec } from '../engine/models/neuron.ts';
import { ADLIF_PSC_EXP } from '../engine/models/builtin-models.ts';
import { readNpy } from '../engine/node/npy-files.ts';
import type { SpikingPlan } from '../engine/plan/spiking.ts';
import type { SpikingSpec } from '../engine/spec/spiking.ts';
import { PhiloxStream } from '../engine/util/philox.ts';
import { SpecError } from '../engine/errors.ts';
import type { Check, ScenarioOptions, ScenarioResult, SpikingScenario, SpikingScenarioRun } from './scenario.ts';

/** Adaptive LIF with exponential current synapses and a delta-pulse port `kick` (mV) for the place input. */
export const PLACE_CELL: NeuronModelSpec = {
  params: {
    C_m: { value: 250, unit: 'pF' }, tau_m: { value: 20, unit: 'ms' },
    tau_syn_exc: { value: 2, unit: 'ms' }, tau_syn_inh: { value: 4, unit: 'ms' },
    t_ref: { value: 2, unit: 'ms' }, E_L: { value: -65, unit: 'mV' }, V_th: { value: -50, unit: 'mV' },
    V_reset: { value: -65, unit: 'mV' }, tau_w: { value: 300, unit: 'ms' }, b: { value: 150, unit: 'pA' },
  },
  // adlif_psc_exp's propagators, state, threshold, reset and refractory period; no I_e.
  derived: ADLIF_PSC_EXP.derived,
  state: ADLIF_PSC_EXP.state,
  ports: [...ADLIF_PSC_EXP.ports, 'kick'],
  update: `
    V = refractory ? V : E_L + (V - E_L) * P22 + I_exc * P21_exc + I_inh * P21_inh + (I_ext - w) * P20 + in_kick;
    I_exc = I_exc * P11_exc + in_exc;
    I_inh = I_inh * P11_inh + in_inh;
    w = w * P_w;`,
  threshold: ADLIF_PSC_EXP.threshold,
  reset: ADLIF_PSC_EXP.reset,
  refractory: ADLIF_PSC_EXP.refractory,
};

export const REPLAY_DEFAULTS = {
  cells: 200, inhibitory: 40, trackCm: 200, speedCmS: 50, laps: 2, dt: 0.25,
  thetaMs: 125, sweepCm: 25, jitterMs: 1,
  /** STDP: potentiation per pair (pA) pre-before-post and post-before-pre (a CA3-like broad window). */
  aPlus: 120, aPost: 100, tauStdpMs: 20, wMax: 1000,
  /** Spike-triggered adaptation of the place cells (pA per spike, ms). */
  adaptB: 150, adaptTauMs: 300, placeKickMv: 60,
  /** Gain of the recurrent excitation while running (acetylcholine high), 1 at rest. */
  runGain: 0.3,
  wEI: 120, wIE: -100, pEI: 0.25, pIE: 0.5,
  restMs: 2000, cueAtMs: [100, 1600], cueCells: 15, cueKickMv: 60,
  decodeBinMs: 5, replayWindowMs: 300, positionBins: 50,
};

export type ReplayParams = typeof REPLAY_DEFAULTS;

/** Theta-sequence input: (time ms, cell) spikes of the running phase. */
export function placeInput(p: ReplayParams, seed: number): { times: number[]; neurons: number[] } {
  const rng = new PhiloxStream(seed, 77, 0, 40);
  const runMs = (p.laps * p.trackCm * 1000) / p.speedCmS;
  const times: number[] = [], neurons: number[] = [];
  const sigma = p.sweepCm / 2;
  for (let t0 = 0; t0 + p.thetaMs <= runMs; t0 += p.thetaMs) {
    const x = ((p.speedCmS * (t0 + p.thetaMs / 2)) / 1000) % p.trackCm;
    for (let i = 0; i < p.cells; i++) {
      const c = ((i + 0.5) * p.trackCm) / p.cells;
      const d = c - x;
      if (Math.abs(d) >= p.sweepCm) { rng.uniform(); rng.uniform(); continue; }
      const fire = rng.uniform() < Math.exp(-(d * d) / (2 * sigma * sigma));
      const jitter = p.jitterMs * (rng.uniform() * 2 - 1);
      if (!fire) continue;
      const t = t0 + p.thetaMs * (0.5 + d / (2 * p.sweepCm)) * 0.9 + jitter;
      if (t >= 0 && t < runMs) { times.push(t); neurons.push(i); }
    }
  }
  return { times, neurons };
}

export function replaySpec(p: ReplayParams, seed: number): { spec: SpikingSpec; steps: number; runMs: number } {
  const runMs = (p.laps * p.trackCm * 1000) / p.speedCmS;
  const totalMs = runMs + p.restMs;
  const input = placeInput(p, seed);
  const cueTimes: number[] = [], cueCells: number[] = [];
  p.cueAtMs.forEach((at, k) => {
    for (let c = 0; c < p.cueCells; c++) {
      cueTimes.push(runMs + at + c * 0.5);
      cueCells.push(k === 0 ? c : p.cells - 1 - c);
    }
  });
  const spec: SpikingSpec = {
    dt: p.dt, seed,
    models: { place_cell: PLACE_CELL },
    populations: [
      { name: 'E', size: p.cells, model: 'place_cell', params: { b: p.adaptB, tau_w: p.adaptTauMs } },
      { name: 'I', size: p.inhibitory, model: 'lif_psc_exp', params: { tau_syn_exc: 2, tau_syn_inh: 4 } },
    ],
    modulators: [
      // High acetylcholine during running: STDP on, recurrent transmission suppressed (Hasselmo 1999).
      { name: 'acetylcholine', type: 'schedule', time: { type: 'pulse', start: 0, duration: runMs }, baseline: 0, amplitude: 1 },
      { name: 'recurrent_gain', type: 'schedule', time: { type: 'pulse', start: 0, duration: runMs }, baseline: 1, amplitude: p.runGain - 1 },
    ],
    projections: [
      {
        name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity: { type: 'fixed-probability', p: 1, allowAutapses: false }, weight: 0, delay: 1,
        // dw = aPlus x_pre at a postsynaptic spike, and -aMinus y_post at a presynaptic one: aMinus < 0
        // makes post-before-pre pairs potentiate too (a broad, forward-biased window).
        plasticity: { rule: 'stdp', aPlus: p.aPlus, aMinus: -p.aPost, tauPlus: p.tauStdpMs, tauMinus: p.tauStdpMs, wMin: 0, wMax: p.wMax, modulator: 'acetylcholine' },
        gainModulator: 'recurrent_gain',
      },
      { name: 'EI', from: 'E', to: 'I', port: 'exc', connectivity: { type: 'fixed-probability', p: p.pEI }, weight: p.wEI, delay: 1 },
      { name: 'IE', from: 'I', to: 'E', port: 'inh', connectivity: { type: 'fixed-probability', p: p.pIE }, weight: p.wIE, delay: 1 },
    ],
    inputs: [
      { name: 'place', target: 'E', type: 'spikes', times: input.times, neurons: input.neurons, weight: p.placeKickMv, port: 'kick' },
      { name: 'cue', target: 'E', type: 'spikes', times: cueTimes, neurons: cueCells, weight: p.cueKickMv, port: 'kick' },
    ],
    record: [{ name: 'spikes_E', population: 'E', what: 'spikes' }, { name: 'spikes_I', population: 'I', what: 'spikes' }],
  };
  return { spec, steps: Math.round(totalMs / p.dt), runMs };
}

/**
 * Parameters for a run: --scale s shrinks the track and the cell counts together (the same cells per cm,
 * so the same theta sequences and learning), --dt sets the step.
 */
export function replayParams(opts: ScenarioOptions): ReplayParams {
  const d = REPLAY_DEFAULTS;
  const s = opts.scale ?? 1;
  if (!(s >= 0.25 && s <= 4)) throw new SpecError('--scale', `hippocampal-replay takes a scale in [0.25, 4], got ${s}`);
  return {
    ...d, ...(opts.dt ? { dt: opts.dt } : {}),
    cells: Math.round(d.cells * s), inhibitory: Math.max(1, Math.round(d.inhibitory * s)), trackCm: d.trackCm * s,
  };
}

function build(opts: ScenarioOptions): SpikingScenarioRun {
  if ((opts.batch ?? 1) !== 1) throw new SpecError('--batch', 'hippocampal-replay runs one instance (the place input and cues are the same in every instance); use --seed for other realizations');
  const p = replayParams(opts);
  const seed = opts.seed ?? 1;
  const { spec, steps, runMs } = replaySpec(p, seed);
  return { spec, steps: opts.steps ?? steps, batch: 1, params: { ...p, seed, runMs } };
}

export interface ReplayAnalysis {
  events: { cue: 'start' | 'end'; r: number; slopeCmS: number; compression: number; bins: number; spikes: number; decoded: DecodedSequence }[];
  forwardWeight: number;
  backwardWeight: number;
  /** Per cue: the cells' order recovered from the replay's lagged cross-covariance against their fields' order. */
  order: { spearman: number; cells: number }[];
}

/** Decodes the replay after each cue and measures the weight asymmetry. */
export function analyzeReplay(p: ReplayParams, runMs: number, spikes: Int32Array, synapses: Int32Array, weights: Float32Array): ReplayAnalysis {
  const dt = p.dt;
  const t: number[] = [], n: number[] = [];
  for (let k = 0; k < spikes.length; k += 3) {
    if (spikes[k + 1] !== 0) continue;
    t.push((spikes[k] * dt) / 1000);
    n.push(spikes[k + 2]);
  }
  const position = (s: number) => (p.speedCmS * s) % p.trackCm;
  const fields = placeFields(t, n, p.cells, position, p.trackCm, p.positionBins, 0, runMs / 1000, 0.001);
  const events = p.cueAtMs.map((at, k) => {
    const t0 = (runMs + at) / 1000;
    const decoded = decodeWindow(fields, t, n, t0, t0 + p.replayWindowMs / 1000, p.decodeBinMs / 1000, 2);
    const r = pearson(decoded.times, decoded.positions);
    const slope = decoded.times.length >= 2 ? linearFit(decoded.times, decoded.positions).slope : NaN;
    return {
      cue: (k === 0 ? 'start' : 'end') as 'start' | 'end', r, slopeCmS: slope, compression: Math.abs(slope) / p.speedCmS,
      bins: decoded.times.length, spikes: decoded.spikes.reduce((a, b) => a + b, 0), decoded,
    };
  });
  // Mean learned weight onto cells 1..10 places ahead (forward) and behind (backward).
  let fw = 0, fc = 0, bw = 0, bc = 0;
  for (let s = 0; s < synapses.length / 3; s++) {
    const d = synapses[3 * s + 1] - synapses[3 * s];
    if (d >= 1 && d <= 10) { fw += weights[s]; fc++; }
    if (d <= -1 && d >= -10) { bw += weights[s]; bc++; }
  }
  return { events, forwardWeight: fw / fc, backwardWeight: bw / bc, order: p.cueAtMs.map((at) => replayOrder(p, runMs + at, spikes)) };
}

/**
 * The order of the place cells recovered from one replay window's spikes by the asymmetry of their
 * lagged cross-covariance (engine/analysis/xcov.ts; 1 ms bins, lags up to 10 ms), against the order
 * of their fields on the track (Spearman): the cells that fired at least twice in the window.
 */
export function replayOrder(p: ReplayParams, fromMs: number, spikes: Int32Array): { spearman: number; cells: number } {
  const from = Math.round(fromMs / p.dt), to = Math.round((fromMs + p.replayWindowMs) / p.dt), bin = Math.max(1, Math.round(1 / p.dt));
  const trains: number[][] = Array.from({ length: p.cells }, () => []);
  for (let k = 0; k < spikes.length; k += 3) if (spikes[k + 1] === 0 && spikes[k] >= from && spikes[k] < to) trains[spikes[k + 2]].push(spikes[k]);
  const cells = trains.map((t, i) => (t.length >= 2 ? i : -1)).filter((i) => i >= 0);
  if (cells.length < 3) return { spearman: NaN, cells: cells.length };
  const counts = binnedCounts(cells.map((i) => trains[i]), { from, to }, bin);
  const { position } = orderFromCounts(counts, Math.round(10 / (bin * p.dt)));
  return { spearman: spearman(position, cells.map((_, k) => k)), cells: cells.length };
}

/** Per cue: the posterior of each decoded bin (normalized to its peak) under the decoded mean positions. */
function decodedSvg(a: ReplayAnalysis, p: ReplayParams): string {
  const bin = p.decodeBinMs / 1000, span = p.replayWindowMs / 1000;
  const panels = a.events.map((e, k) => ({
    height: 210,
    draw: (box: Box) => {
      const d = e.decoded;
      // The window starts at the left edge of the first decoded bin; the axis is in ms from there.
      const t0 = d.times.length ? d.times[0] - bin / 2 : 0;
      const x = xScale(box, t0, t0 + span), y = yScale(box, 0, p.trackCm), ms = xScale(box, 0, p.replayWindowMs);
      const columns = d.posteriors.map((post, b) => {
        const max = Math.max(...post);
        return { x0: d.times[b] - bin / 2, x1: d.times[b] + bin / 2, values: post.map((v) => v / max) };
      });
      return [
        heatmapColumns(box, x, columns, whiteBlue),
        dots(d.times.map((t, b) => [x(t), y(d.positions[b])]), '#c0392b', 2.5),
        frame(box, '#333'),
        panelTitle(box, `cue at the ${e.cue}: r = ${e.r.toFixed(3)}, ${e.compression.toFixed(1)}x faster than running`),
        yTicks(box, y, ends(0, p.trackCm, (v) => `${v}`), 11) + xTicks(box, ms, niceTicks(0, p.replayWindowMs, 5), 10),
        axisTitles(box, 'time from the first decoded bin (ms)', k === 0 ? 'decoded position (cm)' : undefined),
      ].join('\n');
    },
  }));
  return panelFigure({ width: 760, left: 55, above: 24, columns: 2, panels });
}

/** Mean learned weight against the offset of the two cells' place fields (cells): forward minus backward asymmetry. */
function weightsSvg(synapses: Int32Array, weights: Float32Array): string {
  const sums = new Float64Array(81), counts = new Float64Array(81);
  for (let s = 0; s < synapses.length / 3; s++) {
    const d = synapses[3 * s + 1] - synapses[3 * s];
    if (Math.abs(d) <= 40) { sums[d + 40] += weights[s]; counts[d + 40]++; }
  }
  const mean = Array.from(sums, (v, k) => (counts[k] ? v / counts[k] : 0));
  return lineChart({
    title: 'Learned weight by field offset', xlabel: 'field offset, post - pre (cells)', ylabel: 'mean weight (pA)', width: 420, height: 300,
    series: [{ x: mean.map((_, k) => k - 40), y: mean, colour: '#1f5fa8', width: 2 }], y: [0, Math.max(...mean, 1e-9)], rules: { x: [0] }, format: (v) => v.toFixed(0),
  });
}

function analyze(run: SpikingScenarioRun, dir: string, _plan: SpikingPlan): ScenarioResult {
  const p = run.params as unknown as ReplayParams & { runMs: number; seed: number };
  const E = readNpy(readFileSync(join(dir, 'spikes_E.npy'))).data as Int32Array;
  const I = readNpy(readFileSync(join(dir, 'spikes_I.npy'))).data as Int32Array;
  const syn = readNpy(readFileSync(join(dir, 'synapses_EE.npy'))).data as Int32Array;
  const w = readNpy(readFileSync(join(dir, 'weights_EE.npy'))).data as Float32Array;
  const a = analyzeReplay(p, p.runMs, E, syn, w);
  const [fwd, rev] = a.events;
  const checks: Check[] = [
    { name: 'STDP strengthens forward connections more than backward ones', pass: a.forwardWeight > 1.1 * a.backwardWeight && a.forwardWeight > 0, detail: `mean weight onto cells 1-10 ahead ${a.forwardWeight.toFixed(1)} pA, behind ${a.backwardWeight.toFixed(1)} pA` },
    { name: 'forward replay after a cue at the start (r >= 0.8)', pass: fwd.r >= 0.8, detail: `r = ${fwd.r.toFixed(3)} over ${fwd.bins} bins (${fwd.spikes} spikes)` },
    { name: 'reverse replay after a cue at the end (r <= -0.8)', pass: rev.r <= -0.8, detail: `r = ${rev.r.toFixed(3)} over ${rev.bins} bins (${rev.spikes} spikes)` },
    { name: 'cross-covariance asymmetry recovers the field order from forward replay (Spearman >= 0.9)', pass: a.order[0].spearman >= 0.9, detail: `Spearman ${a.order[0].spearman.toFixed(3)} over ${a.order[0].cells} cells (1 ms bins, lags to 10 ms)` },
    { name: 'and the reverse order from reverse replay (Spearman <= -0.9)', pass: a.order[1].spearman <= -0.9, detail: `Spearman ${a.order[1].spearman.toFixed(3)} over ${a.order[1].cells} cells` },
    { name: 'replay is time-compressed at least 5x', pass: fwd.compression >= 5 && rev.compression >= 5, detail: `forward ${fwd.slopeCmS.toFixed(0)} cm/s (${fwd.compression.toFixed(1)}x), reverse ${rev.slopeCmS.toFixed(0)} cm/s (${rev.compression.toFixed(1)}x), running ${p.speedCmS} cm/s` },
  ];
  const restStart = Math.round(p.runMs / p.dt);
  const groups = [{ name: 'E', spikes: E, size: p.cells, colour: '#1f5fa8' }, { name: 'I', spikes: I, size: p.inhibitory, colour: '#c0392b' }];
  return {
    summary: {
      scenario: 'hippocampal-replay', running_speed_cm_s: p.speedCmS, forward_weight_pA: a.forwardWeight, backward_weight_pA: a.backwardWeight,
      replay: a.events.map((e, k) => ({ cue: e.cue, r: e.r, speed_cm_s: e.slopeCmS, compression: e.compression, decoded_bins: e.bins, spikes: e.spikes, order_spearman: a.order[k].spearman, order_cells: a.order[k].cells })),
      checks, pass: checks.every((c) => c.pass),
    },
    arrays: {
      replay_forward: { data: Float64Array.from(fwd.decoded.times.flatMap((tt, k) => [tt, fwd.decoded.positions[k]])), shape: [fwd.decoded.times.length, 2] },
      replay_reverse: { data: Float64Array.from(rev.decoded.times.flatMap((tt, k) => [tt, rev.decoded.positions[k]])), shape: [rev.decoded.times.length, 2] },
    },
    figures: {
      'replay.svg': decodedSvg(a, p),
      'weights.svg': weightsSvg(syn, w),
      'raster_run.svg': rasterSvg(groups, 0, p.dt, { fromStep: 0, steps: Math.round(1000 / p.dt), neurons: p.cells + p.inhibitory }, 'Running: theta sequences (first second)'),
      'raster_rest.svg': rasterSvg(groups, 0, p.dt, { fromStep: restStart, steps: Math.round(p.restMs / p.dt), neurons: p.cells + p.inhibitory }, 'Rest: cued replay (forward, then reverse)'),
    },
  };
}

export const hippocampalReplay: SpikingScenario = {
  kind: 'spiking',
  name: 'hippocampal-replay',
  description: 'Place cells on a linear track: theta sequences and STDP during running, cued forward and reverse replay at rest, Bayesian decoding.',
  build,
  analyze,
};
