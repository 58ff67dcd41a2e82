/**
 * The report's figures of dense recordings (rows of batch x values, one every `every` steps) and of
 * the final weights of plastic projections. A recording of one value per instance (a population rate,
 * a mean, a modulator) is drawn as one line per instance; a recording of many neurons or units as
 * traces of a few of them and a heatmap of all (instance 0); weights as their mean over time. Files are
 * streamed in blocks; the figures keep to CAPS.
 */
import { join } from 'node:path';
import { heatmapPanel } from '../plot/heatmap.ts';
import { histogramChart } from '../plot/histogram.ts';
import { lineChart } from '../plot/line.ts';
import { panelFigure } from '../plot/panels.ts';
import { TIME_UNIT, withUnit } from '../models/variable-units.ts';
import { forEachRows, openNpyRows } from './npy-rows.ts';
import { CAPS, COLOURS, MinMaxSeries, spread, type ReportFigure } from './report-figure.ts';
import type { Recording } from './report-recordings.ts';

/** Values per block read (16 MB of float32). */
const BLOCK_VALUES = 1 << 22;

/** Figures of one dense recording DIR/NAME.npy; `planned` rows the run meant to write (undefined: unknown). */
export function seriesFigures(dir: string, rec: Recording, dt: number, planned: number | undefined): ReportFigure[] {
  const file = `${rec.name}.npy`, f = openNpyRows(join(dir, file));
  try {
    if (f.rowShape.length < 1) throw new Error(`${file}: expected rows of (batch, ...) values, got shape (${f.headerRows})`);
    const batch = f.rowShape[0], width = f.rowShape.slice(1).reduce((a, b) => a * b, 1), T = f.rows;
    if (T === 0) throw new Error(`${file}: no rows recorded`);
    const time = (r: number) => (r + 1) * rec.every * dt;
    const rowsNote = `${T} rows${planned !== undefined && planned !== T ? ` of ${planned} planned` : ''}, one every ${+(rec.every * dt).toFixed(6)} ms`;
    const ylabel = withUnit(rec.weights ? 'mean weight' : rec.quantity, rec.unit);
    const title = `${rec.weights ? 'Mean weight' : rec.quantity} of ${rec.source}`;
    const unitId = (i: number) => rec.units?.[i] ?? i;
    // Lines: per instance (one value per instance, or the mean of the weights), else per chosen unit of instance 0.
    const perInstance = rec.weights || width === 1;
    const lineIds = perInstance ? spread(batch, CAPS.MAX_LINES) : spread(width, CAPS.MAX_LINES);
    const lines = lineIds.map(() => new MinMaxSeries(T));
    const heat = !perInstance && width > 1 ? new Heat(T, width) : undefined;
    forEachRows(f, Math.max(1, Math.floor(BLOCK_VALUES / f.rowValues)), (block, first) => {
      for (let r = 0; r < block.length / f.rowValues; r++) {
        const row = block.subarray(r * f.rowValues, (r + 1) * f.rowValues);
        if (perInstance) {
          lineIds.forEach((b, k) => {
            let s = 0;
            for (let i = 0; i < width; i++) s += row[b * width + i];
            lines[k].push(first + r, s / width);
          });
        } else {
          lineIds.forEach((i, k) => lines[k].push(first + r, row[i]));
          heat!.add(first + r, row);
        }
      }
    });
    const series = lines.map((l, k) => {
      const pts = l.points();
      return { x: pts.map(([r]) => time(r)), y: pts.map(([, v]) => v), colour: COLOURS[k % COLOURS.length], label: perInstance ? `instance ${lineIds[k]}` : `${rec.member} ${unitId(lineIds[k])}` };
    });
    const which = perInstance ? `${lineIds.length} of ${batch} instances` : `instance 0, ${lineIds.length} of ${width} recorded`;
    const out: ReportFigure[] = [{
      kind: 'traces', source: file, caption: `${title} (${file}): ${which}; ${rowsNote}.`,
      svg: lineChart({ title: `${title} (${which})`, xlabel: `time (${TIME_UNIT})`, ylabel, series, width: 640, x: [0, time(Math.max(T - 1, 0))] }),
    }];
    if (heat) out.push({ kind: 'heatmap', source: file, caption: `${title} (${file}), instance 0: every recorded ${rec.member}${heat.units.length < width ? ` (${heat.units.length} of ${width}, evenly spaced)` : ''} over time; means over ${heat.perColumn} row(s) per column.`, svg: heat.svg(title, ylabel, `${rec.member} (index)`, time(T - 1), unitId) });
    return out;
  } finally {
    f.close();
  }
}

/** Means of instance 0's values over buckets of rows, for at most CAPS.HEATMAP_ROWS units. */
class Heat {
  readonly units: number[];
  readonly cols: number;
  readonly perColumn: number;
  private sums: Float64Array; private counts: Float64Array;
  constructor(private readonly T: number, width: number) {
    this.units = spread(width, CAPS.HEATMAP_ROWS);
    this.cols = Math.max(1, Math.min(T, CAPS.HEATMAP_COLUMNS));
    this.perColumn = Math.ceil(T / this.cols);
    this.sums = new Float64Array(this.cols * this.units.length);
    this.counts = new Float64Array(this.cols);
  }
  add(r: number, row: ArrayLike<number>): void {
    const c = Math.floor((r * this.cols) / this.T);
    this.counts[c]++;
    this.units.forEach((i, k) => { this.sums[c * this.units.length + k] += row[i]; });
  }
  svg(title: string, label: string, rowsLabel: string, end: number, unitId: (i: number) => number): string {
    const n = this.units.length, value = (c: number, k: number) => this.sums[c * n + k] / this.counts[c];
    let lo = Infinity, hi = -Infinity;
    for (let c = 0; c < this.cols; c++) for (let k = 0; k < n; k++) { const v = value(c, k); if (v < lo) lo = v; if (v > hi) hi = v; }
    if (!(hi > lo)) { lo = Number.isFinite(lo) ? lo : 0; hi = lo + 1; }
    const ticks = spread(n, 5).map((k) => ({ at: k + 0.5, label: String(unitId(this.units[k])) }));
    return panelFigure({
      width: 640, right: 100, title: `${title} (instance 0)`, panels: [{
        height: 240, draw: (box) => heatmapPanel({
          box, cols: this.cols, rows: n, value, lo, hi, x: [0, end], y: [0, n], yTicks: ticks, xlabel: `time (${TIME_UNIT})`, ylabel: rowsLabel, colourBar: label,
        }),
      }],
    });
  }
}

/** A histogram of a plastic projection's final weights (weights_NAME.npy, instance 0). */
export function weightHistogram(dir: string, file: string, projection: string, unit: string | undefined): ReportFigure {
  const f = openNpyRows(join(dir, file));
  try {
    if (f.rows < 1) throw new Error(`${file} holds no instance`);
    const w = f.read(0, 1);
    return {
      kind: 'weight-histogram', source: file, caption: `Final weights of ${projection} (${file}), instance 0: ${w.length} values.`,
      svg: histogramChart({ title: `Weights of ${projection} at the end of the run (instance 0)`, xlabel: withUnit('weight', unit), ylabel: 'synapses (count)', values: w, bins: CAPS.HISTOGRAM_BINS, width: 560 }),
    };
  } finally {
    f.close();
  }
}
