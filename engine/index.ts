/**
 * Lamina's public API (the package's main entry, `@lamina-sim/lamina`): GPU simulations of rate and
 * spiking networks on WebGPU, their network specs, recorders, and the CPU float32 twins the GPU
 * results are tested against. This entry imports no Node module; writing `.npy` files and running a
 * scenario into a directory live in the Node-only entry `@lamina-sim/lamina/node` (engine/node.ts).
 *
 * ```ts
 * import { SpikingSimulation, MemorySink } from '@lamina-sim/lamina';
 * const sim = await SpikingSimulation.create(spec, { batch: 1 });
 * await sim.run(200, { onSpikes: (rec, steps, instances, neurons) => { ... } });
 * sim.destroy();
 * ```
 *
 * Only what is exported here is public; deep imports of engine/ files are not part of the API.
 * @module @lamina-sim/lamina
 */

export { VERSION } from './version.ts';

// --- Errors ----------------------------------------------------------------------------------------
export { AdapterError, GpuError, SpecError } from './errors.ts';

// --- GPU device ------------------------------------------------------------------------------------
export { acquireGpu, adapterReport, BACKENDS } from './gpu/device.ts';
export type { AdapterReport, Backend, DeviceOptions, Gpu } from './gpu/device.ts';

// --- Common simulation interface -------------------------------------------------------------------
// Reserved for `createSimulation(spec, options)` (picks the rate or spiking engine from the spec) and
// the `Simulation` interface both engines implement; until then the two classes below are the API.

// --- Rate networks ---------------------------------------------------------------------------------
export type {
  Activation, BatchSpec, InputSpec, Integrator, ModulatorRecorderSpec, ModulatorSpec, NetworkSpec, PlasticityRule,
  PlasticitySpec, PopulationRecorderSpec, PopulationSpec, ProfileSpec, ProjectionSpec, RecorderSpec, TimeCourse,
  WeightRecorderSpec, WeightsSpec,
} from './spec/rate.ts';
export { validateSpec } from './spec/validate-rate.ts';
export { Simulation } from './run/rate-simulation.ts';
export type { RunOptions, RunTiming, SimulationOptions } from './run/rate-simulation.ts';

// --- Spiking networks ------------------------------------------------------------------------------
export type {
  ConnectivitySpec, Distribution, PlasticitySpec as SpikingPlasticitySpec, SpikingInputSpec, SpikingModulatorSpec,
  SpikingPopulationSpec, SpikingProjectionSpec, SpikingRecorderSpec, SpikingSpec,
} from './spec/spiking.ts';
export { SpikingSimulation } from './run/spiking-simulation.ts';
export type { SpikeHandler, SpikingOptions } from './run/spiking-simulation.ts';
export { ADLIF_PSC_EXP, BUILTIN_MODELS, LIF_COBA, LIF_PSC_EXP } from './models/builtin-models.ts';
export type { NeuronModelSpec } from './models/neuron.ts';
export { BUILTIN_RATE_RULES, BUILTIN_RULES } from './models/builtin-rules.ts';
export type { RuleSpec } from './models/rule.ts';
export type { RateRuleSpec } from './models/rate-rule.ts';

// --- Recording -------------------------------------------------------------------------------------
export { MemorySink, TeeSink } from './record/recorders.ts';
export type { RecorderInfo, RecordSink } from './record/recorders.ts';

// --- CPU twins (float32 references of every kernel) and the plans they run -------------------------
export { compile } from './plan/rate.ts';
export type { CompileOptions, NetworkPlan } from './plan/rate.ts';
export { ReferenceSimulation } from './reference/rate.ts';
export { compileSpiking } from './plan/compile-spiking.ts';
export type { SpikingPlan } from './plan/spiking.ts';
export { SpikingReference } from './reference/spiking.ts';
export type { Spike } from './reference/spiking.ts';
