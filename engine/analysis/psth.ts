/**
 * The peri-stimulus time histogram (PSTH): spikes aligned on events, counted in bins, averaged over
 * trials and divided by the bin width (a rate in spikes per unit of time, Hz for times in s), optionally
 * smoothed, with a bootstrap confidence band over trials (Efron and Tibshirani 1993, percentile
 * interval): the trials are resampled with replacement, each resample's PSTH computed the same way, and
 * the band is the resamples' (1 - c) / 2 and (1 + c) / 2 quantiles in every bin.
 *
 * Smoothing convolves the trial-averaged rate with a kernel of unit mass; near the window's edges the
 * kernel is renormalised to the part inside the window (no bias towards zero at the edges).
 */
import { seededUniform } from './random.ts';

export interface PsthKernel {
  /** 'gaussian': standard deviation `width`; 'boxcar': full width `width` (centred). */
  shape: 'gaussian' | 'boxcar';
  width: number;
}

export interface PsthOptions {
  /** Times around each event, [start, end), in the spike times' unit. */
  window: [number, number];
  binWidth: number;
  /** No smoothing when absent. */
  kernel?: PsthKernel;
  /** Resamples for the confidence band (0 or absent: no band). */
  bootstrap?: number;
  /** Coverage of the band, default 0.95. */
  confidence?: number;
  /** Seed of the resampling (default 1). */
  seed?: number;
}

export interface Psth {
  /** Bin centres, relative to the event. */
  centers: Float64Array;
  /** Trial-averaged rate (smoothed when a kernel is given), spikes per unit of time. */
  rate: Float64Array;
  /** Bootstrap band (present when `bootstrap` > 0). */
  lower?: Float64Array;
  upper?: Float64Array;
  trials: number;
  binWidth: number;
}

/** The spike times of each trial relative to its event, within `window` ([start, end)); `times` sorted ascending. */
export function alignSpikes(times: ArrayLike<number>, events: ArrayLike<number>, window: [number, number]): Float64Array[] {
  checkWindow(window);
  const out: Float64Array[] = [];
  for (let e = 0; e < events.length; e++) {
    const from = events[e] + window[0], to = events[e] + window[1];
    let lo = lowerBound(times, from);
    const rel: number[] = [];
    for (; lo < times.length && times[lo] < to; lo++) rel.push(times[lo] - events[e]);
    out.push(Float64Array.from(rel));
  }
  return out;
}

/** Number of bins of `binWidth` in `window` (the window must hold a whole number of bins, to 1e-9). */
export function binCount(window: [number, number], binWidth: number): number {
  checkWindow(window);
  if (!(binWidth > 0)) throw new RangeError(`binWidth: expected a positive number, got ${binWidth}`);
  const exact = (window[1] - window[0]) / binWidth;
  const bins = Math.round(exact);
  if (bins < 1 || Math.abs(exact - bins) > 1e-9 * Math.max(1, exact)) {
    throw new RangeError(`window [${window[0]}, ${window[1]}) is not a whole number of bins of ${binWidth} (${exact})`);
  }
  return bins;
}

/** Spike counts per trial and bin (trials x bins, row-major) of aligned trials (relative times). */
export function binTrials(trials: ArrayLike<number>[], window: [number, number], binWidth: number): Float64Array {
  const bins = binCount(window, binWidth);
  const counts = new Float64Array(trials.length * bins);
  trials.forEach((t, r) => {
    for (let i = 0; i < t.length; i++) {
      const k = Math.floor((t[i] - window[0]) / binWidth);
      if (k >= 0 && k < bins) counts[r * bins + k]++;
    }
  });
  return counts;
}

/** `rate` (bins of `binWidth`) convolved with the kernel, renormalised at the edges. */
export function smoothRate(rate: ArrayLike<number>, binWidth: number, kernel: PsthKernel): Float64Array {
  if (!(kernel.width > 0)) throw new RangeError(`kernel.width: expected a positive number, got ${kernel.width}`);
  const w = kernelWeights(binWidth, kernel);
  const half = (w.length - 1) / 2;
  const out = new Float64Array(rate.length);
  for (let i = 0; i < rate.length; i++) {
    let s = 0, mass = 0;
    for (let j = 0; j < w.length; j++) {
      const k = i + j - half;
      if (k < 0 || k >= rate.length) continue;
      s += w[j] * rate[k];
      mass += w[j];
    }
    out[i] = s / mass;
  }
  return out;
}

/** The kernel sampled at bin offsets -h..h (Gaussian: 4 standard deviations; boxcar: its width), unit sum. */
function kernelWeights(binWidth: number, kernel: PsthKernel): Float64Array {
  const sd = kernel.width / binWidth;
  const half = kernel.shape === 'gaussian' ? Math.ceil(4 * sd) : Math.floor(sd / 2);
  const w = Float64Array.from({ length: 2 * half + 1 }, (_, j) => {
    const x = j - half;
    if (kernel.shape === 'gaussian') return Math.exp(-0.5 * (x / sd) ** 2);
    return 1;
  });
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / sum);
}

/** The PSTH of aligned trials (relative spike times, as alignSpikes returns). */
export function psth(trials: ArrayLike<number>[], options: PsthOptions): Psth {
  if (trials.length === 0) throw new RangeError('psth: no trials');
  const { window, binWidth } = options;
  const bins = binCount(window, binWidth);
  const counts = binTrials(trials, window, binWidth);
  const rateOf = (pick: (r: number) => number): Float64Array => {
    const mean = new Float64Array(bins);
    for (let r = 0; r < trials.length; r++) {
      const row = pick(r) * bins;
      for (let k = 0; k < bins; k++) mean[k] += counts[row + k];
    }
    for (let k = 0; k < bins; k++) mean[k] /= trials.length * binWidth;
    return options.kernel ? smoothRate(mean, binWidth, options.kernel) : mean;
  };
  const centers = Float64Array.from({ length: bins }, (_, k) => window[0] + (k + 0.5) * binWidth);
  const out: Psth = { centers, rate: rateOf((r) => r), trials: trials.length, binWidth };
  const resamples = options.bootstrap ?? 0;
  if (resamples > 0) {
    const c = options.confidence ?? 0.95;
    if (!(c > 0 && c < 1)) throw new RangeError(`confidence: expected a number in (0, 1), got ${c}`);
    const uniform = seededUniform(options.seed ?? 1);
    const draws = Array.from({ length: resamples }, () => {
      const pickRows = Array.from({ length: trials.length }, () => Math.floor(uniform() * trials.length));
      return rateOf((r) => pickRows[r]);
    });
    out.lower = new Float64Array(bins);
    out.upper = new Float64Array(bins);
    const column = new Float64Array(resamples);
    for (let k = 0; k < bins; k++) {
      for (let d = 0; d < resamples; d++) column[d] = draws[d][k];
      column.sort();
      out.lower[k] = quantile(column, (1 - c) / 2);
      out.upper[k] = quantile(column, (1 + c) / 2);
    }
  }
  return out;
}

/** The q-quantile of sorted values, linear between order statistics (Hyndman and Fan's type 7, numpy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h), hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function lowerBound(a: ArrayLike<number>, x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function checkWindow(window: [number, number]): void {
  if (!(window[1] > window[0])) throw new RangeError(`window: expected [start, end) with end > start, got [${window[0]}, ${window[1]})`);
}
