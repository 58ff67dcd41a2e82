/**
 * The report's figures of spike recorders: one raster of every spike recorder (instance 0, groups
 * stacked) and their population rates over time. Spike tables are streamed in blocks, twice at most,
 * so that host memory stays bounded; the figures hold at most CAPS marks and bins.
 */
import { join } from 'node:path';
import { lineChart } from '../plot/line.ts';
import { rasterRows, rasterSvg } from '../plot/raster.ts';
import { SPIKE_RATE_UNIT, TIME_UNIT } from '../models/variable-units.ts';
import { forEachRows, openNpyRows, type NpyRows } from './npy-rows.ts';
import { CAPS, COLOURS, type ReportFigure } from './report-figure.ts';
import type { Recording } from './report-recordings.ts';

/** Rows per block read: 3 MB of (step, instance, neuron) int32 rows. */
const BLOCK = 1 << 18;

/** Figures of the spike recorders `recs` (files DIR/NAME.npy) of a run of `steps` steps (undefined: up to the last spike) of `dt` ms. */
export function spikeFigures(dir: string, recs: Recording[], dt: number, steps: number | undefined): ReportFigure[] {
  const files: NpyRows[] = [];
  try {
    for (const r of recs) {
      const f = openNpyRows(join(dir, `${r.name}.npy`));
      files.push(f);
      if (f.dtype !== '<i4' || f.rowShape.length !== 1 || f.rowShape[0] !== 3) throw new Error(`${r.name}.npy: expected (rows, 3) int32 spikes, got ${f.dtype} rows of (${f.rowShape.join(', ')})`);
    }
    return draw(recs, files, dt, steps ?? lastStep(files) + 1);
  } finally {
    for (const f of files) f.close();
  }
}

/** The last step with a spike: rows land in step order block by block, so the largest step is among the last block's rows. */
function lastStep(files: NpyRows[]): number {
  let last = 0;
  for (const f of files) {
    const tail = f.read(Math.max(0, f.rows - BLOCK), BLOCK);
    for (let k = 0; k < tail.length; k += 3) last = Math.max(last, tail[k]);
  }
  return last;
}

function draw(recs: Recording[], files: NpyRows[], dt: number, T: number): ReportFigure[] {
  const sizes = recs.map((r) => r.size ?? 1);
  const neurons = Math.min(CAPS.RASTER_NEURONS, sizes.reduce((a, s) => a + s, 0)), layout = rasterRows(sizes, neurons);
  // Bins of at least 1 ms (a rate over less is mostly noise), at most CAPS.RATE_BINS of them.
  const binSteps = Math.min(Math.max(1, T), Math.max(1, Math.ceil(T / CAPS.RATE_BINS), Math.round(1 / dt))), bins = Math.max(1, Math.ceil(T / binSteps));
  // Pass 1: spikes of instance 0 per bin (for the rates) and marks the raster would draw per bin.
  const counts = recs.map(() => new Float64Array(bins)), marks = new Float64Array(bins);
  files.forEach((f, g) => forEachRows(f, BLOCK, (rows) => {
    for (let k = 0; k < rows.length; k += 3) {
      if (rows[k + 1] !== 0 || rows[k] < 0 || rows[k] >= T) continue;
      const bin = Math.floor(rows[k] / binSteps);
      counts[g][bin]++;
      if (layout[g].row(rows[k + 2]) >= 0) marks[bin]++;
    }
  }));
  // The raster covers the longest start of the run whose marks fit the cap (at least one bin).
  let windowBins = 0;
  for (let sum = 0; windowBins < bins && (sum += marks[windowBins]) <= CAPS.RASTER_MARKS; windowBins++);
  const windowSteps = Math.min(T, Math.max(1, windowBins) * binSteps);
  // Pass 2: the marks inside the window.
  const groups = files.map((f, g) => {
    const kept: number[] = [];
    forEachRows(f, BLOCK, (rows) => {
      for (let k = 0; k < rows.length; k += 3) if (rows[k + 1] === 0 && rows[k] >= 0 && rows[k] < windowSteps && layout[g].row(rows[k + 2]) >= 0) kept.push(rows[k], 0, rows[k + 2]);
    });
    return { name: recs[g].source, spikes: Int32Array.from(kept), size: sizes[g], colour: COLOURS[g % COLOURS.length] };
  });
  const ms = (s: number) => `${+(s * dt).toFixed(3)} ${TIME_UNIT}`;
  const part = windowSteps < T ? `first ${ms(windowSteps)} of ${ms(T)} (cap: ${CAPS.RASTER_MARKS} spikes drawn)` : `${ms(T)}`;
  const shown = layout.reduce((a, l) => a + l.rows, 0), total = sizes.reduce((a, s) => a + s, 0);
  const rateOf = (g: number, bin: number) => (counts[g][bin] / sizes[g]) / ((Math.min(binSteps, T - bin * binSteps) * dt) / 1000);
  const binMs = binSteps * dt;
  return [
    {
      kind: 'raster', source: recs.map((r) => `${r.name}.npy`).join(' '),
      caption: `Spikes of instance 0, ${part}; ${shown} of ${total} neurons drawn (evenly spaced in each population).`,
      svg: rasterSvg(groups, 0, dt, { fromStep: 0, steps: windowSteps, neurons }, `Spikes, ${part}`),
    },
    {
      kind: 'population-rate', source: recs.map((r) => `${r.name}.npy`).join(' '),
      caption: `Population rates of instance 0: spikes per neuron in bins of ${+binMs.toFixed(3)} ms, in ${SPIKE_RATE_UNIT}.`,
      svg: lineChart({
        title: `Population rates (instance 0, bins of ${+binMs.toFixed(3)} ms)`, xlabel: `time (${TIME_UNIT})`, ylabel: `rate (${SPIKE_RATE_UNIT})`, width: 640, x: [0, T * dt],
        series: recs.map((r, g) => ({
          label: r.source, colour: COLOURS[g % COLOURS.length],
          x: Float64Array.from({ length: bins }, (_, b) => (Math.min(b * binSteps + binSteps / 2, T)) * dt), y: Float64Array.from({ length: bins }, (_, b) => rateOf(g, b)),
        })),
      }),
    },
  ];
}
