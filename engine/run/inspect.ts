/**
 * A dry run (`lamina inspect`): what a spec would allocate and how long it would run, without building
 * it. Neurons and synapses, every GPU buffer against the adapter's limits, the host memory of the build
 * against the host's, dispatches per step and per chunk, the recording volume of the requested steps, and a wall-time
 * estimate from a calibration measured on this adapter (engine/run/calibration.ts): steps x (dispatches
 * per step x the cost of one dispatch + the larger of operations per step x the cost of one and bytes
 * moved per step / the copy bandwidth). The refusals are the ones createSimulation would throw.
 */
import { compileSpiking } from '../plan/compile-spiking.ts';
import { acquireGpu, isSoftwareAdapter, type DeviceOptions } from '../gpu/device.ts';
import type { FusedMode } from '../plan/spiking-path.ts';
import { isSpikingSpec } from '../spec/kind.ts';
import { validateSpec } from '../spec/validate-rate.ts';
import { hostMemory, type HostMemory } from '../util/host.ts';
import { plannedRows } from '../record/recorders.ts';
import { gpuResident, hostPeak, recordingBytes, refusals, type BufferNeed, type Footprint, type HostNeed, type Refusal } from './footprint.ts';
import { calibrateRun } from './calibration.ts';
import { rateFootprint } from './rate-footprint.ts';
import { rateFootprintOnPath } from './rate-fused.ts';
import { spikingFootprint } from './spiking-footprint.ts';

export interface InspectOptions extends DeviceOptions {
  /** Steps of the planned run (recording volume, wall time); default 1000. */
  steps?: number;
  batch?: number;
  chunkSteps?: number;
  maxInFlight?: number;
  /** Measure the adapter for a wall-time estimate (default true). */
  calibrate?: boolean;
  /** Mean firing rate assumed for spiking traffic and spike-table volume [Hz] (default 10). */
  assumedRateHz?: number;
  /** The fused-path option the run would use (default 'auto'). */
  fused?: FusedMode;
}

export interface Inspection {
  kind: 'rate' | 'spiking';
  steps: number;
  batch: number;
  chunkSteps: number;
  adapter: { description: string; software: boolean; maxStorageBufferBindingSize: number; maxBufferSize: number };
  populations: { name: string; size: number }[];
  neurons: number;
  projections: Footprint['projections'];
  synapses: number;
  gpu: { buffers: BufferNeed[]; resident: number; largest?: BufferNeed };
  host: { needs: HostNeed[]; peak: number; heap: number; memory?: HostMemory };
  dispatches: Footprint['dispatches'];
  dispatchesPerStep: number;
  /** Dispatches in a chunk of chunkSteps steps from step 0 (a recorder every k steps: floor(chunkSteps / k)). */
  dispatchesPerChunk: number;
  trafficPerStep: number;
  recording: {
    recorders: { name: string; rows: number; bytes: number }[];
    bytes: number;
    /** Spike tables: 12 bytes a spike; `bytes` at the assumed rate. */
    spikes: { recorders: string[]; bytesPerSpike: number; bytes: number; assumedRateHz: number };
  };
  time?: { seconds: number; perStepSeconds: number; basis: string };
  refusals: Refusal[];
  notes: string[];
}

/** The footprint of a spec of either kind (a SpecError for a spec that is not valid). */
export function footprintOf(spec: unknown, opts: InspectOptions & { bindingLimit: number; software?: boolean; maxWorkgroups?: number; workgroupBytes?: number }): Footprint {
  const chunkSteps = opts.chunkSteps;
  if (!isSpikingSpec(spec)) {
    const valid = validateSpec(spec);
    return rateFootprintOnPath(valid, rateFootprint(valid, { ...opts, chunkSteps }), opts);
  }
  const fp = spikingFootprint(spec, { ...opts, chunkSteps });
  if (fp) return fp;
  compileSpiking(spec, opts); // reports what is wrong with the spec
  throw new Error('inspect: the spiking spec compiles, but its footprint could not be worked out');
}

