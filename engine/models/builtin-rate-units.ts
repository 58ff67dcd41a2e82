/**
 * Built-in rate units, defined as data exactly as a user would (engine/models/rate-unit.ts): every
 * activation (tanh, relu, sigmoid, softplus, linear) with either integrator of
 *   tau dx/dt = -x + rec + bias + I_ext + noise * sqrt(2 tau) dW/dt,
 * named ACTIVATION_INTEGRATOR (tanh_exponential, relu_euler, ...). A population written
 * { activation, tau, bias, noise } with the spec's `integrator` is one of these units.
 *
 * exponential (exact for the leak): x' = e^{-h} x + (1 - e^{-h}) drive + sqrt(1 - e^{-2h}) noise xi
 * euler (forward Euler):            x' = (1 - h) x + h drive + sqrt(2 h) noise xi
 * with h = dt / tau and drive = rec + bias + I_ext. `noise` is the stationary standard deviation of an
 * isolated unit's Ornstein-Uhlenbeck fluctuation; with noise 0 the term is folded away.
 */
import type { RateUnitSpec } from './rate-unit.ts';

export type Activation = 'tanh' | 'relu' | 'sigmoid' | 'softplus' | 'linear';
export type Integrator = 'euler' | 'exponential';

const PARAMS: RateUnitSpec['params'] = {
  tau: { unit: 'ms' }, // time constant; no default: every population gives one
  bias: { value: 0, unit: '1' }, // constant input, in the units of x
  noise: { value: 0, unit: '1' }, // stationary s.d. of an isolated unit's OU noise
};

const POSITIVE: RateUnitSpec['checks'] = [
  { param: 'tau', require: 'tau > 0', message: 'must be > 0' },
  { param: 'noise', require: 'noise >= 0', message: 'must be >= 0' },
];

/** The two integrators: parameters, derived coefficients and update, without an activation. */
export const INTEGRATOR_UNITS: Record<Integrator, Omit<RateUnitSpec, 'activation'>> = {
  exponential: {
    params: PARAMS,
    derived: { h: 'dt / tau', decay: 'exp(-h)', gain: '-expm1(-h)', kick: 'sqrt(-expm1(-2 * h))' },
    update: 'x = decay * x + gain * (rec + bias + I_ext) + kick * noise * xi;',
    checks: POSITIVE,
  },
  euler: {
    params: PARAMS,
    derived: { h: 'dt / tau', decay: '1 - h', gain: 'h', kick: 'sqrt(2 * h)' },
    update: 'x = decay * x + gain * (rec + bias + I_ext) + kick * noise * xi;',
    checks: [...POSITIVE!, { param: 'tau', require: 'dt / tau <= 1', message: 'forward Euler needs dt <= tau (use integrator "exponential")' }],
  },
};

/** The activations r = f(x). tanh clamps its argument as the kernels always have (tanh(15) = 1 in float32). */
export const ACTIVATION_EXPRESSIONS: Record<Activation, string> = {
  tanh: 'tanh(min(max(x, -15), 15))',
  relu: 'max(x, 0)',
  sigmoid: '1 / (1 + exp(-x))',
  softplus: 'x > 20 ? x : log(1 + exp(x))',
  linear: 'x',
};

/** The name of the built-in unit a population { activation } with the spec's integrator uses. */
export function builtinUnitName(activation: Activation, integrator: Integrator): string {
  return `${activation}_${integrator}`;
}

export const BUILTIN_RATE_UNITS: Record<string, RateUnitSpec> = Object.fromEntries(
  (Object.keys(ACTIVATION_EXPRESSIONS) as Activation[]).flatMap((a) => (Object.keys(INTEGRATOR_UNITS) as Integrator[]).map((k) => [
    builtinUnitName(a, k), { ...INTEGRATOR_UNITS[k], activation: ACTIVATION_EXPRESSIONS[a], description: `${a} activation, ${k} integrator` },
  ])),
);
