/** Raster plots as SVG: one mark per spike, groups stacked, time [ms] on the horizontal axis. */
import { axisTitles, el, frame, niceTicks, svgDocument, text, xScale, xTicks, type Box } from './svg.ts';

export interface RasterGroup {
  name: string;
  /** (step, instance, neuron) triples, as the spike recorders write them. */
  spikes: Int32Array;
  size: number;
  colour: string;
}

/**
 * Which neurons a raster of at most `neurons` rows draws: each group gets rows in proportion to its
 * size, and row r of a group shows the first neuron of the r-th of its equal buckets. row(n) is the
 * neuron's row within its group, or -1 when it is not drawn.
 */
export function rasterRows(sizes: number[], neurons: number): { rows: number; row: (n: number) => number }[] {
  const total = sizes.reduce((a, s) => a + s, 0);
  return sizes.map((size) => {
    const rows = Math.min(size, Math.max(1, Math.round((neurons * size) / total))), stride = size / rows;
    return { rows, row: (n) => { const r = Math.floor(n / stride); return n > 0 && Math.floor((n - 1) / stride) === r ? -1 : r; } };
  });
}

/**
 * Spikes of instance b in steps [fromStep, fromStep + steps) of `dt` ms, at most `neurons` neurons in
 * all (rasterRows). The y axis is the neuron, grouped and labelled by group.
 */
export function rasterSvg(groups: RasterGroup[], b: number, dt: number, win: { fromStep: number; steps: number; neurons: number }, title: string): string {
  const box: Box = { x: 90, y: 30, w: 640, h: 400 };
  const layout = rasterRows(groups.map((g) => g.size), win.neurons);
  const shown = layout.reduce((a, l) => a + l.rows, 0);
  const rowY = (row: number) => box.y + (row / shown) * box.h;
  const t0 = win.fromStep * dt, t1 = (win.fromStep + win.steps) * dt;
  const time = xScale(box, t0, t1);
  const body: string[] = [];
  let row0 = 0;
  groups.forEach((g, k) => {
    const { rows, row } = layout[k];
    // One path per group: a short horizontal stroke per spike is far lighter than a circle element.
    let d = '';
    for (let s = 0; s < g.spikes.length; s += 3) {
      const step = g.spikes[s], inst = g.spikes[s + 1], r = row(g.spikes[s + 2]);
      if (inst !== b || r < 0 || step < win.fromStep || step >= win.fromStep + win.steps) continue;
      d += `M${time(step * dt).toFixed(1)} ${rowY(row0 + r).toFixed(1)}h1.5`;
    }
    body.push(el('path', { d, stroke: g.colour, 'stroke-width': Math.max(1, Math.min(2.5, box.h / shown)), fill: 'none' }));
    if (row0 > 0) body.push(el('line', { x1: box.x, x2: box.x + box.w, y1: rowY(row0), y2: rowY(row0), stroke: '#ddd' }));
    body.push(text(box.x - 6, rowY(row0 + rows / 2), g.name, { anchor: 'end', middle: true, fill: g.colour, cls: 'tick' }));
    row0 += rows;
  });
  const all = groups.reduce((a, g) => a + g.size, 0);
  body.push(frame(box), xTicks(box, time, niceTicks(t0, t1, 6), 10), axisTitles(box, 'time (ms)', `neuron (${shown} of ${all} shown)`, 12, 70));
  return svgDocument({ width: box.x + box.w + 20, height: box.y + box.h + 44, title: `${title} (instance ${b})` }, body);
}
