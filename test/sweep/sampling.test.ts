/** Sobol' and Latin-hypercube axes: reference points, stratification, determinism, validation (no GPU). */
import { describe, expect, it } from 'vitest';
import { fieldOf } from './specs.ts';
import { validateSweep } from '../../scenarios/sweep/format.ts';
import { enumeratePoints } from '../../scenarios/sweep/points.ts';
import { latinHypercube, SOBOL_MAX_DIMS, sobolPoints } from '../../scenarios/sweep/sampling.ts';

const metrics = [{ metric: 'rate', population: 'E' }];

describe("Sobol' points", () => {
  it('match the published unscrambled sequence', () => {
    // scipy/stats/tests/test_qmc.py, TestSobol.unscramble_nd: the first 8 points in 2 dimensions.
    expect(sobolPoints(8, 2)).toEqual([[0, 0], [0.5, 0.5], [0.75, 0.25], [0.25, 0.75], [0.375, 0.375], [0.875, 0.875], [0.625, 0.125], [0.125, 0.625]]);
    // scipy.stats.qmc.Sobol(21, scramble=False, bits=32) (Joe-Kuo new-joe-kuo-6.21201), points 7, 100, 1023, x 1024.
    const ref: Record<number, number[]> = {
      7: [128, 640, 384, 128, 128, 384, 640, 640, 640, 896, 640, 128, 640, 384, 128, 128, 128, 128, 640, 896, 896],
      100: [424, 264, 792, 744, 904, 760, 24, 488, 648, 712, 472, 696, 488, 872, 328, 504, 696, 760, 856, 344, 776],
      1023: [1, 771, 627, 149, 191, 449, 143, 633, 353, 871, 695, 37, 133, 681, 371, 475, 321, 897, 599, 327, 887],
    };
    const pts = sobolPoints(1024, 21);
    for (const [i, row] of Object.entries(ref)) expect(pts[Number(i)].map((x) => x * 1024)).toEqual(row);
    expect(SOBOL_MAX_DIMS).toBe(21);
  });

  it('put one of 2^k points in each of 2^k strata of every dimension', () => {
    for (const column of [0, 7, 20]) {
      const strata = sobolPoints(64, 21).map((p) => Math.floor(p[column] * 64));
      expect(new Set(strata).size).toBe(64);
    }
  });
});

describe('Latin-hypercube points', () => {
  it('hold one point per stratum in every dimension, inside [0, 1)', () => {
    for (const n of [1, 7, 50]) {
      const pts = latinHypercube(n, 4, 3);
      expect(pts).toHaveLength(n);
      for (let j = 0; j < 4; j++) {
        const strata = pts.map((p) => Math.floor(p[j] * n)).sort((a, b) => a - b);
        expect(strata).toEqual(Array.from({ length: n }, (_, k) => k));
      }
    }
  });

  it('are decided by the seed; dimensions get independent permutations', () => {
    const a = latinHypercube(40, 3, 11);
    expect(latinHypercube(40, 3, 11)).toEqual(a);
    expect(latinHypercube(40, 3, 12)).not.toEqual(a);
    const strata = (j: number) => a.map((p) => Math.floor(p[j] * 40));
    expect(strata(0)).not.toEqual(strata(1));
    expect(strata(1)).not.toEqual(strata(2));
    // Not the identity either: the permutation shuffles the strata.
    expect(strata(0)).not.toEqual(Array.from({ length: 40 }, (_, k) => k));
  });
});

describe('sobol and lhs axes', () => {
  it('sample all axes of a kind as one design, scaled to [from, to), crossed with the grid', () => {
    const sweep = validateSweep({
      base: 'x.json', metrics, axes: [
        { path: 'g', values: [1, 2] },
        { path: 'a', sobol: { from: 2, to: 4, n: 4 } },
        { path: 'b', sobol: { from: 1, to: 100, n: 4, scale: 'log' } },
      ],
    });
    const pts = enumeratePoints(sweep);
    expect(pts).toHaveLength(8);
    const sob = sobolPoints(4, 2);
    expect(pts.slice(0, 4).map((p) => p.params.a)).toEqual(sob.map((u) => 2 + 2 * u[0]));
    pts.slice(0, 4).forEach((p, i) => expect(p.params.b).toBeCloseTo(10 ** (2 * sob[i][1]), 10));
    expect(pts.slice(4).map((p) => p.params.a)).toEqual(pts.slice(0, 4).map((p) => p.params.a));
    expect(Object.keys(pts[0].params)).toEqual(['g', 'a', 'b']);

    const lhs = (seed?: number) => enumeratePoints(validateSweep({
      base: 'x.json', metrics, axes: [{ path: 'a', lhs: { from: 0, to: 10, n: 20, ...(seed === undefined ? {} : { seed }) } }, { path: 'b', lhs: { from: -1, to: 1, n: 20, ...(seed === undefined ? {} : { seed }) } }],
    }));
    const p = lhs(5);
    expect(p).toHaveLength(20);
    expect(p.map((x) => Math.floor(x.params.a * 2)).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, k) => k));
    expect(p.map((x) => Math.floor((x.params.b + 1) * 10)).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, k) => k));
    expect(lhs(5)).toEqual(p);
    expect(lhs().map((x) => x.params)).not.toEqual(p.map((x) => x.params));
  });

  it('name the field at fault', () => {
    const v = (axes: unknown[]) => () => validateSweep({ base: 'x.json', metrics, axes });
    expect(fieldOf(v([{ path: 'a', sobol: { from: 0, to: 1, n: 0 } }]))).toBe('axes[0].sobol.n');
    expect(fieldOf(v([{ path: 'a', sobol: { from: 1, to: 1, n: 4 } }]))).toBe('axes[0].sobol.to');
    expect(fieldOf(v([{ path: 'a', sobol: { from: 0, to: 1, n: 4, scale: 'log' } }]))).toBe('axes[0].sobol');
    expect(fieldOf(v([{ path: 'a', sobol: { from: 0, to: 1, n: 4, seed: 2 } }]))).toBe('axes[0].sobol.seed');
    expect(fieldOf(v([{ path: 'a', sobol: { from: 0, to: 1, n: 4 } }, { path: 'b', sobol: { from: 0, to: 1, n: 8 } }]))).toBe('axes[1].sobol.n');
    expect(fieldOf(v([{ path: 'a', lhs: { from: 0, to: 1, n: 4, scale: 'cubic' } }]))).toBe('axes[0].lhs.scale');
    expect(fieldOf(v([{ path: 'a', lhs: { from: 0, to: 1, n: 4, seed: 1 } }, { path: 'b', lhs: { from: 0, to: 1, n: 4, seed: 2 } }]))).toBe('axes[1].lhs.seed');
    expect(fieldOf(v([{ path: 'a', lhs: { from: 0, to: 1, n: 4 }, values: [1] }]))).toBe('axes[0]');
    const many = Array.from({ length: 22 }, (_, k) => ({ path: `p${k}`, sobol: { from: 0, to: 1, n: 2 } }));
    expect(fieldOf(v(many))).toBe('axes[21].sobol');
  });
});
