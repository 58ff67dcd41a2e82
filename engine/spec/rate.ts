/**
 * The network spec: the same structure as a typed TypeScript object and as JSON.
 * Times are in milliseconds, angles in radians, rates and states are dimensionless.
 *
 * Dynamics of every unit i of a population with a built-in unit (`activation`; other units: `unit`):
 *   tau_i dx_i/dt = -x_i + sum_projections gain_b * m_b(t) * (W_b r(x_pre))_i + bias_i + I_i(t) + noise,
 * with r = activation(x), m_b(t) the projection's gain modulator (1 without one) and W_b = W unless the
 * projection is plastic (then per instance, changed by its learning rule every step). The noise is an
 * Ornstein-Uhlenbeck drive whose stationary standard deviation for an isolated unit is `noise`
 * (tau dx = -x dt + noise * sqrt(2 tau) dW).
 */
import type { Activation, Integrator } from '../models/builtin-rate-units.ts';
import type { RateUnitSpec } from '../models/rate-unit.ts';
import type { RateRuleSpec } from '../models/rate-rule.ts';

export type { Activation, Integrator, RateUnitSpec };

/**
 * A population uses a built-in unit (`activation` with the spec's `integrator`: the dynamics above, with
 * `tau`, `bias` and `noise`) or a unit defined in the model language (`unit`: a key of spec.units or a
 * built-in unit's name such as "tanh_euler"; engine/models/rate-unit.ts). `tau`, `bias` and `noise` are
 * shorthands for the unit's parameters of those names; `params` sets any parameter. Every parameter is
 * one value or one per unit, and per instance through batch.params["populations.NAME.PARAM"].
 */
