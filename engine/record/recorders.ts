/**
 * What recorders record and where their rows go, for the GPU runtime and the CPU twins alike: the
 * RecorderInfo of each recorder, the RecordSink interface (rows in step order, host memory bounded),
 * and the rule of which steps take a row. The GPU side (ring buffers, record kernels) is in engine/run.
 */
import { SpecError } from '../errors.ts';
import type { NetworkPlan } from '../plan/rate.ts';
import { GATES, type RecorderSpec } from '../spec/rate.ts';
import { formatBytes } from '../util/bytes.ts';
import { hostMemory } from '../util/host.ts';


export interface RecorderInfo {
  name: string;
  /** The recorded population; for 'weights' the projection, for 'modulator' the modulator. */
  population: string;
  what: 'rate' | 'state' | 'gate' | 'weights' | 'modulator';
  /** For 'gate': the gate's index in its population's gates (engine/spec/rate.ts: GATES). */
  gate?: number;
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

/** Receives recorded rows: each row is batch x width float32 values, in step order. */
export interface RecordSink {
  /**
   * Before any row of a run: every recorder and the rows it will deliver. A sink that cannot hold them
   * (memory, disk) throws a SpecError naming the volume and the limit; nothing has been written then.
   */
  prepare?(planned: { rec: RecorderInfo; rows: number }[]): void | Promise<void>;
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
    const gate = r.gate !== undefined && pop.gated ? { gate: GATES[pop.gated.kind].indexOf(r.gate) } : {};
    return { name: r.name, population: r.population, what: r.what ?? 'rate', ...gate, reduce, every, units, width: reduce === 'mean' ? 1 : units.length, batch: plan.batch };
  });
}

/** Bytes of a run's recordings (float32 rows), in all and per recorder, for messages. */
export function recordingVolume(planned: { rec: RecorderInfo; rows: number }[]): { bytes: number; detail: string } {
  const each = planned.map(({ rec, rows }) => ({ name: rec.name, rows, values: rows * rec.batch * rec.width }));
  const top = [...each].sort((a, b) => b.values - a.values).slice(0, 3);
  return {
    bytes: each.reduce((a, e) => a + e.values * 4, 0),
    detail: top.map((e) => `"${e.name}" ${e.rows} rows, ${formatBytes(e.values * 4)}`).join('; ') + (each.length > 3 ? '; ...' : ''),
  };
}

/** Collects every recording in host memory (for tests and small runs). */
export class MemorySink implements RecordSink {
  readonly data = new Map<string, { rows: number; width: number; batch: number; values: Float32Array }>();
  /** Refuses recordings larger than the host's available memory or than one typed array (2^32 values). */
  prepare(planned: { rec: RecorderInfo; rows: number }[]): void {
    const { bytes, detail } = recordingVolume(planned);
    const host = hostMemory();
    if (host && bytes > host.available) {
      throw new SpecError('record', `a MemorySink would hold ${formatBytes(bytes)} of recordings (${detail}); the host has ${formatBytes(host.available)} available (${host.source}): record fewer units, less often, or stream to files`);
    }
    for (const { rec, rows } of planned) {
      if (rows * rec.batch * rec.width > 2 ** 32) throw new SpecError('record', `recorder "${rec.name}": ${rows} rows x ${rec.batch * rec.width} values do not fit one typed array (2^32 values) of a MemorySink`);
    }
  }
  /** A second run of the same simulation appends its rows to the first's. */
  begin(rec: RecorderInfo, totalRows: number): void {
    const d = this.data.get(rec.name);
    const rowLen = rec.batch * rec.width;
    const values = new Float32Array(((d?.rows ?? 0) + totalRows) * rowLen);
    if (d) values.set(d.values.subarray(0, d.rows * rowLen));
    this.data.set(rec.name, { rows: d?.rows ?? 0, width: rec.width, batch: rec.batch, values });
  }
  write(rec: RecorderInfo, rows: Float32Array, count: number): void {
    const d = this.data.get(rec.name)!;
    const rowLen = rec.batch * rec.width;
    d.values.set(rows.subarray(0, count * rowLen), d.rows * rowLen);
    d.rows += count;
  }
  /** Drops rows planned but never written (an interrupted run): `values` then holds exactly `rows` rows. */
  end(rec: RecorderInfo): void {
    const d = this.data.get(rec.name)!;
    const len = d.rows * rec.batch * rec.width;
    if (d.values.length > len) d.values = d.values.slice(0, len);
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


/** Forwards rows to several sinks (e.g. a file and an in-memory analysis). */
export class TeeSink implements RecordSink {
  constructor(private readonly sinks: RecordSink[]) {}
  async prepare(planned: { rec: RecorderInfo; rows: number }[]) { for (const s of this.sinks) await s.prepare?.(planned); }
  async begin(rec: RecorderInfo, rows: number) { for (const s of this.sinks) await s.begin?.(rec, rows); }
  async write(rec: RecorderInfo, rows: Float32Array, count: number) { for (const s of this.sinks) await s.write(rec, rows, count); }
  async end(rec: RecorderInfo) { for (const s of this.sinks) await s.end?.(rec); }
}
