/**
 * `lamina analyze` tools that fit models: jPCA on a series recording (or on spikes binned and smoothed
 * into rates), conditions = trials; the spike-history GLM per neuron, trained on the even trials and
 * scored on the odd ones against the PSTH of the training trials.
 */
import { bitsPerSpike, fitGlm, predictGlm, psthBaseline, type GlmTrial } from '../../engine/analysis/glm.ts';
import { jpca } from '../../engine/analysis/jpca.ts';
import { binTrials, quantile, smoothRate } from '../../engine/analysis/psth.ts';
import { rowsOf } from '../../engine/analysis/xcov.ts';
import { seriesWindow, type SeriesRecording, type SpikeRecording, type Trial } from './data.ts';
import { mostActive, trialTimes, type ToolOutput } from './spike-tools.ts';

export interface JpcaRequest {
  window: [number, number];
  k: number;
  /** For spikes: bin and Gaussian smoothing (ms). */
  bin: number;
  smooth: number;
  softNorm: number | null;
}

/** Conditions (T x units each, times in ms from the window's start) from a series or from smoothed spikes. */
function conditions(src: SeriesRecording | SpikeRecording, batch: number, trials: Trial[], q: JpcaRequest): { data: Float64Array[]; T: number; N: number; step: number } {
  if ('data' in src) {
    const w = trials.map((t) => seriesWindow(src, batch, t, q.window));
    const T = Math.min(...w.map((x) => x.T));
    return { data: w.map((x) => x.data.subarray(0, T * src.units)), T, N: src.units, step: src.stepMs };
  }
  const units = mostActive(src, trials, q.window, Infinity);
  const data = trials.map((t) => rowsOf(Array.from(units, (i) => {
    const counts = binTrials(trialTimes(src, i, [t], q.window), q.window, q.bin).map((c) => (c * 1000) / q.bin);
    return q.smooth > 0 ? smoothRate(counts, q.bin, { shape: 'gaussian', width: q.smooth }) : counts;
  })).x);
  return { data, T: data[0].length / Math.max(units.length, 1), N: units.length, step: q.bin };
}

export function jpcaTool(src: SeriesRecording | SpikeRecording, batch: number, trials: Trial[], q: JpcaRequest): ToolOutput & { projections: Float64Array[]; step: number } {
  const { data, T, N, step } = conditions(src, batch, trials, q);
  if (N < q.k) throw new RangeError(`jpca: ${src.name} has ${N} units in the window; k = ${q.k} needs at least as many`);
  const r = jpca(data, T, N, { k: q.k, softNorm: q.softNorm, dt: step / 1000 });
  const proj = new Float32Array(data.length * T * 2);
  r.projections.forEach((p, c) => proj.set(p, c * T * 2));
  return {
    projections: r.projections, step,
    summary: {
      recording: src.name, conditions: data.length, times: T, units: N, k: q.k, window_ms: q.window, soft_norm: q.softNorm,
      r2_skew: r.r2Skew, r2_full: r.r2Full, r2_ratio: r.r2Ratio,
      planes: r.planes.map((p) => ({ frequency_hz: p.frequency })), variance_explained: Array.from(r.varianceExplained),
    },
    arrays: {
      [`jpca_${src.name}_projections`]: { data: proj, shape: [data.length, T, 2] },
      [`jpca_${src.name}_m_skew`]: { data: Float32Array.from(r.mSkew), shape: [q.k, q.k] },
      [`jpca_${src.name}_pcs`]: { data: Float32Array.from(r.pcs), shape: [N, q.k] },
    },
  };
}

export interface GlmRequest {
  window: [number, number];
  bin: number;
  /** History span (ms) and number of basis functions. */
  history: number;
  basis: number;
  units: number;
  ridge: number;
  /** Smoothing (ms, Gaussian sd) of the training PSTH used as the stimulus covariate. */
  smooth: number;
}

/**
 * Per neuron (the `units` most active): fit on the even trials with log(training PSTH) as a covariate and
 * a history filter; held-out bits per spike on the odd trials against the training PSTH.
 */
export function glmTool(rec: SpikeRecording, trials: Trial[], q: GlmRequest): ToolOutput & { filters: { unit: number; lagsMs: Float64Array; gain: Float64Array }[] } {
  if (trials.length < 2) throw new RangeError('glm: needs at least 2 trials (even ones train, odd ones test): give a batch or --events');
  const units = mostActive(rec, trials, q.window, q.units);
  const train = trials.filter((_, k) => k % 2 === 0), test = trials.filter((_, k) => k % 2 === 1);
  const lastPeak = Math.max(2, (0.5 * q.history) / q.bin);
  const spec = { n: q.basis, firstPeak: 1, lastPeak, stretch: 1 };
  const counts = (i: number, ts: Trial[]) => ts.map((t) => binTrials(trialTimes(rec, i, [t], q.window), q.window, q.bin));
  const perUnit: Record<string, unknown>[] = [];
  const filters: { unit: number; lagsMs: Float64Array; gain: Float64Array }[] = [];
  for (const i of units) {
    const tr = counts(i, train), te = counts(i, test);
    if (tr.reduce((a, c) => a + c.reduce((x, y) => x + y, 0), 0) === 0) continue;
    const base = psthBaseline(tr.map((c) => ({ counts: c })));
    const cov = Float64Array.from(q.smooth > 0 ? smoothRate(base, q.bin, { shape: 'gaussian', width: q.smooth }) : base, Math.log);
    const asTrials = (cs: Float64Array[]): GlmTrial[] => cs.map((c) => ({ counts: c, covariates: [cov] }));
    const fit = fitGlm(asTrials(tr), { history: spec, ridge: q.ridge });
    const y = new Float64Array(te.length * base.length);
    te.forEach((c, k) => y.set(c, k * base.length));
    const spikes = y.reduce((a, b) => a + b, 0);
    const baseAll = new Float64Array(y.length);
    te.forEach((_, k) => baseAll.set(base, k * base.length));
    const bits = spikes > 0 ? bitsPerSpike(y, predictGlm(fit, asTrials(te)), baseAll) : null;
    const gain = fit.historyFilter.map(Math.exp);
    const lagsMs = Float64Array.from({ length: gain.length }, (_, r) => (r + 1) * q.bin);
    let dip = 0;
    for (let r = 1; r < gain.length; r++) if (gain[r] < gain[dip]) dip = r;
    filters.push({ unit: i, lagsMs, gain });
    perUnit.push({ unit: i, test_spikes: spikes, bits_per_spike: bits, min_gain: gain[dip], min_gain_lag_ms: lagsMs[dip], iterations: fit.iterations });
  }
  const scored = perUnit.map((u) => u.bits_per_spike).filter((b): b is number => typeof b === 'number').sort((a, b) => a - b);
  const lags = filters[0]?.gain.length ?? 0;
  const gains = new Float32Array(filters.length * lags);
  filters.forEach((f, k) => gains.set(f.gain, k * lags));
  return {
    filters,
    summary: {
      recording: rec.name, train_trials: train.length, test_trials: test.length, bin_ms: q.bin, history_ms: q.history, basis: q.basis, ridge: q.ridge,
      median_bits_per_spike: scored.length ? quantile(scored, 0.5) : null, units: perUnit,
    },
    arrays: {
      [`glm_${rec.name}_history_gain`]: { data: gains, shape: [filters.length, lags] },
      [`glm_${rec.name}_units`]: { data: Int32Array.from(filters, (f) => f.unit), shape: [filters.length] },
    },
  };
}
