/**
 * Recorders: GPU ring buffers filled by record kernels inside the step loop and copied out once per
 * chunk into mappable staging buffers, read back asynchronously. Rows reach a RecordSink in order; host
 * memory holds at most a few chunks whatever the run length.
 */
import { assemble, type Constants } from '../codegen/rate.ts';
import { SpecError } from '../errors.ts';
import type { KernelName } from '../gpu/layouts.ts';
import { createBuffer, STORAGE } from '../gpu/resources.ts';
import type { NetworkPlan } from '../plan/rate.ts';
import type { RecorderSpec } from '../spec/rate.ts';
import { grid, pipeline, type Kernel, type KernelContext } from '../run/rate-kernels.ts';

/** Most recorders one network may have (slots in the per-step uniform). */
export const MAX_RECORDERS = 60;

export interface RecorderInfo {
  name: string;
  /** The recorded population; for 'weights' the projection, for 'modulator' the modulator. */
  population: string;
  what: 'rate' | 'state' | 'weights' | 'modulator';
  reduce: 'none' | 'mean';
  every: number;
  /** Recorded unit indices (for 'mean': the units averaged). */
  units: Uint32Array;
  /** Values per instance in one row: units.length, or 1 for 'mean'. */
  width: number;
  batch: number;
  /** Shape of one instance's values in a row, when not [width]: [post, pre] for 'weights', [] for 'modulator'. */
  shape?: number[];
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

/** What each recorder of the spec records, as the GPU runtime and the CPU twin both deliver it. */
export function recorderInfos(plan: NetworkPlan, specs: RecorderSpec[]): RecorderInfo[] {
  return specs.map((r) => {
    const every = r.every ?? 1;
    const none = new Uint32Array(0);
    if ('projection' in r) {
      const proj = plan.projections.find((p) => p.name === r.projection)!;
      const width = proj.post.size * proj.pre.size;
      return { name: r.name, population: r.projection, what: 'weights', reduce: 'none', every, units: none, width, batch: plan.batch, shape: [proj.post.size, proj.pre.size] };
    }
    if ('modulator' in r) {
      return { name: r.name, population: r.modulator, what: 'modulator', reduce: 'none', every, units: none, width: 1, batch: plan.batch, shape: [] };
    }
    const pop = plan.pops.find((p) => p.name === r.population)!;
    const units = r.units ? Uint32Array.from(r.units) : Uint32Array.from({ length: pop.size }, (_, i) => i);
    const reduce = r.reduce ?? 'none';
    return { name: r.name, population: r.population, what: r.what ?? 'rate', reduce, every, units, width: reduce === 'mean' ? 1 : units.length, batch: plan.batch };
  });
}

function recordKernel(ctx: KernelContext, info: RecorderInfo, index: number, label: string, ring: GPUBuffer): Kernel {
  const { plan, device } = ctx;
  const group1 = (name: KernelName, buffers: GPUBuffer[]) => device.createBindGroup({
    label, layout: ctx.layouts.group1.get(name)!, entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const make = (name: KernelName, consts: Constants, buffers: GPUBuffer[], workgroups: [number, number, number]): Kernel => ({
    label: `${name} ${label}`, name, pipeline: pipeline(ctx, name, `${name} ${label}`, assemble(name, consts)), group1: group1(name, buffers), workgroups,
  });
  if (info.what === 'weights') {
    const total = plan.batch * info.width;
    return make('record-weights', { TOTAL: total, REC: index }, [ctx.plastic.get(info.population)!.weights, ring], grid(Math.ceil(total / 64), device));
  }
  if (info.what === 'modulator') {
    const mod = plan.modulators.find((m) => m.name === info.population)!;
    return make('record-modulator', { BATCH: plan.batch, MOD_K: plan.modK, MOD: mod.index, REC: index }, [ring], [Math.ceil(plan.batch / 64), 1, 1]);
  }
  const pop = plan.pops.find((p) => p.name === info.population)!;
  const unitsBuf = createBuffer(device, `${label}:units`, info.units.byteLength, STORAGE, info.units);
  ctx.buffers.push(unitsBuf);
  const name = info.reduce === 'mean' ? 'record-mean' : 'record-gather';
  const consts: Constants = { UNIT_N: pop.size, UNIT_BASE: pop.base, BATCH: plan.batch, M: info.units.length, REC: index, RECORD_STATE: info.what === 'state' };
  return make(name, consts, [unitsBuf, ring], info.reduce === 'mean' ? [plan.batch, 1, 1] : grid(Math.ceil((info.units.length * plan.batch) / 64), device));
}

/** Recorders with their ring buffers and kernels (after the step kernels: weights recorders need their buffers). */
export function buildRecorders(ctx: KernelContext, specs: RecorderSpec[], chunkSteps: number): Recorder[] {
  const { plan, device } = ctx;
  if (specs.length > MAX_RECORDERS) throw new SpecError('record', `at most ${MAX_RECORDERS} recorders, got ${specs.length}`);
  return recorderInfos(plan, specs).map((info, index) => {
    const capacity = Math.ceil(chunkSteps / info.every) + 1;
    const ringBytes = capacity * plan.batch * info.width * 4;
    if (ringBytes > Math.min(device.limits.maxStorageBufferBindingSize, ctx.maxBindingBytes ?? Infinity)) {
      throw new SpecError(`record[${index}]`, `one chunk of recordings (${capacity} rows) needs ${(ringBytes / 2 ** 20).toFixed(1)} MiB on the GPU, over the adapter's per-binding limit; record ${info.what === 'weights' ? 'less often (every), or use a smaller chunkSteps' : 'fewer units or less often'}`);
    }
    const label = `recorder "${info.name}"`;
    const ring = createBuffer(device, `${label}:ring`, ringBytes, STORAGE);
    ctx.buffers.push(ring);
    return { ...info, index, kernel: recordKernel(ctx, info, index, label, ring), ring, capacity };
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

/** Forwards rows to several sinks (e.g. a file and an in-memory analysis). */
export class TeeSink implements RecordSink {
  constructor(private readonly sinks: RecordSink[]) {}
  async begin(rec: RecorderInfo, rows: number) { for (const s of this.sinks) await s.begin?.(rec, rows); }
  async write(rec: RecorderInfo, rows: Float32Array, count: number) { for (const s of this.sinks) await s.write(rec, rows, count); }
  async end(rec: RecorderInfo) { for (const s of this.sinks) await s.end?.(rec); }
}
