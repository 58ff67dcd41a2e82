/**
 * Heatmaps: a regular grid as one embedded PNG (heatmapImage), or columns of cells at arbitrary
 * positions as rectangles (heatmapColumns), for grids with gaps such as decoded time bins that had too
 * few spikes. Row 0 is at the bottom in both, like a y axis.
 */
import { css, heatmapPng, viridis, type Rgb } from './png.ts';
import { axisTitles, el, frame, niceTicks, xScale, xTicks, yScale, yTicks, type Box, type Scale, type Tick } from './svg.ts';

/** value(col, row) for a cols x rows grid, mapped through [lo, hi] and the colour map, filling the box. */
export function heatmapImage(b: Box, cols: number, rows: number, value: (col: number, row: number) => number, lo: number, hi: number, map: (v: number) => Rgb = viridis): string {
  const png = heatmapPng(cols, rows, (c, r) => value(c, rows - 1 - r), lo, hi, map).toString('base64');
  return el('image', { x: b.x, y: b.y, width: b.w, height: b.h, preserveAspectRatio: 'none', style: 'image-rendering:pixelated', href: `data:image/png;base64,${png}` });
}

/** One column of cells: its edges in data units (through the x scale) and its values in [0, 1], bottom first. */
export interface CellColumn { x0: number; x1: number; values: ArrayLike<number> }

export function heatmapColumns(b: Box, x: Scale, columns: CellColumn[], map: (v: number) => Rgb = viridis): string {
  return columns.map((c) => {
    const left = x(c.x0), w = x(c.x1) - left, h = b.h / c.values.length;
    if (w <= 0) return '';
    return Array.from(c.values, (v, r) => el('rect', { x: left, y: b.y + b.h - (r + 1) * h, width: w, height: h, fill: css(map(v)) })).join('');
  }).join('\n');
}

export interface HeatmapPanel {
  box: Box;
  cols: number;
  rows: number;
  /** value(col, row), row 0 at the bottom. */
  value: (col: number, row: number) => number;
  /** Values mapped to the ends of the colour map. */
  lo: number;
  hi: number;
  map?: (v: number) => Rgb;
  /** Data ranges the image spans: x across the columns, y across the rows. */
  x: [number, number];
  y: [number, number];
  /** Default: round ticks over the ranges. */
  xTicks?: Tick[];
  yTicks?: Tick[];
  xlabel?: string;
  ylabel?: string;
  /** Drawn over the image through the panel's scales (data units). */
  overlay?: (x: Scale, y: Scale) => string;
  /** A colour bar right of the box, titled (the value's quantity and unit). */
  colourBar?: string;
}

/** A panel of a figure: the image, an overlay, the frame, ticks, axis titles and optionally a colour bar. */
export function heatmapPanel(p: HeatmapPanel): string {
  const b = p.box, x = xScale(b, p.x[0], p.x[1]), y = yScale(b, p.y[0], p.y[1]);
  return [
    heatmapImage(b, p.cols, p.rows, p.value, p.lo, p.hi, p.map), p.overlay?.(x, y) ?? '', frame(b),
    xTicks(b, x, p.xTicks ?? niceTicks(p.x[0], p.x[1], 6)) + yTicks(b, y, p.yTicks ?? niceTicks(p.y[0], p.y[1], 4)),
    axisTitles(b, p.xlabel, p.ylabel), p.colourBar === undefined ? '' : colourBar({ x: b.x + b.w + 12, y: b.y, w: 10, h: b.h }, p.lo, p.hi, p.colourBar, p.map),
  ].join('\n');
}

/** The colour map from lo (bottom) to hi (top) as a ticked vertical bar in box b, titled on its right. */
export function colourBar(b: Box, lo: number, hi: number, title: string, map: (v: number) => Rgb = viridis): string {
  const steps = 32, h = b.h / steps, y = yScale(b, lo, hi);
  const cells = Array.from({ length: steps }, (_, k) => el('rect', { x: b.x, y: b.y + b.h - (k + 1) * h, width: b.w, height: h + 0.5, fill: css(map((k + 0.5) / steps)) })).join('');
  return cells + frame(b) + yTicks(b, y, niceTicks(lo, hi, 4), 9, 'right') + axisTitles(b, undefined, title, 11, -(b.w + 42));
}
