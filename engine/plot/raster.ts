/** Raster plots as SVG: one dot per spike, groups stacked, time on the horizontal axis. */
import { el, frame, svgDocument, text, xScale, xTicks, type Box } from './svg.ts';

export interface RasterGroup {
  name: string;
  /** (step, instance, neuron) triples, as the spike recorders write them. */
  spikes: Int32Array;
  size: number;
  colour: string;
}

/**
 * Spikes of instance b in steps [fromStep, fromStep + steps), at most `neurons` neurons in all (each
 * group gets its share in proportion to its size, evenly spaced indices).
 */
export function rasterSvg(groups: RasterGroup[], b: number, dt: number, win: { fromStep: number; steps: number; neurons: number }, title: string): string {
  const box: Box = { x: 60, y: 30, w: 640, h: 400 };
  const total = groups.reduce((a, g) => a + g.size, 0);
  const rowY = (row: number) => box.y + (row / win.neurons) * box.h;
  const time = xScale(box, win.fromStep, win.fromStep + win.steps);
  const body: string[] = [];
  let row0 = 0;
  for (const g of groups) {
    const rows = Math.max(1, Math.round((win.neurons * g.size) / total));
    const stride = g.size / rows;
    // One path per group: a short horizontal stroke per spike is far lighter than a circle element.
    let d = '';
    for (let k = 0; k < g.spikes.length; k += 3) {
      const step = g.spikes[k], inst = g.spikes[k + 1], n = g.spikes[k + 2];
      if (inst !== b || step < win.fromStep || step >= win.fromStep + win.steps) continue;
      // Show the first neuron of every stride-wide bucket.
      const r = Math.floor(n / stride);
      if (n > 0 && Math.floor((n - 1) / stride) === r) continue;
      d += `M${time(step).toFixed(1)} ${rowY(row0 + r).toFixed(1)}h1.5`;
    }
    body.push(el('path', { d, stroke: g.colour, 'stroke-width': Math.max(1, Math.min(2.5, box.h / win.neurons)), fill: 'none' }));
    if (row0 > 0) body.push(el('line', { x1: box.x, x2: box.x + box.w, y1: rowY(row0), y2: rowY(row0), stroke: '#ddd' }));
    body.push(text(box.x - 6, rowY(row0 + rows / 2), g.name, { anchor: 'end', middle: true, fill: g.colour }));
    row0 += rows;
  }
  const ms = (step: number) => `${(step * dt).toFixed(0)} ms`;
  body.push(frame(box), xTicks(box, time, [win.fromStep, win.fromStep + win.steps].map((s) => ({ at: s, label: ms(s) })), 11));
  return svgDocument({ width: box.x + box.w + 20, height: box.y + box.h + 40, title: `${title} (instance ${b}, ${win.neurons} neurons shown)` }, body);
}
