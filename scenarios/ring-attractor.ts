/**
 * Ring attractor with a drifting bump (the seed chapter's canonical sequence generator).
 *
 * N sigmoid rate units on a ring, tau dx/dt = -x + sum_j W_ij f(x_j) + I0 + cue, with
 * W_ij = (J0 + J1 cos(th_i - th_j) + gamma sin(th_i - th_j)) / N. A transient cue makes a bump; the
 * antisymmetric part gamma makes it drift. One batch holds one instance per gamma.
 *
 * Velocity from gamma (continuous time): J1 cos d + gamma sin d only has Fourier modes 0 and +-1, so a
 * travelling bump x = a + b cos(th - v t) solves the model for any f: matching the cos and sin terms of
 * -tau v X' + X = I0 + J0 F0 + F1 (J1 cos u + gamma sin u) (F1 = <f(X) cos u>) gives b = J1 F1 (the
 * gamma = 0 amplitude condition) and tau v b = gamma F1, so v = gamma / (tau J1) exactly.
 * Time-discrete (exponential or forward Euler, x' = e x + (1 - e) h): mode 1 is multiplied by
 * e + (1 - e)(J1 + i gamma) F1/b per step, and a steady bump turns by Delta per step with
 * gamma/J1 = sin Delta / (cos Delta - e), i.e. Delta = atan(q) + asin(-q e / sqrt(1 + q^2)), q = gamma/J1,
 * v = Delta / dt  ->  gamma (1 - e) / (dt J1) for small gamma, and gamma / (tau J1) as dt -> 0.
 */
import { linearFit, populationVector, unwrap } from '../engine/analysis/stats.ts';
import { SpecError } from '../engine/errors.ts';
import { heatmapPanel } from '../engine/plot/heatmap.ts';
import { polyline } from '../engine/plot/line.ts';
import { panelFigure, panelTitle } from '../engine/plot/panels.ts';
import type { Box } from '../engine/plot/svg.ts';
import type { NetworkSpec } from '../engine/spec/rate.ts';
import type { MemorySink } from '../engine/record/recorders.ts';
import type { Check, Scenario, ScenarioOptions, ScenarioResult, ScenarioRun } from './scenario.ts';

export const RING_DEFAULTS = {
  N: 128, tau: 10, dt: 0.5, J0: -2, J1: 40, I0: -4,
  cueAmplitude: 4, cueDuration: 50, cueAngle: Math.PI / 3,
  /** gamma / J1 spans [-0.3, 0.3] over the batch. */
  gammaRange: 0.3, batch: 7, durationMs: 600, fitStartMs: 200, recordEveryMs: 1,
};

/** Predicted angular velocity [rad/ms] of the time-discrete model (see the file comment). */
export function predictedVelocity(gamma: number, J1: number, tau: number, dt: number, integrator: 'exponential' | 'euler'): number {
  const e = integrator === 'euler' ? 1 - dt / tau : Math.exp(-dt / tau);
  const q = gamma / J1;
  return (Math.atan(q) + Math.asin((-q * e) / Math.sqrt(1 + q * q))) / dt;
}

function gammas(batch: number, J1: number, range: number): number[] {
  if (batch < 3) return [0];
  return Array.from({ length: batch }, (_, b) => J1 * range * (-1 + (2 * b) / (batch - 1)));
}

