/**
 * A sweep's metrics against a direct computation: each batch re-run on its own from the same spec (the
 * sweep's batches are deterministic), spikes and rows gathered here and reduced with independent code.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spikeStatistics } from '../../engine/analysis/spikes.ts';
import { MemorySink } from '../../engine/record/recorders.ts';
import { createSimulation } from '../../engine/run/simulation.ts';
import { batchSpec, metricRecorders, resolveBase } from '../../scenarios/sweep/base.ts';
import { readSweepFile, runSweep } from '../../scenarios/sweep/runner.ts';
import { enumerateRuns } from '../../scenarios/sweep/points.ts';
import { TINY_SPIKING } from './specs.ts';

const dir = mkdtempSync(join(tmpdir(), 'lamina-sweep-metrics-'));

function write(name: string, v: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(v));
  return p;
}

function rowsOf(out: string): Record<string, number | string | null>[] {
  const db = new Database(join(out, 'sweep.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT * FROM points ORDER BY point, repeat').all() as Record<string, number | string | null>[];
  } finally {
    db.close();
  }
}

/** Re-runs batch `index` of the table as the sweep built it; returns its spikes / rows. */
async function rerunBatch(file: string, rows: Record<string, unknown>[], index: number) {
  const { sweep } = readSweepFile(file);
  const runs = enumerateRuns(sweep);
  const base = resolveBase(sweep, file, runs[0].point.params);
  const mine = runs.filter((r) => rows.find((x) => x.point === r.point.index && x.repeat === r.repeat)!.batch === index);
  const spec = batchSpec(base, mine, metricRecorders(base.kind, sweep.metrics));
  const sim = await createSimulation(spec);
  const spikes: number[] = [];
  const memory = new MemorySink();
  await sim.run(base.steps, { sink: memory, onSpikes: (rec, s, b, n) => { if (rec === 'sweep_spikes_E') s.forEach((x, k) => spikes.push(x, b[k], n[k])); } });
  sim.destroy();
  return { mine, spikes: Int32Array.from(spikes), memory };
}

describe('sweep metrics', () => {
  it('spiking: grid, list and random axes; rate, CV and mean V equal a direct computation from the recorded spikes', async () => {
    write('tiny.json', TINY_SPIKING);
    const file = write('spiking-sweep.json', {
      base: 'tiny.json', steps: 400, seed: 11,
      axes: [
        { path: 'populations.E.params.tau_m', range: { from: 10, to: 20, steps: 2 } },
        { path: 'projections.IE.weight', values: [-800, -50] },
        { path: 'inputs.bg.rate', random: { from: 8000, to: 16000, n: 2, seed: 4 } },
      ],
      metrics: [
        { metric: 'rate', population: 'E' }, { metric: 'cv', population: 'E' }, { metric: 'rate', population: 'E', from: 20, name: 'late_rate' },
        { metric: 'mean', population: 'E', variable: 'V', units: [0, 3], from: 10, to: 30 },
      ],
    });
    const out = join(dir, 'spiking-out');
    // IE.weight is per instance (a static spiking weight): all 8 runs would fit one batch; --max-batch 4 cuts them into two.
    const outcome = await runSweep({ file, out, maxBatch: 4 });
    expect(outcome).toMatchObject({ status: 'complete', total: 8, done: 8, failed: 0 });
    const rows = rowsOf(out);
    expect(rows.map((r) => [r['populations.E.params.tau_m'], r['projections.IE.weight']])).toEqual([[10, -800], [10, -800], [10, -50], [10, -50], [20, -800], [20, -800], [20, -50], [20, -50]]);
    expect(new Set(rows.map((r) => r['inputs.bg.rate'])).size).toBe(2);
    expect(rows.map((r) => r.batch)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    for (const index of [0, 1]) {
      const { mine, spikes, memory } = await rerunBatch(file, rows, index);
      mine.forEach((run, b) => {
        const row = rows.find((x) => x.point === run.point.index && x.repeat === run.repeat)!;
        const all = spikeStatistics([{ spikes, size: 40, offset: 0 }], b, 0, 400, 0.1);
        const late = spikeStatistics([{ spikes, size: 40, offset: 0 }], b, 200, 400, 0.1);
        expect(all.spikes).toBeGreaterThan(0);
        expect(row.rate_E).toBeCloseTo(all.meanRateHz, 9);
        expect(row.late_rate).toBeCloseTo(late.meanRateHz, 9);
        if (all.neuronsWithCv) expect(row.cv_E).toBeCloseTo(all.meanCv, 9);
        else expect(row.cv_E).toBeNull();
        const d = memory.data.get(memory.data.keys().next().value!)!;
        let sum = 0;
        for (let t = 100; t < 300; t++) for (let u = 0; u < 2; u++) sum += d.values[(t * d.batch + b) * 2 + u];
        expect(row.mean_V_E).toBeCloseTo(sum / 400, 4);
      });
    }
    // The axis reaches the network: weaker inhibition (IE -50 against -800) gives a higher mean rate over the
    // four (tau_m, bg rate) points. Each point has its own seed, so single pairs of a 40-neuron, 40 ms run
    // can differ by noise either way; the mean over the four may not.
    const meanRate = (w: number) => rows.filter((x) => x['projections.IE.weight'] === w).reduce((a, x) => a + (x.rate_E as number), 0) / 4;
    expect(meanRate(-50)).toBeGreaterThan(meanRate(-800));
  });

  it("rate network: a population's mean and variance over a window equal those of the recorded rates", async () => {
    write('rate.json', {
      dt: 1, seed: 2,
      populations: [{ name: 'a', size: 6, tau: 5, activation: 'tanh', init: 0.5, noise: 0.1 }],
      projections: [{ name: 'rec', from: 'a', to: 'a', weights: { type: 'gaussian', g: 0.5, seed: 1 } }],
      inputs: [{ name: 'drive', target: 'a', amplitude: 0.3 }],
    });
    const file = write('rate-sweep.json', {
      base: 'rate.json', steps: 60, repeats: 2,
      axes: [{ path: 'inputs.drive.amplitude', values: [0, 0.5, 1] }],
      metrics: [{ metric: 'mean', population: 'a', from: 20 }, { metric: 'variance', population: 'a', from: 20 }],
    });
    const out = join(dir, 'rate-out');
    expect((await runSweep({ file, out })).done).toBe(6);
    const rows = rowsOf(out);
    expect(rows.map((r) => r.repeat)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(new Set(rows.map((r) => r.seed)).size).toBe(6);
    const { mine, memory } = await rerunBatch(file, rows, 0);
    expect(mine).toHaveLength(6);
    const d = memory.data.get('sweep_rate_a')!;
    mine.forEach((run, b) => {
      const xs: number[] = [];
      for (let t = 20; t < 60; t++) for (let u = 0; u < 6; u++) xs.push(d.values[(t * d.batch + b) * 6 + u]);
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const row = rows.find((x) => x.point === run.point.index && x.repeat === run.repeat)!;
      expect(row.mean_rate_a).toBeCloseTo(mean, 9);
      expect(row.variance_rate_a).toBeCloseTo(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length, 9);
    });
    // A stronger drive raises the mean rate; the noise seeds differ between repeats.
    expect(rows[4].mean_rate_a as number).toBeGreaterThan(rows[0].mean_rate_a as number);
    expect(rows[0].mean_rate_a).not.toBe(rows[1].mean_rate_a);
  });
});
