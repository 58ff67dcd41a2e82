/**
 * The Brunel phase diagram: over the (g, eta) grid, heatmaps of the E rate (log scale), the CV of ISIs
 * and the synchrony chi^2 (log scale), each cell labelled with its regime, and the rate against g per
 * eta beside the Siegert rate of the same network (dashed).
 */
import { heatmapPanel } from '../engine/plot/heatmap.ts';
import { linePanel } from '../engine/plot/line.ts';
import { panelFigure, panelTitle } from '../engine/plot/panels.ts';
import { dots } from '../engine/plot/scatter.ts';
import { niceTicks, text, type Box } from '../engine/plot/svg.ts';
import type { PointResult } from './brunel.ts';

const COLOURS = ['#1f5fa8', '#c0392b', '#27ae60', '#8e44ad', '#d35400', '#16a085'];

const sorted = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

/** A heatmap of one measure over the grid (columns g, rows eta; cells missing from the grid are NaN). */
function gridPanel(results: PointResult[], gs: number[], etas: number[], value: (r: PointResult) => number, lo: number, hi: number, title: string) {
  const cell = (c: number, r: number) => results.find((p) => p.g === gs[c] && p.eta === etas[r]);
  const centres = (vs: number[]) => vs.map((v, k) => ({ at: k + 0.5, label: String(v) }));
  return {
    height: 150,
    draw: (box: Box) => panelTitle(box, title, 11) + heatmapPanel({
      box, cols: gs.length, rows: etas.length, value: (c, r) => { const p = cell(c, r); return p ? value(p) : NaN; }, lo, hi,
      x: [0, gs.length], y: [0, etas.length], xTicks: centres(gs), yTicks: centres(etas), xlabel: 'g (relative inhibition)', ylabel: 'eta = nu_ext / nu_thr',
      // The quantity and its unit are in the panel title (a bar title would run into the next column).
      colourBar: '',
      overlay: (x, y) => gs.flatMap((_, c) => etas.map((__, r) => {
        const p = cell(c, r);
        // Dark text on the bright end of the colour map, white on the dark end.
        return p ? text(x(c + 0.5), y(r + 0.5), p.regime, { size: 10, anchor: 'middle', middle: true, fill: (value(p) - lo) / (hi - lo) > 0.6 ? 'black' : 'white' }) : '';
      })).join(''),
    }),
  };
}

export function phaseDiagram(results: PointResult[], net: { nE: number; CE: number; windowMs: number }): string {
  const gs = sorted(results.map((r) => r.g)), etas = sorted(results.map((r) => r.eta));
  const log = (v: number) => Math.log10(Math.max(v, 1e-6));
  const panels = [
    gridPanel(results, gs, etas, (r) => log(r.rate), 0, log(500), 'E rate (colour: log10 of Hz)'),
    gridPanel(results, gs, etas, (r) => r.cv, 0, 1.5, 'CV of ISIs'),
    gridPanel(results, gs, etas, (r) => log(r.synchrony), -3, 0, 'synchrony chi^2, 5 ms bins (colour: log10)'),
    {
      height: 150,
      draw: (box: Box) => {
        const maxRate = Math.max(...results.map((r) => Math.max(r.rate, Number.isFinite(r.siegert) ? r.siegert : 0)), 1);
        const series = etas.flatMap((eta, k) => {
          const row = results.filter((r) => r.eta === eta).sort((a, b) => a.g - b.g);
          const colour = COLOURS[k % COLOURS.length];
          return [{ x: row.map((r) => r.g), y: row.map((r) => r.rate), colour }, { x: row.map((r) => r.g), y: row.map((r) => r.siegert), colour, dash: true }];
        });
        const xr: [number, number] = [gs[0] - 0.25, gs[gs.length - 1] + 0.25], yr: [number, number] = [0, maxRate * 1.05];
        const sx = (v: number) => box.x + ((v - xr[0]) / (xr[1] - xr[0])) * box.w, sy = (v: number) => box.y + box.h - ((v - yr[0]) / (yr[1] - yr[0])) * box.h;
        const marks = etas.map((eta, k) => dots(results.filter((r) => r.eta === eta).map((r) => [sx(r.g), sy(r.rate)]), COLOURS[k % COLOURS.length], 2.5)).join('');
        const key = etas.map((eta, k) => text(box.x + box.w - 6, box.y + 14 + 12 * k, `eta ${eta}`, { size: 10, anchor: 'end', fill: COLOURS[k % COLOURS.length] })).join('');
        return panelTitle(box, 'E rate (dots) and Siegert rate (dashed)', 11) + linePanel({
          box, series, x: xr, y: yr, xTicks: niceTicks(xr[0], xr[1], 6), yTicks: niceTicks(0, yr[1], 4), xlabel: 'g (relative inhibition)', ylabel: 'rate (Hz)',
        }) + marks + key;
      },
    },
  ];
  return panelFigure({
    width: 2 * (100 + 260) + 40, columns: 2, left: 100, right: 40, above: 20, panels,
    title: 'Brunel (2000) model A: phase diagram',
    notes: [
      `N_E = ${net.nE}, C_E = ${net.CE}, J = ${(100 / net.CE).toPrecision(3)} mV (J C_E = 100 mV), D = 1.5 ms; ${net.windowMs} ms after a 100 ms transient, one batch`,
      'regimes: SR rate > 200 Hz and CV < 0.2; SI chi^2 > 0.05; AI CV > 0.5; other',
    ],
  });
}
