/**
 * The network a sweep varies: its base spec (a scenario's or a spec file's), how each axis reaches it
 * (per instance through batch.params where the engine accepts the key, else as a structure value that
 * needs its own build), and the spec of one batch of points.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { SpecError } from '../../engine/errors.ts';
import { isObj } from '../../engine/spec/checks.ts';
import { isSpikingSpec } from '../../engine/spec/kind.ts';
import { validateSpec } from '../../engine/spec/validate-rate.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import { SCENARIOS } from '../index.ts';
import { loadSpecFile, resolveSpecPaths } from '../run.ts';
import type { Scenario, ScenarioRun, SpikingScenario, SpikingScenarioRun } from '../scenario.ts';
import type { MetricSpec, SweepFile } from './format.ts';
import { axisPaths, type PointRun } from './points.ts';

export interface SweepBase {
  kind: 'rate' | 'spiking';
  /** The base spec as JSON (batch and record removed: the sweep sets them). */
  spec: Record<string, unknown>;
  steps: number;
  scenario?: Scenario | SpikingScenario;
  /** The scenario's own run (its recorders, which its analysis reads, and its parameters). */
  scenarioRun?: ScenarioRun | SpikingScenarioRun;
  /** Axis path -> its batch.params key, for the axes that vary per instance. */
  perInstance: Map<string, string>;
  /** Axis paths that need one build per distinct value. */
  structure: string[];
}

const COLLECTIONS = ['populations', 'projections', 'inputs', 'modulators'];

/**
 * The batch.params key an axis path would use: `populations.E.params.tau_m` -> `populations.E.tau_m`,
 * `inputs.bg.rate` -> `inputs.bg.rate`; undefined for paths outside the named collections.
 */
export function batchKey(path: string): string | undefined {
  const [coll, name, ...rest] = path.split('.');
  if (!COLLECTIONS.includes(coll) || name === undefined || rest.length === 0) return undefined;
  const tail = rest[0] === 'params' && rest.length === 2 ? rest[1] : rest.join('.');
  return `${coll}.${name}.${tail}`;
}

/** Sets `path` in a spec (named items of arrays found by name); throws a SpecError at `field` if it does not resolve. */
export function setPath(spec: Record<string, unknown>, path: string, value: number, field: string): void {
  const segs = path.split('.');
  let node: unknown = spec;
  for (let k = 0; k < segs.length - 1; k++) {
    const seg = segs[k];
    let next: unknown;
    if (Array.isArray(node)) {
      next = node.find((x) => isObj(x) && x.name === seg);
      if (next === undefined) throw new SpecError(field, `"${path}": no item named "${seg}" in ${segs.slice(0, k).join('.')} (names: ${node.map((x) => (isObj(x) ? x.name : '?')).join(', ')})`);
    } else if (isObj(node)) {
      next = node[seg];
      // A population's params object may be left out of the base spec.
      if (next === undefined && seg === 'params') next = node.params = {};
      if (next === undefined) throw new SpecError(field, `"${path}": ${segs.slice(0, k + 1).join('.')} is not in the base spec`);
    } else {
      throw new SpecError(field, `"${path}": ${segs.slice(0, k).join('.')} is a value, not an object`);
    }
    node = next;
  }
  const last = segs[segs.length - 1];
  if (!isObj(node)) throw new SpecError(field, `"${path}": ${segs.slice(0, -1).join('.')} is not an object`);
  if (typeof node[last] === 'object' && node[last] !== null) throw new SpecError(field, `"${path}" holds ${Array.isArray(node[last]) ? 'an array' : 'an object'} in the base spec; a sweep sets one number`);
  node[last] = value;
}

/** Validates (rate) or compiles (spiking) a spec; SpecErrors pass through. */
export function checkSpec(kind: 'rate' | 'spiking', spec: Record<string, unknown>): void {
  if (kind === 'rate') validateSpec(spec);
  else compileSpiking(spec);
}

/** Does the engine take `key` per instance? Tried on the spec: a refusal naming batch.params.KEY means no. */
function acceptsPerInstance(kind: 'rate' | 'spiking', spec: Record<string, unknown>, key: string, value: number): boolean {
  const probe = structuredClone(spec);
  probe.batch = { size: 1, params: { [key]: [value] } };
  try {
    checkSpec(kind, probe);
    return true;
  } catch (e) {
    if (e instanceof SpecError && e.field.startsWith(`batch.params.${key}`)) return false;
    throw e;
  }
}

