/**
 * Line charts: one polyline per series (tests count them), in a panel of a larger figure (linePanel)
 * or as a figure of its own (lineChart).
 */
import { axisTitles, chartDocument, el, extent, frame, linear, px, text, xTicks, yTicks, type Box, type LegendItem, type Scale, type Tick } from './svg.ts';

export interface Series {
  y: ArrayLike<number>;
  /** Data x of each point; without it, the point's index. */
  x?: ArrayLike<number>;
  colour: string;
  width?: number;
  dash?: boolean;
  /** Name in the legend (lineChart). */
  label?: string;
}

/** A polyline through points in pixels. */
export function polyline(points: [number, number][], colour: string, width = 1.2, dash = false): string {
  return el('polyline', {
    points: points.map(([x, y]) => `${px(x)},${px(y)}`).join(' '), fill: 'none', stroke: colour, 'stroke-width': width, 'stroke-dasharray': dash ? '4,3' : undefined,
  });
}

/** One polyline per series through the scales (values outside the scales' domains are clamped to the box). */
export function lines(series: Series[], x: Scale, y: Scale): string {
  return series.map((s) => polyline(Array.from({ length: s.y.length }, (_, k) => [x(s.x ? s.x[k] : k), y(s.y[k])]), s.colour, s.width, s.dash)).join('\n');
}

/** Light reference lines at data values (x: vertical, y: horizontal). */
function rules(b: Box, x: Scale, y: Scale, at: { x?: number[]; y?: number[] }): string {
  const style = { stroke: '#bbb', 'stroke-dasharray': '3,2' };
  return [
    ...(at.x ?? []).map((v) => el('line', { x1: x(v), x2: x(v), y1: b.y, y2: b.y + b.h, ...style })),
    ...(at.y ?? []).map((v) => el('line', { x1: b.x, x2: b.x + b.w, y1: y(v), y2: y(v), ...style })),
  ].join('');
}

/** The x range of the series: their x values, or 0 .. n-1 for series by index. */
function xExtent(series: Series[]): [number, number] {
  return extent(series.flatMap((s) => (s.x ? Array.from(s.x) : [0, s.y.length - 1])));
}

export interface LinePanel {
  box: Box;
  series: Series[];
  /** Data ranges (default: the extent of the data). */
  x?: [number, number];
  y?: [number, number];
  /** x ranges shaded grey behind the lines (stretches that differ: a phase, a deviant). */
  shade?: [number, number][];
  rules?: { x?: number[]; y?: number[] };
  /** Written inside the box, top left. */
  title?: string;
  xTicks?: Tick[];
  yTicks?: Tick[];
  /** Axis titles, each naming the quantity and its unit. */
  xlabel?: string;
  ylabel?: string;
}

/** A panel of a multi-panel figure (panels.ts): shading, reference lines, the series, the frame, ticks, axis titles and a title. */
export function linePanel(p: LinePanel): string {
  const b = p.box;
  const [x0, x1] = p.x ?? xExtent(p.series), [y0, y1] = p.y ?? extent(p.series.flatMap((s) => Array.from(s.y)));
  const x = linear(x0, x1, b.x, b.x + b.w), y = linear(y0, y1, b.y + b.h, b.y);
  const shade = (p.shade ?? []).map(([a, c]) => el('rect', { x: x(a), y: b.y, width: x(c) - x(a), height: b.h, fill: '#eee' })).join('');
  return [
    shade + rules(b, x, y, p.rules ?? {}), lines(p.series, x, y), frame(b),
    xTicks(b, x, p.xTicks ?? []) + yTicks(b, y, p.yTicks ?? []) + (p.title ? text(b.x + 4, b.y + 12, p.title) : ''),
    axisTitles(b, p.xlabel, p.ylabel),
  ].join('\n');
}

export interface LineChart {
  title: string;
  xlabel: string;
  ylabel: string;
  series: Series[];
  width?: number;
  height?: number;
  /** Data ranges; y defaults to the data's extent with 0 included (rates, rewards: 0 is the reference). */
  x?: [number, number];
  y?: [number, number];
  rules?: { x?: number[]; y?: number[] };
  format?: (v: number) => string;
}

/** A figure with one plot box; series with a label get a legend line under the title. */
export function lineChart(c: LineChart): string {
  const labelled = c.series.filter((s) => s.label);
  const notes: LegendItem[][] = labelled.length ? [labelled.map((s) => ({ label: s.label!, colour: s.colour }))] : [];
  const [lo, hi] = extent(c.series.flatMap((s) => Array.from(s.y)));
  const y = c.y ?? [Math.min(lo, 0), hi];
  return chartDocument({ width: c.width ?? 560, height: c.height ?? 320, title: c.title, notes, xlabel: c.xlabel, ylabel: c.ylabel, x: c.x ?? xExtent(c.series), y, format: c.format },
    (b, xs, ys) => [rules(b, xs, ys, c.rules ?? {}), lines(c.series, xs, ys)]);
}