export async function inspect(spec: unknown, opts: InspectOptions = {}): Promise<Inspection> {
  const gpu = await acquireGpu(opts);
  const { limits } = gpu.device;
  const software = isSoftwareAdapter(gpu.info);
  const fp = footprintOf(spec, { ...opts, bindingLimit: limits.maxStorageBufferBindingSize, software, maxWorkgroups: limits.maxComputeWorkgroupsPerDimension, workgroupBytes: limits.maxComputeWorkgroupStorageSize });
  const steps = opts.steps ?? 1000;
  const dt = (spec as { dt: number }).dt;
  const memory = hostMemory();
  const recorders = recordingBytes(fp, steps);
  const rateHz = opts.assumedRateHz ?? 10;
  const spikeNeurons = fp.spikeRecorders.reduce((a, r) => a + r.neurons, 0);
  // Launches: the dispatches and the recorders' buffer copies (each as costly as a dispatch, for the estimate).
  const launchesPerStep = fp.dispatches.reduce((a, d) => a + d.perStep, 0);
  const kernels = fp.dispatches.filter((d) => !d.copy);
  const dispatchesPerStep = kernels.reduce((a, d) => a + d.perStep, 0);
  const dispatchesPerChunk = kernels.reduce((a, d) => a + plannedRows(Math.round(1 / d.perStep), 0, fp.chunkSteps), 0);
  let time: Inspection['time'];
  if (opts.calibrate !== false) {
    const c = await calibrateRun(gpu, fp.kind, { ...opts, gemmBatch: fp.gemmWorkPerStep > 0 ? fp.batch : undefined });
    // Launches, then the larger of the work at the calibrated rate and the bytes at the copy bandwidth.
    const perStepSeconds = launchesPerStep * c.dispatchSeconds + Math.max(fp.workPerStep * c.workSeconds + fp.gemmWorkPerStep * c.gemmSeconds, fp.trafficPerStep / c.bytesPerSecond);
    time = {
      seconds: steps * perStepSeconds, perStepSeconds,
      basis: `${c.basis}; this network: ${launchesPerStep.toFixed(2)} dispatches and copies, ${Math.round(fp.workPerStep)} operations${fp.gemmWorkPerStep ? ` and ${Math.round(fp.gemmWorkPerStep)} GEMM multiply-adds` : ''} and ${(fp.trafficPerStep / 2 ** 20).toFixed(2)} MiB per step (the plan's count); the build is not included`,
    };
  }
  const largest = fp.gpu.reduce<BufferNeed | undefined>((a, b) => (!a || b.bytes > a.bytes ? b : a), undefined);
  return {
    kind: fp.kind, steps, batch: fp.batch, chunkSteps: fp.chunkSteps,
    adapter: { description: gpu.info.description || gpu.info.device, software, maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize, maxBufferSize: limits.maxBufferSize },
    populations: fp.populations, neurons: fp.populations.reduce((a, p) => a + p.size * fp.batch, 0),
    projections: fp.projections, synapses: fp.projections.reduce((a, p) => a + p.synapses, 0),
    gpu: { buffers: fp.gpu, resident: gpuResident(fp), largest },
    host: { needs: fp.host, peak: hostPeak(fp, software), heap: fp.host.filter((h) => h.heap).reduce((a, h) => a + h.bytes, 0), memory },
    dispatches: fp.dispatches, dispatchesPerStep, dispatchesPerChunk, trafficPerStep: fp.trafficPerStep,
    recording: {
      recorders, bytes: recorders.reduce((a, r) => a + r.bytes, 0),
      spikes: { recorders: fp.spikeRecorders.map((r) => r.name), bytesPerSpike: 12, bytes: Math.round(spikeNeurons * rateHz * steps * dt * 1e-3) * 12, assumedRateHz: rateHz },
    },
    time, refusals: refusals(fp, limits, software, memory), notes: fp.notes,
  };
}
