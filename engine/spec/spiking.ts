/**
 * Spiking network spec (TS API and JSON). Times in ms, rates in Hz; weights in the units of the target
 * port (pA for current ports of lif_psc_exp, leak-conductance units for lif_coba).
 */
import type { NeuronModelSpec } from '../models/neuron.ts';
import type { RuleSpec } from '../models/rule.ts';
import type { TimeCourse } from './rate.ts';
import type { Count, Duration, FileName, PositiveInteger, Seed, StepCount } from './numbers.ts';

/** A constant, or a value drawn per neuron or synapse: uniform in [low, high] or normal (mean, standard deviation). */
export type Distribution =
  | number
  | {
      /** [low, high], low <= high. */
      uniform: [low: number, high: number];
    }
  | {
      /** [mean, standard deviation], sd >= 0. */
      normal: [mean: number, sd: number];
    };

export interface SpikingPopulationSpec {
  /** Unique among the populations; named by projections, inputs and recorders. */
  name: FileName;
  /** Number of neurons. */
  size: PositiveInteger;
  /** A built-in model (lif_psc_exp, lif_coba, adlif_psc_exp) or a key of spec.models. */
  model: string;
  /** Parameter values overriding the model's defaults (per instance: batch.params["populations.P.NAME"]). */
  params?: Record<string, number>;
  /** Initial values of state variables (default: the model's), constants or distributions per neuron. */
  init?: Record<string, Distribution>;
}

export type ConnectivitySpec =
  /** Each (pre, post) pair is connected with probability p. */
  | { type: 'fixed-probability';
      /** Connection probability. @minimum 0 @maximum 1 */
      p: number;
      /** Whether a neuron may connect to itself (recurrent projections). Default true. */
      allowAutapses?: boolean }
  /** Each postsynaptic neuron draws k presynaptic partners uniformly (multapses allowed). */
  | { type: 'fixed-indegree';
      /** Presynaptic partners per postsynaptic neuron. */
      k: Count;
      /** Whether a neuron may connect to itself (recurrent projections). Default true. */
      allowAutapses?: boolean }
  /**
   * n synapses, each with pre and post drawn uniformly (the Potjans-Diesmann rule). With procedural
   * true the synapses are never stored: each presynaptic neuron's number of synapses is drawn on the
   * host (multinomial) and, when it fires, its targets, weights and delays are regenerated from Philox
   * (weights and delays then follow a bounded approximately-normal law: mean + sd * z with z the sum of
   * three uniforms, scaled to unit variance, in [-3, 3]).
   */
  | { type: 'fixed-total';
      /** Number of synapses. */
      n: Count;
      /** Regenerate the synapses at every spike instead of storing them. Default false. */
      procedural?: boolean }
  /** Explicit lists of presynaptic and postsynaptic indices (e.g. loaded from .npy). */
  | { type: 'explicit';
      /** Presynaptic neuron of each synapse. */
      pre: number[];
      /** Postsynaptic neuron of each synapse (as many as pre). */
      post: number[];
      /** Weight of each synapse. Default: the projection's weight. */
      weights?: number[];
      /** Delay of each synapse [ms]. Default: the projection's delay. */
      delays?: number[] }
  /**
   * Explicit synapses from .npy files, as a run saves a plastic projection: `file` (S, 3) rows of (pre,
   * post, delay in steps) (synapses_NAME.npy), `weightsFile` S weights or (B, S) (weights_NAME.npy, row
   * `instance`, default 0); without weightsFile the projection's `weight` applies.
   */
  | { type: 'explicit';
      /** Path of the (S, 3) .npy file of (pre, post, delay in steps) rows. */
      file: string;
      /** Path of the .npy file of S or (B, S) weights. */
      weightsFile?: string;
      /** Row of a (B, S) weightsFile. Default 0. */
      instance?: Count };

export interface SpikingProjectionSpec {
  /** Unique among the projections (synapses_NAME.npy and weights_NAME.npy when plastic). */
  name: FileName;
  /** Presynaptic population. */
  from: string;
  /** Postsynaptic population. */
  to: string;
  /** The target model's input port, e.g. "exc" or "inh". */
  port: string;
  /** Which pairs are connected. */
  connectivity: ConnectivitySpec;
  /**
   * Weight per synapse [units of the target port], a constant or a distribution. Per instance (static
   * projections): batch.params["projections.NAME.weight"] (a constant weight) or ["projections.NAME.weightScale"] (a factor).
   */
  weight: Distribution;
  /** Dale's law: "excitatory" clips drawn weights at >= 0, "inhibitory" at <= 0. */
  sign?: 'excitatory' | 'inhibitory';
  /**
   * Delay [ms], a constant or a distribution, in whole steps by one rule (engine/plan/time-steps.ts): the
   * nearest step, a tie upwards (NEST), in [1, 65535] steps; a given delay out of that range is refused,
   * a drawn one below one step is raised to one step.
   */
  delay?: Distribution;
  /** Seed of the connectivity, weight and delay draws. Default: the spec's seed. Per instance for procedural connectivity: batch.params["projections.NAME.seed"]. */
  seed?: Seed;
  /** Synaptic plasticity (weights per instance, stored; see PlasticitySpec). */
  plasticity?: PlasticitySpec;
  /**
   * A schedule modulator whose value multiplies every delivered weight (plastic projections): e.g.
   * acetylcholine suppressing recurrent transmission during exploration. The fixed-point range allows
   * for the largest value the schedule takes.
   */
  gainModulator?: string;
}