function build(opts: ScenarioOptions): ScenarioRun {
  const p = RING_DEFAULTS;
  const dt = opts.dt ?? p.dt;
  const batch = opts.batch ?? p.batch;
  const steps = opts.steps ?? Math.round(p.durationMs / dt);
  const g = gammas(batch, p.J1, p.gammaRange);
  const every = Math.max(1, Math.round(p.recordEveryMs / dt));
  // The velocity is fitted from fitStartMs on (after the cue and the bump's settling), over at least 3 records.
  const needed = Math.ceil((p.fitStartMs + 3 * every * dt) / dt);
  if (steps < needed) throw new SpecError('steps', `ring-attractor fits the drift from ${p.fitStartMs} ms on: it needs at least ${needed} steps at dt = ${dt} ms, got ${steps}`);
  const spec: NetworkSpec = {
    dt, integrator: 'exponential', seed: opts.seed ?? 1,
    populations: [{ name: 'ring', size: p.N, tau: p.tau, activation: 'sigmoid', bias: p.I0 }],
    projections: [{ name: 'recurrent', from: 'ring', to: 'ring', weights: { type: 'ring', J0: p.J0, J1: p.J1, gamma: 0 } }],
    inputs: [{
      name: 'cue', target: 'ring', amplitude: p.cueAmplitude,
      profile: { type: 'cosine', center: p.cueAngle }, time: { type: 'pulse', start: 0, duration: p.cueDuration },
    }],
    record: [{ name: 'rates', population: 'ring', what: 'rate', every }],
    batch: { size: batch, params: { 'projections.recurrent.gamma': g } },
  };
  return { spec, steps, params: { ...p, dt, batch, steps, gammas: g, recordEvery: every } };
}

function analyze(run: ScenarioRun, rec: MemorySink): ScenarioResult {
  const p = RING_DEFAULTS;
  const dt = run.spec.dt;
  const g = run.params.gammas as number[];
  const every = run.params.recordEvery as number;
  const d = rec.data.get('rates')!;
  const T = d.rows, B = d.batch, N = d.width;
  const time = Float64Array.from({ length: T }, (_, t) => (t + 1) * every * dt);
  const phase = new Float64Array(T * B);
  const vecLength = new Float64Array(T * B);
  const rows: Record<string, number>[] = [];
  const fitFrom = time.findIndex((t) => t >= p.fitStartMs);
  const velocities: number[] = [];
  for (let b = 0; b < B; b++) {
    const raw = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      const pv = populationVector(d.values, (t * B + b) * N, N);
      raw[t] = pv.phase;
      vecLength[t * B + b] = pv.length;
    }
    const un = unwrap(raw);
    for (let t = 0; t < T; t++) phase[t * B + b] = un[t];
    const fit = fitFrom >= 0 && T - fitFrom >= 3 ? linearFit(time.subarray(fitFrom), un.subarray(fitFrom)) : { slope: NaN, slopeSE: NaN };
    let peak = 0;
    for (let j = 0; j < N; j++) peak = Math.max(peak, d.values[((T - 1) * B + b) * N + j]);
    velocities.push(fit.slope);
    rows.push({
      gamma: g[b], velocity_rad_per_ms: fit.slope, velocity_se: fit.slopeSE, velocity_deg_per_s: (fit.slope * 180e3) / Math.PI,
      predicted_rad_per_ms: predictedVelocity(g[b], p.J1, p.tau, dt, 'exponential'),
      predicted_continuum_rad_per_ms: g[b] / (p.tau * p.J1),
      final_peak_rate: peak, final_vector_length: vecLength[(T - 1) * B + b],
    });
  }
  const fit = linearFit(g, velocities);
  const slopeDiscrete = (1 - Math.exp(-dt / p.tau)) / (dt * p.J1);
  const slopeContinuum = 1 / (p.tau * p.J1);
  const maxV = Math.max(...velocities.map(Math.abs));
  const zero = g.findIndex((x) => Math.abs(x) < 1e-12);
  const checks: Check[] = [
    { name: 'bump persists in every instance', pass: rows.every((r) => r.final_peak_rate > 0.5 && r.final_vector_length > 0.1), detail: `min peak rate ${Math.min(...rows.map((r) => r.final_peak_rate)).toFixed(3)}, min |population vector|/N ${Math.min(...rows.map((r) => r.final_vector_length)).toFixed(3)}` },
    { name: 'linear fit R^2 >= 0.99', pass: fit.r2 >= 0.99, detail: `R^2 = ${fit.r2.toFixed(6)}` },
    { name: 'slope within 5% of the time-discrete prediction', pass: Math.abs(fit.slope / slopeDiscrete - 1) <= 0.05, detail: `slope ${fit.slope.toExponential(5)} vs ${slopeDiscrete.toExponential(5)} (${(100 * (fit.slope / slopeDiscrete - 1)).toFixed(2)}%)` },
    { name: 'slope within 5% of the continuum prediction 1/(tau J1)', pass: Math.abs(fit.slope / slopeContinuum - 1) <= 0.05, detail: `slope ${fit.slope.toExponential(5)} vs ${slopeContinuum.toExponential(5)} (${(100 * (fit.slope / slopeContinuum - 1)).toFixed(2)}%)` },
    { name: 'sign of velocity follows gamma', pass: g.every((x, b) => x === 0 || Math.sign(velocities[b]) === Math.sign(x)), detail: velocities.map((v) => v.toExponential(2)).join(', ') },
  ];
  if (zero >= 0) {
    const v0 = Math.abs(velocities[zero]);
    const bound = Math.max(3 * rows[zero].velocity_se, 1e-3 * maxV);
    checks.push({ name: '|velocity| at gamma = 0 indistinguishable from zero', pass: v0 <= bound, detail: `|v(0)| = ${v0.toExponential(2)} rad/ms <= max(3 SE, 1e-3 max|v|) = ${bound.toExponential(2)}` });
  }
  const summary = {
    scenario: 'ring-attractor', units: { velocity: 'rad/ms', time: 'ms' },
    velocities: rows,
    fit: { slope: fit.slope, intercept: fit.intercept, r2: fit.r2, slope_se: fit.slopeSE },
    prediction: { slope_time_discrete: slopeDiscrete, slope_continuum: slopeContinuum, formula: 'v = gamma / (tau J1) (continuum); Delta = atan(q) + asin(-q e / sqrt(1+q^2)), q = gamma/J1, e = exp(-dt/tau), v = Delta/dt (time-discrete)' },
    fit_window_ms: [time[Math.max(fitFrom, 0)], time[T - 1]],
    checks, pass: checks.every((c) => c.pass),
  };
  return {
    summary,
    arrays: { phase: { data: phase, shape: [T, B] }, time_ms: { data: time, shape: [T] }, gamma: { data: Float64Array.from(g), shape: [B] } },
    figures: { 'kymograph.svg': kymograph(d.values, T, B, N, g, time, phase) },
  };
}

