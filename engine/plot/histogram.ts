/** Histograms: counts of values in equal bins, drawn as adjacent bars on round ticks. */
import { chartDocument, el } from './svg.ts';

export interface Histogram {
  /** bins + 1 edges, ascending. */
  edges: Float64Array;
  counts: Float64Array;
  /** Values left out: not finite (NaN, +-Infinity). */
  skipped: number;
}

/** Counts of the finite values in `bins` equal bins over their range (one bin of width 1 about the value when all are equal). */
export function histogram(values: ArrayLike<number>, bins = 40): Histogram {
  let lo = Infinity, hi = -Infinity, skipped = 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!Number.isFinite(v)) { skipped++; continue; }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return { edges: Float64Array.of(0, 1), counts: new Float64Array(1), skipped };
  if (lo === hi) { lo -= 0.5; hi += 0.5; bins = 1; }
  const width = (hi - lo) / bins;
  const edges = Float64Array.from({ length: bins + 1 }, (_, k) => lo + k * width);
  const counts = new Float64Array(bins);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (Number.isFinite(v)) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  }
  return { edges, counts, skipped };
}

export interface HistogramChart {
  title: string;
  /** The quantity and its unit. */
  xlabel: string;
  /** Default 'count'. */
  ylabel?: string;
  values: ArrayLike<number>;
  bins?: number;
  colour?: string;
  notes?: string[];
  width?: number;
  height?: number;
}

export function histogramChart(c: HistogramChart): string {
  const h = histogram(c.values, c.bins);
  const top = Math.max(...h.counts, 1);
  const notes = [...(c.notes ?? []), ...(h.skipped ? [`${h.skipped} values not finite (NaN or infinite), left out`] : [])];
  return chartDocument({
    width: c.width ?? 520, height: c.height ?? 320, title: c.title, notes, xlabel: c.xlabel, ylabel: c.ylabel ?? 'count',
    x: [h.edges[0], h.edges[h.edges.length - 1]], y: [0, top * 1.05],
  }, (_b, x, y) => [Array.from(h.counts, (n, k) => (n ? el('rect', {
    x: x(h.edges[k]), y: y(n), width: Math.max(0.5, x(h.edges[k + 1]) - x(h.edges[k]) - 0.5), height: y(0) - y(n), fill: c.colour ?? '#1f5fa8',
  }) : '')).join('')]);
}
