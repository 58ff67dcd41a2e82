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
import type { Count, Duration, FileName, PositiveInteger, Seed, StepCount } from './numbers.ts';

export type { Activation, Integrator, RateUnitSpec };

/**
 * A population uses a built-in unit (`activation` with the spec's `integrator`: the dynamics above, with
 * `tau`, `bias` and `noise`) or a unit defined in the model language (`unit`: a key of spec.units or a
 * built-in unit's name such as "tanh_euler"; engine/models/rate-unit.ts). `tau`, `bias` and `noise` are
 * shorthands for the unit's parameters of those names; `params` sets any parameter. Every parameter is
 * one value or one per unit, and per instance through batch.params["populations.NAME.PARAM"].
 */
export interface PopulationSpec {
  /** Unique among the populations; named by projections, inputs and recorders. */
  name: FileName;
  /** Number of units. */
  size: PositiveInteger;
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
  /**
   * A gated population (README, "Gated units"): 'lstm' or 'gru' units as torch.nn.LSTM / torch.nn.GRU
   * compute them, instead of a unit; its incoming projections carry the gates' weight blocks.
   */
  gated?: GatedKind;
}

/** The gated unit types and their gates, in torch's row order of weight_ih / weight_hh. */
export type GatedKind = 'lstm' | 'gru';
export const GATES: Record<GatedKind, readonly string[]> = { lstm: ['i', 'f', 'g', 'o'], gru: ['r', 'z', 'n'] };

export type WeightsSpec =
  /** Dense matrix, post x pre, row-major: values[i][j] or a flat array of length post*pre. */
  | { type: 'dense';
      /** Weights [units of x per unit of rate], post x pre: values[i][j] or flat, row-major. */
      values: number[][] | number[] }
  /** Compressed sparse rows over postsynaptic units: row i holds the presynaptic indices of unit i. */
  | { type: 'csr';
      /** post + 1 non-decreasing offsets into colIdx and values, from 0. */
      rowPtr: number[];
      /** Presynaptic index of each stored weight, in [0, pre size). */
      colIdx: number[];
      /** The stored weights, one per entry of colIdx. */
      values: number[] }
  /** Ring kernel W_ij = (J0 + J1 cos(th_i - th_j) + gamma sin(th_i - th_j)) / N, th_i = 2 pi i / N. */
  | { type: 'ring';
      /** Uniform part: J0 / N in every W_ij. */
      J0: number;
      /** Symmetric part: J1 cos(th_i - th_j) / N. */
      J1: number;
      /** Asymmetric part, gamma sin(th_i - th_j) / N, which makes a bump drift; per instance through batch.params["projections.NAME.gamma"]. */
      gamma: number }
  /** Dense random W_ij = g / sqrt(N_pre) * z_ij, z standard normal from the projection's seed. */
  | { type: 'gaussian';
      /** Gain g: the standard deviation of W_ij is g / sqrt(N_pre). */
      g: number;
      /** Seed of the draw. Default: the spec's seed. */
      seed?: Seed }
  /** Sparse: every postsynaptic unit receives exactly k distinct presynaptic partners of weight `weight`. */
  | { type: 'fixed-indegree';
      /** Presynaptic partners per postsynaptic unit (at most the presynaptic size). */
      k: Count;
      /** The weight of every synapse. */
      weight: number;
      /** Seed of the draw. Default: the spec's seed. */
      seed?: Seed;
      /** Whether a unit may be its own partner (recurrent projections). Default true. */
      allowAutapses?: boolean }
  /**
   * A post x pre float32 or float64 .npy file (e.g. weights_NAME.npy saved by a plastic run: give one
   * instance's matrix). A relative path is resolved against the working directory (the CLI resolves it
   * against the spec file's directory).
   */
  | { type: 'npy';
      /** Path of the .npy file. */
      file: string };

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
  /** A built-in rule (hebbian, oja, three-factor) or a key of spec.rules. */
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
  /** Unique among the projections (weights_NAME.npy when plastic). */
  name: FileName;
  /** Presynaptic population. */
  from: string;
  /** Postsynaptic population. */
  to: string;
  /** Multiplies the whole projection; per instance through batch.params["projections.NAME.gain"]. Default 1. */
  gain?: number;
  /** The initial (or fixed) weight matrix W, post x pre. */
  weights: WeightsSpec;
  /** Makes the weights plastic (dense, gaussian, ring and npy weights only). */
  plasticity?: PlasticitySpec;
  /** Name of a modulator: the projection's effective gain is gain_b * (its value this step, instance b). */
  gainModulator?: string;
  /**
   * Only into a gated population: the gates' biases, G x post values in torch's gate order (bias_ih_l0
   * for an input projection, bias_hh_l0 for the recurrent one), as numbers or a .npy file. Default 0.
   */
  bias?: number[] | { file: string };
}

