/**
 * The sweep file (`lamina sweep SWEEP.json`): a base network, the axes of parameter values, repeats and
 * the metrics to compute per point. Validated here into a SweepFile; every error is a SpecError naming
 * the field (`axes[1].range.steps`), which the CLI maps to exit 2.
 */
import { SpecError } from '../../engine/errors.ts';
import { describe, finite, integer, isObj, numArray, object, oneOf, seed32, stepCount, str } from '../../engine/spec/checks.ts';

export type Axis =
  | { kind: 'values'; path: string; values: number[] }
  | { kind: 'range'; path: string; from: number; to: number; steps: number; scale: 'linear' | 'log' }
  | { kind: 'random'; path: string; from: number; to: number; n: number; seed: number }
  /** Lists of the same length that go together: the k-th values of each make one grid position. */
  | { kind: 'zip'; axes: { path: string; values: number[] }[] };

export type MetricSpec =
  | { name: string; metric: 'rate' | 'cv' | 'fano' | 'synchrony'; population: string; from?: number; to?: number; bin?: number }
  | { name: string; metric: 'mean' | 'variance'; population: string; variable: string; units?: number[]; from?: number; to?: number }
  | { name: string; metric: 'summary'; field: string };

export interface SweepFile {
  /** A scenario name, or a spec file path (resolved relative to the sweep file). */
  base: string;
  axes: Axis[];
  repeats: number;
  /** Seed from which each point's and repeat's seed is derived. */
  seed: number;
  steps?: number;
  metrics: MetricSpec[];
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

function axis(v: unknown, f: string): Axis {
  const o = object(v, f, ['path', 'values', 'range', 'random', 'zip']);
  const given = ['values', 'range', 'random', 'zip'].filter((k) => o[k] !== undefined);
  if (given.length !== 1) throw new SpecError(f, `give exactly one of values, range, random or zip, got ${given.length ? given.join(', ') : 'none'}`);
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
    const scale = r.scale === undefined ? 'linear' : oneOf(r.scale, `${f}.range.scale`, ['linear', 'log'] as const);
    if (scale === 'log' && !(from > 0 && to > 0)) throw new SpecError(`${f}.range`, `a log range needs from > 0 and to > 0, got ${from} and ${to}`);
    if (steps === 1 && from !== to) throw new SpecError(`${f}.range.steps`, 'one step cannot span from..to (use values: [x])');
    return { kind: 'range', path, from, to, steps, scale };
  }
  const r = object(o.random, `${f}.random`, ['from', 'to', 'n', 'seed']);
  const from = finite(r.from, `${f}.random.from`), to = finite(r.to, `${f}.random.to`);
  if (!(to > from)) throw new SpecError(`${f}.random.to`, `must be > from (${from}), got ${to}`);
  return { kind: 'random', path, from, to, n: integer(r.n, `${f}.random.n`, 1), seed: r.seed === undefined ? 0 : seed32(r.seed, `${f}.random.seed`) };
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

/** Validates a parsed sweep file. */
export function validateSweep(v: unknown): SweepFile {
  const o = object(v, 'sweep', ['base', 'axes', 'repeats', 'seed', 'steps', 'metrics', 'description']);
  const base = str(o.base, 'base');
  if (!Array.isArray(o.axes) || o.axes.length === 0) throw new SpecError('axes', `expected a non-empty array of axes, got ${describe(o.axes)}`);
  const axes = o.axes.map((a, k) => axis(a, `axes[${k}]`));
  const paths = axes.flatMap((a, k) => (a.kind === 'zip' ? a.axes.map((z, j) => [z.path, `axes[${k}].zip[${j}].path`]) : [[a.path, `axes[${k}].path`]]));
  paths.forEach(([p, f], k) => {
    if (paths.findIndex(([q]) => q === p) !== k) throw new SpecError(f, `"${p}" is already an axis`);
  });
  const randoms = axes.filter((a) => a.kind === 'random');
  randoms.forEach((a) => {
    if (a.n !== randoms[0].n) throw new SpecError(`axes[${axes.indexOf(a)}].random.n`, `random axes are sampled together: every one needs the same n (${randoms[0].n}), got ${a.n}`);
  });
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
