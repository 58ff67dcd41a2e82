/**
 * The fused path of a spiking network: one spiking-fused dispatch per chunk (its slot fires at the
 * chunk's first step only), one workgroup per instance (engine/codegen/spiking-fused.ts). The spike
 * recorders, their bitsets and the readback are the multi-dispatch path's; the state recorders' rings
 * (record-gather's layout) and the rate recorders' counts (record-rate's) lie in one buffer; the state
 * recorders' units, the spike trains' events and the procedural projections' rows and info in one
 * read-only table, so the kernel stays within 16 storage bindings per stage (lavapipe's limit).
 */
import { SpecError } from '../errors.ts';
import { fusedWorkgroup, privateLayout, SPIKE_LANES, spikingFusedWgsl, type FusedRateRecord, type FusedSource, type FusedStateRecord } from '../codegen/spiking-fused.ts';
import { fusedBlockers } from '../plan/spiking-path.ts';
import type { ValidRecorders } from '../plan/spiking-recorders.ts';
import { proceduralTables, type SpikeRecordSlot } from '../codegen/spiking.ts';
import { isSoftwareAdapter } from '../gpu/device.ts';
import { SPIKING_GROUP0, SPIKING_GROUP1 } from '../gpu/layouts.ts';
import type { StepSlot } from './chunk-runner.ts';
import { spikingKernel, type SpikingChunk, type SpikingContext } from './spiking-kernels.ts';
import type { BuiltSynapses } from './synapse-build.ts';

/** Why the fused path cannot run this network on this adapter (engine/plan/spiking-path.ts: fusedBlockers). */
export function fusedRuntimeBlockers(ctx: SpikingContext, built: BuiltSynapses | undefined): string[] {
  // The fused kernel binds every storage buffer of a step at once (15 today); WebGPU guarantees only 8 per stage.
  const used = [...SPIKING_GROUP0, ...SPIKING_GROUP1['spiking-fused']].filter((b) => b.kind === 'storage' || b.kind === 'read-only-storage').length;
  const { limits } = ctx.gpu.device;
  return fusedBlockers({
    plastic: ctx.plan.plastic.length, storedParts: built?.parts.length ?? 0, batch: ctx.plan.batch,
    maxWorkgroups: limits.maxComputeWorkgroupsPerDimension, storage: { used, allowed: limits.maxStorageBuffersPerShaderStage },
  });
}

/**
 * The row recorders of the fused path: where each state recorder's units (in `tables`) and ring (in
 * `rings`) lie, and each rate recorder's counts (in `rings`).
 */
export interface FusedStates {
  records: FusedStateRecord[];
  rates: FusedRateRecord[];
  units: Uint32Array;
  rings: GPUBuffer;
}

/**
 * Lays out the state recorders' units and rings (ceil(chunkSteps / every) + 1 rows each, as
 * record-gather's), then the rate recorders' counts (chunkSteps rows each, as record-rate's).
 */
export function fusedStates(ctx: SpikingContext, records: ValidRecorders, chunkSteps: number): FusedStates {
  let units = 0, rings = 0;
  const out = records.state.map((r): FusedStateRecord => {
    const rec = { pop: ctx.plan.pops[r.pop], variable: r.variable, units: r.units.length, every: r.every, unitsBase: units, ringBase: rings };
    units += r.units.length;
    rings += (Math.ceil(chunkSteps / r.every) + 1) * ctx.plan.batch * r.units.length;
    return rec;
  });
  const rates = records.rates.map((r): FusedRateRecord => {
    const rec = { pop: r.pop, ringBase: rings };
    rings += chunkSteps * ctx.plan.batch;
    return rec;
  });
  ctx.check('record (state and rate recorders of one chunk)', rings * 4);
  const unitWords = new Uint32Array(units);
  records.state.forEach((r, k) => unitWords.set(r.units, out[k].unitsBase));
  return { records: out, rates, units: unitWords, rings: ctx.buf('spiking-fused:state rings', Math.max(rings, 1) * 4) };
}

/**
 * Invocations per workgroup of the fused kernel: `given` (the option fusedWorkgroup), checked, or the
 * adapter class's default (engine/codegen/spiking-fused.ts: fusedWorkgroup).
 */
export function fusedInvocations(given: number | undefined, ctx: SpikingContext): number {
  if (given === undefined) return fusedWorkgroup(isSoftwareAdapter(ctx.gpu.info));
  const { limits } = ctx.gpu.device;
  const max = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  // Whole groups of SPIKE_LANES: the kernel walks WG / SPIKE_LANES spikes' synapses at a time.
  if (!Number.isInteger(given) || given < SPIKE_LANES || given % SPIKE_LANES || given > max) {
    throw new SpecError('fusedWorkgroup', `expected a multiple of ${SPIKE_LANES} from ${SPIKE_LANES} to ${max} (this adapter's limit), got ${given}`);
  }
  return given;
}

/** The one slot of the fused path: its kernel with `workgroup` invocations per workgroup. */
export function fusedSlot(ctx: SpikingContext, built: BuiltSynapses | undefined, spikeBits: GPUBuffer, recs: SpikeRecordSlot[], states: FusedStates, workgroup: number): StepSlot<SpikingChunk> {
  const part = built?.parts[0];
  const none = part ? undefined : ctx.buf('spiking-fused:no synapses', new Uint32Array(4));
  const stored = part ? [part.rowPtr, part.target, part.wq, part.delayPop] : [none!, none!, none!, none!];
  const pres = part ? built!.pres : [];
  const tuning = { workgroup, privateState: isSoftwareAdapter(ctx.gpu.info) };
  const priv = privateLayout(ctx.plan, workgroup, tuning.privateState && !states.records.length) ? ', state in private memory' : '';
  const label = `spiking-fused (${ctx.plan.pops.map((p) => `"${p.name}"`).join(', ')}; ${ctx.plan.batch} workgroup${ctx.plan.batch > 1 ? 's' : ''} of ${workgroup}${priv})`;
  // The table: the state recorders' units, then the spike trains' step_ptr and neurons.
  let words = states.units.length;
  const sources = ctx.plan.sources.map((src): FusedSource => {
    const at = { src, ptrBase: words, neuronBase: words + src.stepPtr.length };
    words += src.stepPtr.length + src.neurons.length;
    return at;
  });
  // Then the procedural projections' rows and info (lib/procedural.wgsl).
  const proc = proceduralTables(ctx.plan);
  const at = { rows: words, info: words + proc.rows.length };
  words += proc.rows.length + proc.info.length;
  const tables = new Uint32Array(Math.max(words, 1));
  tables.set(states.units);
  for (const { src, ptrBase, neuronBase } of sources) { tables.set(src.stepPtr, ptrBase); tables.set(src.neurons, neuronBase); }
  tables.set(proc.rows, at.rows);
  tables.set(proc.info, at.info);
  ctx.check(`inputs (spike trains), record (state units)${ctx.plan.procedural.length ? ' and projections (procedural)' : ''}`, tables.byteLength);
  const kernel = spikingKernel(ctx, 'spiking-fused', label, spikingFusedWgsl(ctx.plan, recs, pres, ctx.detectFaults, states.records, sources, at, states.rates, tuning),
    [spikeBits, ...stored, ctx.buf('spiking-fused:tables', tables), states.rings], [ctx.plan.batch, 1, 1]);
  return { kernel, perChunk: true };
}
