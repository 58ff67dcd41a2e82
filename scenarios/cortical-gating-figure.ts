/** The cortical-gating figure: the memory units with the gate open and closed, and lifetime against retention for the circuit beside the LSTM. */
import { linePanel } from '../engine/plot/line.ts';
import { panelFigure, panelTitle } from '../engine/plot/panels.ts';
import { dots } from '../engine/plot/scatter.ts';
import { niceTicks, xScale, yScale, type Box } from '../engine/plot/svg.ts';
import type { GatingParams, GatingResult } from './cortical-gating.ts';

const COLOURS = ['#1f5fa8', '#c0392b', '#27ae60', '#8e44ad'];

export function gatingFigure(p: GatingParams, r: GatingResult, times: number[], open: number[][], closed: number[][], cue: number): string {
  const top = Math.max(...open.flat(), ...closed.flat(), 1e-6);
  const memory = (title: string, traces: number[][]) => ({
    height: 180,
    draw: (box: Box) => panelTitle(box, title) + linePanel({
      box, x: [0, p.trialMs], y: [0, top], xTicks: niceTicks(0, p.trialMs, 6), yTicks: niceTicks(0, top, 4),
      xlabel: 'time in trial (ms)', ylabel: 'memory rate (a.u.)',
      shade: [p.cueMs as [number, number], ...p.distractorMs.map((w) => w as [number, number]), p.reportMs as [number, number]],
      series: traces.map((y, k) => ({ x: times, y, colour: COLOURS[k % COLOURS.length], width: k === cue ? 2 : 1.2 })),
    }),
  });
  // Lifetime against retention per step: the curve -dt / ln(x), the circuit's (predicted retention of
  // its E/I loop) and the LSTM's (sigmoid of its forget bias) measured lifetimes on it.
  const pts = [
    ...r.lifetimes.map((l) => ({ x: Math.exp(-p.dt / l.predicted), y: l.measured, c: '#c0392b' })),
    ...r.lstmLifetimes.map((l) => ({ x: l.retention, y: l.measured, c: '#1f5fa8' })),
  ];
  const x0 = Math.min(...pts.map((q) => q.x)), x1 = 1 - 1e-4;
  const yMax = Math.max(...pts.map((q) => q.y));
  const curve = Array.from({ length: 200 }, (_, k) => x0 + ((x1 - x0) * k) / 199).map((x) => [x, -p.dt / Math.log(x)]).filter(([, y]) => y <= 1.1 * yMax);
  const lifetime = {
    height: 220,
    draw: (box: Box) => {
      const xs = xScale(box, x0, x1), ys = yScale(box, 0, 1.1 * yMax);
      return panelTitle(box, 'Forget gate: lifetime against retention per step (red: circuit, blue: LSTM)') + linePanel({
        box, x: [x0, x1], y: [0, 1.1 * yMax], xTicks: niceTicks(x0, x1, 5), yTicks: niceTicks(0, 1.1 * yMax, 4),
        xlabel: 'retention per 1 ms step (circuit: exp(lambda dt); LSTM: forget gate f)', ylabel: 'memory lifetime (ms)',
        series: [{ x: curve.map((c) => c[0]), y: curve.map((c) => c[1]), colour: '#888', dash: true }],
      }) + pts.map((q) => dots([[xs(q.x), ys(q.y)]], q.c, 4)).join('');
    },
  };
  return panelFigure({
    width: 760, above: 22, title: 'Cortical gating beside an LSTM cell',
    panels: [memory(`Input gate open (VIP on at the cue): item ${cue + 1} stored, distractors ignored`, open), memory('Input gate closed: the cue is not stored; the last distractor leaks in', closed), lifetime],
  });
}
