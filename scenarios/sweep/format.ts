/**
 * The sweep file (`lamina sweep SWEEP.json`): a base network, the axes of parameter values, repeats and
 * the metrics to compute per point. Validated here into a SweepFile; every error is a SpecError naming
 * the field (`axes[1].range.steps`), which the CLI maps to exit 2.
 */
import { SpecError } from '../../engine/errors.ts';
import { SOBOL_MAX_DIMS } from './sampling.ts';
import { describe, finite, integer, isObj, numArray, object, oneOf, seed32, stepCount, str } from '../../engine/spec/checks.ts';

export type Axis =
  | { kind: 'values'; path: string; values: number[] }
  | { kind: 'range'; path: string; from: number; to: number; steps: number; scale: 'linear' | 'log' }
  | { kind: 'random'; path: string; from: number; to: number; n: number; seed: number }
  /** One dimension of the sweep's Sobol' design (all sobol axes together, in file order). */
  | { kind: 'sobol'; path: string; from: number; to: number; n: number; scale: 'linear' | 'log' }
  /** One dimension of the sweep's Latin-hypercube design (all lhs axes together, one seed). */
  | { kind: 'lhs'; path: string; from: number; to: number; n: number; scale: 'linear' | 'log'; seed: number }
  /** Lists of the same length that go together: the k-th values of each make one grid position. */
  | { kind: 'zip'; axes: { path: string; values: number[] }[] };

export type MetricSpec =
  | { name: string; metric: 'rate' | 'cv' | 'fano' | 'synchrony'; population: string; from?: number; to?: number; bin?: number }
  | { name: string; metric: 'mean' | 'variance'; population: string; variable: string; units?: number[]; from?: number; to?: number }
  | { name: string; metric: 'summary'; field: string };

/**
 * Points whose recordings are kept (DIR/points/...): their indices or all, and the recorders (spec `record`
 * entries; a sweep of summary fields names none: it keeps the points' whole `lamina run` directories).
 */
export interface Keep {
  points: number[] | 'all';
  record?: Record<string, unknown>[];
}

export interface SweepFile {
  /** A scenario name, or a spec file path (resolved relative to the sweep file). */
  base: string;
  axes: Axis[];
  repeats: number;
  /** Seed from which each point's and repeat's seed is derived. */
  seed: number;
  steps?: number;
  metrics: MetricSpec[];
  keep?: Keep;
}

const PATH = /^[A-Za-z_][\w-]*(\.[\w-]+)*$/;

function specPath(v: unknown, field: string): string {
  const p = str(v, field);
  if (!PATH.test(p)) throw new SpecError(field, `expected a spec path such as "populations.E.params.tau_m", got "${p}"`);
  if (p === 'seed' || p.startsWith('batch.')) throw new SpecError(field, `"${p}" is set by the sweep itself (repeats and the sweep seed give each point its seed)`);
  return p;
}

function values(v: unknown, field: string): number[] {
  const xs = numArray(v, field);
  if (xs.length === 0) throw new SpecError(field, 'expected at least one value');
  return xs;
}

const KINDS = ['values', 'range', 'random', 'sobol', 'lhs', 'zip'] as const;

function scaleOf(v: unknown, f: string, from: number, to: number): 'linear' | 'log' {
  const scale = v === undefined ? 'linear' : oneOf(v, `${f}.scale`, ['linear', 'log'] as const);
  if (scale === 'log' && !(from > 0 && to > 0)) throw new SpecError(f, `a log scale needs from > 0 and to > 0, got ${from} and ${to}`);
  return scale;
}

/** A sampled axis (random, sobol, lhs): n values in [from, to). */
function sampled(o: Record<string, unknown>, kind: 'random' | 'sobol' | 'lhs', path: string, f: string): Axis {
  const g = `${f}.${kind}`;
  const r = object(o[kind], g, kind === 'random' ? ['from', 'to', 'n', 'seed'] : kind === 'sobol' ? ['from', 'to', 'n', 'scale'] : ['from', 'to', 'n', 'scale', 'seed']);
  const from = finite(r.from, `${g}.from`), to = finite(r.to, `${g}.to`);
  if (!(to > from)) throw new SpecError(`${g}.to`, `must be > from (${from}), got ${to}`);
  const n = integer(r.n, `${g}.n`, 1);
  const seed = r.seed === undefined ? 0 : seed32(r.seed, `${g}.seed`);
  if (kind === 'random') return { kind, path, from, to, n, seed };
  const scale = scaleOf(r.scale, g, from, to);
  return kind === 'sobol' ? { kind, path, from, to, n, scale } : { kind, path, from, to, n, scale, seed };
}

