/**
 * The points of a sweep, in a fixed order: the Cartesian product of the grid axes (values, range, zip;
 * the last axis varies fastest) crossed with the random samples (all random axes drawn together, one
 * sample per index). Each point has a stable id (index and a hash of its parameters) and, per repeat,
 * a seed derived from the sweep seed, the point index and the repeat.
 */
import { createHash } from 'node:crypto';
import type { Axis, SweepFile } from './format.ts';

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

/** Murmur3's 32-bit finalizer: a bijective mix of a 32-bit word. */
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Seed of one run: a mix of the sweep seed, the point index and the repeat (deterministic, 32-bit). */
export function runSeed(sweepSeed: number, index: number, repeat: number): number {
  return mix32(mix32(mix32(sweepSeed ^ 0x9e3779b9) ^ index) + Math.imul(repeat, 0x27d4eb2f));
}

/** Uniform numbers in [0, 1) from a 32-bit seed (SplitMix32). */
function uniforms(seed: number, n: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (s + 0x9e3779b9) >>> 0;
    return mix32(s) / 2 ** 32;
  });
}

/** The values a grid axis takes, in order (ranges computed in float64; the ends exact). */
export function gridValues(a: Exclude<Axis, { kind: 'random' | 'zip' }>): number[] {
  if (a.kind === 'values') return a.values;
  return Array.from({ length: a.steps }, (_, k) => {
    if (k === a.steps - 1) return a.to;
    const t = a.steps === 1 ? 0 : k / (a.steps - 1);
    return a.scale === 'log' ? Math.exp(Math.log(a.from) + t * (Math.log(a.to) - Math.log(a.from))) : a.from + t * (a.to - a.from);
  });
}

/** The samples of a random axis: n uniform values in [from, to). */
export function randomValues(a: Extract<Axis, { kind: 'random' }>): number[] {
  return uniforms(a.seed, a.n).map((u) => a.from + u * (a.to - a.from));
}

/** One dimension of the product: its length and the parameters at each position. */
function dimensions(sweep: SweepFile): { length: number; at: (k: number) => Record<string, number> }[] {
  const dims = sweep.axes.filter((a) => a.kind !== 'random').map((a) => {
    if (a.kind === 'zip') return { length: a.axes[0].values.length, at: (k: number) => Object.fromEntries(a.axes.map((z) => [z.path, z.values[k]])) };
    const vals = gridValues(a);
    return { length: vals.length, at: (k: number) => ({ [a.path]: vals[k] }) };
  });
  const randoms = sweep.axes.filter((a) => a.kind === 'random');
  if (randoms.length) {
    const samples = randoms.map((a) => [a.path, randomValues(a)] as const);
    dims.push({ length: randoms[0].n, at: (k) => Object.fromEntries(samples.map(([p, v]) => [p, v[k]])) });
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
