/** Spike-train statistics from (step, instance, neuron) tables. */

export interface SpikeGroup {
  /** Flat int32 rows (step, instance, neuron). */
  spikes: Int32Array;
  size: number;
  /** Index of this group's first neuron in the combined numbering. */
  offset: number;
}

export interface SpikeStats {
  spikes: number;
  meanRateHz: number;
  /** Mean coefficient of variation of inter-spike intervals over neurons with >= 3 spikes. */
  meanCv: number;
  neuronsWithCv: number;
}

/** Statistics of instance `b` over steps [fromStep, toStep) (CV with the population s.d., as numpy's std). */
export function spikeStatistics(groups: SpikeGroup[], b: number, fromStep: number, toStep: number, dt: number): SpikeStats {
  const total = groups.reduce((a, g) => a + g.size, 0);
  const trains: number[][] = Array.from({ length: total }, () => []);
  let count = 0;
  for (const g of groups) {
    for (let k = 0; k < g.spikes.length; k += 3) {
      const step = g.spikes[k];
      if (g.spikes[k + 1] !== b || step < fromStep || step >= toStep) continue;
      trains[g.offset + g.spikes[k + 2]].push(step);
      count++;
    }
  }
  let cvSum = 0, cvN = 0;
  for (const t of trains) {
    if (t.length < 3) continue;
    t.sort((x, y) => x - y);
    const isi = t.slice(1).map((x, k) => x - t[k]);
    const mean = isi.reduce((a, x) => a + x, 0) / isi.length;
    const sd = Math.sqrt(isi.reduce((a, x) => a + (x - mean) ** 2, 0) / isi.length);
    cvSum += sd / mean;
    cvN++;
  }
  return { spikes: count, meanRateHz: count / total / (((toStep - fromStep) * dt) / 1000), meanCv: cvN ? cvSum / cvN : NaN, neuronsWithCv: cvN };
}
