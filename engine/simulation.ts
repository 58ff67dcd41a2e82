/**
 * The one interface of a running network, whatever its kind and wherever it runs: the GPU simulations
 * (engine/run) and the CPU float32 twins (engine/reference) implement it, so a test, a scenario or a user
 * can drive either the same way. createSimulation() (engine/run/simulation.ts) makes the GPU one.
 */
import type { SimulationState } from './plan/state.ts';
import type { RecordSink, RecorderInfo } from './record/recorders.ts';

export type { NetworkFingerprint, SimulationState, StateEngine } from './plan/state.ts';

/** Receives the spikes of a recorder in step order: parallel arrays of (step, instance, neuron). */
export type SpikeHandler = (recorder: string, steps: Uint32Array, instances: Uint32Array, neurons: Uint32Array) => void | Promise<void>;

/** Where a run's recordings go: rows of every non-spike recorder to `sink`, spike lists to `onSpikes`. */
export interface Outputs {
  sink?: RecordSink;
  onSpikes?: SpikeHandler;
}

export interface RunOptions extends Outputs {
  onProgress?: (doneSteps: number, totalSteps: number) => void;
  /**
   * Stops the run early when aborted (e.g. on SIGINT): no new chunk is started, the chunks in flight finish
   * and are delivered, sinks are ended, and run() resolves with the steps completed and `interrupted`.
   */
  signal?: AbortSignal;
}

export interface RunTiming {
  /** Steps completed (fewer than asked when the run was interrupted). */
  steps: number;
  wallSeconds: number;
  /** Compute dispatches encoded for these steps (GPU simulations). */
  dispatches?: number;
  /** True when `signal` stopped the run before all its steps. */
  interrupted?: boolean;
}

export interface Simulation {
  readonly kind: 'rate' | 'spiking';
  /** Global index of the next step to run. */
  readonly step: number;
  /** Independent instances simulated together. */
  readonly batch: number;
  /** Time step in ms. */
  readonly dt: number;
  /** What each row-recorder delivers to a sink (spike recorders deliver to onSpikes instead). */
  readonly recorders: readonly RecorderInfo[];
  /** Runs `steps` steps from the current one; recordings go to opts.sink and opts.onSpikes in step order. */
  run(steps: number, opts?: RunOptions): Promise<RunTiming>;
  /** The current weights of a plastic projection (rate: B x post x pre; spiking: B x synapses). */
  readWeights(projection: string): Promise<Float32Array>;
  /** Replaces the weights of a plastic projection: one instance's worth (for all) or B of them. */
  writeWeights(projection: string, data: ArrayLike<number>): void;
  /** Sets a host modulator for the following steps: one value for all instances or one each. */
  setModulator(name: string, values: number | ArrayLike<number>): void;
  /**
   * The complete dynamic state after the steps run so far (neuron and synapse state, input rings,
   * plastic weights, traces and eligibilities, modulators, partial bins of rate recorders), as plain
   * data; call it between runs (it throws while a run is in progress). Random draws are keyed by the step,
   * so there is no generator state to save.
   */
  saveState(): Promise<SimulationState>;
  /**
   * Continues from a state saved by a simulation of the same network, kind and engine (GPU into GPU, twin
   * into twin): runs from here on are bit-identical to runs of the simulation that saved it. Throws a
   * SpecError naming what differs, before changing anything; call it between runs.
   */
  loadState(state: SimulationState): void;
  destroy(): void;
}
