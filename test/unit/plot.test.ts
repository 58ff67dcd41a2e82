/**
 * engine/plot: figures are standalone, well-formed SVG; one polyline per series (the scenario tests
 * count them); scales clamp; PNG bytes decode to the pixels given.
 */
import { describe, expect, it } from 'vitest';
import { inflateSync } from 'node:zlib';
import { barChart } from '../../engine/plot/bars.ts';
import { heatmapColumns, heatmapImage } from '../../engine/plot/heatmap.ts';
import { lineChart, linePanel } from '../../engine/plot/line.ts';
import { encodePng, viridis } from '../../engine/plot/png.ts';
import { rasterSvg } from '../../engine/plot/raster.ts';
import { scatterChart } from '../../engine/plot/scatter.ts';
import { esc, linear, svgDocument, text, xScale, xTicks, type Box } from '../../engine/plot/svg.ts';

/** Open and close tags balance, and the document is one <svg> element. */
function wellFormed(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (!m[1]) stack.push(m[2]);
    else if (stack.pop() !== m[2]) return false;
  }
  return stack.length === 0 && svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"') && svg.trimEnd().endsWith('</svg>');
}

const count = (svg: string, tag: string) => (svg.match(new RegExp(`<${tag} `, 'g')) ?? []).length;
const box: Box = { x: 50, y: 40, w: 200, h: 100 };

describe('engine/plot', () => {
  it('escapes text and attribute values', () => {
    expect(esc('a < b & "c" > d')).toBe('a &lt; b &amp; &quot;c&quot; &gt; d');
    expect(text(1, 2, 'x<y', { fill: 'say "hi"' })).toBe('<text x="1" y="2" font-size="11" fill="say &quot;hi&quot;">x&lt;y</text>');
  });

  it('scales clamp to their domain and map an empty domain to its start', () => {
    const s = linear(0, 10, 100, 200);
    expect([s(5), s(-3), s(12)]).toEqual([150, 100, 200]);
    expect(linear(3, 3, 7, 9)(3)).toBe(7);
    const x = xScale(box, 0, 1);
    expect(xTicks(box, x, [{ at: 0, label: 'a' }, { at: 0.5, label: 'b' }, { at: 1, label: 'c' }])).toMatch(/>a<.*text-anchor="middle"[^>]*>b<.*text-anchor="end"[^>]*>c</);
  });

  it('draws one polyline per series, shading and reference lines behind them', () => {
    const panel = linePanel({ box, series: [{ y: [0, 1, 2], colour: 'red' }, { y: [2, 1, 0], colour: 'blue', dash: true }], shade: [[0, 1]], rules: { y: [1] }, title: 'p' });
    expect(count(panel, 'polyline')).toBe(2);
    expect(panel.indexOf('fill="#eee"')).toBeLessThan(panel.indexOf('<polyline'));
    const chart = lineChart({ title: 't', xlabel: 'x', ylabel: 'y', series: [{ x: [1, 2], y: [3, 4], colour: 'red', label: 'a & b' }] });
    expect(wellFormed(chart)).toBe(true);
    expect(count(chart, 'polyline')).toBe(1);
    expect(chart).toContain('a &amp; b');
  });

  it('builds every chart kind as a standalone document', () => {
    const spikes = Int32Array.from([0, 0, 1, 5, 0, 2, 5, 1, 2]);
    const figures = [
      scatterChart({ title: 's', xlabel: 'x', ylabel: 'y', x: [1, 2, 3], y: [3, 1, 2] }),
      barChart({ title: 'b', bars: [{ label: 'one', value: 1, colour: 'red' }, { label: 'two', value: 2, colour: 'blue' }], format: String }),
      rasterSvg([{ name: 'E', spikes, size: 4, colour: 'red' }], 0, 0.1, { fromStep: 0, steps: 10, neurons: 4 }, 'r'),
      svgDocument({ width: 300, height: 200, title: 'h', notes: ['n', ['k', { label: 'c', colour: 'red' }]] }, [heatmapImage(box, 3, 2, (c, r) => c + r, 0, 3)]),
    ];
    for (const f of figures) expect(wellFormed(f), f).toBe(true);
    expect(count(figures[0], 'circle')).toBe(3);
    expect(count(figures[1], 'rect')).toBe(3);
  });

  it('leaves out heatmap columns outside the scale', () => {
    const x = xScale(box, 0, 10);
    const cells = heatmapColumns(box, x, [{ x0: 0, x1: 1, values: [0, 1] }, { x0: 12, x1: 13, values: [0.5] }]);
    expect(count(cells, 'rect')).toBe(2);
  });

  it('encodes PNG that decodes to the pixels given', () => {
    const rgb = Uint8Array.from([...viridis(0), ...viridis(1), 1, 2, 3, 4, 5, 6]);
    const png = encodePng(2, 2, rgb);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([2, 2]);
    const idat = png.indexOf('IDAT');
    const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
    expect([...raw]).toEqual([0, ...rgb.subarray(0, 6), 0, ...rgb.subarray(6)]);
  });
});
