/**
 * engine/plot: figures are standalone, well-formed SVG; one polyline per series (the scenario tests
 * count them); scales clamp; PNG bytes decode to the pixels given.
 */
import { describe, expect, it } from 'vitest';
import { inflateSync } from 'node:zlib';
import { barChart } from '../../engine/plot/bars.ts';
import { heatmapColumns, heatmapImage, heatmapPanel } from '../../engine/plot/heatmap.ts';
import { histogram, histogramChart } from '../../engine/plot/histogram.ts';
import { panelFigure } from '../../engine/plot/panels.ts';
import { lineChart, linePanel } from '../../engine/plot/line.ts';
import { encodePng, viridis } from '../../engine/plot/png.ts';
import { rasterRows, rasterSvg } from '../../engine/plot/raster.ts';
import { scatterChart } from '../../engine/plot/scatter.ts';
import { esc, linear, niceTicks, svgDocument, text, xScale, xTicks, type Box } from '../../engine/plot/svg.ts';

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
/** The texts of class `cls` (axis-title, tick) in a figure. */
const texts = (svg: string, cls: string) => [...svg.matchAll(new RegExp(`<text class="${cls}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1]);
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
      barChart({ title: 'b', bars: [{ label: 'one', value: 1, colour: 'red' }, { label: 'two', value: 2, colour: 'blue' }], format: String, xlabel: 'v (ms)' }),
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

  it('ticks axes at round values, finer when a range falls between them', () => {
    expect(niceTicks(0, 30, 6).map((t) => t.label)).toEqual(['0', '5', '10', '15', '20', '25', '30']);
    expect(niceTicks(-65, -50, 4).map((t) => t.at)).toEqual([-65, -60, -55, -50]);
    expect(niceTicks(0.0123, 0.9876, 4).map((t) => t.label)).toEqual(['0.2', '0.4', '0.6', '0.8']);
    expect(niceTicks(2, 2).map((t) => t.at)).toEqual([2]);
    expect(niceTicks(0, NaN)).toEqual([]);
  });

  it('counts values in equal bins, leaving out values that are not finite', () => {
    const h = histogram([0, 0.5, 1, 1, NaN, Infinity], 2);
    expect([...h.edges]).toEqual([0, 0.5, 1]);
    expect([...h.counts]).toEqual([1, 3]);
    expect(h.skipped).toBe(2);
    expect([...histogram([3, 3, 3]).counts]).toEqual([3]);
    const chart = histogramChart({ title: 'w', xlabel: 'weight (pA)', values: [1, 2, 2, 3, 3, 3], bins: 3 });
    expect(wellFormed(chart)).toBe(true);
    expect(count(chart, 'rect')).toBe(2 + 3); // background, frame, one bar per bin
  });

  it('gives every chart kind axis titles and tick labels', () => {
    const spikes = Int32Array.from([0, 0, 1, 5, 0, 2, 5, 1, 2]);
    const heat = panelFigure({ width: 400, panels: [{ height: 100, draw: (b) => heatmapPanel({ box: b, cols: 3, rows: 2, value: (c, r) => c + r, lo: 0, hi: 3, x: [0, 30], y: [0, 2], xlabel: 'time (ms)', ylabel: 'unit (index)', colourBar: 'V (mV)' }) }] });
    const figures: [string, string[]][] = [
      [lineChart({ title: 't', xlabel: 'time (ms)', ylabel: 'rate (Hz)', series: [{ x: [0, 10], y: [3, 4], colour: 'red' }] }), ['time (ms)', 'rate (Hz)']],
      [scatterChart({ title: 's', xlabel: 'x (mV)', ylabel: 'y (pA)', x: [1, 2, 3], y: [3, 1, 2] }), ['x (mV)', 'y (pA)']],
      [histogramChart({ title: 'h', xlabel: 'weight (pA)', values: [1, 2, 3] }), ['weight (pA)', 'count']],
      [barChart({ title: 'b', bars: [{ label: 'one', value: 1, colour: 'red' }], format: String, xlabel: 'error (mV)' }), ['error (mV)']],
      [rasterSvg([{ name: 'E', spikes, size: 4, colour: 'red' }], 0, 0.1, { fromStep: 0, steps: 10, neurons: 4 }, 'r'), ['time (ms)', 'neuron (4 of 4 shown)']],
      [heat, ['time (ms)', 'unit (index)', 'V (mV)']],
    ];
    for (const [svg, titles] of figures) {
      expect(wellFormed(svg), svg).toBe(true);
      expect(texts(svg, 'axis-title')).toEqual(titles);
      expect(texts(svg, 'tick').length, svg).toBeGreaterThanOrEqual(2);
    }
  });

  it('lays panels out in rows and columns, each drawn into its own box', () => {
    const boxes: Box[] = [];
    const panel = (height: number) => ({ height, draw: (b: Box) => { boxes.push(b); return ''; } });
    const svg = panelFigure({ width: 420, left: 50, columns: 2, title: 't', panels: [panel(100), panel(80), panel(60)] });
    expect(boxes.map((b) => [b.x, b.w, b.h])).toEqual([[50, 150, 100], [250, 150, 80], [50, 150, 60]]);
    expect(boxes[2].y).toBe(boxes[0].y + 100 + 44);
    expect(svg).toMatch(/height="\d+"/);
  });

  it('draws the neurons rasterRows picks and no others', () => {
    const [rows] = rasterRows([10], 5);
    expect(rows.rows).toBe(5);
    expect(Array.from({ length: 10 }, (_, n) => rows.row(n))).toEqual([0, -1, 1, -1, 2, -1, 3, -1, 4, -1]);
    // (step, instance, neuron): neuron 0 and 2 are drawn, neuron 1 is not, instance 1 is another instance.
    const svg = rasterSvg([{ name: 'E', spikes: Int32Array.from([1, 0, 0, 2, 0, 1, 3, 0, 2, 4, 1, 2]), size: 10, colour: 'red' }], 0, 1, { fromStep: 0, steps: 10, neurons: 5 }, 'r');
    expect((svg.match(/h1\.5/g) ?? []).length).toBe(2);
  });
});
