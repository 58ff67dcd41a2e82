/**
 * The network spec: the same structure as a typed TypeScript object and as JSON.
 * Times are in milliseconds, angles in radians, rates and states are dimensionless.
 *
 * Dynamics of every unit i of a population:
 *   tau_i dx_i/dt = -x_i + sum_projections gain_b * (W r(x_pre))_i + bias_i + I_i(t) + noise,
 * with r = activation(x). The noise is an Ornstein-Uhlenbeck drive whose stationary standard deviation
 * for an isolated unit is `noise` (tau dx = -x dt + noise * sqrt(2 tau) dW).
 */

export type Activation = 'tanh' | 'relu' | 'sigmoid' | 'softplus' | 'linear';
export type Integrator = 'euler' | 'exponential';

export interface PopulationSpec {
  name: string;
  size: number;
  /** Time constant [ms], one for all units or one per unit. */
  tau: number | number[];
  activation: Activation;
  /** Constant bias [same units as x], scalar or per unit. Default 0. */
  bias?: number | number[];
  /** Stationary standard deviation of the OU noise of an isolated unit. Default 0 (no noise). */
  noise?: number;
  /** Initial state x(0), scalar or per unit. Default 0. */
  init?: number | number[];
}

export type WeightsSpec =
  /** Dense matrix, post x pre, row-major: values[i][j] or a flat array of length post*pre. */
  | { type: 'dense'; values: number[][] | number[] }
  /** Compressed sparse rows over postsynaptic units: row i holds the presynaptic indices of unit i. */
  | { type: 'csr'; rowPtr: number[]; colIdx: number[]; values: number[] }
  /** Ring kernel W_ij = (J0 + J1 cos(th_i - th_j) + gamma sin(th_i - th_j)) / N, th_i = 2 pi i / N. */
  | { type: 'ring'; J0: number; J1: number; gamma: number }
  /** Dense random W_ij = g / sqrt(N_pre) * z_ij, z standard normal from the projection's seed. */
  | { type: 'gaussian'; g: number; seed?: number }
  /** Sparse: every postsynaptic unit receives exactly k distinct presynaptic partners of weight `weight`. */
  | { type: 'fixed-indegree'; k: number; weight: number; seed?: number; allowAutapses?: boolean };

export interface ProjectionSpec {
  name: string;
  from: string;
  to: string;
  /** Multiplies the whole projection; per instance through batch.params["projections.NAME.gain"]. */
  gain?: number;
  weights: WeightsSpec;
}

export type TimeCourse =
  | { type: 'constant' }
  /** On for duration ms from start ms (steps with start <= t < start + duration). */
  | { type: 'pulse'; start: number; duration: number }
  /**
   * Sampled every `dt` ms from t = 0 (held between samples, last sample held after the end):
   * values[k] scalar (scales the profile) or values[k][i] per unit.
   */
  | { type: 'array'; dt: number; values: number[] | number[][] };

export type ProfileSpec =
  | number[]
  /** amplitude-free bump cos(th_i - center) over a ring population, optionally rectified. */
  | { type: 'cosine'; center: number; rectify?: boolean };

export interface InputSpec {
  name: string;
  target: string;
  /** Scalar amplitude; per instance through batch.params["inputs.NAME.amplitude"]. Default 1. */
  amplitude?: number;
  /** Spatial profile over the target's units. Default: 1 for every unit. */
  profile?: ProfileSpec;
  time?: TimeCourse;
}

export interface RecorderSpec {
  name: string;
  population: string;
  /** 'rate' = r(x) (default), 'state' = x. */
  what?: 'rate' | 'state';
  /** Unit indices to record; default all. */
  units?: number[];
  /** Record every k steps (after steps k, 2k, ...). Default 1. */
  every?: number;
  /** 'mean' records the population mean over the chosen units instead of each unit. */
  reduce?: 'none' | 'mean';
}

export interface BatchSpec {
  /** Number of independent instances B run in the same dispatches. */
  size: number;
  /**
   * Per-instance values, each an array of length size. Keys: "seed",
   * "inputs.NAME.amplitude", "projections.NAME.gain", "projections.NAME.gamma" (ring only),
   * "populations.NAME.noise".
   */
  params?: Record<string, number[]>;
}

export interface NetworkSpec {
  /** Time step [ms]. */
  dt: number;
  /** Default number of steps for `lamina run` (the --steps option overrides it). Default 1000. */
  steps?: number;
  /** 'exponential' (default: exact for the leak) or 'euler' (forward Euler). */
  integrator?: Integrator;
  /** Seed of the noise generator for every instance (unless batch.params.seed gives one per instance). */
  seed?: number;
  populations: PopulationSpec[];
  projections?: ProjectionSpec[];
  inputs?: InputSpec[];
  record?: RecorderSpec[];
  batch?: BatchSpec;
}

export const ACTIVATIONS: readonly Activation[] = ['tanh', 'relu', 'sigmoid', 'softplus', 'linear'];
export const INTEGRATORS: readonly Integrator[] = ['euler', 'exponential'];
