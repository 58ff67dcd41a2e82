/**
 * Times in ms to whole steps of dt, by one rule for every builder (host-built, GPU-built, procedural,
 * explicit lists and files), following NEST's conventions:
 *  - a refractory period rounds UP (NEST: Time::get_steps; 2.01 ms at dt 0.1 is 21 steps);
 *  - a delay rounds to the NEAREST step, a tie upwards (NEST: Time::delay_ms_to_steps, ld_round; 0.15 ms
 *    at dt 0.1 is 2 steps).
 * t / dt is computed in float64, so 2.0 / 0.1 or 0.15 / 0.1 land a hair off the grid: a ratio within a
 * relative GRID_TOLERANCE of a whole number (or of a tie) counts as that number. A delay is at least one
 * step (a spike's input arrives at the earliest in the next step) and at most MAX_DELAY_STEPS (delays are
 * stored in 16 bits next to the target population).
 */
import { SpecError } from '../errors.ts';
import type { Distribution } from '../spec/spiking.ts';
import type { GenDistribution } from './spiking.ts';

/** Relative float error forgiven in t / dt. */
export const GRID_TOLERANCE = 1e-9;
/** The longest delay in steps (16 bits of the synapse's delay word). */
export const MAX_DELAY_STEPS = 0xffff;
/** The longest refractory period in steps (held in the float32 parameter table, exact up to 2^24). */
export const MAX_REFRACTORY_STEPS = 2 ** 24;

const slack = (x: number) => GRID_TOLERANCE * Math.max(1, Math.abs(x));

/** A refractory period [ms] in steps, rounded up; a SpecError naming `field` beyond MAX_REFRACTORY_STEPS. */
export function refractorySteps(ms: number, dt: number, field: string): number {
  const x = ms / dt;
  const steps = Math.max(0, Math.ceil(x - slack(x)));
  if (steps > MAX_REFRACTORY_STEPS) throw new SpecError(field, `${ms} ms is ${steps} steps of dt = ${dt} ms: at most ${MAX_REFRACTORY_STEPS} steps`);
  return steps;
}

/** A delay [ms] in steps: the nearest whole step, a tie upwards (no range check). */
export function nearestSteps(ms: number, dt: number): number {
  const x = ms / dt;
  return Math.floor(x + 0.5 + slack(x));
}

/** Where a delay comes from: the field and the projection's name, for errors. */
export interface DelayField {
  field: string;
  projection: string;
}

const fail = (at: DelayField, message: string, sub = '') => new SpecError(`${at.field}${sub}`, `${message} (projection "${at.projection}")`);

/** Why `steps` cannot be a delay (undefined if it can). */
function delayProblem(steps: number, ms: number, dt: number): string | undefined {
  if (ms < 0) return `a delay cannot be negative, got ${ms} ms`;
  if (steps < 1) return `${ms} ms rounds to ${steps} steps of dt = ${dt} ms; a delay is at least one step (input arrives at the earliest in the next step): give at least ${dt / 2} ms`;
  if (steps > MAX_DELAY_STEPS) return `${ms} ms is ${steps} steps of dt = ${dt} ms: at most ${MAX_DELAY_STEPS} steps (${MAX_DELAY_STEPS * dt} ms)`;
  return undefined;
}

/** A given delay [ms] (a constant or an explicit synapse's) in steps; a SpecError naming the field if it is out of range. */
export function delaySteps(ms: number, dt: number, at: DelayField): number {
  const steps = nearestSteps(ms, dt);
  const bad = delayProblem(steps, ms, dt);
  if (bad) throw fail(at, bad);
  return steps;
}

/**
 * A delay drawn from a distribution, in steps: draws below one step are raised to one step (the tail
 * of a normal); one beyond MAX_DELAY_STEPS is a SpecError naming the projection's delay.
 */
export function drawnDelaySteps(ms: number, dt: number, at: DelayField): number {
  const steps = Math.max(1, nearestSteps(ms, dt));
  if (steps > MAX_DELAY_STEPS) throw fail(at, `a delay of ${ms} ms was drawn: ${steps} steps of dt = ${dt} ms, at most ${MAX_DELAY_STEPS} (${MAX_DELAY_STEPS * dt} ms)`);
  return steps;
}

/** A delay distribution's parameters must describe non-negative delays: a constant in range, a normal's mean and a uniform's low end >= 0. */
export function checkDelayDistribution(d: Distribution, dt: number, at: DelayField): void {
  if (typeof d === 'number') delaySteps(d, dt, at);
  else if ('normal' in d && d.normal[0] < 0) throw fail(at, `a delay cannot be negative: mean ${d.normal[0]} ms`, '.normal[0]');
  else if ('uniform' in d && d.uniform[0] < 0) throw fail(at, `a delay cannot be negative: low end ${d.uniform[0]} ms`, '.uniform[0]');
}

/**
 * A delay distribution for synapses drawn on the GPU, in steps (float32 parameters): a constant is
 * rounded here by the rule above (so it gives the same steps as on the host); drawn values are rounded
 * on the GPU to the nearest step, a tie upwards (floor(d + 0.5)), and raised to one step. The largest
 * possible draw (and one step for float32 rounding) must stay within MAX_DELAY_STEPS.
 */
export function genDelay(d: Distribution, dt: number, at: DelayField): GenDistribution {
  checkDelayDistribution(d, dt, at);
  const f = Math.fround;
  const g: GenDistribution = typeof d === 'number' ? { kind: 0, a: nearestSteps(d, dt), b: 0 }
    : 'normal' in d ? { kind: 1, a: f(d.normal[0] / dt), b: f(d.normal[1] / dt) }
      : { kind: 2, a: f(d.uniform[0] / dt), b: f((d.uniform[1] - d.uniform[0]) / dt) };
  // A drawn value is rounded on the GPU in float32: one step spare for that rounding.
  const most = g.kind === 0 ? g.a : Math.floor(genMaxAbs(g) + 0.5) + 1;
  if (most > MAX_DELAY_STEPS) {
    throw fail(at, `draws reach ${most} steps of dt = ${dt} ms (${most * dt} ms; a normal is drawn within 3 sd on the GPU): at most ${MAX_DELAY_STEPS} steps (${MAX_DELAY_STEPS * dt} ms)`);
  }
  return g;
}

/** Largest magnitude a generated value can take (z is in (-3, 3), u in (0, 1)). */
export function genMaxAbs(d: GenDistribution): number {
  if (d.kind === 0) return Math.abs(d.a);
  if (d.kind === 1) return Math.abs(d.a) + 3 * Math.abs(d.b);
  return Math.max(Math.abs(d.a), Math.abs(d.a + d.b));
}
