/**
 * Figures of several panels: plot boxes laid out in rows (and columns) under the header, each drawn by
 * its own function (linePanel, heatmapPanel, or anything built from svg.ts) into the box it is given.
 * The layout leaves room left of each box for tick labels and a y title, under it for tick labels and
 * an x title, and above it for a panel title (panelTitle).
 */
import { noteY, svgDocument, text, TITLE_Y, type Box, type DocumentOptions } from './svg.ts';

export interface Panel {
  /** Height of the plot box [px]. */
  height: number;
  /** Draws the panel into its box. */
  draw: (box: Box) => string;
  /** Room under the box [px]: 44 (the default) holds tick labels and an x title; less packs panels that share an x axis. */
  below?: number;
}

export interface PanelFigure {
  width: number;
  title?: string;
  /** Lines under the title: plain text, or a legend. */
  notes?: DocumentOptions['notes'];
  panels: Panel[];
  /** Panels per row (default 1), filled left to right, then top to bottom. */
  columns?: number;
  /** Room left of each box for tick labels and the y title [px], default 60. */
  left?: number;
  /** Room right of the boxes of the last column [px], default 20 (more for a colour bar). */
  right?: number;
  /** Room above each box for a panel title [px], default 0 (titles written inside the box). */
  above?: number;
  /** Text lines under the last row. */
  footer?: string[];
}

/** A panel's title, over its box. */
export function panelTitle(b: Box, s: string, size = 12): string {
  return text(b.x, b.y - 6, s, { size });
}

export function panelFigure(f: PanelFigure): string {
  const cols = f.columns ?? 1, left = f.left ?? 60, above = f.above ?? 0, right = f.right ?? 20;
  const w = (f.width - cols * left - right) / cols;
  const notes = f.notes ?? [];
  let y = (notes.length ? noteY(notes.length - 1) : f.title ? TITLE_Y : 0) + 14 + above;
  const body: string[] = [];
  for (let r = 0; r < f.panels.length; r += cols) {
    const row = f.panels.slice(r, r + cols);
    row.forEach((p, c) => body.push(p.draw({ x: left + c * (w + left), y, w, h: p.height })));
    y += Math.max(...row.map((p) => p.height + (p.below ?? 44))) + above;
  }
  for (const line of f.footer ?? []) { body.push(text(left, y, line, { size: 10 })); y += 14; }
  return svgDocument({ width: f.width, height: y - above + 4, title: f.title, notes }, body);
}
