/** What a scenario provides: a network built from run options, and the analysis of its recordings. */
import type { NetworkSpec } from '../engine/spec/rate.ts';
import type { MemorySink } from '../engine/record/recorders.ts';
import type { SpikingSpec } from '../engine/spec/spiking.ts';
import type { SpikingPlan } from '../engine/plan/spiking.ts';

export interface ScenarioOptions {
  steps?: number;
  /** Time step [ms]. */
  dt?: number;
  batch?: number;
  seed?: number;
  /** Network scale (microcircuit: neurons and in-degrees). */
  scale?: number;
  /** Background input (microcircuit): poisson or dc. */
  background?: 'poisson' | 'dc';
  /** Procedural connectivity (microcircuit): synapses regenerated at each spike, never stored. */
  procedural?: boolean;
}

export interface ScenarioRun {
  spec: NetworkSpec;
  steps: number;
  /** Scenario parameters, written to meta.json. */
  params: Record<string, unknown>;
}

export interface Check {
  name: string;
  pass: boolean;
  detail: string;
}

export interface ScenarioResult {
  summary: Record<string, unknown> & { checks: Check[] };
  /** Extra arrays to write as .npy: name -> data and shape. */
  arrays: Record<string, { data: Float32Array | Float64Array | Int32Array; shape: number[] }>;
  /** Figures: file name -> SVG text. */
  figures: Record<string, string>;
}

export interface Scenario {
  kind?: 'rate';
  name: string;
  description: string;
  build(opts: ScenarioOptions): ScenarioRun;
  analyze(run: ScenarioRun, recordings: MemorySink): ScenarioResult;
}

export interface SpikingScenarioRun {
  spec: SpikingSpec;
  steps: number;
  batch: number;
  params: Record<string, unknown>;
}

/** What a protocol scenario's run returns: the result, plus what goes into meta.json. */
export interface ProtocolOutcome {
  result: ScenarioResult;
  meta: Record<string, unknown>;
}

/**
 * A scenario that drives its simulations itself (trials with host-side decisions between them, several
 * phases or networks): the runner writes its arrays, figures, summary.json and meta.json.
 */
export interface ProtocolScenario {
  kind: 'protocol';
  name: string;
  description: string;
  run(opts: ScenarioOptions & { backend?: string; adapter?: string; progress?: (msg: string) => void }): Promise<ProtocolOutcome>;
}

/** A spiking scenario: its analysis reads the .npy files the run wrote into the output directory. */
export interface SpikingScenario {
  kind: 'spiking';
  name: string;
  description: string;
  build(opts: ScenarioOptions): SpikingScenarioRun;
  analyze(run: SpikingScenarioRun, dir: string, plan: SpikingPlan): ScenarioResult;
}
