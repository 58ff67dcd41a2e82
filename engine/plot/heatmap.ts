/**
 * Heatmaps: a regular grid as one embedded PNG (heatmapImage), or columns of cells at arbitrary
 * positions as rectangles (heatmapColumns), for grids with gaps such as decoded time bins that had too
 * few spikes. Row 0 is at the bottom in both, like a y axis.
 */
import { css, heatmapPng, viridis, type Rgb } from './png.ts';
import { el, type Box, type Scale } from './svg.ts';

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
