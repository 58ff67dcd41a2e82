/**
 * `lamina sweep SWEEP.json --out DIR`: runs every point of a sweep file, as many per GPU batch as
 * batch.params and the adapter allow, and streams their metrics into DIR/sweep.sqlite (table.ts).
 * Batches are fixed by the sweep file and --max-batch (and the adapter's limits), so a resumed sweep runs
 * the batches it had not finished exactly as an uninterrupted one would.
 */
import { readFileSync } from 'node:fs';
import { SpecError, NumericalError } from '../../engine/errors.ts';
import { acquireGpu, adapterReport, isSoftwareAdapter, type Gpu } from '../../engine/gpu/device.ts';
import { refusals } from '../../engine/run/footprint.ts';
import { rateFootprint } from '../../engine/run/rate-footprint.ts';
import { spikingFootprint } from '../../engine/run/spiking-footprint.ts';
import { createSimulation } from '../../engine/run/simulation.ts';
import { validateSpec } from '../../engine/spec/validate-rate.ts';
import { hostMemory } from '../../engine/util/host.ts';
import { VERSION } from '../../engine/version.ts';
import { gitCommit } from '../../engine/node/report.ts';
import { webgpuVersion } from '../run.ts';
import { batchSpec, metricRecorders, resolveBase, type SweepBase } from './base.ts';
import { canonicalJson, validateSweep, type SweepFile } from './format.ts';
import { BatchRecordings, instanceMetrics, stepWindow } from './metrics.ts';
import { axisPaths, enumerateRuns, type PointRun } from './points.ts';
import { runScenarioPoint } from './scenario-points.ts';
import { checkKeep, isKept, KeptRecordings, routeOutputs } from './keep.ts';
import { SweepTable, TABLE_FILE } from './table.ts';
import { shardOf, type Shard } from '../cluster.ts';

export const DEFAULT_MAX_BATCH = 64;

export interface SweepProgress {
  /** Runs (point x repeat) done, this session's included; total runs of the sweep. */
  done: number;
  total: number;
  /** Runs per second in this session; seconds left at that rate. */
  perSecond: number;
  etaSeconds: number;
  batch: number;
  batches: number;
}

export interface SweepRequest {
  /** Path of the sweep file. */
  file: string;
  out: string;
  maxBatch?: number;
  backend?: string;
  adapter?: string;
  /** Run only this shard's points (point k belongs to shard k mod n, with all its repeats); default all. */
  shard?: Shard;
  /** Stops the sweep after the batch in flight (its rows are written). */
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
  log?: (msg: string) => void;
}

export interface SweepOutcome {
  status: 'complete' | 'interrupted';
  total: number;
  done: number;
  failed: number;
  /** Runs this session skipped because the table had them done. */
  skipped: number;
  table: string;
}

export interface Batch {
  index: number;
  runs: PointRun[];
}

/** Reads and validates a sweep file; also returns its canonical JSON. */
export function readSweepFile(file: string): { sweep: SweepFile; canonical: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SpecError(file, (e as NodeJS.ErrnoException).code ? `cannot read the sweep file: ${(e as Error).message}` : `not valid JSON: ${(e as Error).message}`);
  }
  return { sweep: validateSweep(raw), canonical: canonicalJson(raw) };
}

/** The largest batch (<= max) whose footprint the adapter and host allow; a SpecError if not even one fits. */
export function fitBatch(base: SweepBase, runs: PointRun[], recorders: Record<string, unknown>[], max: number, gpu: Gpu): number {
  const limits = gpu.device.limits;
  let b = Math.min(max, runs.length);
  for (;;) {
    const spec = batchSpec(base, runs.slice(0, b), recorders);
    const fp = base.kind === 'spiking'
      ? spikingFootprint(spec, { batch: b, bindingLimit: limits.maxStorageBufferBindingSize })
      : rateFootprint(validateSpec(spec), { batch: b, bindingLimit: limits.maxStorageBufferBindingSize });
    const [first] = fp ? refusals(fp, limits, isSoftwareAdapter(gpu.info), hostMemory()) : [];
    if (!first) return b;
    if (b === 1) throw new SpecError(first.field, `even one point does not fit: ${first.message}`);
    b = Math.ceil(b / 2);
  }
}

/**
 * The batches of a sweep: runs grouped by their structure values (one build per distinct value, in order
 * of first appearance), each group cut into batches of the size that fits.
 */
