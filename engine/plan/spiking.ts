/**
 * The compiled form of a spiking network (engine/plan/compile-spiking.ts makes it): what the GPU runtime and the
 * CPU reference both execute.
 */
import type { CompiledModel } from '../models/neuron.ts';
import type { CompiledRule } from '../models/rule.ts';

/** Fourth counter word of the Philox draws (see engine/util/philox.ts): initial states, Poisson inputs. */
export const STREAM_INIT = 2;
/** Poisson: (1 << 28) | (population << 16) | (call << 4) | input, call = the n-th block of four uniforms. */
export const STREAM_POISSON = 1 << 28;
/** Procedural synapses: (2 << 28) | projection index. */
export const STREAM_PROCEDURAL = 2 << 28;
/** Synapses generated on the GPU at build time: (3 << 28) | projection index. */
export const STREAM_BUILD = 3 << 28;

/** Distribution of a generated weight or delay: kind 0 constant a, 1 a + b z (z: sum of three uniforms, unit variance), 2 a + b u. */
export interface GenDistribution {
  kind: number;
  a: number;
  b: number;
}

/** A projection whose synapses are drawn from Philox (built on the GPU or regenerated at each spike). */
export interface GeneratedProjection {
  name: string;
  /** Index of the spec projection (its Philox stream). */
  index: number;
  pre: SpikingPopPlan;
  post: SpikingPopPlan;
  port: number;
  seed: number;
}

/**
 * A stored projection whose synapses are generated on the GPU at build time (fixed-total, fixed-indegree):
 * synapse q draws Philox (q, 0..2, 0, STREAM_BUILD | index) keyed by (seed, LAMI) for its pre and post
 * neurons, weight and delay (shaders/lib/synapse-gen.wgsl; CPU twin engine/reference/synapse-build.ts). Only the
 * layout by presynaptic neuron depends on the build; the synapses themselves do not.
 */
export interface GeneratedPlan extends GeneratedProjection {
  /** 0: fixed total (pre and post uniform), 1: fixed in-degree (synapse q has post q / k). */
  rule: number;
  synapses: number;
  k: number;
  excludeSelf: boolean;
  sign: number;
  /** Weight in the port's units, float32 parameters. */
  weight: GenDistribution;
  /** Delay in steps, float32 parameters. */
  delay: GenDistribution;
  /** Its per-instance weight slot (WeightSlot, 1-based; 0: none, weights quantized at build time). */
  slot: number;
}

export interface SpikingPopPlan {
  name: string;
  index: number;
  size: number;
  model: CompiledModel;
  /** Offset of state variable v, instance b, neuron i: stateBase + (v * B + b) * size + i. */
  stateBase: number;
  /** Offset of neuron (b, i) in per-neuron arrays (refractory counters, dc table): neuronBase + b * size + i. */
  neuronBase: number;
  /** Per-instance table row: params, then derived, then the refractory period in steps. */
  paramBase: number;
  paramCount: number;
  /** Ring of incoming synaptic input: ringBase + ((slot * ports + port) * B + b) * size + i. */
  ringBase: number;
  slots: number;
  /** Fixed-point scale exponent S per port (input = int / 2^S); instance 0's where the port's scale is per instance. */
  scales: number[];
  /**
   * Per port: undefined (one scale for the batch), or the port's exponent per instance and where the
   * inverse scales 2^-S_b (float32, one per instance) start in the input table.
   */
  instanceScales: ({ base: number; exps: number[] } | undefined)[];
  /** Offset of this population's spike lists (two parities of B * size entries each). */
  spikeBase: number;
  /** Poisson inputs: the table at tableBase holds e^{-lambda / chunks} per (instance, neuron), then the chunk counts, then the weight per instance. */
  poisson: { name: string; port: number; tableBase: number }[];
  hasDc: boolean;
}

export interface SpikingProjPlan {
  name: string;
  index: number;
  pre: SpikingPopPlan;
  post: SpikingPopPlan;
  port: number;
  rowPtr: Uint32Array;
  postIdx: Uint32Array;
  /** Weights in fixed point (int32) at the target port's scale. */
  wq: Int32Array;
  delay: Uint32Array;
  synapses: number;
  /** Per-instance weight slot (1-based; 0: none). With a slot, wq holds what the slot's mode reads (engine/plan/instance-weights.ts). */
  slot: number;
}

/**
 * All synapses leaving one population (every projection from it), merged for one synapse-spike dispatch
 * per presynaptic population: row j holds neuron j's synapses; each synapse stores its ring target
 * (post ringBase + port * B * N_post + post index), its fixed-point weight and (delay | post pop << 16 |
 * per-instance weight slot << 24).
 */
export interface OutgoingPlan {
  pre: SpikingPopPlan;
  projections: SpikingProjPlan[];
  rowPtr: Uint32Array;
  target: Uint32Array;
  wq: Int32Array;
  delayPop: Uint32Array;
}

/**
 * A procedural fixed-total projection: only the row lengths are stored; synapse k (numbered within the
 * projection) takes post = mulhi(r.x, N_post), weight mean + sd * z(r) and delay from Philox keyed by
 * (seed, LAMI) and counted by (k, draw, 0, STREAM_PROCEDURAL | index), regenerated at every spike.
 */