function axis(v: unknown, f: string): Axis {
  const o = object(v, f, ['path', ...KINDS]);
  const given = KINDS.filter((k) => o[k] !== undefined);
  if (given.length !== 1) throw new SpecError(f, `give exactly one of ${KINDS.join(', ')}, got ${given.length ? given.join(', ') : 'none'}`);
  if (o.zip !== undefined) {
    if (o.path !== undefined) throw new SpecError(`${f}.path`, 'a zip axis names its paths inside zip');
    if (!Array.isArray(o.zip) || o.zip.length < 1) throw new SpecError(`${f}.zip`, `expected a non-empty array of { path, values }, got ${describe(o.zip)}`);
    const axes = o.zip.map((z, k) => {
      const zo = object(z, `${f}.zip[${k}]`, ['path', 'values']);
      return { path: specPath(zo.path, `${f}.zip[${k}].path`), values: values(zo.values, `${f}.zip[${k}].values`) };
    });
    axes.forEach((a, k) => {
      if (a.values.length !== axes[0].values.length) throw new SpecError(`${f}.zip[${k}].values`, `zipped lists go together: expected ${axes[0].values.length} values (as zip[0]), got ${a.values.length}`);
    });
    return { kind: 'zip', axes };
  }
  const path = specPath(o.path, `${f}.path`);
  if (o.values !== undefined) return { kind: 'values', path, values: values(o.values, `${f}.values`) };
  if (o.range !== undefined) {
    const r = object(o.range, `${f}.range`, ['from', 'to', 'steps', 'scale']);
    const from = finite(r.from, `${f}.range.from`), to = finite(r.to, `${f}.range.to`);
    const steps = integer(r.steps, `${f}.range.steps`, 1);
    const scale = scaleOf(r.scale, `${f}.range`, from, to);
    if (steps === 1 && from !== to) throw new SpecError(`${f}.range.steps`, 'one step cannot span from..to (use values: [x])');
    return { kind: 'range', path, from, to, steps, scale };
  }
  return sampled(o, given[0] as 'random' | 'sobol' | 'lhs', path, f);
}

/** Axes of one sampled kind make one design: every one needs the same n (and, for lhs, the same seed). */
function checkDesign(axes: Axis[], kind: 'random' | 'sobol' | 'lhs'): void {
  const members = axes.filter((a): a is Extract<Axis, { kind: typeof kind }> => a.kind === kind);
  const field = (a: Axis, key: string) => `axes[${axes.indexOf(a)}].${kind}.${key}`;
  const together = kind === 'random' ? 'random axes are sampled together' : `${kind} axes make one ${kind === 'sobol' ? "Sobol'" : 'Latin-hypercube'} design`;
  for (const a of members) {
    if (a.n !== members[0].n) throw new SpecError(field(a, 'n'), `${together}: every one needs the same n (${members[0].n}), got ${a.n}`);
    if (a.kind === 'lhs' && members[0].kind === 'lhs' && a.seed !== members[0].seed) throw new SpecError(field(a, 'seed'), `${together}: every one needs the same seed (${members[0].seed}), got ${a.seed}`);
  }
  if (kind === 'sobol' && members.length > SOBOL_MAX_DIMS) throw new SpecError(`axes[${axes.indexOf(members[SOBOL_MAX_DIMS])}].sobol`, `at most ${SOBOL_MAX_DIMS} sobol axes (Joe-Kuo direction numbers shipped), got ${members.length}`);
}

const SPIKE_METRICS = ['rate', 'cv', 'fano', 'synchrony'] as const;

function window(o: Record<string, unknown>, f: string): { from?: number; to?: number } {
  const w: { from?: number; to?: number } = {};
  if (o.from !== undefined) w.from = finite(o.from, `${f}.from`);
  if (o.to !== undefined) w.to = finite(o.to, `${f}.to`);
  if (w.from !== undefined && w.from < 0) throw new SpecError(`${f}.from`, `must be >= 0 ms, got ${w.from}`);
  if (w.from !== undefined && w.to !== undefined && !(w.to > w.from)) throw new SpecError(`${f}.to`, `must be > from (${w.from} ms), got ${w.to}`);
  return w;
}

function metric(v: unknown, f: string): MetricSpec {
  if (!isObj(v)) throw new SpecError(f, `expected an object such as { "metric": "rate", "population": "E" }, got ${describe(v)}`);
  const kind = oneOf(v.metric, `${f}.metric`, [...SPIKE_METRICS, 'mean', 'variance', 'summary'] as const);
  if (kind === 'summary') {
    const o = object(v, f, ['metric', 'field', 'name']);
    const field = str(o.field, `${f}.field`);
    return { name: o.name === undefined ? field : column(o.name, `${f}.name`), metric: 'summary', field };
  }
  if (kind === 'mean' || kind === 'variance') {
    const o = object(v, f, ['metric', 'population', 'variable', 'units', 'from', 'to', 'name']);
    const population = str(o.population, `${f}.population`), variable = o.variable === undefined ? 'rate' : str(o.variable, `${f}.variable`);
    const m: MetricSpec = { name: o.name === undefined ? `${kind}_${variable}_${population}` : column(o.name, `${f}.name`), metric: kind, population, variable, ...window(o, f) };
    if (o.units !== undefined) m.units = numArray(o.units, `${f}.units`).map((u, k) => integer(u, `${f}.units[${k}]`, 0));
    return m;
  }
  const o = object(v, f, ['metric', 'population', 'from', 'to', 'bin', 'name']);
  const population = str(o.population, `${f}.population`);
  const m: MetricSpec = { name: o.name === undefined ? `${kind}_${population}` : column(o.name, `${f}.name`), metric: kind, population, ...window(o, f) };
  if (o.bin !== undefined) {
    if (kind !== 'fano' && kind !== 'synchrony') throw new SpecError(`${f}.bin`, `applies to fano and synchrony, not ${kind}`);
    m.bin = finite(o.bin, `${f}.bin`);
    if (!(m.bin > 0)) throw new SpecError(`${f}.bin`, `must be > 0 ms, got ${m.bin}`);
  }
  return m;
}

