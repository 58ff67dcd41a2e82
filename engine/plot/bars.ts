/** Horizontal bar charts: one labelled bar per item, its value written at its end, on a ticked value axis. */
import { axisTitles, el, niceTicks, svgDocument, text, xScale, xTicks, type Box } from './svg.ts';

export interface Bar { label: string; value: number; colour: string }

export interface BarChart {
  title: string;
  bars: Bar[];
  format: (v: number) => string;
  /** Title of the value axis: the quantity and its unit. */
  xlabel: string;
  /** Room for the labels, left of the bars [px]. */
  labelWidth?: number;
}

export function barChart(c: BarChart): string {
  const left = c.labelWidth ?? 190, W = 380, H = 26, gap = 8, top = 32;
  // 15 % headroom leaves space for the value written after the longest bar.
  const hi = Math.max(...c.bars.map((b) => b.value)) * 1.15 || 1;
  const box: Box = { x: left, y: top, w: W, h: c.bars.length * (H + gap) };
  const x = xScale(box, 0, hi);
  const rows = c.bars.map((b, k) => {
    const y = top + k * (H + gap) + gap / 2, w = Math.max(0, x(b.value) - left);
    return text(left - 6, y + H / 2, b.label, { anchor: 'end', middle: true })
      + el('rect', { x: left, y, width: w, height: H, fill: b.colour })
      + text(left + w + 4, y + H / 2, c.format(b.value), { middle: true });
  });
  const axis = el('line', { x1: left, x2: left + W, y1: box.y + box.h, y2: box.y + box.h, stroke: '#888' })
    + xTicks(box, x, niceTicks(0, hi, 5)) + axisTitles(box, c.xlabel);
  return svgDocument({ width: left + W + 70, height: box.y + box.h + 44, title: c.title }, [...rows, axis]);
}
