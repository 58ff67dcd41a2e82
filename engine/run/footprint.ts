/**
 * What a simulation will allocate, listed before anything is: every GPU buffer (its label as created,
 * size and usage) and the host arrays of its plan and build, each tied to the spec field it comes from.
 * engine/run/rate-footprint.ts and spiking-footprint.ts make the list from a spec (sizes only, nothing
 * materialized); checkFootprint() refuses a spec that cannot fit with a SpecError naming the structure,
 * its size and the limit; `lamina inspect` prints the same list. test/gpu/footprint.test.ts compares it
 * with the buffers the simulations actually create, so the two cannot drift apart.
 */
import { SpecError } from '../errors.ts';
import { formatBytes } from '../util/bytes.ts';
import type { HostMemory } from '../util/host.ts';

export { formatBytes };

/** Bytes of a GPU buffer made by createBuffer (engine/gpu/resources.ts): at least 16, a multiple of 4. */
export const padded = (bytes: number): number => Math.max(16, Math.ceil(bytes / 4) * 4);

/** Elements one JavaScript typed array may hold (V8's limit, Node and Chrome). */
export const MAX_TYPED_ARRAY = 2 ** 32;

export interface BufferNeed {
  /** The spec field it comes from (a refusal names it). */
  field: string;
  /** The buffer's label, as createBuffer is given it. */
  label: string;
  bytes: number;
  /** storage: bound whole to one storage binding; uniform; staging: mapped for readback. */
  usage: 'storage' | 'uniform' | 'staging';
  /** Released once the network is built (synapse-build inputs and the like). */
  transient?: boolean;
  /** The size depends on random draws (fixed-probability connectivity, row lengths): an expected value. */
  estimate?: boolean;
}

export interface HostNeed {
  field: string;
  label: string;
  bytes: number;
  /** Elements, when the need is one typed array (checked against MAX_TYPED_ARRAY). */
  elements?: number;
  /** Held in plain JavaScript arrays, so in V8's heap (bounded by --max-old-space-size). */
  heap?: boolean;
  /** Only while the network is built (upload copies, build scratch). */
  transient?: boolean;
  estimate?: boolean;
}

export interface Footprint {
  kind: 'rate' | 'spiking';
  batch: number;
  chunkSteps: number;
  populations: { name: string; size: number }[];
  projections: { name: string; synapses: number; stored: string; estimate?: boolean }[];
  gpu: BufferNeed[];
  host: HostNeed[];
  /** Every dispatch of a step, with the fraction of steps it runs in. */
  dispatches: { label: string; perStep: number; copy?: boolean }[];
  /** Bytes the step's kernels read and write (a model of the traffic, for the wall-time estimate). */
  trafficPerStep: number;
  /** Operations per step: unit updates plus synaptic multiply-adds (rate) or synaptic events (spiking). */
  workPerStep: number;
  /** Multiply-adds of the GEMM (dense projections at batch > 8), instances padded to its instance tile: a faster kernel per operation. */
  gemmWorkPerStep: number;
  /** Row recorders: bytes per row and a row every `every` steps (what a sink receives). */
  recorders: { name: string; what: string; bytesPerRow: number; every: number }[];
  /** Spike recorders: neurons x batch they cover (12 bytes per recorded spike in a .npy table). */
  spikeRecorders: { name: string; neurons: number }[];
  /** What the numbers assume. */
  notes: string[];
}

/** The adapter's limits a footprint is checked against (GPUSupportedLimits has them). */
export interface AdapterLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

const sum = (xs: { bytes: number }[]) => xs.reduce((a, x) => a + x.bytes, 0);

/** GPU bytes held while the simulation lives (transient build buffers and staging excluded). */
export function gpuResident(fp: Footprint): number {
  return sum(fp.gpu.filter((b) => !b.transient && b.usage !== 'staging'));
}

/**
 * Host bytes at the peak of the build: every host need, plus, on a CPU adapter (lavapipe), the GPU
 * buffers, which live in host memory there.
 */
export function hostPeak(fp: Footprint, software: boolean): number {
  return sum(fp.host.filter((h) => !h.heap)) + (software ? sum(fp.gpu) : 0);
}

