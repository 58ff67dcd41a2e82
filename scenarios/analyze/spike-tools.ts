/**
 * `lamina analyze` on spike recordings: the PSTH (population and per neuron, with a bootstrap band over
 * trials) and the lagged cross-covariance of binned counts (its asymmetry and the order it implies).
 * Times are in ms; rates in Hz.
 */
import { binTrials, psth } from '../../engine/analysis/psth.ts';
import { asymmetryIndex, laggedCovariance, rowsOf, sequenceOrder } from '../../engine/analysis/xcov.ts';
import type { Gpu } from '../../engine/gpu/device.ts';
import { laggedCovarianceGpu } from '../../engine/run/lagged-covariance.ts';
import type { SpikeRecording, Trial } from './data.ts';

export interface ToolOutput {
  summary: Record<string, unknown>;
  /** Arrays to write as DIR/analysis/<key>.npy. */
  arrays: Record<string, { data: Float32Array | Int32Array; shape: number[] }>;
}

/** Relative spike times (ms) of neuron i in each trial, within `window`. */
export function trialTimes(rec: SpikeRecording, i: number, trials: Trial[], window: [number, number]): Float64Array[] {
  return trials.map((t) => {
    const all = rec.times[t.instance][i];
    const out: number[] = [];
    for (const s of all) { const r = s - t.at; if (r >= window[0] && r < window[1]) out.push(r); }
    return Float64Array.from(out);
  });
}

export interface PsthRequest {
  window: [number, number];
  bin: number;
  smooth?: number;
  bootstrap: number;
  seed: number;
}

/**
 * Population PSTH (all neurons' spikes pooled, divided by the neuron count: the mean rate per neuron)
 * with its band, and each neuron's PSTH (bins x neurons; smoothed like the population's).
 */
export function psthTool(rec: SpikeRecording, trials: Trial[], q: PsthRequest): ToolOutput & { centers: Float64Array; rate: Float64Array; lower: Float64Array; upper: Float64Array } {
  const kernel = q.smooth ? { shape: 'gaussian' as const, width: q.smooth } : undefined;
  const pooled = trials.map((_, k) => {
    const parts: number[] = [];
    for (let i = 0; i < rec.neurons; i++) for (const s of trialTimes(rec, i, [trials[k]], q.window)[0]) parts.push(s);
    return Float64Array.from(parts);
  });
  const pop = psth(pooled, { window: q.window, binWidth: q.bin, kernel, bootstrap: q.bootstrap, seed: q.seed });
  const hz = (v: Float64Array) => v.map((x) => (x * 1000) / rec.neurons);
  const rate = hz(pop.rate), lower = hz(pop.lower ?? pop.rate), upper = hz(pop.upper ?? pop.rate);
  const bins = rate.length;
  const perNeuron = new Float32Array(bins * rec.neurons);
  for (let i = 0; i < rec.neurons; i++) {
    const r = psth(trialTimes(rec, i, trials, q.window), { window: q.window, binWidth: q.bin, kernel }).rate;
    for (let k = 0; k < bins; k++) perNeuron[k * rec.neurons + i] = r[k] * 1000;
  }
  let peak = 0;
  for (let k = 1; k < bins; k++) if (rate[k] > rate[peak]) peak = k;
  const mean = rate.reduce((a, b) => a + b, 0) / bins;
  const width = upper.reduce((a, v, k) => a + v - lower[k], 0) / bins;
  return {
    centers: pop.centers, rate, lower, upper,
    summary: {
      recording: rec.name, trials: trials.length, neurons: rec.neurons, window_ms: q.window, bin_ms: q.bin, smooth_sd_ms: q.smooth ?? null,
      bootstrap: q.bootstrap, mean_rate_hz: mean, peak_rate_hz: rate[peak], peak_time_ms: pop.centers[peak], band_mean_width_hz: width,
    },
    arrays: {
      [`psth_${rec.name}`]: { data: perNeuron, shape: [bins, rec.neurons] },
      [`psth_${rec.name}_population`]: { data: Float32Array.from([...pop.centers, ...rate, ...lower, ...upper]), shape: [4, bins] },
    },
  };
}

/** Multiply-adds per trial (N^2 T (L + 1)) from which 'auto' computes the cross-covariance on the GPU. */
export const GPU_PRODUCTS = 2e8;

