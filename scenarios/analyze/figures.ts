/** The figures of `lamina analyze` (SVG, engine/plot): PSTH with its band, asymmetry matrix, jPCA plane, GLM history filters. */
import { heatmapPanel } from '../../engine/plot/heatmap.ts';
import { lineChart, type Series } from '../../engine/plot/line.ts';
import { panelFigure } from '../../engine/plot/panels.ts';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
export const colour = (k: number) => COLOURS[k % COLOURS.length];

export function psthFigure(name: string, p: { centers: Float64Array; rate: Float64Array; lower: Float64Array; upper: Float64Array }, trials: number, band: number): string {
  const series: Series[] = [
    { x: p.centers, y: p.rate, colour: '#1f77b4', width: 1.6, label: `mean over ${trials} trials` },
    ...(band > 0 ? [{ x: p.centers, y: p.lower, colour: '#7fa7d4', dash: true, label: `bootstrap 95 % band (${band} resamples)` }, { x: p.centers, y: p.upper, colour: '#7fa7d4', dash: true }] : []),
  ];
  return lineChart({ title: `PSTH of ${name} (rate per neuron)`, xlabel: 'time from event (ms)', ylabel: 'rate (Hz)', series });
}

export function asymmetryFigure(name: string, a: Float64Array, units: Int32Array, order: Int32Array): string {
  const N = units.length;
  const index = new Map(Array.from(units, (u, k) => [u, k]));
  const pos = Array.from(order, (u) => index.get(u)!);
  let max = 0;
  for (const v of a) max = Math.max(max, Math.abs(v));
  max ||= 1;
  return panelFigure({
    width: 560, title: `Lagged cross-covariance asymmetry of ${name}, units in the recovered order`, right: 80,
    notes: ['A_ij = sum over tau > 0 of C_ij(tau) minus tau < 0: positive (yellow) when unit i leads unit j'],
    panels: [{
      height: 380,
      draw: (box) => heatmapPanel({
        box: { ...box, w: Math.min(box.w, 380) }, cols: N, rows: N, value: (c, r) => a[pos[N - 1 - r] * N + pos[c]], lo: -max, hi: max,
        x: [0, N], y: [N, 0], xlabel: 'unit j (rank in recovered order)', ylabel: 'unit i (rank)', colourBar: 'A_ij (counts^2)',
      }),
    }],
  });
}

export function jpcaFigure(name: string, projections: Float64Array[], r2Ratio: number, frequency: number): string {
  const series: Series[] = projections.map((p, c) => ({
    x: p.filter((_, k) => k % 2 === 0), y: p.filter((_, k) => k % 2 === 1), colour: colour(c), ...(c < 8 ? { label: `condition ${c}` } : {}),
  }));
  let lo = Infinity, hi = -Infinity;
  for (const p of projections) for (const v of p) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return lineChart({
    title: `jPCA of ${name}: first plane (R^2 skew / full = ${r2Ratio.toFixed(3)}, ${frequency.toFixed(2)} Hz)`,
    xlabel: 'jPC1 (a.u.)', ylabel: 'jPC2 (a.u.)', series, x: [lo, hi], y: [lo, hi], height: 480, width: 560,
  });
}

export function glmFigure(name: string, filters: { unit: number; lagsMs: Float64Array; gain: Float64Array }[]): string {
  const series: Series[] = filters.map((f, k) => ({ x: f.lagsMs, y: f.gain, colour: colour(k), label: `unit ${f.unit}` }));
  return lineChart({ title: `Spike-history filters of ${name} (gain exp h)`, xlabel: 'time since spike (ms)', ylabel: 'gain on the rate (x)', series, rules: { y: [1] } });
}
