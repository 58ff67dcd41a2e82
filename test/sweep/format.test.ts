/** The sweep file: validation (SpecErrors naming the field), point enumeration, ids and seeds (no GPU). */
import { describe, expect, it } from 'vitest';
import { fieldOf } from './specs.ts';
import { canonicalJson, validateSweep } from '../../scenarios/sweep/format.ts';
import { enumeratePoints, enumerateRuns, gridValues, randomValues, runSeed } from '../../scenarios/sweep/points.ts';
import { batchKey } from '../../scenarios/sweep/base.ts';
import { firstDifference } from '../../scenarios/sweep/table.ts';

const metrics = [{ metric: 'rate', population: 'E' }];

describe('sweep file validation', () => {
  it('names the field at fault', () => {
    expect(fieldOf(() => validateSweep({ axes: [], metrics }))).toBe('base');
    expect(fieldOf(() => validateSweep({ base: 'x.json', axes: [], metrics }))).toBe('axes');
    expect(fieldOf(() => validateSweep({ base: 'x.json', axes: [{ path: 'a.b', range: { from: 1, to: 2, steps: 0 } }], metrics }))).toBe('axes[0].range.steps');
    expect(fieldOf(() => validateSweep({ base: 'x.json', axes: [{ path: 'a.b', values: [1], range: { from: 1, to: 2, steps: 2 } }], metrics }))).toBe('axes[0]');
    expect(fieldOf(() => validateSweep({ base: 'x.json', axes: [{ path: 'a.b', range: { from: 0, to: 2, steps: 3, scale: 'log' } }], metrics }))).toBe('axes[0].range');
    expect(fieldOf(() => validateSweep({ base: 'x.json', axes: [{ path: 'a.b', values: [1] }, { path: 'a.b', values: [2] }], metrics }))).toBe('axes[1].path');
    expect(fieldOf(() => validateSweep({ base: 'x.json', axes: [{ path: 'seed', values: [1] }], metrics }))).toBe('axes[0].path');
    expect(fieldOf(() => validateSweep({ base: 'x.json', axes: [{ zip: [{ path: 'a', values: [1, 2] }, { path: 'b', values: [1] }] }], metrics }))).toBe('axes[0].zip[1].values');
    expect(fieldOf(() => validateSweep({ base: 'x.json', axes: [{ path: 'a', values: [1] }], metrics: [{ metric: 'rates', population: 'E' }] }))).toBe('metrics[0].metric');
    expect(fieldOf(() => validateSweep({ base: 'x.json', axes: [{ path: 'a', values: [1] }], metrics: [{ metric: 'rate', population: 'E', bin: 5 }] }))).toBe('metrics[0].bin');
    expect(fieldOf(() => validateSweep({ base: 'x.json', axes: [{ path: 'a', values: [1] }], metrics, repeats: 0 }))).toBe('repeats');
    expect(fieldOf(() => validateSweep({ base: 'x.json', axes: [{ path: 'a', values: [1] }], metrics, extra: 1 }))).toBe('sweep.extra');
  });

  it('maps spec paths to batch.params keys', () => {
    expect(batchKey('populations.E.params.tau_m')).toBe('populations.E.tau_m');
    expect(batchKey('inputs.bg.rate')).toBe('inputs.bg.rate');
    expect(batchKey('projections.EE.gain')).toBe('projections.EE.gain');
    expect(batchKey('dt')).toBeUndefined();
  });
});