/** One panel per instance: rate (unit x time) as an image, with the population-vector phase on top. */
function kymograph(values: Float32Array, T: number, B: number, N: number, g: number[], time: Float64Array, phase: Float64Array): string {
  const panels = g.map((gamma, b) => ({
    height: 140,
    draw: (box: Box) => panelTitle(box, `gamma = ${gamma.toFixed(2)}`, 11) + heatmapPanel({
      box, cols: T, rows: N, value: (t, j) => values[(t * B + b) * N + j], lo: 0, hi: 1, x: [0, time[T - 1]], y: [0, 2 * Math.PI],
      yTicks: [{ at: 0, label: '0' }, { at: Math.PI, label: '\u03c0' }, { at: 2 * Math.PI, label: '2\u03c0' }], xlabel: 'time (ms)', ylabel: 'angle (rad)',
      colourBar: 'rate (dimensionless)',
      // The phase as polylines, broken where it wraps around the ring.
      overlay: (x, y) => {
        const pieces: [number, number][][] = [[]];
        let last = NaN;
        for (let t = 0; t < T; t++) {
          const wrapped = ((phase[t * B + b] % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
          if (Math.abs(wrapped - last) > Math.PI) pieces.push([]);
          last = wrapped;
          pieces[pieces.length - 1].push([x(time[t]), y(wrapped)]);
        }
        return pieces.filter((l) => l.length > 1).map((l) => polyline(l, 'white', 0.8, true)).join('');
      },
    }),
  }));
  return panelFigure({
    width: 50 + 300 + 80, left: 50, right: 80, above: 20, title: 'Ring attractor: the bump over time', panels,
    notes: ['rate of each unit (vertical: its angle on the ring), dark 0 to bright 1;', 'dashed: population-vector phase'],
  });
}

export const ringAttractor: Scenario = {
  name: 'ring-attractor',
  description: 'Ring attractor: a cued bump drifts at a velocity set by the antisymmetric connectivity gamma (one instance per gamma).',
  build,
  analyze,
};
