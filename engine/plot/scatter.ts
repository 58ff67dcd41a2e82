/** Scatter plots: dots in pixels (to overlay on another chart), or a figure of their own. */
import { chartDocument, el, extent } from './svg.ts';

/** A dot at each point (pixels). */
export function dots(points: [number, number][], colour: string, r = 3): string {
  return points.map(([x, y]) => el('circle', { cx: x, cy: y, r, fill: colour })).join('');
}

export interface ScatterChart {
  title: string;
  xlabel: string;
  ylabel: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  colour?: string;
  width?: number;
  height?: number;
}

/** One dot per (x[i], y[i]) in a box spanning the data. */
export function scatterChart(c: ScatterChart): string {
  const xr = extent(Array.from(c.x)), yr = extent(Array.from(c.y));
  return chartDocument({ width: c.width ?? 420, height: c.height ?? 360, title: c.title, xlabel: c.xlabel, ylabel: c.ylabel, x: xr, y: yr },
    (_b, xs, ys) => [dots(Array.from(c.x, (v, i) => [xs(v), ys(c.y[i])]), c.colour ?? '#1f5fa8')]);
}
