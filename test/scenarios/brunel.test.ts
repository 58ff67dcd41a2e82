/**
 * The Brunel (2000) scenario: the regime rules and checks on given measures, its options, and a run of a
 * reduced grid (SR at g 3; AI at g 5; g 6 and 8 for the trend; all at eta 2) at a test-sized network
 * (scale 0.1: N_E = 1000, C_E = 100, J = 1 mV) whose checks must all pass.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpecError } from '../../engine/errors.ts';
import { readNpy } from '../../engine/node/npy-files.ts';
import { brunelRate } from '../../engine/analysis/siegert.ts';
import { OutputDir } from '../../scenarios/output-dir.ts';
import { execute } from '../../scenarios/run.ts';
import { BRUNEL_DEFAULTS, brunel, brunelChecks, brunelScenario, classify, gridPoints, specPoints, type PointResult } from '../../scenarios/brunel.ts';
import { countInFigure, expectFiles, expectRejects } from './helpers.ts';

const point = (g: number, eta: number, rate: number, cv: number, synchrony: number, siegert = rate): PointResult =>
  ({ g, eta, rate, rateI: rate, cv, synchrony, siegert, regime: classify({ rate, cv, synchrony }) });

describe('Brunel scenario: regimes and checks', () => {
  it('classifies SR (fast and regular), SI (synchronous), AI (irregular) and other', () => {
    expect(classify({ rate: 330, cv: 0.05, synchrony: 0.25 })).toBe('SR');
    expect(classify({ rate: 330, cv: 0.3, synchrony: 0.25 })).toBe('SI');
    expect(classify({ rate: 15, cv: 0.7, synchrony: 0.08 })).toBe('SI');
    expect(classify({ rate: 47, cv: 1.1, synchrony: 0.03 })).toBe('AI');
    expect(classify({ rate: 230, cv: 0.4, synchrony: 0.04 })).toBe('other');
  });

  it('checks pass on the expected regimes and fail when a point is off', () => {
    const good = [point(3, 2, 330, 0.05, 0.23), point(5, 2, 47, 1.1, 0.03, 49.3), point(6, 2, 31, 1.1, 0.027), point(8, 2, 17, 1.0, 0.01)];
    const checks = brunelChecks(good);
    expect(checks.map((c) => c.pass)).toEqual([true, true, true, true]);
    const fails = (results: PointResult[], name: RegExp) => expect(brunelChecks(results).find((c) => name.test(c.name))!.pass).toBe(false);
    fails([point(3, 2, 330, 0.3, 0.23), ...good.slice(1)], /^SR/);
    fails([good[0], point(5, 2, 47, 0.4, 0.03, 49.3), ...good.slice(2)], /^AI.*CV/);
    fails([good[0], point(5, 2, 47, 1.1, 0.08, 49.3), ...good.slice(2)], /^AI.*CV/);
    fails([good[0], point(5, 2, 38, 1.1, 0.03, 49.3), ...good.slice(2)], /Siegert/);
    fails([...good.slice(0, 2), point(6, 2, 50, 1.1, 0.027), good[3]], /falls/);
    // Points missing from the grid leave their checks out.
    expect(brunelChecks([good[1]]).map((c) => c.name.slice(0, 2))).toEqual(['AI', 'AI']);
  });

  it('refuses a scale out of [0.05, 1], a batch other than 1 or the grid, and a run no longer than the transient', () => {
    expectRejects(brunel.build, [[{ scale: 0.01 }, /--scale/], [{ scale: 2 }, /--scale/], [{ batch: 4 }, /--batch/], [{ steps: 1000 }, /--steps/]]);
    expect(() => brunel.build({ scale: 0 })).toThrow(SpecError);
    const one = brunel.build({ batch: 1 });
    expect(one.batch).toBe(1);
    expect(one.spec.batch!.params).toMatchObject({ 'populations.E.g': [5], 'inputs.ext_E.rate': [200 * 2 * 10] });
    const grid = brunel.build({});
    expect(grid.batch).toBe(18);
    expect(grid.spec.populations.map((p) => p.size)).toEqual([2000, 500]);
  });
});

describe('Brunel scenario: the points an analysis reads from the spec it ran', () => {
  it('per instance from batch.params (the grid), else the population and input values (a sweep point run alone)', () => {
    const grid = brunel.build({});
    expect(specPoints(grid.spec, grid.batch)).toEqual(gridPoints(BRUNEL_DEFAULTS.g, BRUNEL_DEFAULTS.eta));
    // As a sweep's summary point runs it: no per-instance g or rate, the values set on the spec instead.
    const spec = structuredClone(brunel.build({ batch: 1 }).spec);
    delete spec.batch;
    spec.populations[0].params = { g: 6.5 };
    (spec.inputs![0] as { rate: number }).rate = 200 * 10 * 3;
    expect(specPoints(spec, 1)).toEqual([{ g: 6.5, eta: 3 }]);
  });
});

describe('Brunel scenario: a reduced grid at scale 0.1', () => {
  it('SR at g 3, AI at g 5 near the Siegert rate, rate falling over g = 5, 6, 8; files and figure', async () => {
    const scenario = brunelScenario([{ g: 3, eta: 2 }, { g: 5, eta: 2 }, { g: 6, eta: 2 }, { g: 8, eta: 2 }]);
    const run = scenario.build({ scale: 0.1, steps: 3000 });
    const out = mkdtempSync(join(tmpdir(), 'lamina-brunel-'));
    const outcome = await execute(OutputDir.open(out), { kind: 'spiking', run, scenario }, { target: 'brunel', out });
    const checks = outcome.summary.checks as { name: string; pass: boolean; detail: string }[];
    expect(checks.map((c) => c.name.slice(0, 2))).toEqual(['SR', 'AI', 'AI', 'ra']);
    for (const c of checks) expect(c.pass, `${c.name}: ${c.detail}`).toBe(true);
    expect(outcome.pass).toBe(true);
    expectFiles(out, ['spikes_E.npy', 'spikes_I.npy', 'g.npy', 'eta.npy', 'rate_E.npy', 'rate_I.npy', 'cv_isi.npy', 'synchrony.npy', 'siegert_rate.npy', 'regime.npy', 'phase-diagram.svg', 'summary.json']);
    const points = outcome.summary.points as { g: number; eta: number; rate_hz: number; siegert_hz: number; regime: string }[];
    expect(points.map((p) => [p.g, p.eta, p.regime])).toEqual([[3, 2, 'SR'], [5, 2, 'AI'], [6, 2, 'AI'], [8, 2, 'AI']]);
    // The Siegert rate is that of the scaled network (C_E = 100, C_I = 25, J = 1 mV), not the paper's 38 Hz.
    expect(points[1].siegert_hz).toBeCloseTo(brunelRate({ tau: 20, theta: 20, Vr: 10, tauRp: 2, CE: 100, gamma: 0.25, J: 1, g: 5, nuExt: 20 }), 9);
    const rate = readNpy(readFileSync(join(out, 'rate_E.npy'))).data as Float64Array;
    expect([...rate]).toEqual(points.map((p) => p.rate_hz));
    // Three heatmaps (rate, CV, synchrony), one regime label per point on each.
    expect(countInFigure(out, 'phase-diagram.svg', 'image')).toBe(3);
    expect(readFileSync(join(out, 'phase-diagram.svg'), 'utf8').match(/>SR</g)).toHaveLength(3);
  });
});