function column(v: unknown, f: string): string {
  const s = str(v, f);
  if (!/^[A-Za-z_]\w*$/.test(s)) throw new SpecError(f, `a column name of letters, digits and _ is expected, got "${s}"`);
  return s;
}

function keep(v: unknown): Keep {
  const o = object(v, 'keep', ['points', 'record']);
  let points: Keep['points'];
  if (o.points === 'all') points = 'all';
  else {
    if (!Array.isArray(o.points) || o.points.length === 0) throw new SpecError('keep.points', `expected "all" or a non-empty array of point indices, got ${describe(o.points)}`);
    points = o.points.map((p, k) => integer(p, `keep.points[${k}]`, 0));
  }
  if (o.record === undefined) return { points };
  if (!Array.isArray(o.record) || o.record.length === 0) throw new SpecError('keep.record', `expected a non-empty array of recorders such as { "name": "spikes_E", "population": "E", "what": "spikes" }, got ${describe(o.record)}`);
  const record = o.record.map((r, k) => {
    if (!isObj(r)) throw new SpecError(`keep.record[${k}]`, `expected a recorder object, got ${describe(r)}`);
    const name = column(r.name, `keep.record[${k}].name`);
    if (name.startsWith('sweep_')) throw new SpecError(`keep.record[${k}].name`, `names starting with sweep_ are the metrics' recorders, got "${name}"`);
    return r;
  });
  record.forEach((r, k) => {
    if (record.findIndex((x) => x.name === r.name) !== k) throw new SpecError(`keep.record[${k}].name`, `"${r.name as string}" is already a kept recorder`);
  });
  return { points, record };
}

/** Validates a parsed sweep file. */
export function validateSweep(v: unknown): SweepFile {
  const o = object(v, 'sweep', ['base', 'axes', 'repeats', 'seed', 'steps', 'metrics', 'keep', 'description']);
  const base = str(o.base, 'base');
  if (!Array.isArray(o.axes) || o.axes.length === 0) throw new SpecError('axes', `expected a non-empty array of axes, got ${describe(o.axes)}`);
  const axes = o.axes.map((a, k) => axis(a, `axes[${k}]`));
  const paths = axes.flatMap((a, k) => (a.kind === 'zip' ? a.axes.map((z, j) => [z.path, `axes[${k}].zip[${j}].path`]) : [[a.path, `axes[${k}].path`]]));
  paths.forEach(([p, f], k) => {
    if (paths.findIndex(([q]) => q === p) !== k) throw new SpecError(f, `"${p}" is already an axis`);
  });
  for (const kind of ['random', 'sobol', 'lhs'] as const) checkDesign(axes, kind);
  if (!Array.isArray(o.metrics) || o.metrics.length === 0) throw new SpecError('metrics', `expected a non-empty array of metrics, got ${describe(o.metrics)}`);
  const metrics = o.metrics.map((m, k) => metric(m, `metrics[${k}]`));
  metrics.forEach((m, k) => {
    if (metrics.findIndex((x) => x.name === m.name) !== k) throw new SpecError(`metrics[${k}].name`, `column "${m.name}" is already a metric (give one a name)`);
  });
  const sweep: SweepFile = {
    base, axes, metrics,
    repeats: o.repeats === undefined ? 1 : integer(o.repeats, 'repeats', 1),
    seed: o.seed === undefined ? 0 : seed32(o.seed, 'seed'),
  };
  if (o.steps !== undefined) sweep.steps = stepCount(o.steps, 'steps');
  if (o.keep !== undefined) sweep.keep = keep(o.keep);
  return sweep;
}

/** JSON with object keys sorted at every level: the form in which two sweep files are compared. */
export function canonicalJson(v: unknown): string {
  const norm = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(norm);
    if (isObj(x)) return Object.fromEntries(Object.keys(x).sort().map((k) => [k, norm(x[k])]));
    return x;
  };
  return JSON.stringify(norm(v));
}