/** How an input or a schedule modulator changes over time (t in ms from the start of the run). */
export type TimeCourse =
  /** Always on. */
  | { type: 'constant' }
  /** On for duration ms from start ms (steps with start <= t < start + duration). */
  | { type: 'pulse';
      /** Onset [ms], >= 0. @minimum 0 */
      start: number;
      /** Length [ms]. */
      duration: Duration }
  /**
   * Sampled every `dt` ms from t = 0 (held between samples, last sample held after the end):
   * values[k] scalar (scales the profile) or values[k][i] per unit.
   */
  | { type: 'array';
      /** Sampling interval [ms]. */
      dt: Duration;
      /** Samples: one number each (a scale) or one row of per-unit values each. @minItems 1 */
      values: number[] | number[][] };

/** An input's time course: a TimeCourse, or samples with one row of per-unit values per instance. */
export type InputTimeCourse = TimeCourse
  /**
   * Sampled every `dt` ms from t = 0 as an array TimeCourse, values[k][b][i] for instance b (as many
   * rows as the batch has instances): each instance its own input sequence.
   */
  | { type: 'array';
      /** Sampling interval [ms]. */
      dt: Duration;
      /** Samples: per instance, one row of per-unit values. @minItems 1 */
      values: number[][][] };

export type ProfileSpec =
  | number[]
  /** amplitude-free bump cos(th_i - center) over a ring population, optionally rectified. */
  | { type: 'cosine';
      /** Angle of the bump's peak [rad]. */
      center: number;
      /** Clip negative values to 0. Default false. */
      rectify?: boolean };

/** An external input I(t) = amplitude * profile_i * timecourse(t), added to the target's units. */
export interface InputSpec {
  /** Unique among the inputs. */
  name: string;
  /** The population it drives. */
  target: string;
  /** Scalar amplitude; per instance through batch.params["inputs.NAME.amplitude"]. Default 1. */
  amplitude?: number;
  /** Spatial profile over the target's units. Default: 1 for every unit. */
  profile?: ProfileSpec;
  /** Time course. Default: constant. */
  time?: InputTimeCourse;
}

/** Records a population's rates or states. */
export interface PopulationRecorderSpec {
  /** Unique among the recorders: the recording is written to NAME.npy. */
  name: FileName;
  /** The recorded population. */
  population: string;
  /** 'rate' = r(x) (default), 'state' = x (a gated population: c for LSTM, h for GRU), 'gate' = `gate`'s activation. */
  what?: 'rate' | 'state' | 'gate';
  /** With what: 'gate': the gate of a gated population (LSTM i, f, g, o; GRU r, z, n). */
  gate?: string;
  /** Unit indices to record; default all. */
  units?: number[];
  /** Record every k steps (after steps k, 2k, ...). Default 1. */
  every?: PositiveInteger;
  /** 'mean' records the population mean over the chosen units instead of each unit. */
  reduce?: 'none' | 'mean';
}

/** Records the full weights of a plastic projection: rows of B x post x pre after the step's update. */
export interface WeightRecorderSpec {
  /** Unique among the recorders: the recording is written to NAME.npy. */
  name: FileName;
  /** The recorded plastic projection. */
  projection: string;
  /** Records weights. */
  what: 'weights';
  /** Record every k steps (after steps k, 2k, ...). Default 1. */
  every?: PositiveInteger;
}