export interface XcovRequest {
  /** 'auto' (default): the GPU from GPU_PRODUCTS multiply-adds per trial, when `gpu` is given. */
  device?: 'auto' | 'gpu' | 'cpu';
  gpu?: () => Promise<Gpu>;
  window: [number, number];
  bin: number;
  maxLag: number;
  /** At most this many units: the most active ones. */
  units: number;
}

/** Binned counts of `units` in one trial: T x units. */
function countsOf(rec: SpikeRecording, units: Int32Array, trial: Trial, window: [number, number], bin: number): { x: Float64Array; T: number } {
  return rowsOf(Array.from(units, (i) => binTrials(trialTimes(rec, i, [trial], window), window, bin)));
}

/** The units with the most spikes in the trials (ties: lower index), ascending by index. */
export function mostActive(rec: SpikeRecording, trials: Trial[], window: [number, number], max: number): Int32Array {
  const n = new Float64Array(rec.neurons);
  for (let i = 0; i < rec.neurons; i++) for (const tt of trialTimes(rec, i, trials, window)) n[i] += tt.length;
  const pick = Array.from({ length: rec.neurons }, (_, i) => i).filter((i) => n[i] > 0).sort((a, b) => n[b] - n[a] || a - b).slice(0, max);
  return Int32Array.from(pick.sort((a, b) => a - b));
}

/**
 * Lagged cross-covariance of binned counts, per trial (its own means) and averaged over trials; the
 * asymmetry A and the order recovered from it (unit ids, leaders first).
 */
export async function xcovTool(rec: SpikeRecording, trials: Trial[], q: XcovRequest): Promise<ToolOutput & { asymmetry: Float64Array; order: Int32Array; units: Int32Array }> {
  const units = mostActive(rec, trials, q.window, q.units);
  const N = units.length;
  if (N < 2) throw new RangeError(`xcov: ${rec.name} has ${N} active unit(s) in the window; at least 2 are needed`);
  const L = Math.round(q.maxLag / q.bin);
  const keepCov = N <= 256;
  const cov = keepCov ? new Float64Array((2 * L + 1) * N * N) : undefined;
  const asymmetry = new Float64Array(N * N);
  let onGpu = false;
  for (const trial of trials) {
    const { x, T } = countsOf(rec, units, trial, q.window, q.bin);
    if (L >= T) throw new RangeError(`xcov: a lag of ${L} bins needs more than the window's ${T} bins`);
    const gpu = q.gpu && (q.device === 'gpu' || (q.device !== 'cpu' && N * N * T * (L + 1) >= GPU_PRODUCTS)) ? await q.gpu() : undefined;
    let c: Float64Array | undefined, a: Float64Array;
    if (gpu) {
      const r = await laggedCovarianceGpu(gpu, x, T, N, { maxLag: L, output: keepCov ? 'full' : 'asymmetry' });
      c = r.cov?.c;
      a = r.asymmetry;
      onGpu = true;
    } else {
      const full = laggedCovariance(x, T, N, { maxLag: L });
      c = full.c;
      a = asymmetryIndex(full);
    }
    if (cov && c) for (let k = 0; k < c.length; k++) cov[k] += c[k] / trials.length;
    for (let k = 0; k < a.length; k++) asymmetry[k] += a[k] / trials.length;
  }
  const { score, order } = sequenceOrder(asymmetry, N);
  const orderIds = Int32Array.from(order, (k) => units[k]);
  let maxA = 0;
  for (const v of asymmetry) maxA = Math.max(maxA, Math.abs(v));
  return {
    asymmetry, order: orderIds, units,
    summary: {
      recording: rec.name, trials: trials.length, units: N, bin_ms: q.bin, max_lag_ms: L * q.bin, window_ms: q.window, computed_on: onGpu ? 'gpu' : 'cpu',
      max_abs_asymmetry: maxA, order: Array.from(orderIds), score: Array.from(order, (k) => score[k]),
    },
    arrays: {
      [`xcov_${rec.name}_units`]: { data: units, shape: [N] },
      [`xcov_${rec.name}_asymmetry`]: { data: Float32Array.from(asymmetry), shape: [N, N] },
      [`xcov_${rec.name}_order`]: { data: orderIds, shape: [N] },
      ...(cov ? { [`xcov_${rec.name}_cov`]: { data: Float32Array.from(cov), shape: [2 * L + 1, N, N] } } : {}),
    },
  };
}
