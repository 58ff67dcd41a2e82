/**
 * Spiking network spec (TS API and JSON). Times in ms, rates in Hz; weights in the units of the target
 * port (pA for current ports of lif_psc_exp, leak-conductance units for lif_coba).
 */
import type { NeuronModelSpec } from '../models/neuron.ts';

export type Distribution = number | { uniform: [number, number] } | { normal: [number, number] };

export interface SpikingPopulationSpec {
  name: string;
  size: number;
  /** A built-in model (lif_psc_exp, lif_coba, adlif_psc_exp) or a key of spec.models. */
  model: string;
  /** Parameter values overriding the model's defaults (per instance: batch.params["populations.P.NAME"]). */
  params?: Record<string, number>;
  /** Initial values of state variables (default: the model's), constants or distributions per neuron. */
  init?: Record<string, Distribution>;
}

export type ConnectivitySpec =
  /** Each (pre, post) pair is connected with probability p. */
  | { type: 'fixed-probability'; p: number; allowAutapses?: boolean }
  /** Each postsynaptic neuron draws k presynaptic partners uniformly (multapses allowed). */
  | { type: 'fixed-indegree'; k: number; allowAutapses?: boolean }
  /**
   * n synapses, each with pre and post drawn uniformly (the Potjans-Diesmann rule). With procedural
   * true the synapses are never stored: each presynaptic neuron's number of synapses is drawn on the
   * host (multinomial) and, when it fires, its targets, weights and delays are regenerated from Philox
   * (weights and delays then follow a bounded approximately-normal law: mean + sd * z with z the sum of
   * three uniforms, scaled to unit variance, in [-3, 3]).
   */
  | { type: 'fixed-total'; n: number; procedural?: boolean }
  /** Explicit lists of presynaptic and postsynaptic indices (e.g. loaded from .npy). */
  | { type: 'explicit'; pre: number[]; post: number[]; weights?: number[]; delays?: number[] };

export interface SpikingProjectionSpec {
  name: string;
  from: string;
  to: string;
  /** The target model's input port, e.g. "exc" or "inh". */
  port: string;
  connectivity: ConnectivitySpec;
  /** Weight per synapse, a constant or a distribution. */
  weight: Distribution;
  /** Dale's law: "excitatory" clips drawn weights at >= 0, "inhibitory" at <= 0. */
  sign?: 'excitatory' | 'inhibitory';
  /** Delay [ms], a constant or a distribution; rounded to whole steps, at least one step. */
  delay?: Distribution;
  seed?: number;
}

export type SpikingInputSpec =
  /** Independent Poisson spike trains into every neuron of the target, through `port` with `weight`. */
  | { name: string; target: string; type: 'poisson'; rate: number | number[]; weight: number; port: string }
  /** A constant current added to I_ext (the model's units). */
  | { name: string; target: string; type: 'dc'; amplitude: number | number[] }
  /**
   * Given spike trains: spike k reaches neuron neurons[k] at times[k] ms (rounded to the step, delivered
   * in that step's input, in every instance) through `port` with `weight`.
   */
  | { name: string; target: string; type: 'spikes'; times: number[]; neurons: number[]; weight: number; port: string };

export interface SpikingRecorderSpec {
  name: string;
  population: string;
  /** 'spikes', 'rate' (population rate in Hz per instance, over bins of `every` steps) or a state variable. */
  what: string;
  /** Neurons to record (state variables); default all. Spikes are always recorded for all. */
  units?: number[];
  every?: number;
}

export interface SpikingSpec {
  dt: number;
  steps?: number;
  seed?: number;
  /** User-defined neuron models, referenced by name from populations. */
  models?: Record<string, NeuronModelSpec>;
  populations: SpikingPopulationSpec[];
  projections?: SpikingProjectionSpec[];
  inputs?: SpikingInputSpec[];
  record?: SpikingRecorderSpec[];
  batch?: { size: number; params?: Record<string, number[]> };
}