export interface PopulationSpec {
  name: string;
  size: number;
  /** A built-in unit: its activation (with spec.integrator). Give this or `unit`. */
  activation?: Activation;
  /** A unit by name: a key of spec.units or a built-in unit (tanh_exponential, relu_euler, ...). */
  unit?: string;
  /** Parameter values of the unit, one for all units or one per unit. */
  params?: Record<string, number | number[]>;
  /** Time constant [ms], one for all units or one per unit (required with `activation`). */
  tau?: number | number[];
  /** Constant bias [same units as x], scalar or per unit. Default 0. */
  bias?: number | number[];
  /** Stationary standard deviation of the OU noise of an isolated unit, scalar or per unit. Default 0 (no noise). */
  noise?: number | number[];
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
  | { type: 'fixed-indegree'; k: number; weight: number; seed?: number; allowAutapses?: boolean }
  /**
   * A post x pre float32 or float64 .npy file (e.g. weights_NAME.npy saved by a plastic run: give one
   * instance's matrix). A relative path is resolved against the working directory (the CLI resolves it
   * against the spec file's directory).
   */
  | { type: 'npy'; file: string };

/** Names of the built-in rate learning rules (engine/models/builtin-rules.ts). */
export type PlasticityRule = 'hebbian' | 'oja' | 'three-factor';

/**
 * Learning rule of a plastic projection, applied once per step after the step's rate update, with the
 * new rates r_j (pre) and r_i (post), m the gating modulator's value (1 without one) and eta_b the
 * instance's learning rate. `rule` names a built-in rule or one of the spec's `rules`
 * (engine/models/rate-rule.ts), whose parameters are given by name next to it (per instance through
 * batch.params["projections.NAME.PARAM"]). The built-in rules:
 *   hebbian:      dw = dt * (eta_b * m * r_i * r_j - decay * w)
 *   oja:          dw = dt * eta_b * m * r_i * (r_j - r_i * w)
 *   three-factor: e <- e * exp(-dt / tauEligibility) + dt * c_i * r_j;  dw = dt * eta_b * m * e, with
 *                 c_i = r_i, or with tauPostBaseline c_i = r_i - rbar_i: rbar_i a running average of r_i
 *                 (rbar <- rbar + (1 - exp(-dt / tauPostBaseline)) (r_i - rbar), from 0, updated after
 *                 its use), so that the eligibility follows fluctuations of the postsynaptic rate (node
 *                 perturbation: with a reward prediction error as m, E[dw] follows the reward gradient)
 *                 (rule three-factor-centered)
 * then w <- clip(w + dw, wMin, wMax). Weights become per instance (B x post x pre), every instance
 * starting from the projection's initial matrix; eligibilities start at 0.
 */
export interface PlasticitySpec {
  rule: PlasticityRule | (string & {});
  /** Learning rate [1/ms] of the built-in rules; per instance through batch.params["projections.NAME.eta"]. */
  eta?: number;
  /** Hebbian only: passive weight decay rate [1/ms], not scaled by eta or the modulator. Default 0. */
  decay?: number;
  /** Three-factor only (required there): time constant of the eligibility trace [ms]. */
  tauEligibility?: number;
  /** Three-factor only: time constant [ms] of the running average subtracted from the postsynaptic rate. */
  tauPostBaseline?: number;
  /** Name of a modulator whose value multiplies the weight change (required for three-factor). */
  modulator?: string;
  /** Lower clip bound of the weights. Default: none. */
  wMin?: number;
  /** Upper clip bound of the weights. Default: none. */
  wMax?: number;
  /** Values of the parameters of the rule. */
  [param: string]: number | string | undefined;
}

export interface ProjectionSpec {
  name: string;
  from: string;
  to: string;
  /** Multiplies the whole projection; per instance through batch.params["projections.NAME.gain"]. */
  gain?: number;
  weights: WeightsSpec;
  /** Makes the weights plastic (dense, gaussian, ring and npy weights only). */
  plasticity?: PlasticitySpec;
  /** Name of a modulator: the projection's effective gain is gain_b * (its value this step, instance b). */
  gainModulator?: string;
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

/** Records a population's rates or states. */
export interface PopulationRecorderSpec {
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

/** Records the full weights of a plastic projection: rows of B x post x pre after the step's update. */
export interface WeightRecorderSpec {
  name: string;
  projection: string;
  what: 'weights';
  /** Record every k steps (after steps k, 2k, ...). Default 1. */
  every?: number;
}

/** Records a modulator's value per instance: rows of B values (the value used in that step). */
export interface ModulatorRecorderSpec {
  name: string;
  modulator: string;
  what: 'modulator';
  /** Record every k steps (after steps k, 2k, ...). Default 1. */
  every?: number;
}

export type RecorderSpec = PopulationRecorderSpec | WeightRecorderSpec | ModulatorRecorderSpec;

/**
 * A scalar per instance, computed once per step before the projections (see README, "Plasticity and
 * neuromodulation"). It gates plasticity (PlasticitySpec.modulator) and scales gains
 * (ProjectionSpec.gainModulator).
 */
export type ModulatorSpec =
  /** value = baseline + amplitude_b * timecourse(t); the time course has scalar values. */
  | { name: string; type: 'schedule'; time: TimeCourse;
      /** Per instance through batch.params["modulators.NAME.amplitude"]. Default 1. */
      amplitude?: number;
      /** Per instance through batch.params["modulators.NAME.baseline"]. Default 0. */
      baseline?: number }
  /**
   * A readout of a population's rates at the start of the step (the previous step's rates):
   * R = sum_i profile_i r_i; value = offset + scale * (R - b), with b a running prediction of R
   * (b <- b + (dt / tauBaseline) (R - b) after the value is computed; b starts at 0). Without
   * tauBaseline, b = 0.
   */
  | { name: string; type: 'activity'; population: string;
      /** Readout weight per unit. Default 1/N each (the population mean). */
      profile?: number[];
      /** Time constant of the running prediction [ms]. Default: no prediction. */
      tauBaseline?: number;
      /** Default 1. */
      scale?: number;
      /** Default 0. */
      offset?: number }
  /** Set from the host between run() calls: Simulation.setModulator(name, values per instance). */
  | { name: string; type: 'host';
      /** Value until the host sets one; per instance through batch.params["modulators.NAME.init"]. Default 0. */
      init?: number };

export interface BatchSpec {
  /** Number of independent instances B run in the same dispatches. */
  size: number;
  /**
   * Per-instance values, each an array of length size. Keys: "seed",
   * "inputs.NAME.amplitude", "projections.NAME.gain", "projections.NAME.gamma" (ring only, not plastic),
   * "projections.NAME.PARAM" (a parameter of a plastic projection's rule, e.g. eta),
   * "modulators.NAME.amplitude" and "modulators.NAME.baseline" (schedule modulators),
   * "modulators.NAME.init" (host modulators),
   * "populations.NAME.PARAM" (any parameter of the population's unit: tau, bias, noise for the built-ins).
   */
  params?: Record<string, number[]>;
  /**
   * The seed of each instance (length size): its noise is keyed by this seed alone. Default: the
   * spec's seed for instance 0, a seed derived from it and b for instance b (instanceSeed).
   */
  seeds?: number[];
}

export interface NetworkSpec {
  /** Time step [ms]. */
  dt: number;
  /** Default number of steps for `lamina run` (the --steps option overrides it). Default 1000. */
  steps?: number;
  /** 'exponential' (default: exact for the leak) or 'euler' (forward Euler), for populations given by `activation`. */
  integrator?: Integrator;
  /** Rate units defined in the model language, by name (populations[].unit). */
  units?: Record<string, RateUnitSpec>;
  /** Base seed: the connectivity's, and instance 0's (each instance's seed: batch.seeds, or derived from it). */
  seed?: number;
  populations: PopulationSpec[];
  projections?: ProjectionSpec[];
  inputs?: InputSpec[];
  modulators?: ModulatorSpec[];
  record?: RecorderSpec[];
  batch?: BatchSpec;
  /** User-defined learning rules (engine/models/rate-rule.ts), referenced by name from projections' plasticity. */
  rules?: Record<string, RateRuleSpec>;
}

export const ACTIVATIONS: readonly Activation[] = ['tanh', 'relu', 'sigmoid', 'softplus', 'linear'];
export const INTEGRATORS: readonly Integrator[] = ['euler', 'exponential'];
/** Weight types materialized as a dense matrix (the ones that can be plastic). */
export const DENSE_WEIGHT_TYPES = ['dense', 'gaussian', 'ring', 'npy'] as const;