/** Bytes recorded by `steps` steps from step 0 through the row recorders (exact; spikes are not counted). */
export function recordingBytes(fp: Footprint, steps: number): { name: string; rows: number; bytes: number }[] {
  return fp.recorders.map((r) => {
    const rows = Math.floor(steps / r.every);
    return { name: r.name, rows, bytes: rows * r.bytesPerRow };
  });
}

export interface Refusal {
  field: string;
  message: string;
}

/**
 * Every limit the footprint breaks: one GPU buffer over the per-binding or per-buffer limit, the
 * host's memory (the peak of the build; with a CPU adapter, GPU buffers included), the JavaScript heap,
 * one host array over the typed-array limit. `host` undefined: no host memory limit is known (a
 * browser), only the others are checked.
 */
export function refusals(fp: Footprint, limits: AdapterLimits, software: boolean, host: HostMemory | undefined): Refusal[] {
  const out: Refusal[] = [];
  const binding = limits.maxStorageBufferBindingSize;
  const about = (x: { estimate?: boolean }) => (x.estimate ? 'about ' : '');
  for (const b of fp.gpu) {
    if (b.usage === 'storage' && b.bytes > binding) {
      out.push({ field: b.field, message: `${b.label} needs ${about(b)}${formatBytes(b.bytes)} (${b.bytes} bytes) in one storage buffer; the adapter allows ${formatBytes(binding)} per storage binding (maxStorageBufferBindingSize)` });
    } else if (b.bytes > limits.maxBufferSize) {
      out.push({ field: b.field, message: `${b.label} needs ${about(b)}${formatBytes(b.bytes)} (${b.bytes} bytes) in one buffer; the adapter allows ${formatBytes(limits.maxBufferSize)} per buffer (maxBufferSize)` });
    }
  }
  if (host) hostRefusals(fp, software, host, out);
  for (const h of fp.host) {
    if (h.elements !== undefined && h.elements > MAX_TYPED_ARRAY) {
      out.push({ field: h.field, message: `${h.label} holds ${about(h)}${h.elements} values (${formatBytes(h.bytes)}) in one host array; a JavaScript typed array holds at most 2^32` });
    }
  }
  return out;
}

function hostRefusals(fp: Footprint, software: boolean, host: HostMemory, out: Refusal[]): void {
  const peak = hostPeak(fp, software);
  if (peak > host.available) {
    // The structure (spec field) that takes the most, and its largest part.
    const parts = [...fp.host.filter((h) => !h.heap), ...(software ? fp.gpu : [])];
    const byField = new Map<string, number>();
    for (const h of parts) byField.set(h.field, (byField.get(h.field) ?? 0) + h.bytes);
    const [field, bytes] = [...byField].reduce((a, f) => (f[1] > a[1] ? f : a));
    const top = parts.filter((h) => h.field === field).reduce((a, h) => (h.bytes > a.bytes ? h : a));
    const gpuNote = software ? ' (the adapter is a CPU: its buffers are host memory too)' : '';
    out.push({ field, message: `the network needs about ${formatBytes(peak)} of host memory to build${gpuNote}, ${formatBytes(bytes)} of it for this structure (largest part: ${top.label}, ${formatBytes(top.bytes)}); ${formatBytes(host.available)} is available (${host.source}, of ${formatBytes(host.total)})` });
  }
  const heap = fp.host.filter((h) => h.heap);
  if (heap.length && sum(heap) > host.heapAvailable) {
    const top = heap.reduce((a, h) => (h.bytes > a.bytes ? h : a));
    out.push({ field: top.field, message: `${top.label} need${top.estimate ? ' about' : ''} ${formatBytes(top.bytes)} of JavaScript heap while the network is built (${formatBytes(sum(heap))} in all); the heap may grow by ${formatBytes(host.heapAvailable)} (V8's limit; node --max-old-space-size=MiB raises it)` });
  }
}

/** Throws a SpecError for the first limit the footprint breaks (see refusals). */
export function checkFootprint(fp: Footprint, limits: AdapterLimits, software: boolean, host: HostMemory | undefined): void {
  const [first] = refusals(fp, limits, software, host);
  if (first) throw new SpecError(first.field, first.message);
}
