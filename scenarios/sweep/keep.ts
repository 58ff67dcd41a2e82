/**
 * Per-point recordings of a sweep (the sweep file's `keep`): the chosen points' recorders streamed to
 * DIR/points/<point_id>/r<repeat>/ as `lamina run` writes them for a batch of one (NAME.npy: state rows
 * (rows, 1, ...) float32, spikes (step, 0, neuron) int32), with spec.json (that run alone: `lamina run
 * spec.json` reproduces it) and point.json (index, id, repeat, seed, parameters). A batch's kept
 * directories are emptied before it runs, so the files of an interrupted batch are replaced when a resumed
 * sweep runs it again; finished points' batches are skipped and keep theirs.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpecError } from '../../engine/errors.ts';
import { GrowingNpy, NpyRowsWriter, NpySink } from '../../engine/node/npy-files.ts';
import type { RecordSink, RecorderInfo } from '../../engine/record/recorders.ts';
import type { SpikeHandler } from '../../engine/simulation.ts';
import { batchSpec, checkSpec, type SweepBase } from './base.ts';
import type { Keep } from './format.ts';
import type { PointRun } from './points.ts';

/** The directory of one kept run. */
export function keptDir(out: string, run: PointRun): string {
  return join(out, 'points', run.point.id, `r${run.repeat}`);
}

/**
 * Checks the keep section against the sweep: point indices in range; recorders the engine accepts (errors
 * name keep.*), named for a sweep of recording metrics, none for a sweep of summary fields.
 */
export function checkKeep(keep: Keep, base: SweepBase, runs: PointRun[], summary: boolean): void {
  const points = runs.reduce((n, r) => Math.max(n, r.point.index + 1), 0);
  if (keep.points !== 'all') {
    keep.points.forEach((p, k) => {
      if (p >= points) throw new SpecError(`keep.points[${k}]`, `no point ${p}: the sweep has ${points} points (0..${points - 1})`);
    });
  }
  if (summary) {
    if (keep.record) throw new SpecError('keep.record', "a sweep of summary fields keeps each kept point's whole `lamina run` directory (the scenario's own recorders): leave record out");
    return;
  }
  if (!keep.record) throw new SpecError('keep.record', 'name the recorders to keep, e.g. [{ "name": "spikes_E", "population": "E", "what": "spikes" }]');
  try {
    checkSpec(base.kind, batchSpec(base, runs.slice(0, 1), keep.record));
  } catch (e) {
    if (e instanceof SpecError && e.field.startsWith('record[')) throw new SpecError(`keep.${e.field}`, e.message);
    throw e;
  }
}

/** Is this run one of the kept ones? */
export function isKept(keep: Keep | undefined, run: PointRun): boolean {
  return keep !== undefined && (keep.points === 'all' || keep.points.includes(run.point.index));
}

/** The kept instances of one batch: a RecordSink and a spike handler that write only theirs, each to its directory. */
export class KeptRecordings {
  private readonly record: Record<string, unknown>[];
  private readonly kept: { b: number; dir: string }[];
  private readonly files = new Map<string, GrowingNpy[]>();
  private readonly spikeFiles = new Map<string, NpyRowsWriter[]>();
  /** A population has one spike recorder: a kept one whose population the metrics record reads theirs (metric recorder -> kept name). */
  readonly alias = new Map<string, string>();
  /** The recorders the batch adds for the kept points. */
  readonly recorders: Record<string, unknown>[];

  constructor(out: string, keep: Keep, base: SweepBase, runs: PointRun[], metricRecorders: Record<string, unknown>[]) {
    this.record = keep.record ?? [];
    this.recorders = this.record.filter((r) => {
      const shared = r.what === 'spikes' ? metricRecorders.find((m) => m.what === 'spikes' && m.population === r.population) : undefined;
      if (shared) this.alias.set(shared.name as string, r.name as string);
      return !shared;
    });
    this.kept = runs.flatMap((run, b) => (isKept(keep, run) ? [{ b, dir: keptDir(out, run) }] : []));
    runs.forEach((run, b) => {
      if (!isKept(keep, run)) return;
      const dir = keptDir(out, run);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const spec = batchSpec(base, [run], this.record);
      writeFileSync(join(dir, 'spec.json'), `${JSON.stringify({ ...spec, steps: base.steps }, null, 1)}\n`);
      writeFileSync(join(dir, 'point.json'), `${JSON.stringify({ point: run.point.index, point_id: run.point.id, repeat: run.repeat, seed: run.seed, batch_instance: b, params: run.point.params }, null, 1)}\n`);
    });
    for (const r of this.record) {
      if (r.what === 'spikes') this.spikeFiles.set(r.name as string, this.kept.map((k) => new NpyRowsWriter(join(k.dir, `${r.name}.npy`), 3)));
    }
  }

  readonly sink: RecordSink = {
    // The disk check of `lamina run`, for the kept instances' share of the rows.
    prepare: (planned) => new NpySink(join(this.kept[0].dir, '..')).prepare(planned.map(({ rec, rows }) => ({ rec: { ...rec, batch: this.kept.length }, rows }))),
    begin: (rec) => {
      this.files.set(rec.name, this.kept.map((k) => new GrowingNpy(join(k.dir, `${rec.name}.npy`), '<f4', [1, ...(rec.shape ?? [rec.width])])));
    },
    write: (rec, rows, count) => {
      const files = this.files.get(rec.name)!;
      this.kept.forEach(({ b }, k) => {
        const mine = new Float32Array(count * rec.width);
        for (let r = 0; r < count; r++) mine.set(rows.subarray((r * rec.batch + b) * rec.width, (r * rec.batch + b + 1) * rec.width), r * rec.width);
        files[k].append(new Uint8Array(mine.buffer));
      });
    },
    end: (rec: RecorderInfo) => {
      for (const f of this.files.get(rec.name) ?? []) f.close();
      this.files.delete(rec.name);
    },
  };

  readonly onSpikes: SpikeHandler = (recorder, steps, instances, neurons) => {
    const files = this.spikeFiles.get(recorder);
    if (!files) return;
    this.kept.forEach(({ b }, k) => {
      const rows: number[] = [];
      for (let s = 0; s < steps.length; s++) if (instances[s] === b) rows.push(steps[s], 0, neurons[s]);
      if (rows.length) files[k].append(Int32Array.from(rows));
    });
  };

  close(): void {
    for (const files of this.spikeFiles.values()) for (const f of files) f.close();
    for (const files of this.files.values()) for (const f of files) f.close();
  }
}

/** Sends each recorder's rows and spikes to the metrics (names sweep_*) or to the kept recordings. */
export function routeOutputs(metrics: { sink: RecordSink; onSpikes: SpikeHandler }, kept: KeptRecordings): { sink: RecordSink; onSpikes: SpikeHandler } {
  const pick = (name: string) => (name.startsWith('sweep_') ? metrics : kept);
  return {
    sink: {
      prepare: async (planned) => {
        for (const to of [metrics, kept]) {
          const mine = planned.filter((p) => pick(p.rec.name) === to);
          if (mine.length) await to.sink.prepare?.(mine);
        }
      },
      begin: (rec, rows) => pick(rec.name).sink.begin?.(rec, rows),
      write: (rec, rows, count) => pick(rec.name).sink.write(rec, rows, count),
      end: (rec) => pick(rec.name).sink.end?.(rec),
    },
    onSpikes: async (name, steps, instances, neurons) => {
      await pick(name).onSpikes(name, steps, instances, neurons);
      const alias = kept.alias.get(name);
      if (alias !== undefined) await kept.onSpikes(alias, steps, instances, neurons);
    },
  };
}
