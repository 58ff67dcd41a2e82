/**
 * Recorders: GPU ring buffers filled by record kernels inside the step loop and copied out once per
 * chunk into mappable staging buffers, read back asynchronously. Rows reach a RecordSink in order; host
 * memory holds at most a few chunks whatever the run length.
 */
import { assemble, type Constants } from '../codegen/assemble.ts';
import { SpecError } from '../errors.ts';
import { createBuffer, STORAGE } from '../gpu/resources.ts';
import type { NetworkPlan } from '../model/compile.ts';
import type { RecorderSpec } from '../model/spec.ts';
import { grid, pipeline, type Kernel, type KernelContext } from '../schedule/kernels.ts';

/** Most recorders one network may have (slots in the per-step uniform). */
export const MAX_RECORDERS = 60;

export interface RecorderInfo {
  name: string;
  population: string;
  what: 'rate' | 'state';
  reduce: 'none' | 'mean';
  every: number;
  /** Recorded unit indices (for 'mean': the units averaged). */
  units: Uint32Array;
  /** Values per instance in one row: units.length, or 1 for 'mean'. */
  width: number;
  batch: number;
}

export interface Recorder extends RecorderInfo {
  index: number;
  kernel: Kernel;
  ring: GPUBuffer;
  /** Rows the ring holds (one chunk's worth). */
  capacity: number;
}

/** Receives recorded rows: each row is batch x width float32 values, in step order. */
export interface RecordSink {
  begin?(rec: RecorderInfo, totalRows: number): void | Promise<void>;
  write(rec: RecorderInfo, rows: Float32Array, count: number): void | Promise<void>;
  end?(rec: RecorderInfo): void | Promise<void>;
}

/** Does recorder `every` fire after step n (0-based)? Rows are taken after steps every, 2*every, ... */
export function fires(every: number, n: number): boolean {
  return (n + 1) % every === 0;
}

export function buildRecorders(ctx: KernelContext, specs: RecorderSpec[], chunkSteps: number): Recorder[] {
  const { plan, device } = ctx;
  if (specs.length > MAX_RECORDERS) throw new SpecError('record', `at most ${MAX_RECORDERS} recorders, got ${specs.length}`);
  return specs.map((r, index) => {
    const pop = plan.pops.find((p) => p.name === r.population)!;
    const units = r.units ? Uint32Array.from(r.units) : Uint32Array.from({ length: pop.size }, (_, i) => i);
    const reduce = r.reduce ?? 'none';
    const every = r.every ?? 1;
    const width = reduce === 'mean' ? 1 : units.length;
    const capacity = Math.ceil(chunkSteps / every) + 1;
    const ringBytes = capacity * plan.batch * width * 4;
    if (ringBytes > device.limits.maxStorageBufferBindingSize) {
      throw new SpecError(`record[${index}]`, `one chunk of recordings needs ${(ringBytes / 2 ** 20).toFixed(1)} MiB on the GPU, over the adapter's per-binding limit; record fewer units or less often`);
    }
    const label = `recorder "${r.name}"`;
    const unitsBuf = createBuffer(device, `${label}:units`, units.byteLength, STORAGE, units);
    const ring = createBuffer(device, `${label}:ring`, ringBytes, STORAGE);
    ctx.buffers.push(unitsBuf, ring);
    const name = reduce === 'mean' ? 'record-mean' : 'record-gather';
    const consts: Constants = { UNIT_N: pop.size, UNIT_BASE: pop.base, BATCH: plan.batch, M: units.length, REC: index, RECORD_STATE: r.what === 'state' };
    const kernel: Kernel = {
      label: `${name} ${label}`, name,
      pipeline: pipeline(ctx, name, `${name} ${label}`, assemble(name, consts)),
      group1: device.createBindGroup({
        label, layout: ctx.layouts.group1.get(name)!,
        entries: [{ binding: 0, resource: { buffer: unitsBuf } }, { binding: 1, resource: { buffer: ring } }],
      }),
      workgroups: reduce === 'mean' ? [plan.batch, 1, 1] : grid(Math.ceil((units.length * plan.batch) / 64), device),
    };
    return { name: r.name, population: r.population, what: r.what ?? 'rate', reduce, every, units, width, batch: plan.batch, index, kernel, ring, capacity };
  });
}

/** Collects every recording in host memory (for tests and small runs). */
export class MemorySink implements RecordSink {
  readonly data = new Map<string, { rows: number; width: number; batch: number; values: Float32Array }>();
  begin(rec: RecorderInfo, totalRows: number): void {
    this.data.set(rec.name, { rows: 0, width: rec.width, batch: rec.batch, values: new Float32Array(totalRows * rec.batch * rec.width) });
  }
  write(rec: RecorderInfo, rows: Float32Array, count: number): void {
    const d = this.data.get(rec.name)!;
    const rowLen = rec.batch * rec.width;
    d.values.set(rows.subarray(0, count * rowLen), d.rows * rowLen);
    d.rows += count;
  }
  /** Value of recorder `name` at row t, instance b, column m. */
  at(name: string, t: number, b: number, m: number): number {
    const d = this.data.get(name)!;
    return d.values[(t * d.batch + b) * d.width + m];
  }
}

export function plannedRows(every: number, fromStep: number, steps: number): number {
  return Math.floor((fromStep + steps) / every) - Math.floor(fromStep / every);
}

export type { NetworkPlan };