export interface ProceduralPlan extends GeneratedProjection {
  /** Row pointers over presynaptic neurons; with `seeds`, one set per instance (instance b's at b * (pre.size + 1)). */
  rowPtr: Uint32Array;
  /** Each instance's connectivity seed (batch.params "projections.NAME.seed"), or undefined: `seed` for all. */
  seeds?: Uint32Array;
  synapses: number;
  /** float32 values used on both sides. */
  wMean: number;
  wSd: number;
  /** 0: none, 1: clip at >= 0 (excitatory), 2: clip at <= 0 (inhibitory). */
  sign: number;
  /** Delay mean and s.d. in steps. */
  dMean: number;
  dSd: number;
  /** Per-instance weight slot (1-based; 0: none): its table holds each instance's weight mean and scale. */
  slot: number;
}

/** Given spike trains into one population: events of step t are events[stepPtr[t] .. stepPtr[t + 1]]. */
export interface SpikeSourcePlan {
  name: string;
  pop: SpikingPopPlan;
  port: number;
  weight: number;
  /** Fixed-point weight at the port's scale (set once scales are known). */
  wq: number;
  /** Per-instance weight slot (mode 0: its integer per instance) where the port's scale is per instance, else 0. */
  slot: number;
  stepPtr: Uint32Array;
  neurons: Uint32Array;
  maxPerStep: number;
}

export interface SpikingPlan {
  dt: number;
  sources: SpikeSourcePlan[];
  batch: number;
  pops: SpikingPopPlan[];
  projections: SpikingProjPlan[];
  outgoing: OutgoingPlan[];
  generated: GeneratedPlan[];
  procedural: ProceduralPlan[];
  /** Plastic projections (host-built, weights per instance; engine/plan/spiking-plasticity.ts). */
  plastic: PlasticPlan[];
  modulators: ModulatorPlan[];
  stateInit: Float32Array;
  paramTable: Float32Array;
  neuronCount: number;
  ringLength: number;
  spikeListLength: number;
  /**
   * Per-neuron input table: dc currents, then per Poisson input B * size values e^{-lambda / chunks}
   * followed by B * size chunk counts (engine/plan/spiking-inputs.ts: poissonChunks).
   */
  inputTable: Float32Array;
  seeds: Uint32Array;
  /** Per-instance weight slots of static projections (engine/plan/instance-weights.ts); slot s is weightSlots[s - 1]. */
  weightSlots: WeightSlot[];
}

/**
 * The per-instance weights of one static projection into a port whose scale is per instance: in the
 * input table at `base`, the mode, then two float32 words (a_b, c_b) per instance. Mode 0: every synapse
 * of instance b delivers the integer a_b * 4096 + c_b. Mode 1: a synapse of base weight x (float32)
 * delivers floor(f32(x * a_b) + 0.5), with a_b = f32(scale_b) * 2^S_b; a procedural projection's x is
 * c_b + sd z (its mean per instance).
 */
export interface WeightSlot {
  projection: string;
  mode: 0 | 1;
  base: number;
}

export interface PlasticPlan {
  name: string;
  /** Index of the spec projection. */
  index: number;
  pre: SpikingPopPlan;
  post: SpikingPopPlan;
  port: number;
  /** The learning rule (engine/models/rule.ts). */
  rule: CompiledRule;
  /** The rule keeps an eligibility per synapse and has a modulated part (a three-factor rule). */
  threeFactor: boolean;
  synapses: number;
  /** CSR over presynaptic neurons: synapse s of row j, its target and delay in steps. */
  rowPtr: Uint32Array;
  postIdx: Uint32Array;
  preIdx: Uint32Array;
  delay: Uint32Array;
  /** Column index: the synapses onto postsynaptic neuron i are colSyn[colPtr[i] .. colPtr[i + 1]]. */
  colPtr: Uint32Array;
  colSyn: Uint32Array;
  /** Initial weights (float32), the same for every instance. */
  w0: Float32Array;
  /** Weight bounds (float32), shared by every instance. */
  wMin: number;
  wMax: number;
  /** Per instance b, row b: the rule's parameters, then its derived parameters (float64 on the host, then float32). */
  params: Float32Array;
  /** Decay tables (exp(-k dt / tau), float32) of the rule's traces (rule.traces order) and of the eligibility ([0] without one). */
  traceTables: Float32Array[];
  tableElig: Float32Array;
  /**
   * Where each trace's values start in the trace buffer (u32 words): three words per (instance, neuron),
   * the value just after the neuron's last spike (f32 bits), that step, and the value just before it.
   */
  traceBase: number[];
  /** Words of the trace buffer. */
  traceWords: number;
  /** Index of the modulator (M of the rule), or -1. */
  modulator: number;
  /** Index of the modulator multiplying delivered weights, or -1. */
  gain: number;
  /** Fixed-point scale exponent of the target port (set once the scales are known). */
  scale: number;
  /** Where the port's scale is per instance: a weight slot (mode 1) whose a_b is 2^S_b, else 0. */
  slot: number;
}

export interface ModulatorPlan {
  name: string;
  index: number;
  kind: 'schedule' | 'host';
  /** Per instance (float32): baseline and amplitude of a schedule; the initial value of a host modulator. */
  baseline: Float32Array;
  amplitude: Float32Array;
  /** Timing in steps (engine/plan/rate.ts: timeSteps, as for rate networks); array samples in float32. */
  time: { kind: 'constant' } | { kind: 'pulse'; startStep: number; stopStep: number } | { kind: 'array'; everySteps: number; values: Float32Array };
}