/**
 * A projection's learning rule and its parameter values: `rule` names a built-in rule
 * (engine/models/builtin-rules.ts: stdp, stdp-multiplicative, three-factor, three-factor-multiplicative)
 * or one of the spec's `rules`; the rule's parameters are given by name next to it (a rule's default
 * applies where one is left out; per instance through batch.params["projections.NAME.PARAM"], except the
 * weight bounds and time constants, which are shared). `modulator` names the modulator the rule reads as
 * M: the third factor of a three-factor rule (required there), a gate of STDP.
 *
 * The built-in STDP is pair-based with all-to-all pairing through exponential traces (x_j of the
 * presynaptic neuron, y_i of the postsynaptic one; each jumps by 1 at its neuron's spike and decays with
 * tauPlus / tauMinus). Spike times are the somatic ones: the pairing ignores the transmission delay. Per
 * step, after the neuron update: at a presynaptic spike the synapse first delivers its current weight,
 * then depresses, dw = -eta * aMinus * y_i (additive) or -eta * aMinus * y_i * (w - wMin) (multiplicative);
 * at a postsynaptic spike it potentiates, dw = eta * aPlus * x_j (additive) or eta * aPlus * x_j * (wMax - w)
 * (multiplicative). Both traces already include this step's spikes, so a pair at zero lag both
 * potentiates and depresses. Weights are clipped to [wMin, wMax]. Rule 'three-factor': the same STDP
 * changes go into an eligibility trace e per synapse instead of w; after the spike updates of each step,
 * w += dt * eta * D(t) * e (clipped), then e decays by exp(-dt / tauEligibility), D being the modulator.
 */
export interface PlasticitySpec {
  /** A built-in rule or a key of spec.rules. */
  rule: string;
  /** Built-in stdp and three-factor only: 'additive' (default: hard bounds) or 'multiplicative' (soft bounds). */
  variant?: 'additive' | 'multiplicative';
  /** A modulator's name: M of the rule (the third factor of a three-factor rule, a gate of STDP). */
  modulator?: string;
  /** Built-in rules: presynaptic trace time constant [ms], default 20. */
  tauPlus?: number;
  /** Built-in rules: postsynaptic trace time constant [ms], default 20. */
  tauMinus?: number;
  /** Built-in rules: potentiation per pair, in weight units (additive) or as a fraction of the distance to wMax (multiplicative). */
  aPlus?: number;
  /** Built-in rules: depression per pair, in weight units (additive) or as a fraction of the distance to wMin (multiplicative). */
  aMinus?: number;
  /** Lower weight bound (built-in rules: default 0). The input ring's fixed-point range is set from the bounds. */
  wMin?: number;
  /** Upper weight bound. The input ring's fixed-point range is set from the bounds. */
  wMax?: number;
  /** Built-in rules: learning rate multiplying every change, default 1. */
  eta?: number;
  /** Built-in three-factor rules: eligibility time constant [ms] (required there). */
  tauEligibility?: number;
  /** Values of the parameters of the rule. */
  [param: string]: number | string | undefined;
}

/**
 * A global signal per instance (e.g. dopamine), one value per step.
 *  - schedule: baseline + amplitude * time course (per instance: batch.params["modulators.NAME.amplitude"]
 *    and [".baseline"]), evaluated on the host per chunk in float32.
 *  - host: held at the value last given by SpikingSimulation.setModulator (e.g. a reward prediction
 *    error computed between trials); init before the first call.
 */
export type SpikingModulatorSpec =
  | { type: 'schedule';
      /** Unique among the modulators; named by plasticity and gainModulator. */
      name: string;
      /** The time course (scalar values). */
      time: TimeCourse;
      /** Per instance through batch.params["modulators.NAME.amplitude"]. Default 1. */
      amplitude?: number;
      /** Per instance through batch.params["modulators.NAME.baseline"]. Default 0. */
      baseline?: number }
  | { type: 'host';
      /** Unique among the modulators; named by plasticity and gainModulator. */
      name: string;
      /** Value until the host sets one. Default 0. */
      init?: number };

