/**
 * The parts every figure shares: a standalone SVG document with a title and notes, text, a plot box
 * with linear scales, tick labels, axis titles and one-line legends. Numbers and strings in, SVG text
 * out; the chart kinds (line.ts, scatter.ts, bars.ts, heatmap.ts, raster.ts) are built from these.
 * Figures are written next to a run's data and opened as files, so each one must stand alone: no
 * stylesheet, no external image, a white background.
 */

/** Text for SVG content and attribute values (quotes too, since attribute values are double-quoted). */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A coordinate in pixels to 0.1 px: finer than any screen shows, and it keeps files small. */
export function px(v: number): string {
  return String(Math.round(v * 10) / 10);
}

type Attr = string | number | undefined;

/** An element with attributes (numbers through px, undefined ones left out), empty or with raw content. */
export function el(name: string, attrs: Record<string, Attr>, content?: string): string {
  const a = Object.entries(attrs).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${typeof v === 'number' ? px(v) : esc(v!)}"`).join('');
  return content === undefined ? `<${name}${a}/>` : `<${name}${a}>${content}</${name}>`;
}

export interface TextStyle {
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  fill?: string;
  /** Centre the text vertically on y (for labels beside a value). */
  middle?: boolean;
  /** Degrees, about (x, y): -90 for a vertical axis title. */
  rotate?: number;
  /** A class for readers of the figure (a report's tests find axis titles and tick labels by it). */
  cls?: string;
}

/** A text element; `s` is plain text (escaped here). */
export function text(x: number, y: number, s: string, st: TextStyle = {}): string {
  return el('text', {
    class: st.cls, x, y, 'font-size': st.size ?? 11, 'text-anchor': st.anchor === 'start' ? undefined : st.anchor, fill: st.fill,
    'dominant-baseline': st.middle ? 'middle' : undefined, transform: st.rotate ? `rotate(${st.rotate} ${px(x)} ${px(y)})` : undefined,
  }, esc(s));
}

/** A legend entry: plain text, or text in the colour of the line it names. */
export type LegendItem = string | { label: string; colour: string };

/** Entries on one line, separated by '; ', each in its colour: the key to a figure's lines. */
export function legend(x: number, y: number, items: LegendItem[], size = 11): string {
  const parts = items.map((i) => (typeof i === 'string' ? esc(i) : el('tspan', { fill: i.colour }, esc(i.label))));
  return el('text', { x, y, 'font-size': size }, parts.join('; '));
}

/** Baselines of the header: the title, then one line per note. Figures start their panels below. */
export const TITLE_Y = 16;
export const noteY = (k: number) => 32 + 14 * k;

export interface DocumentOptions {
  width: number;
  height: number;
  title?: string;
  /** Lines under the title: plain text, or a legend. */
  notes?: (string | LegendItem[])[];
}

