/**
 * The points of a sweep, in a fixed order: the Cartesian product of the grid axes (values, range, zip;
 * the last axis varies fastest) crossed with the sampled designs: the random samples (all random axes
 * drawn together, one sample per index), then the Sobol' points (all sobol axes), then the Latin-hypercube
 * points (all lhs axes); designs in sampling.ts. Each point has a stable id (index and a hash of its parameters) and, per repeat,
 * a seed derived from the sweep seed, the point index and the repeat.
 */
import { createHash } from 'node:crypto';
import type { Axis, SweepFile } from './format.ts';
import { latinHypercube, mix32, scaleUnit, sobolPoints, uniforms } from './sampling.ts';

export interface Point {
  index: number;
  /** `p<index>-<hash of the parameters>`. */
  id: string;
  /** Spec path -> value. */
  params: Record<string, number>;
}

export interface PointRun {
  point: Point;
  repeat: number;
  seed: number;
}

/** Seed of one run: a mix of the sweep seed, the point index and the repeat (deterministic, 32-bit). */
export function runSeed(sweepSeed: number, index: number, repeat: number): number {
  return mix32(mix32(mix32(sweepSeed ^ 0x9e3779b9) ^ index) + Math.imul(repeat, 0x27d4eb2f));
}

/** The values a grid axis takes, in order (ranges computed in float64; the ends exact). */
export function gridValues(a: Extract<Axis, { kind: 'values' | 'range' }>): number[] {
  if (a.kind === 'values') return a.values;
  return Array.from({ length: a.steps }, (_, k) => {
    if (k === a.steps - 1) return a.to;
    const t = a.steps === 1 ? 0 : k / (a.steps - 1);
    return scaleUnit(t, a.from, a.to, a.scale);
  });
}

/** The samples of a random axis: n uniform values in [from, to). */
export function randomValues(a: Extract<Axis, { kind: 'random' }>): number[] {
  return uniforms(a.seed, a.n).map((u) => a.from + u * (a.to - a.from));
}

type Sampled = Extract<Axis, { kind: 'random' | 'sobol' | 'lhs' }>;

/** The samples of one design (all axes of one sampled kind together): per axis, its n values in order. */
export function designValues(axes: Sampled[]): number[][] {
  if (!axes.length) return [];
  const { n } = axes[0];
  if (axes[0].kind === 'random') return axes.map((a) => randomValues(a as Extract<Axis, { kind: 'random' }>));
  const unit = axes[0].kind === 'sobol' ? sobolPoints(n, axes.length) : latinHypercube(n, axes.length, axes[0].seed);
  return axes.map((a, j) => unit.map((u) => scaleUnit(u[j], a.from, a.to, (a as Exclude<Sampled, { kind: 'random' }>).scale)));
}

/** One dimension of the product: its length and the parameters at each position. */
function dimensions(sweep: SweepFile): { length: number; at: (k: number) => Record<string, number> }[] {
  const dims = sweep.axes.flatMap((a) => {
    if (a.kind === 'zip') return [{ length: a.axes[0].values.length, at: (k: number) => Object.fromEntries(a.axes.map((z) => [z.path, z.values[k]])) }];
    if (a.kind !== 'values' && a.kind !== 'range') return [];
    const vals = gridValues(a);
    return [{ length: vals.length, at: (k: number) => ({ [a.path]: vals[k] }) }];
  });
  // Each sampled kind is one design, crossed with the grid (random, then sobol, then lhs; lhs fastest).
  for (const kind of ['random', 'sobol', 'lhs'] as const) {
    const axes = sweep.axes.filter((a): a is Sampled => a.kind === kind);
    if (!axes.length) continue;
    const samples = designValues(axes);
    dims.push({ length: axes[0].n, at: (k) => Object.fromEntries(axes.map((a, j) => [a.path, samples[j][k]])) });
  }
  return dims;
}

export function pointId(index: number, params: Record<string, number>): string {
  const canon = JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]]));
  return `p${index}-${createHash('sha256').update(canon).digest('hex').slice(0, 10)}`;
}

/** Every point of the sweep, in order. */
export function enumeratePoints(sweep: SweepFile): Point[] {
  const dims = dimensions(sweep);
  const total = dims.reduce((n, d) => n * d.length, 1);
  return Array.from({ length: total }, (_, index) => {
    let rest = index;
    const params: Record<string, number> = {};
    for (let d = dims.length - 1; d >= 0; d--) {
      Object.assign(params, dims[d].at(rest % dims[d].length));
      rest = Math.floor(rest / dims[d].length);
    }
    // Column order follows the axes, whatever the loop order above.
    const ordered = Object.fromEntries(axisPaths(sweep).map((p) => [p, params[p]]));
    return { index, id: pointId(index, ordered), params: ordered };
  });
}

/** The spec paths of the axes, in the order of the file (zip members in theirs). */
export function axisPaths(sweep: SweepFile): string[] {
  return sweep.axes.flatMap((a) => (a.kind === 'zip' ? a.axes.map((z) => z.path) : [a.path]));
}

/** Every run: each point times each repeat, with its seed. */
export function enumerateRuns(sweep: SweepFile): PointRun[] {
  return enumeratePoints(sweep).flatMap((point) =>
    Array.from({ length: sweep.repeats }, (_, repeat) => ({ point, repeat, seed: runSeed(sweep.seed, point.index, repeat) })));
}
