/** Horizontal bar charts: one labelled bar per item, its value written at its end. */
import { el, svgDocument, text } from './svg.ts';

export interface Bar { label: string; value: number; colour: string }

export interface BarChart {
  title: string;
  bars: Bar[];
  format: (v: number) => string;
  /** Room for the labels, left of the bars [px]. */
  labelWidth?: number;
}

export function barChart(c: BarChart): string {
  const left = c.labelWidth ?? 190, W = 380, H = 26, gap = 8, top = 32;
  // 15 % headroom leaves space for the value written after the longest bar.
  const hi = Math.max(...c.bars.map((b) => b.value)) * 1.15 || 1;
  const rows = c.bars.map((b, k) => {
    const y = top + k * (H + gap), w = Math.max(0, (b.value / hi) * W);
    return text(left - 6, y + H / 2, b.label, { anchor: 'end', middle: true })
      + el('rect', { x: left, y, width: w, height: H, fill: b.colour })
      + text(left + w + 4, y + H / 2, c.format(b.value), { middle: true });
  });
  return svgDocument({ width: left + W + 70, height: top + c.bars.length * (H + gap) + 10, title: c.title }, rows);
}
