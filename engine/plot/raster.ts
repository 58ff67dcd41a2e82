/** Raster plots as SVG: one dot per spike, groups stacked, time on the horizontal axis. */
import { esc } from './plot.ts';

export interface RasterGroup {
  name: string;
  spikes: Int32Array;
  size: number;
  colour: string;
}

/**
 * Spikes of instance b in steps [fromStep, fromStep + steps), at most `neurons` neurons in all (each
 * group gets its share in proportion to its size, evenly spaced indices).
 */
export function rasterSvg(groups: RasterGroup[], b: number, dt: number, win: { fromStep: number; steps: number; neurons: number }, title: string): string {
  const W = 640, H = 400, left = 60, top = 30, bottom = 40;
  const total = groups.reduce((a, g) => a + g.size, 0);
  const dots: string[] = [];
  const labels: string[] = [];
  let row0 = 0;
  for (const g of groups) {
    const rows = Math.max(1, Math.round((win.neurons * g.size) / total));
    const stride = g.size / rows;
    const pathParts: string[] = [];
    for (let k = 0; k < g.spikes.length; k += 3) {
      const step = g.spikes[k], inst = g.spikes[k + 1], n = g.spikes[k + 2];
      if (inst !== b || step < win.fromStep || step >= win.fromStep + win.steps) continue;
      // Show the first neuron of every stride-wide bucket.
      const r = Math.floor(n / stride);
      if (n > 0 && Math.floor((n - 1) / stride) === r) continue;
      const x = left + ((step - win.fromStep) / win.steps) * W;
      const y = top + ((row0 + r) / win.neurons) * H;
      pathParts.push(`M${x.toFixed(1)} ${y.toFixed(1)}h1.5`);
    }
    dots.push(`<path d="${pathParts.join('')}" stroke="${g.colour}" stroke-width="${Math.max(1, Math.min(2.5, H / win.neurons))}" fill="none"/>`);
    if (row0 > 0) dots.push(`<line x1="${left}" x2="${left + W}" y1="${(top + (row0 / win.neurons) * H).toFixed(1)}" y2="${(top + (row0 / win.neurons) * H).toFixed(1)}" stroke="#ddd"/>`);
    labels.push(`<text x="${left - 6}" y="${(top + ((row0 + rows / 2) / win.neurons) * H).toFixed(1)}" font-size="11" text-anchor="end" fill="${g.colour}">${esc(g.name)}</text>`);
    row0 += rows;
  }
  const t0 = win.fromStep * dt, t1 = (win.fromStep + win.steps) * dt;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + W + 20}" height="${top + H + bottom}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${left}" y="18" font-size="13">${esc(title)} (instance ${b}, ${win.neurons} neurons shown)</text>
<rect x="${left}" y="${top}" width="${W}" height="${H}" fill="none" stroke="#888"/>
${dots.join('\n')}
${labels.join('\n')}
<text x="${left}" y="${top + H + 16}" font-size="11">${t0.toFixed(0)} ms</text>
<text x="${left + W}" y="${top + H + 16}" font-size="11" text-anchor="end">${t1.toFixed(0)} ms</text>
</svg>
`;
}