/** A standalone SVG document on a white background with the header and the body's elements. */
export function svgDocument(o: DocumentOptions, body: string[]): string {
  const head = [
    ...(o.title ? [text(8, TITLE_Y, o.title, { size: 13 })] : []),
    ...(o.notes ?? []).map((n, k) => (typeof n === 'string' ? text(8, noteY(k), n) : legend(8, noteY(k), n))),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${px(o.width)}" height="${px(o.height)}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
${[...head, ...body].join('\n')}
</svg>
`;
}

/** A plot area in pixels: left, top, width, height. */
export interface Box { x: number; y: number; w: number; h: number }

export type Scale = (v: number) => number;

/** [d0, d1] onto [r0, r1], values outside the domain clamped to it; an empty domain maps to r0. */
export function linear(d0: number, d1: number, r0: number, r1: number): Scale {
  const lo = Math.min(d0, d1), hi = Math.max(d0, d1), span = d1 - d0 || 1;
  return (v) => r0 + ((Math.min(Math.max(v, lo), hi) - d0) / span) * (r1 - r0);
}

/** Horizontal scale of a box: lo at its left edge, hi at its right. */
export const xScale = (b: Box, lo: number, hi: number) => linear(lo, hi, b.x, b.x + b.w);
/** Vertical scale of a box: lo at its bottom edge, hi at its top. */
export const yScale = (b: Box, lo: number, hi: number) => linear(lo, hi, b.y + b.h, b.y);

/** The box's outline. */
export function frame(b: Box, stroke = '#888'): string {
  return el('rect', { x: b.x, y: b.y, width: b.w, height: b.h, fill: 'none', stroke });
}

export interface Tick { at: number; label: string }

/** Labels left of the box (or right of it) at their values, centred on them, each with a short mark on the box's edge. */
export function yTicks(b: Box, y: Scale, ticks: Tick[], size = 9, side: 'left' | 'right' = 'left'): string {
  const edge = side === 'left' ? b.x : b.x + b.w, out = side === 'left' ? -1 : 1;
  const marks = ticks.map((t) => `M${px(edge)} ${px(y(t.at))}h${3 * out}`).join('');
  return (marks ? el('path', { d: marks, stroke: '#888', fill: 'none' }) : '')
    + ticks.map((t) => text(edge + 5 * out, y(t.at), t.label, { size, anchor: side === 'left' ? 'end' : 'start', middle: true, cls: 'tick' })).join('');
}

/** Labels under the box at their values (marked on its edge); one at an edge is aligned to it so that it stays inside the figure. */
export function xTicks(b: Box, x: Scale, ticks: Tick[], size = 9): string {
  const marks = ticks.map((t) => `M${px(x(t.at))} ${px(b.y + b.h)}v3`).join('');
  return (marks ? el('path', { d: marks, stroke: '#888', fill: 'none' }) : '') + ticks.map((t) => {
    const at = x(t.at);
    const anchor = Math.abs(at - b.x) < 1 ? 'start' : Math.abs(at - b.x - b.w) < 1 ? 'end' : 'middle';
    return text(at, b.y + b.h + size + 4, t.label, { size, anchor, cls: 'tick' });
  }).join('');
}

/**
 * About `count` ticks at round values (1, 2 or 5 times a power of ten apart) inside [lo, hi], labelled
 * with `format` or with as many decimals as the spacing needs.
 */
export function niceTicks(lo: number, hi: number, count = 5, format?: (v: number) => string): Tick[] {
  const a = Math.min(lo, hi), z = Math.max(lo, hi);
  if (!Number.isFinite(a) || !Number.isFinite(z)) return [];
  const label = (v: number, decimals: number) => (format ? format(v) : Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-4) ? v.toExponential(1) : v.toFixed(decimals));
  if (a === z) return [{ at: a, label: label(a, 3) }];
  const raw = (z - a) / Math.max(count, 1), mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw * (1 - 1e-9)) ?? 10) * mag;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks: Tick[] = [];
  for (let k = Math.ceil(a / step - 1e-9); k * step <= z + step * 1e-9; k++) {
    const v = k * step === 0 ? 0 : k * step;
    ticks.push({ at: v, label: label(v, decimals) });
  }
  // A range that falls between round values (0.01 .. 0.99 in steps of 0.5) asks for finer ticks.
  return ticks.length < 3 && count < 40 ? niceTicks(lo, hi, count * 2, format) : ticks;
}

/**
 * The x title centred under the box (below its tick labels), the y title vertical, left of it (`yGap`
 * px from the box: more when the y tick labels are long). Titles name the quantity and its unit.
 */
export function axisTitles(b: Box, xlabel?: string, ylabel?: string, size = 12, yGap = 40): string {
  return (xlabel ? text(b.x + b.w / 2, b.y + b.h + 30, xlabel, { size, anchor: 'middle', cls: 'axis-title' }) : '')
    + (ylabel ? text(b.x - yGap, b.y + b.h / 2, ylabel, { size, anchor: 'middle', rotate: -90, cls: 'axis-title' }) : '');
}

/** Ticks at the two ends of a range, labelled with `format`. */
export const ends = (lo: number, hi: number, format: (v: number) => string): Tick[] => [{ at: lo, label: format(lo) }, { at: hi, label: format(hi) }];

/** [smallest, largest] of the values (a loop, not Math.min(...v): long series would overflow the call stack). */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return [lo, hi];
}

export interface ChartOptions {
  width: number;
  height: number;
  title: string;
  notes?: (string | LegendItem[])[];
  xlabel: string;
  ylabel: string;
  /** Data ranges of the axes, ticked at round values labelled with `format`. */
  x: [number, number];
  y: [number, number];
  format?: (v: number) => string;
}

/**
 * A document with one plot box under the header: `draw` fills it through the box's scales, then the
 * frame, round ticks on each axis and both axis titles go on top.
 */
export function chartDocument(o: ChartOptions, draw: (b: Box, x: Scale, y: Scale) => string[]): string {
  const notes = o.notes ?? [];
  const top = (notes.length ? noteY(notes.length - 1) : TITLE_Y) + 16;
  const b: Box = { x: 70, y: top, w: o.width - 90, h: o.height - top - 45 };
  const x = xScale(b, o.x[0], o.x[1]), y = yScale(b, o.y[0], o.y[1]);
  return svgDocument({ width: o.width, height: o.height, title: o.title, notes }, [
    ...draw(b, x, y), frame(b),
    xTicks(b, x, niceTicks(o.x[0], o.x[1], 6, o.format), 10) + yTicks(b, y, niceTicks(o.y[0], o.y[1], 5, o.format), 10), axisTitles(b, o.xlabel, o.ylabel, 12, 50),
  ]);
}