describe('points', () => {
  it('grid: Cartesian product, last axis fastest, ranges linear and log with exact ends', () => {
    expect(gridValues({ kind: 'range', path: 'a', from: 1, to: 3, steps: 5, scale: 'linear' })).toEqual([1, 1.5, 2, 2.5, 3]);
    const log = gridValues({ kind: 'range', path: 'a', from: 1, to: 100, steps: 3, scale: 'log' });
    expect(log[0]).toBe(1); expect(log[1]).toBeCloseTo(10, 12); expect(log[2]).toBe(100);
    const sweep = validateSweep({ base: 'x.json', metrics, axes: [{ path: 'a', values: [1, 2] }, { path: 'b', range: { from: 0, to: 1, steps: 3 } }] });
    expect(enumeratePoints(sweep).map((p) => p.params)).toEqual([
      { a: 1, b: 0 }, { a: 1, b: 0.5 }, { a: 1, b: 1 }, { a: 2, b: 0 }, { a: 2, b: 0.5 }, { a: 2, b: 1 },
    ]);
  });

  it('zip: lists that go together make one axis', () => {
    const sweep = validateSweep({ base: 'x.json', metrics, axes: [{ zip: [{ path: 'a', values: [1, 2, 3] }, { path: 'b', values: [10, 20, 30] }] }, { path: 'c', values: [7, 8] }] });
    expect(enumeratePoints(sweep).map((p) => [p.params.a, p.params.b, p.params.c])).toEqual([[1, 10, 7], [1, 10, 8], [2, 20, 7], [2, 20, 8], [3, 30, 7], [3, 30, 8]]);
  });

  it('random: n uniform samples in [from, to), drawn together, crossed with the grid; the seed decides them', () => {
    const r = { kind: 'random', path: 'a', from: 2, to: 4, n: 500, seed: 9 } as const;
    const xs = randomValues(r);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...xs)).toBeLessThan(4);
    // Mean of U(2, 4) is 3 with s.d. of the mean 0.577 / sqrt(500) = 0.026: 4 s.d.
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length - 3)).toBeLessThan(0.11);
    expect(randomValues({ ...r, seed: 10 })).not.toEqual(xs);
    expect(randomValues(r)).toEqual(xs);
    const sweep = validateSweep({ base: 'x.json', metrics, axes: [{ path: 'g', values: [1, 2] }, { path: 'a', random: { from: 0, to: 1, n: 3, seed: 1 } }, { path: 'b', random: { from: 5, to: 6, n: 3 } }] });
    const pts = enumeratePoints(sweep);
    expect(pts).toHaveLength(6);
    expect(pts.slice(0, 3).map((p) => p.params.a)).toEqual(pts.slice(3).map((p) => p.params.a));
    expect(fieldOf(() => validateSweep({ base: 'x.json', metrics, axes: [{ path: 'a', random: { from: 0, to: 1, n: 3 } }, { path: 'b', random: { from: 0, to: 1, n: 4 } }] }))).toBe('axes[1].random.n');
  });

  it('ids hash the parameters; repeats get distinct, deterministic seeds', () => {
    const sweep = validateSweep({ base: 'x.json', metrics, repeats: 3, seed: 4, axes: [{ path: 'a', values: [1, 2] }] });
    const runs = enumerateRuns(sweep);
    expect(runs.map((r) => [r.point.index, r.repeat])).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    expect(new Set(runs.map((r) => r.seed)).size).toBe(6);
    expect(runs.map((r) => r.seed)).toEqual(enumerateRuns(sweep).map((r) => r.seed));
    expect(runs[0].seed).toBe(runSeed(4, 0, 0));
    expect(runSeed(5, 0, 0)).not.toBe(runSeed(4, 0, 0));
    const [p0, p1] = enumeratePoints(sweep);
    expect(p0.id).toMatch(/^p0-[0-9a-f]{10}$/);
    expect(p1.id.slice(3)).not.toBe(p0.id.slice(3));
    const other = validateSweep({ base: 'x.json', metrics, axes: [{ path: 'a', values: [5, 2] }] });
    expect(enumeratePoints(other)[1].id).toBe(p1.id);
  });

  it('compares sweep files canonically and names the first difference', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: [1, 2] }, b: 1 }));
    expect(firstDifference({ axes: [{ path: 'a', values: [1, 2] }] }, { axes: [{ path: 'a', values: [1, 3] }] })).toBe('axes[0].values[1]: 2 -> 3');
    expect(firstDifference({ steps: 10 }, {})).toBe('steps: 10 -> absent');
  });
});