export type SpikingInputSpec =
  /**
   * Independent Poisson spike trains into every neuron of the target, through `port` with `weight`; the
   * count per step is drawn exactly at any rate up to a mean of 10000 per step (rate x dt). Per instance
   * through batch.params["inputs.NAME.rate"] and ["inputs.NAME.weight"] (a float32 added per event,
   * not fixed point).
   */
  | { type: 'poisson';
      /** Unique among the inputs. */
      name: string;
      /** The population it drives. */
      target: string;
      /** Rate [Hz] of each train, one for all neurons or one per neuron. */
      rate: number | number[];
      /** Weight of each input spike [units of the port]. */
      weight: number;
      /** The target model's input port. */
      port: string }
  /** A constant current added to I_ext (the model's units). */
  | { type: 'dc';
      /** Unique among the inputs. */
      name: string;
      /** The population it drives. */
      target: string;
      /** The current [the model's units of I_ext], one for all neurons or one per neuron. */
      amplitude: number | number[] }
  /**
   * Given spike trains: spike k reaches neuron neurons[k] at times[k] ms (rounded to the step, delivered
   * in that step's input, in every instance) through `port` with `weight`.
   */
  | { type: 'spikes';
      /** Unique among the inputs. */
      name: string;
      /** The population it drives. */
      target: string;
      /** Arrival time of each spike [ms], >= 0. */
      times: number[];
      /** Target neuron of each spike. */
      neurons: number[];
      /** Weight of each spike [units of the port]. */
      weight: number;
      /** The target model's input port. */
      port: string };

export interface SpikingRecorderSpec {
  /** Unique among the recorders: the recording is written to NAME.npy. */
  name: FileName;
  /** The recorded population (spikes, rate, state variables). */
  population?: string;
  /** The recorded plastic projection (what: 'weights': every synapse's weight, per instance, in the order of SpikingSimulation.synapses()). */
  projection?: string;
  /** The recorded modulator (what: 'modulator': its value per instance). */
  modulator?: string;
  /** 'spikes', 'rate' (population rate in Hz per instance, over bins of `every` steps), a state variable, 'weights' or 'modulator'. */
  what: string;
  /** Neurons to record (state variables); default all. Spikes are always recorded for all. */
  units?: number[];
  /** Record every k steps (rates: the bin width in steps). Default 1. */
  every?: PositiveInteger;
}

/** A spiking network: populations of neuron models, projections of synapses with delays, inputs, modulators, recorders. */
export interface SpikingSpec {
  /** The JSON Schema the file follows, for editors (e.g. "./node_modules/@lamina-sim/lamina/schema/lamina-spec.schema.json"); not used by the engine. */
  $schema?: string;
  /** A name for the network (not used by the engine). */
  name?: string;
  /** A description of the network (not used by the engine). */
  description?: string;
  /** Time step [ms]. */
  dt: Duration;
  /** Default number of steps for `lamina run` (the --steps option overrides it). */
  steps?: StepCount;
  /** Seed of the network's random draws (a projection's `seed` overrides it for that projection). Default 0. */
  seed?: Seed;
  /** User-defined neuron models, referenced by name from populations. */
  models?: Record<string, NeuronModelSpec>;
  /** User-defined learning rules (engine/models/rule.ts), referenced by name from projections' plasticity. */
  rules?: Record<string, RuleSpec>;
  /** The populations (at least one). @minItems 1 */
  populations: SpikingPopulationSpec[];
  /** Synaptic connections between populations (and within one). */
  projections?: SpikingProjectionSpec[];
  /** External inputs: Poisson trains, currents, given spike trains. */
  inputs?: SpikingInputSpec[];
  /** What the run records. */
  record?: SpikingRecorderSpec[];
  /** Global signals per instance (e.g. dopamine) read by learning rules and gain modulation. */
  modulators?: SpikingModulatorSpec[];
  /** Independent instances run together, with per-instance values. Default: one instance. */
  batch?: {
    /** Number of instances B. */
    size: PositiveInteger;
    /** Per-instance values, each an array of length size: "seed", "populations.NAME.PARAM", "projections.NAME.PARAM" (plasticity), "projections.NAME.weight" / ".weightScale" (static), "projections.NAME.seed" (procedural), "inputs.NAME.rate" / ".amplitude" / ".weight", "modulators.NAME.amplitude" / ".baseline" / ".init". */
    params?: Record<string, number[]>;
    /** Each instance's seed (its initial states and Poisson inputs), length size; default: instance 0 the spec's seed, instance b > 0 derived from it (instanceSeed). Not together with params.seed. */
    seeds?: Seed[];
  };
}