/** Resolves the base of a sweep file at `sweepPath` and classifies its axes. */
export function resolveBase(sweep: SweepFile, sweepPath: string, firstParams: Record<string, number>): SweepBase {
  let spec: Record<string, unknown>, steps: number | undefined, scenario: Scenario | SpikingScenario | undefined, scenarioRun: ScenarioRun | SpikingScenarioRun | undefined;
  const named = Object.hasOwn(SCENARIOS, sweep.base) ? SCENARIOS[sweep.base] : undefined;
  if (named?.kind === 'protocol') throw new SpecError('base', `${named.name} drives its simulations itself (a protocol scenario); a sweep varies a network scenario or a spec file`);
  if (named) {
    const run = named.build({ batch: 1 });
    scenario = named;
    scenarioRun = run;
    spec = structuredClone(run.spec) as unknown as Record<string, unknown>;
    steps = run.steps;
  } else {
    if (!sweep.base.endsWith('.json')) throw new SpecError('base', `"${sweep.base}" is neither a scenario (${Object.keys(SCENARIOS).join(', ')}) nor a .json spec file`);
    const file = isAbsolute(sweep.base) ? sweep.base : resolve(dirname(sweepPath), sweep.base);
    spec = loadSpecFile(file);
    resolveSpecPaths(spec, file);
  }
  const kind = isSpikingSpec(spec) ? 'spiking' : 'rate';
  steps = sweep.steps ?? steps ?? (typeof spec.steps === 'number' ? spec.steps : 1000);
  delete spec.batch;
  spec.record = [];
  const perInstance = new Map<string, string>(), structure: string[] = [];
  const probe = structuredClone(spec);
  axisPaths(sweep).forEach((path) => setPath(probe, path, firstParams[path], axisField(sweep, path)));
  checkSpec(kind, probe);
  for (const path of axisPaths(sweep)) {
    const key = batchKey(path);
    if (key !== undefined && acceptsPerInstance(kind, probe, key, firstParams[path])) perInstance.set(path, key);
    else structure.push(path);
  }
  return { kind, spec, steps, scenario, scenarioRun, perInstance, structure };
}

/** The field of the sweep file that names `path` (for errors). */
export function axisField(sweep: SweepFile, path: string): string {
  for (const [k, a] of sweep.axes.entries()) {
    if (a.kind === 'zip') {
      const j = a.axes.findIndex((z) => z.path === path);
      if (j >= 0) return `axes[${k}].zip[${j}].path`;
    } else if (a.path === path) return `axes[${k}].path`;
  }
  return 'axes';
}

/** The recorder name a metric reads. */
export function recorderName(m: Exclude<MetricSpec, { metric: 'summary' }>): string {
  return 'variable' in m ? `sweep_${m.variable}_${m.population}${m.units ? `_${m.name}` : ''}` : `sweep_spikes_${m.population}`;
}

/** The recorders the metrics need (spike trains, or every step of a state or rate). */
export function metricRecorders(kind: 'rate' | 'spiking', metrics: MetricSpec[]): Record<string, unknown>[] {
  const out = new Map<string, Record<string, unknown>>();
  for (const m of metrics) {
    if (m.metric === 'summary') continue;
    const name = recorderName(m);
    if (!('variable' in m)) out.set(name, { name, population: m.population, what: 'spikes' });
    else if (kind === 'spiking') out.set(name, { name, population: m.population, what: m.variable, ...(m.units ? { units: m.units } : {}) });
    else {
      if (m.variable !== 'rate' && m.variable !== 'state') throw new SpecError(`metrics[${metrics.indexOf(m)}].variable`, `a rate network records "rate" or "state", got "${m.variable}"`);
      out.set(name, { name, population: m.population, what: m.variable, ...(m.units ? { units: m.units } : {}) });
    }
  }
  return [...out.values()];
}

/** The spec of one batch: the base with the structure values and recorders set, the rest per instance. */
export function batchSpec(base: SweepBase, runs: PointRun[], recorders: Record<string, unknown>[]): Record<string, unknown> {
  const spec = structuredClone(base.spec);
  for (const path of base.structure) setPath(spec, path, runs[0].point.params[path], path);
  const params: Record<string, number[]> = { seed: runs.map((r) => r.seed) };
  for (const [path, key] of base.perInstance) params[key] = runs.map((r) => r.point.params[path]);
  spec.batch = { size: runs.length, params };
  spec.record = recorders;
  return spec;
}