/** Records a modulator's value per instance: rows of B values (the value used in that step). */
export interface ModulatorRecorderSpec {
  /** Unique among the recorders: the recording is written to NAME.npy. */
  name: FileName;
  /** The recorded modulator. */
  modulator: string;
  /** Records a modulator. */
  what: 'modulator';
  /** Record every k steps (after steps k, 2k, ...). Default 1. */
  every?: PositiveInteger;
}

export type RecorderSpec = PopulationRecorderSpec | WeightRecorderSpec | ModulatorRecorderSpec;

/**
 * A scalar per instance, computed once per step before the projections (see README, "Plasticity and
 * neuromodulation"). It gates plasticity (PlasticitySpec.modulator) and scales gains
 * (ProjectionSpec.gainModulator).
 */
export type ModulatorSpec =
  /** value = baseline + amplitude_b * timecourse(t); the time course has scalar values. */
  | { type: 'schedule';
      /** Unique among the modulators; named by plasticity and gainModulator. */
      name: string;
      /** The time course (scalar values). */
      time: TimeCourse;
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
  | { type: 'activity';
      /** Unique among the modulators; named by plasticity and gainModulator. */
      name: string;
      /** The population read out. */
      population: string;
      /** Readout weight per unit. Default 1/N each (the population mean). */
      profile?: number[];
      /** Time constant of the running prediction [ms]. Default: no prediction. */
      tauBaseline?: number;
      /** Default 1. */
      scale?: number;
      /** Default 0. */
      offset?: number }
  /** Set from the host between run() calls: Simulation.setModulator(name, values per instance). */
  | { type: 'host';
      /** Unique among the modulators; named by plasticity and gainModulator. */
      name: string;
      /** Value until the host sets one; per instance through batch.params["modulators.NAME.init"]. Default 0. */
      init?: number };

export interface BatchSpec {
  /** Number of independent instances B run in the same dispatches. */
  size: PositiveInteger;
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
  seeds?: Seed[];
}

/** A rate network: populations of rate units, projections between them, inputs, modulators, recorders. */
export interface NetworkSpec {
  /** The JSON Schema the file follows, for editors (e.g. "./node_modules/@lamina-sim/lamina/schema/lamina-spec.schema.json"); not used by the engine. */
  $schema?: string;
  /** A name for the network (not used by the engine). */
  name?: string;
  /** A description of the network (not used by the engine). */
  description?: string;
  /** Time step [ms]. */
  dt: Duration;
  /** Default number of steps for `lamina run` (the --steps option overrides it). Default 1000. */
  steps?: StepCount;
  /** 'exponential' (default: exact for the leak) or 'euler' (forward Euler), for populations given by `activation`. */
  integrator?: Integrator;
  /** Rate units defined in the model language, by name (populations[].unit). */
  units?: Record<string, RateUnitSpec>;
  /** Base seed: the connectivity's, and instance 0's (each instance's seed: batch.seeds, or derived from it). */
  seed?: Seed;
  /** The populations (at least one). @minItems 1 */
  populations: PopulationSpec[];
  /** Connections between populations (and within one). */
  projections?: ProjectionSpec[];
  /** External inputs. */
  inputs?: InputSpec[];
  /** Scalar signals per instance that gate plasticity and scale gains. */
  modulators?: ModulatorSpec[];
  /** What the run records (at most 60 recorders). @maxItems 60 */
  record?: RecorderSpec[];
  /** Independent instances run together, with per-instance values. Default: one instance. */
  batch?: BatchSpec;
  /** User-defined learning rules (engine/models/rate-rule.ts), referenced by name from projections' plasticity. */
  rules?: Record<string, RateRuleSpec>;
}

export const ACTIVATIONS: readonly Activation[] = ['tanh', 'relu', 'sigmoid', 'softplus', 'linear'];
export const INTEGRATORS: readonly Integrator[] = ['euler', 'exponential'];
/** Weight types materialized as a dense matrix (the ones that can be plastic). */
export const DENSE_WEIGHT_TYPES = ['dense', 'gaussian', 'ring', 'npy'] as const;
