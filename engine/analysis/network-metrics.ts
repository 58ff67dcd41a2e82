/**
 * Summary statistics of one instance of a network run, as a parameter sweep reports them per point:
 * firing rate, CV of inter-spike intervals, Fano factor, Golomb's synchrony chi^2 from spike trains, and
 * the mean and variance of a recorded series. Float64, pure; spike trains are per-neuron lists of step
 * indices (ascending), windows are half-open step ranges [from, to).
 */

/** Spike steps of each neuron of one population in one instance, ascending. */
export type SpikeTrains = ArrayLike<number>[];

export interface StepWindow {
  from: number;
  to: number;
}

function spikesIn(train: ArrayLike<number>, w: StepWindow): number[] {
  const out: number[] = [];
  for (let k = 0; k < train.length; k++) if (train[k] >= w.from && train[k] < w.to) out.push(train[k]);
  return out;
}

/** Mean firing rate [Hz] over the neurons and the window (dt in ms). */
export function meanRateHz(trains: SpikeTrains, w: StepWindow, dt: number): number {
  let n = 0;
  for (const t of trains) n += spikesIn(t, w).length;
  return n / trains.length / (((w.to - w.from) * dt) / 1000);
}

/**
 * Coefficient of variation of the inter-spike intervals (population s.d. / mean), averaged over the
 * neurons with at least two intervals in the window; NaN when none has.
 */
export function cvIsi(trains: SpikeTrains, w: StepWindow): number {
  let sum = 0, n = 0;
  for (const t of trains) {
    const s = spikesIn(t, w);
    if (s.length < 3) continue;
    const isi = s.slice(1).map((x, k) => x - s[k]);
    const mean = isi.reduce((a, x) => a + x, 0) / isi.length;
    const sd = Math.sqrt(isi.reduce((a, x) => a + (x - mean) ** 2, 0) / isi.length);
    sum += sd / mean;
    n++;
  }
  return n ? sum / n : NaN;
}

/** Spike counts of each neuron in consecutive bins of `bin` steps from w.from (a last partial bin dropped). */
export function binnedCounts(trains: SpikeTrains, w: StepWindow, bin: number): Float64Array[] {
  const bins = Math.floor((w.to - w.from) / bin);
  return trains.map((t) => {
    const c = new Float64Array(bins);
    for (let k = 0; k < t.length; k++) {
      const j = Math.floor((t[k] - w.from) / bin);
      if (t[k] >= w.from && j < bins) c[j]++;
    }
    return c;
  });
}

function meanVar(x: ArrayLike<number>): { mean: number; variance: number } {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i];
  m /= x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i] - m) ** 2;
  return { mean: m, variance: v / x.length };
}

/**
 * Fano factor of spike counts in windows of `bin` steps: per neuron, the variance of its counts over
 * the windows divided by their mean (population variance), averaged over neurons that spiked in the
 * window; NaN when none did or there are fewer than two windows.
 */
export function fanoFactor(trains: SpikeTrains, w: StepWindow, bin: number): number {
  const counts = binnedCounts(trains, w, bin);
  if (!counts.length || counts[0].length < 2) return NaN;
  let sum = 0, n = 0;
  for (const c of counts) {
    const { mean, variance } = meanVar(c);
    if (mean > 0) { sum += variance / mean; n++; }
  }
  return n ? sum / n : NaN;
}

/**
 * Golomb's synchrony measure chi^2 (Golomb 2007, Scholarpedia "Neuronal synchrony measures"): the
 * variance over time of the population activity A(t) = mean_i x_i(t) divided by the mean over neurons
 * of the variance over time of x_i(t), with x_i the spike counts in bins of `bin` steps. 1 for fully
 * synchronous neurons, about 1/N for independent ones; NaN when no neuron's count varies.
 */
export function synchronyChi2(trains: SpikeTrains, w: StepWindow, bin: number): number {
  const counts = binnedCounts(trains, w, bin);
  if (!counts.length || counts[0].length < 2) return NaN;
  const bins = counts[0].length;
  const pop = new Float64Array(bins);
  let single = 0;
  for (const c of counts) {
    for (let j = 0; j < bins; j++) pop[j] += c[j] / counts.length;
    single += meanVar(c).variance / counts.length;
  }
  return single > 0 ? meanVar(pop).variance / single : NaN;
}

/**
 * Mean and variance (population) of a recorded series over its rows [from, to): `rows` holds
 * rows x batch x width values; instance b's values of every recorded unit in those rows are pooled.
 */
export function seriesStats(rows: ArrayLike<number>, batch: number, width: number, b: number, from: number, to: number): { mean: number; variance: number } {
  const vals = new Float64Array((to - from) * width);
  for (let r = from; r < to; r++) {
    for (let u = 0; u < width; u++) vals[(r - from) * width + u] = rows[(r * batch + b) * width + u];
  }
  return vals.length ? meanVar(vals) : { mean: NaN, variance: NaN };
}
