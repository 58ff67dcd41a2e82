/**
 * Sweeps of a scenario's own summary fields: each point runs as `lamina run SCENARIO` runs it (its
 * recorders, its analysis), one at a time, in a scratch directory under DIR that is removed afterwards;
 * the summary's numeric fields named by the metrics become the row. A point with seed S runs as
 * `lamina run SCENARIO --seed S` with the point's parameters. A kept point (the sweep file's `keep`) runs
 * into DIR/points/<point_id>/r<repeat>/ instead, which stays.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { NumericalError } from '../../engine/errors.ts';
import { validateSpec } from '../../engine/spec/validate-rate.ts';
import { OutputDir } from '../output-dir.ts';
import { execute, type Job } from '../run.ts';
import type { Scenario, ScenarioRun, SpikingScenario, SpikingScenarioRun } from '../scenario.ts';
import { batchSpec, type SweepBase } from './base.ts';
import type { SweepFile } from './format.ts';
import { summaryMetrics } from './metrics.ts';
import type { PointRun } from './points.ts';
import type { SweepTable } from './table.ts';
import { isKept, keptDir } from './keep.ts';

type Row = Parameters<SweepTable['writeBatch']>[1][number];

export async function runScenarioPoint(base: SweepBase, sweep: SweepFile, run: PointRun, req: { out: string; backend?: string; adapter?: string }): Promise<Row> {
  const own = base.scenarioRun!;
  const spec = batchSpec(base, [run], (own.spec as { record?: Record<string, unknown>[] }).record ?? []);
  // One build per point: its seed is the spec's too (connectivity, initial state), as `lamina run SCENARIO --seed SEED`.
  spec.seed = run.seed;
  const job: Job = base.kind === 'spiking'
    ? { kind: 'spiking', run: { ...(own as SpikingScenarioRun), spec: spec as unknown as SpikingScenarioRun['spec'], steps: base.steps, batch: 1 }, scenario: base.scenario as SpikingScenario }
    : { kind: 'rate', run: { ...(own as ScenarioRun), spec: validateSpec(spec), steps: base.steps }, scenario: base.scenario as Scenario };
  const kept = isKept(sweep.keep, run);
  const scratch = kept ? keptDir(req.out, run) : join(req.out, `scratch-${run.point.id}-r${run.repeat}`);
  // What an interrupted run of this point left is replaced.
  rmSync(scratch, { recursive: true, force: true });
  const t0 = performance.now();
  try {
    const outcome = await execute(OutputDir.open(scratch, { force: true }), job, { target: sweep.base, out: scratch, backend: req.backend, adapter: req.adapter, steps: base.steps });
    return { run, metrics: summaryMetrics(sweep.metrics, outcome.summary), status: 'done', wallSeconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    if (!(e instanceof NumericalError)) throw e;
    return { run, metrics: {}, status: 'failed', wallSeconds: (performance.now() - t0) / 1000, error: e.message };
  } finally {
    if (!kept) rmSync(scratch, { recursive: true, force: true });
  }
}
