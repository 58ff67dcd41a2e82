/**
 * Bayesian decoding of a position from spike counts (Zhang et al. 1998): independent Poisson neurons with
 * place fields f_i(x) (Hz), a uniform prior over position bins, and time bins of tau seconds:
 *   log P(x | n) = sum_i n_i log f_i(x) - tau sum_i f_i(x) + const.
 * Place fields are spike counts per position bin over the occupancy time, with a small floor so that a
 * silent bin does not rule a position out. Float64 throughout.
 */

export interface PlaceFields {
  /** Position bins (centres) in track units. */
  centres: Float64Array;
  /** Rate of neuron i in bin k (Hz): rates[i * bins + k]. */
  rates: Float64Array;
  neurons: number;
  bins: number;
}

/**
 * Place fields from spikes during movement: position(t) in [0, length), spikes as (time in s, neuron)
 * lists, occupancy from samples of the position every `sampleDt` seconds over [t0, t1).
 */
export function placeFields(
  spikeTimes: ArrayLike<number>, spikeNeurons: ArrayLike<number>, neurons: number,
  position: (t: number) => number, length: number, bins: number, t0: number, t1: number, sampleDt: number, floorHz = 0.1,
): PlaceFields {
  const centres = Float64Array.from({ length: bins }, (_, k) => ((k + 0.5) * length) / bins);
  const occupancy = new Float64Array(bins);
  for (let t = t0; t < t1; t += sampleDt) occupancy[binOf(position(t), length, bins)] += sampleDt;
  const counts = new Float64Array(neurons * bins);
  for (let s = 0; s < spikeTimes.length; s++) {
    const t = spikeTimes[s];
    if (t < t0 || t >= t1) continue;
    counts[spikeNeurons[s] * bins + binOf(position(t), length, bins)]++;
  }
  const rates = new Float64Array(neurons * bins);
  for (let i = 0; i < neurons; i++) {
    for (let k = 0; k < bins; k++) rates[i * bins + k] = (occupancy[k] > 0 ? counts[i * bins + k] / occupancy[k] : 0) + floorHz;
  }
  return { centres, rates, neurons, bins };
}

function binOf(x: number, length: number, bins: number): number {
  return Math.min(bins - 1, Math.max(0, Math.floor((x / length) * bins)));
}

/** Posterior over position bins for one time bin of `tau` seconds with spike counts n (length neurons). */
export function decodePosterior(fields: PlaceFields, counts: ArrayLike<number>, tau: number): Float64Array {
  const { rates, neurons, bins } = fields;
  const logp = new Float64Array(bins);
  for (let i = 0; i < neurons; i++) {
    const n = counts[i];
    for (let k = 0; k < bins; k++) {
      const f = rates[i * bins + k];
      logp[k] += (n > 0 ? n * Math.log(f) : 0) - tau * f;
    }
  }
  let max = -Infinity;
  for (const v of logp) max = Math.max(max, v);
  let sum = 0;
  for (let k = 0; k < bins; k++) { logp[k] = Math.exp(logp[k] - max); sum += logp[k]; }
  for (let k = 0; k < bins; k++) logp[k] /= sum;
  return logp;
}

export interface DecodedSequence {
  /** Centre of each time bin (s). */
  times: number[];
  /** Posterior mean position of each bin. */
  positions: number[];
  /** Posterior of each bin (bins x positions). */
  posteriors: Float64Array[];
  /** Spikes in each bin. */
  spikes: number[];
}

/**
 * Decodes [t0, t1) in time bins of `tau` seconds; bins with fewer than `minSpikes` spikes are left out
 * (no information to decode).
 */
export function decodeWindow(
  fields: PlaceFields, spikeTimes: ArrayLike<number>, spikeNeurons: ArrayLike<number>, t0: number, t1: number, tau: number, minSpikes = 1,
): DecodedSequence {
  const nBins = Math.max(1, Math.round((t1 - t0) / tau));
  const counts = Array.from({ length: nBins }, () => new Float64Array(fields.neurons));
  for (let s = 0; s < spikeTimes.length; s++) {
    const t = spikeTimes[s];
    if (t < t0 || t >= t0 + nBins * tau) continue;
    counts[Math.floor((t - t0) / tau)][spikeNeurons[s]]++;
  }
  const out: DecodedSequence = { times: [], positions: [], posteriors: [], spikes: [] };
  counts.forEach((c, b) => {
    const n = c.reduce((a, x) => a + x, 0);
    if (n < minSpikes) return;
    const post = decodePosterior(fields, c, tau);
    let mean = 0;
    for (let k = 0; k < fields.bins; k++) mean += post[k] * fields.centres[k];
    out.times.push(t0 + (b + 0.5) * tau);
    out.positions.push(mean);
    out.posteriors.push(post);
    out.spikes.push(n);
  });
  return out;
}

/** Pearson correlation coefficient (NaN with fewer than 2 points or no variance). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return NaN;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
  mx /= n; my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}
