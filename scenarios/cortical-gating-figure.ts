/** The cortical-gating figure: the memory units with the gate open and closed, and lifetime against retention for the circuit beside the LSTM. */
import { linePanel } from '../engine/plot/line.ts';
import { panelFigure, panelTitle } from '../engine/plot/panels.ts';
import { dots } from '../engine/plot/scatter.ts';
import { niceTicks, xScale, yScale, type Box } from '../engine/plot/svg.ts';
import type { GatingParams, GatingResult } from './cortical-gating.ts';

const COLOURS = ['#1f5fa8', '#c0392b', '#27ae60', '#8e44ad'];

/** Memory traces of one trial (one series per item): the circuit's memory units or the LSTM's cell states. */
export interface GatingTraces { open: number[][]; closed: number[][] }

export function gatingFigure(p: GatingParams, r: GatingResult, times: number[], circuit: GatingTraces, lstm: GatingTraces, cue: number): string {
  const memory = (title: string, traces: number[][], ylabel: string, top: number) => ({
    height: 160,
    draw: (box: Box) => panelTitle(box, title, 11) + linePanel({
      box, x: [0, p.trialMs], y: [0, top], xTicks: niceTicks(0, p.trialMs, 5), yTicks: niceTicks(0, top, 4),
      xlabel: 'time in trial (ms)', ylabel,
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
  // Sampled evenly in log(1 - x), where the curve bends.
  const u0 = Math.log(1 - x0), u1 = Math.log(1 - x1);
  const curve = Array.from({ length: 200 }, (_, k) => 1 - Math.exp(u0 + ((u1 - u0) * k) / 199)).map((x) => [x, -p.dt / Math.log(x)]).filter(([, y]) => y <= 1.1 * yMax);
  const cTop = Math.max(...circuit.open.flat(), ...circuit.closed.flat(), 1e-6), lTop = Math.max(...lstm.open.flat(), ...lstm.closed.flat(), 1e-6);
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
  const top = panelFigure({
    width: 980, above: 22, columns: 2, title: `Cortical gating beside an LSTM cell: item ${cue + 1} cued, two distractors, report window (grey bands)`,
    panels: [
      memory('Circuit, VIP opens the gate at the cue: stored', circuit.open, 'memory rate (a.u.)', cTop),
      memory(`LSTM (forget bias ${p.lstmForget[p.lstmForget.length - 1]}), input gate open: stored`, lstm.open, 'cell state c', lTop),
      memory('Circuit, gate closed: cue lost, last distractor leaks in', circuit.closed, 'memory rate (a.u.)', cTop),
      memory('LSTM, input gate closed: the same', lstm.closed, 'cell state c', lTop),
    ],
  });
  const bottom = panelFigure({ width: 980, above: 22, panels: [lifetime] });
  // One document: the two figures stacked.
  const h1 = Number(/height="([0-9.]+)"/.exec(top)![1]), h2 = Number(/height="([0-9.]+)"/.exec(bottom)![1]);
  const inner = (svg: string) => svg.replace(/^<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="980" height="${h1 + h2}" viewBox="0 0 980 ${h1 + h2}" font-family="sans-serif">${inner(top)}<g transform="translate(0 ${h1})">${inner(bottom)}</g></svg>\n`;
}
