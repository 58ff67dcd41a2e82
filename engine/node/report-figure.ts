/**
 * What the report's figure builders share: the figure record, the caps that keep report.html small
 * whatever the recording's size, and the reduction of a long series to those caps.
 */

/** One figure of the report: its SVG and what it shows (tests and readers find figures by kind and source). */
export interface ReportFigure {
  /** raster, population-rate, traces, heatmap, weight-histogram, or scenario (a figure the scenario wrote). */
  kind: string;
  /** The file it is drawn from. */
  source: string;
  caption: string;
  svg: string;
}

/**
 * Caps per figure. With them a figure stays under about 0.5 MB whatever the run: a raster draws at
 * most RASTER_MARKS spikes of at most RASTER_NEURONS neurons (over the first part of the run when the
 * whole would hold more), a line at most 2 x LINE_BUCKETS points (the minimum and maximum of each
 * bucket of rows), a figure at most MAX_LINES lines, a heatmap HEATMAP_COLUMNS x HEATMAP_ROWS cells
 * (means over buckets of rows; every k-th unit), a population rate at most RATE_BINS bins (of 1 ms or
 * more) and a weight histogram HISTOGRAM_BINS bins.
 */
export const CAPS = {
  RASTER_MARKS: 20_000,
  RASTER_NEURONS: 300,
  LINE_BUCKETS: 500,
  MAX_LINES: 8,
  HEATMAP_COLUMNS: 600,
  HEATMAP_ROWS: 200,
  RATE_BINS: 400,
  HISTOGRAM_BINS: 40,
} as const;

export const COLOURS = ['#1f5fa8', '#c0392b', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

/**
 * A series of n values reduced to at most 2 x buckets points: the minimum and the maximum of each
 * bucket of consecutive values, in the order they occur (so that spikes and steps stay visible).
 * `push(k, v)` takes value k; `points()` returns [index, value] pairs.
 */
export class MinMaxSeries {
  private readonly lo: Float64Array; private readonly hi: Float64Array;
  private readonly loAt: Float64Array; private readonly hiAt: Float64Array;
  constructor(private readonly n: number, buckets: number = CAPS.LINE_BUCKETS) {
    const m = Math.min(n, buckets);
    this.lo = new Float64Array(m).fill(Infinity); this.hi = new Float64Array(m).fill(-Infinity);
    this.loAt = new Float64Array(m).fill(-1); this.hiAt = new Float64Array(m).fill(-1);
  }
  push(k: number, v: number): void {
    const b = Math.floor((k * this.lo.length) / this.n);
    if (v < this.lo[b]) { this.lo[b] = v; this.loAt[b] = k; }
    if (v > this.hi[b]) { this.hi[b] = v; this.hiAt[b] = k; }
  }
  points(): [number, number][] {
    const out: [number, number][] = [];
    for (let b = 0; b < this.lo.length; b++) {
      if (this.loAt[b] < 0) continue;
      const pair: [number, number][] = [[this.loAt[b], this.lo[b]], [this.hiAt[b], this.hi[b]]];
      if (pair[0][0] > pair[1][0]) pair.reverse();
      out.push(pair[0]);
      if (pair[1][0] !== pair[0][0]) out.push(pair[1]);
    }
    return out;
  }
}

/** k evenly spaced indices of 0..n-1 (all of them when n <= k), first and last included. */
export function spread(n: number, k: number): number[] {
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: k }, (_, i) => Math.round((i * (n - 1)) / (k - 1)));
}