export function planBatches(base: SweepBase, runs: PointRun[], size: (group: PointRun[]) => number): Batch[] {
  const groups = new Map<string, PointRun[]>();
  for (const r of runs) {
    const key = JSON.stringify(base.structure.map((p) => r.point.params[p]));
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const batches: Batch[] = [];
  for (const group of groups.values()) {
    const b = size(group);
    for (let k = 0; k < group.length; k += b) batches.push({ index: batches.length, runs: group.slice(k, k + b) });
  }
  return batches;
}

type Row = Parameters<SweepTable['writeBatch']>[1][number];

async function runNetworkBatch(base: SweepBase, sweep: SweepFile, batch: Batch, recorders: Record<string, unknown>[], req: SweepRequest): Promise<Row[]> {
  // Kept points' recorders run only in the batches that hold one (rows of the others are dropped).
  const keep = sweep.keep && batch.runs.some((r) => isKept(sweep.keep, r)) ? new KeptRecordings(req.out, sweep.keep, base, batch.runs, recorders) : undefined;
  const spec = batchSpec(base, batch.runs, keep ? [...recorders, ...keep.recorders] : recorders);
  const sizes = new Map((spec.populations as { name: string; size: number }[]).map((p) => [p.name, p.size]));
  const rec = new BatchRecordings(batch.runs.length, sizes);
  const metricsOut = { sink: rec.memory, onSpikes: rec.onSpikes };
  const t0 = performance.now();
  const sim = await createSimulation(spec, { backend: req.backend, adapter: req.adapter });
  try {
    await sim.run(base.steps, keep ? routeOutputs(metricsOut, keep) : metricsOut);
  } catch (e) {
    if (!(e instanceof NumericalError)) throw e;
    const wall = (performance.now() - t0) / 1000 / batch.runs.length;
    return batch.runs.map((run) => ({ run, metrics: {}, status: 'failed', wallSeconds: wall, error: e.message }));
  } finally {
    keep?.close();
    sim.destroy();
  }
  const wall = (performance.now() - t0) / 1000 / batch.runs.length;
  return batch.runs.map((run, b) => ({ run, metrics: instanceMetrics(sweep.metrics, rec, b, base.steps, sim.dt), status: 'done', wallSeconds: wall }));
}

/** Runs a sweep into req.out (a new directory, or one this sweep file started: its done runs are skipped). */
export async function runSweep(req: SweepRequest): Promise<SweepOutcome> {
  const { sweep, canonical } = readSweepFile(req.file);
  const maxBatch = req.maxBatch ?? DEFAULT_MAX_BATCH;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new SpecError('--max-batch', `must be an integer >= 1, got ${maxBatch}`);
  const all = enumerateRuns(sweep);
  const shard = req.shard ?? { index: 0, count: 1 };
  const runs = all.filter((r) => shardOf(r.point.index, shard.count) === shard.index);
  if (runs.length === 0) throw new SpecError('--shard', `shard ${shard.index}/${shard.count} has no points: the sweep has ${all.length / sweep.repeats}, fewer than ${shard.count} shards`);
  const base = resolveBase(sweep, req.file, all[0].point.params);
  const summaries = sweep.metrics.filter((m) => m.metric === 'summary');
  if (summaries.length && !base.scenario) throw new SpecError(`metrics[${sweep.metrics.indexOf(summaries[0])}]`, `summary fields come from a scenario's analysis; the base "${sweep.base}" is a spec file`);
  if (summaries.length && summaries.length < sweep.metrics.length) {
    throw new SpecError('metrics', 'summary metrics run each point as the scenario runs (one at a time); list them in a sweep of their own, without recording metrics');
  }
  const recorders = metricRecorders(base.kind, sweep.metrics);
  if (sweep.keep) checkKeep(sweep.keep, base, runs, summaries.length > 0);
  // Windows are checked before anything runs.
  sweep.metrics.forEach((m, k) => { if (m.metric !== 'summary') stepWindow(m, base.steps, base.spec.dt as number, `metrics[${k}]`); });
  const gpu = await acquireGpu({ backend: req.backend, adapter: req.adapter });
  const batches = planBatches(base, runs, (group) => (summaries.length ? 1 : fitBatch(base, group, [...recorders, ...(sweep.keep?.record ?? [])], maxBatch, gpu)));
  const report = adapterReport(gpu);
  const table = SweepTable.open(req.out, {
    sweep_file: canonical, base_spec: canonicalJson(base.spec), lamina: VERSION, node: process.version, webgpu: webgpuVersion(),
    adapter: report.description || report.device, git_commit: gitCommit(process.cwd()), date: new Date().toISOString(), shard: `${shard.index}/${shard.count}`,
  }, axisPaths(sweep), sweep.metrics.map((m) => m.name), runs);
  try {
    const done = table.done();
    const key = (r: PointRun) => `${r.point.index}/${r.repeat}`;
    const skipped = runs.filter((r) => done.has(key(r))).length;
    req.log?.(`lamina: sweep of ${sweep.base}${shard.count > 1 ? `, shard ${shard.index}/${shard.count}` : ''}: ${runs.length} runs (${runs.length / sweep.repeats} point${runs.length === sweep.repeats ? '' : 's'} x ${sweep.repeats} repeat${sweep.repeats === 1 ? '' : 's'}) in ${batches.length} batch${batches.length === 1 ? '' : 'es'}` +
      `${base.structure.length ? `, one build per value of ${base.structure.join(', ')}` : ''}${skipped ? `; ${skipped} done already` : ''}`);
    const t0 = performance.now();
    let ran = 0, finished = skipped;
    for (const batch of batches) {
      if (req.signal?.aborted) break;
      if (batch.runs.every((r) => done.has(key(r)))) continue;
      const rows = summaries.length ? [await runScenarioPoint(base, sweep, batch.runs[0], req)] : await runNetworkBatch(base, sweep, batch, recorders, req);
      table.writeBatch(batch.index, rows);
      ran += rows.length;
      finished += batch.runs.filter((r) => !done.has(key(r))).length;
      const seconds = (performance.now() - t0) / 1000;
      const perSecond = ran / seconds;
      req.onProgress?.({ done: finished, total: runs.length, perSecond, etaSeconds: (runs.length - finished) / perSecond, batch: batch.index + 1, batches: batches.length });
    }
    const counts = table.counts();
    const status = counts.pending + counts.failed > 0 && req.signal?.aborted ? 'interrupted' : 'complete';
    return { status, total: runs.length, done: counts.done, failed: counts.failed, skipped, table: `${req.out}/${TABLE_FILE}` };
  } finally {
    table.close();
  }
}
