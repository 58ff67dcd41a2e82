/**
 * Lamina's public API (the package's main entry, `@lamina-sim/lamina`): GPU simulations of rate and
 * spiking networks on WebGPU, their network specs, recorders, and the CPU float32 twins the GPU
 * results are tested against. This entry imports no Node module; writing `.npy` files and running a
 * scenario into a directory live in the Node-only entry `@lamina-sim/lamina/node` (engine/node.ts).
 *
 * ```ts
 * import { createSimulation, MemorySink } from '@lamina-sim/lamina';
 * const sim = await createSimulation(spec, { batch: 4 }); // a RateSimulation or a SpikingSimulation
 * const memory = new MemorySink();
 * await sim.run(1000, { sink: memory, onSpikes: (recorder, steps, instances, neurons) => { ... } });
 * sim.destroy();
 * ```
 *
 * Only what is exported here is public; deep imports of engine/ files are not part of the API.
 * @module @lamina-sim/lamina
 */

export { VERSION } from './version.ts';

// --- Errors ----------------------------------------------------------------------------------------
export { AdapterError, GpuError, NumericalError, SpecError } from './errors.ts';

// --- GPU device ------------------------------------------------------------------------------------
export { acquireGpu, adapterReport, BACKENDS } from './gpu/device.ts';
export type { AdapterReport, Backend, DeviceOptions, Gpu } from './gpu/device.ts';

// --- One entry point and one interface for every network ------------------------------------------
// createSimulation(spec) builds the GPU simulation of a rate or a spiking spec, createReference(spec)
// its CPU float32 twin; all of them implement `Simulation`.
export { createReference, createSimulation } from './run/simulation.ts';
export type { CreateOptions } from './run/simulation.ts';
export type { Outputs, RunOptions, RunTiming, Simulation, SpikeHandler } from './simulation.ts';
// A simulation's complete dynamic state (saveState / loadState), as plain data for checkpoints.
export type { NetworkFingerprint, SimulationState, StateEngine } from './simulation.ts';
export { STATE_FORMAT } from './plan/state.ts';
// The default seed of instance b of a batch (batch.seeds overrides it): every instance's random draws are keyed by its seed alone.
export { instanceSeed } from './util/philox.ts';

// --- Dry run: what a spec would allocate and how long it would run (lamina inspect) ---------------
export { inspect } from './run/inspect.ts';
export type { InspectOptions, Inspection } from './run/inspect.ts';
export type { BufferNeed, HostNeed, Refusal } from './run/footprint.ts';

// --- Rate networks ---------------------------------------------------------------------------------
export type {
  Activation, BatchSpec, InputSpec, Integrator, ModulatorRecorderSpec, ModulatorSpec, NetworkSpec, PlasticityRule,
  PlasticitySpec, PopulationRecorderSpec, PopulationSpec, ProfileSpec, ProjectionSpec, RateUnitSpec, RecorderSpec,
  TimeCourse, InputTimeCourse, GatedKind, WeightRecorderSpec, WeightsSpec,
} from './spec/rate.ts';
export { BUILTIN_RATE_UNITS } from './models/builtin-rate-units.ts';
export { GATES } from './spec/rate.ts';
export { validateSpec } from './spec/validate-rate.ts';
export { RateSimulation } from './run/rate-simulation.ts';
export type { KernelTuning, SimulationOptions } from './run/rate-simulation.ts';

// --- Spiking networks ------------------------------------------------------------------------------
export type {
  ConnectivitySpec, Distribution, PlasticitySpec as SpikingPlasticitySpec, SpikingInputSpec, SpikingModulatorSpec,
  SpikingPopulationSpec, SpikingProjectionSpec, SpikingRecorderSpec, SpikingSpec,
} from './spec/spiking.ts';
export { SpikingSimulation } from './run/spiking-simulation.ts';
export type { SpikingOptions } from './run/spiking-simulation.ts';
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

// --- Analysis of spiking networks (the sweep's built-in metrics) and mean-field rates --------------
// Spike trains here are per-neuron arrays of spike steps; a window is [from, to) in steps.
export { binnedCounts, cvIsi, fanoFactor, meanRateHz, seriesStats, synchronyChi2 } from './analysis/network-metrics.ts';
export type { SpikeTrains, StepWindow } from './analysis/network-metrics.ts';
export { brunelInput, brunelRate, erfcx, siegertRate, thresholdRate } from './analysis/siegert.ts';
export type { BrunelParams, LifParams } from './analysis/siegert.ts';
// The seed's analysis tools (numbers in, numbers out): PSTH, lagged cross-covariance, jPCA, spike-history GLM.
export { alignSpikes, binTrials, psth, quantile, smoothRate } from './analysis/psth.ts';
export type { Psth, PsthKernel, PsthOptions } from './analysis/psth.ts';
export { asymmetryIndex, laggedCovariance, ranks, sequenceOrder, spearman } from './analysis/xcov.ts';
export type { LaggedCovariance, XcovOptions } from './analysis/xcov.ts';
export { jpca } from './analysis/jpca.ts';
export type { Jpca, JpcaOptions, RotationPlane } from './analysis/jpca.ts';
export { bitsPerSpike, fitGlm, poissonLogLikelihood, predictGlm, psthBaseline, raisedCosineBasis } from './analysis/glm.ts';
export type { Basis, BasisSpec, GlmFit, GlmOptions, GlmTrial } from './analysis/glm.ts';
export { fitTwoExponentials, type TwoExponentialOptions, type TwoExponentials } from './analysis/exponentials.ts';
export { exponentialTrace, fitHistoryTau, type HistoryTau, type HistoryTauOptions } from './analysis/history-tau.ts';
export { symmetricEigen } from './analysis/linalg.ts';
