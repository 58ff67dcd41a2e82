/**
 * scenarios/data/brunel-phase.sweep.json: its axes vary per instance (the 18 points are one batch), and a
 * small version of it (the same axes and metrics on a scale-0.1 network, g = 3, 5, 8 at eta = 2) runs
 * through runSweep and orders the regimes as the paper's phase diagram: SR at g 3 (fast, regular,
 * synchronous), AI at g 5 and 8 (irregular, asynchronous), the rate falling with g.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveBase } from '../../scenarios/sweep/base.ts';
import { enumerateRuns } from '../../scenarios/sweep/points.ts';
import { planBatches, readSweepFile, runSweep } from '../../scenarios/sweep/runner.ts';
import { brunelSpec, scaledSize } from '../../scenarios/brunel-network.ts';
import { BRUNEL_DEFAULTS, REGIME } from '../../scenarios/brunel.ts';

const FILE = 'scenarios/data/brunel-phase.sweep.json';

describe('Brunel phase-diagram sweep', () => {
  it('the shipped sweep varies g and eta per instance: one batch of 18 points on the brunel scenario', () => {
    const { sweep } = readSweepFile(FILE);
    const runs = enumerateRuns(sweep);
    const base = resolveBase(sweep, FILE, runs[0].point.params);
    expect(base.scenario?.name).toBe('brunel');
    expect(base.structure).toEqual([]);
    expect([...base.perInstance.values()].sort()).toEqual(['inputs.ext_E.rate', 'inputs.ext_I.rate', 'populations.E.g', 'populations.I.g']);
    expect(runs).toHaveLength(BRUNEL_DEFAULTS.g.length * BRUNEL_DEFAULTS.eta.length);
    expect(planBatches(base, runs, () => 64)).toHaveLength(1);
    // The rates are C_E eta nu_thr at the scenario's default scale (C_E = 200, nu_thr = 10 Hz).
    const CE = scaledSize(BRUNEL_DEFAULTS.scale).CE;
    expect(new Set(runs.map((r) => r.point.params['inputs.ext_E.rate'] / (CE * 10)))).toEqual(new Set(BRUNEL_DEFAULTS.eta));
  });

  it('a small version through runSweep: SR at g 3, AI at g 5 and 8, rate falling with g', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lamina-brunel-sweep-'));
    // The network at scale 0.1 (N_E = 1000, C_E = 100, J = 1 mV) as a spec file, eta = 2 as 100 x 2 x 10 Hz.
    const size = scaledSize(0.1);
    const spec = brunelSpec(size, [{ g: 5, eta: 2 }], { dt: 0.1, seed: 1 }) as unknown as Record<string, unknown>;
    delete spec.batch;
    writeFileSync(join(dir, 'brunel-small.json'), JSON.stringify(spec));
    const shipped = JSON.parse(readFileSync(FILE, 'utf8'));
    const g = [3, 5, 8], rate = [size.CE * 2 * 10];
    const small = {
      ...shipped, base: 'brunel-small.json', steps: 3000,
      axes: [
        { zip: [{ path: 'populations.E.params.g', values: g }, { path: 'populations.I.params.g', values: g }] },
        { zip: [{ path: 'inputs.ext_E.rate', values: rate }, { path: 'inputs.ext_I.rate', values: rate }] },
      ],
    };
    const file = join(dir, 'small.sweep.json');
    writeFileSync(file, JSON.stringify(small));
    const out = join(dir, 'out');
    const outcome = await runSweep({ file, out });
    expect(outcome).toMatchObject({ status: 'complete', total: 3, done: 3, failed: 0 });
    const db = new Database(join(out, 'sweep.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT * FROM points ORDER BY point').all() as Record<string, number>[];
    db.close();
    expect(new Set(rows.map((r) => r.batch))).toEqual(new Set([0]));
    const [sr, ai, strong] = rows;
    expect([sr, ai, strong].map((r) => r['populations.E.params.g'])).toEqual(g);
    // SR: near saturation, regular, synchronous (the scenario's thresholds).
    expect(sr.rate_E).toBeGreaterThan(REGIME.srRate);
    expect(sr.cv_E).toBeLessThan(REGIME.srCv);
    expect(sr.synchrony_E).toBeGreaterThan(REGIME.srSynchrony);
    // AI: irregular and asynchronous; I fires as E (identical neurons).
    for (const r of [ai, strong]) {
      expect(r.cv_E).toBeGreaterThan(REGIME.aiCv);
      expect(r.synchrony_E).toBeLessThan(REGIME.siSynchrony);
      expect(Math.abs(r.rate_I / r.rate_E - 1)).toBeLessThan(0.15);
    }
    expect(sr.rate_E).toBeGreaterThan(ai.rate_E);
    expect(ai.rate_E).toBeGreaterThan(strong.rate_E);
  });
});
