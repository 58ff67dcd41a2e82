/**
 * Which path runs a spiking network's steps: the multi-dispatch path (one dispatch per kernel per step:
 * neuron-update per model, synapse-spike, ...) or the fused path (one dispatch per chunk, one workgroup
 * per instance looping over the chunk's steps: shaders/spiking-fused.wgsl). The option `fused` forces
 * it ('on': a feature the fused kernel does not cover is a SpecError naming it; 'off') or lets the rule
 * below choose ('auto', the default).
 */
import { SpecError } from '../errors.ts';

export type FusedMode = 'auto' | 'on' | 'off';

/** The chosen path and why, as the simulation reports it (meta.json: path). */
export interface SpikingPath {
  kind: 'fused' | 'multi-dispatch';
  reason: string;
}

/**
 * Largest number of neurons per instance (all populations) that 'auto' runs fused.
 * - CPU adapters: 32,000, the largest size measured (bench/fused-bench.ts on lavapipe, 2 cores, the COBA
 *   network at in-degree 80, interleaved rounds): at one instance the fused path was faster at every
 *   size from 500 to 32,000 neurons (time ratio 0.46-0.76), at 4 instances as fast (500, 1,000) or
 *   faster (2,000 and up). Larger instances were not measured, so they keep the multi-dispatch path.
 *   Procedural projections (COBA with every projection procedural, bench/fused-bench.ts coba-procedural,
 *   one instance) were measured only on a loaded machine (load average 10 on 2 cores): the fused time
 *   ratio was 0.77-2.63 (medians of 6 runs of 5-9 interleaved rounds; their median 1.84), against
 *   1.11-3.32 for the stored COBA network in 5 of those runs; one workgroup regenerates all of an instance's synapses on one lavapipe
 *   thread where synapse-procedural spreads the spikes over 4 workgroups. To re-measure on a quiet machine.
 * - GPUs: 4,096, a placeholder, not measured (no GPU measurement yet): one workgroup steps all neurons
 *   of its instance, so a large instance runs on one compute unit where the multi-dispatch path spreads
 *   it over all of them, while a small one saves a few dispatches per step.
 */
export const FUSED_MAX_NEURONS = { software: 32000, gpu: 4096 } as const;

/**
 * What decides whether the fused kernel covers a network: counted from the plan and the adapter by the
 * simulation (engine/run/spiking-fused.ts: fusedRuntimeBlockers), from the spec by inspect's footprint
 * (engine/run/spiking-footprint.ts), so both list the same blockers.
 */
export interface FusedNeeds {
  /** Plastic projections (with them come their weight recorders and the modulators their rules read). */
  plastic: number;
  /** Parts of the stored synapses (each part's arrays fit one storage binding; the kernel binds one). */
  storedParts: number;
  batch: number;
  /** The adapter's maxComputeWorkgroupsPerDimension (one workgroup per instance). */
  maxWorkgroups: number;
  /** Storage buffers the fused kernel binds, and the adapter's maxStorageBuffersPerShaderStage (unknown to inspect). */
  storage?: { used: number; allowed: number };
}

/**
 * Why the fused kernel cannot run the network (empty: it covers it). It covers stored, procedural and
 * host-built connectivity, delays, Poisson, DC and spike-train inputs, spike, state and rate recorders,
 * and modulators and their recorders (computed on the host; without plastic projections nothing on the
 * GPU reads them).
 * Plastic projections are not covered. Their passes would fit the fused kernel's phase structure (one
 * more phase per pass kind after the delivery, each closed by a storage and workgroup barrier: traces,
 * presynaptic, postsynaptic, eligibility per modulator; each synapse of an instance is touched by its own
 * workgroup only), but not its bindings: the kernel binds 15 storage buffers (group 0: 8; group 1:
 * spike_bits, the 4 stored-synapse arrays, tables, rec_rings) of the 16 per stage that lavapipe allows
 * (WebGPU guarantees 8), and a group of plastic projections binds 11 more (weights and eligibilities,
 * traces, eligibility steps, constants, row_ptr, post_idx, delay, col_ptr, col_syn, pre_idx, and the
 * modulator table): 26. Fitting 16 would take the 6 index arrays, the constants and the per-chunk modulator
 * table in `tables`, and the 3 read-write arrays packed into one buffer with spike_bits or rec_rings
 * (bit casts in every plastic pass, which multi-dispatch shares), and all plastic projections in one group
 * of one binding's size.
 */
export function fusedBlockers(n: FusedNeeds): string[] {
  const out: string[] = [];
  if (n.plastic) out.push('plastic projections');
  if (n.storedParts > 1) out.push(`stored synapses in ${n.storedParts} parts (one storage binding each)`);
  if (n.storage && n.storage.used > n.storage.allowed) out.push(`${n.storage.used} storage buffers in one kernel (the adapter allows ${n.storage.allowed} per shader stage)`);
  if (n.batch > n.maxWorkgroups) out.push(`a batch of ${n.batch} (more than ${n.maxWorkgroups} workgroups)`);
  return out;
}

/**
 * The path for `mode`, given what the fused kernel does not cover (`blockers`, including the runtime's:
 * synapse parts, workgroup limits) and the adapter's class.
 */
export function chooseSpikingPath(mode: FusedMode | undefined, perInstance: number, blockers: string[], software: boolean): SpikingPath {
  return choosePath(mode, blockers, software, { size: perInstance, unit: 'neurons', max: FUSED_MAX_NEURONS });
}

/**
 * The path for `mode` (both network kinds): 'on' refuses with the blockers, 'off' is multi-dispatch,
 * 'auto' runs fused when nothing blocks it and `size.size` (per instance) is at most the adapter class's
 * limit (`size.max`).
 */
export function choosePath(mode: FusedMode | undefined, blockers: string[], software: boolean,
  size: { size: number; unit: string; max: { software: number; gpu: number } }): SpikingPath {
  const m = mode ?? 'auto';
  if (m !== 'auto' && m !== 'on' && m !== 'off') throw new SpecError('fused', `expected 'auto', 'on' or 'off', got ${JSON.stringify(mode)}`);
  const uncovered = `the fused path does not cover ${blockers.join(', ')}`;
  if (m === 'on') {
    if (blockers.length) throw new SpecError('fused', `'on', but ${uncovered}`);
    return { kind: 'fused', reason: "option fused: 'on'" };
  }
  if (m === 'off') return { kind: 'multi-dispatch', reason: "option fused: 'off'" };
  if (blockers.length) return { kind: 'multi-dispatch', reason: uncovered };
  const max = software ? size.max.software : size.max.gpu;
  const rule = `${size.size} ${size.unit} per instance ${size.size <= max ? '<=' : '>'} ${max} (${software ? 'CPU adapter, measured limit' : 'GPU, unmeasured placeholder'})`;
  return { kind: size.size <= max ? 'fused' : 'multi-dispatch', reason: `auto: ${rule}` };
}
