/**
 * Validation of the plasticity and neuromodulation parts of a rate network spec: time courses (shared
 * with inputs), modulators, a projection's `plasticity` and `gainModulator`, and the recorders of
 * weights and modulators. Every error names the field at fault.
 */
import { SpecError } from '../errors.ts';
import { describe, fileName, finite, integer, isObj, numArray, object, oneOf, positive, str } from './checks.ts';
import { validPlasticity, type RateRuleTable } from './rate-rules.ts';
import {
  DENSE_WEIGHT_TYPES, type ModulatorSpec, type PopulationSpec,
  type ProjectionSpec, type RecorderSpec, type InputTimeCourse, type TimeCourse,
} from './rate.ts';

/** values[k][b][i]: per sample, one row of per-unit values per instance (as many instances in every sample). */
function perInstanceSamples(values: unknown[], f: string, unitCount: number): number[][][] {
  const instances = (values[0] as unknown[]).length;
  return values.map((sample, k) => {
    if (!Array.isArray(sample) || sample.length !== instances) throw new SpecError(`${f}[${k}]`, `expected ${instances} rows (one per instance, as values[0]), got ${describe(sample)}`);
    return sample.map((row, b) => numArray(row, `${f}[${k}][${b}]`, unitCount));
  });
}

/** A time course; `unitCount` allows per-unit sample rows of that length (inputs), per-instance rows of them (values[k][b][i]); undefined scalars only. */
export function timeCourse(v: unknown, tf: string, unitCount?: number): InputTimeCourse {
  const t = isObj(v) ? v : object(v, tf, []);
  const type = oneOf(t.type, `${tf}.type`, ['constant', 'pulse', 'array'] as const);
  if (type === 'constant') { object(t, tf, ['type']); return { type }; }
  if (type === 'pulse') {
    object(t, tf, ['type', 'start', 'duration']);
    const start = finite(t.start, `${tf}.start`);
    if (start < 0) throw new SpecError(`${tf}.start`, `must be >= 0, got ${start}`);
    return { type, start, duration: positive(t.duration, `${tf}.duration`) };
  }
  object(t, tf, ['type', 'dt', 'values']);
  const dt = positive(t.dt, `${tf}.dt`);
  if (!Array.isArray(t.values) || t.values.length === 0) throw new SpecError(`${tf}.values`, 'expected a non-empty array');
  if (Array.isArray(t.values[0])) {
    if (unitCount === undefined) throw new SpecError(`${tf}.values[0]`, 'a modulator is a scalar: expected a number per sample, got an array');
    if (Array.isArray(t.values[0][0])) return { type, dt, values: perInstanceSamples(t.values, `${tf}.values`, unitCount) };
    return { type, dt, values: t.values.map((row, k) => numArray(row, `${tf}.values[${k}]`, unitCount)) };
  }
  return { type, dt, values: numArray(t.values, `${tf}.values`) };
}

export function modulator(v: unknown, f: string, pops: Map<string, PopulationSpec>): ModulatorSpec {
  const o = isObj(v) ? v : object(v, f, []);
  const type = oneOf(o.type, `${f}.type`, ['schedule', 'activity', 'host'] as const);
  const name = str(o.name, `${f}.name`);
  const optional = (key: string) => (o[key] === undefined ? undefined : finite(o[key], `${f}.${key}`));
  switch (type) {
    case 'schedule': {
      object(o, f, ['name', 'type', 'time', 'amplitude', 'baseline']);
      if (o.time === undefined) throw new SpecError(`${f}.time`, 'required for a schedule modulator');
      return { name, type, time: timeCourse(o.time, `${f}.time`) as TimeCourse, amplitude: optional('amplitude'), baseline: optional('baseline') };
    }
    case 'activity': {
      object(o, f, ['name', 'type', 'population', 'profile', 'tauBaseline', 'scale', 'offset']);
      const population = str(o.population, `${f}.population`);
      const pop = pops.get(population);
      if (!pop) throw new SpecError(`${f}.population`, `no population named "${population}"`);
      return {
        name, type, population,
        profile: o.profile === undefined ? undefined : numArray(o.profile, `${f}.profile`, pop.size),
        tauBaseline: o.tauBaseline === undefined ? undefined : positive(o.tauBaseline, `${f}.tauBaseline`),
        scale: optional('scale'), offset: optional('offset'),
      };
    }
    case 'host':
      object(o, f, ['name', 'type', 'init']);
      return { name, type, init: optional('init') };
  }
}

function modulatorName(v: unknown, field: string, modulators: Set<string>): string {
  const name = str(v, field);
  if (!modulators.has(name)) {
    throw new SpecError(field, `no modulator named "${name}"${modulators.size ? ` (modulators: ${[...modulators].join(', ')})` : ' (the spec declares no modulators)'}`);
  }
  return name;
}

/** Validates `plasticity` and `gainModulator` of projection `p` (raw object `o`) in place. */
export function projectionModulation(
  o: Record<string, unknown>, p: ProjectionSpec, f: string, modulators: Set<string>, rules: RateRuleTable, userRules: Record<string, unknown>,
): void {
  if (o.gainModulator !== undefined) p.gainModulator = modulatorName(o.gainModulator, `${f}.gainModulator`, modulators);
  if (o.plasticity === undefined) return;
  const pf = `${f}.plasticity`;
  const q = isObj(o.plasticity) ? o.plasticity : object(o.plasticity, pf, []);
  if (!(DENSE_WEIGHT_TYPES as readonly string[]).includes(p.weights.type)) {
    throw new SpecError(pf, `a plastic projection needs dense weights (${DENSE_WEIGHT_TYPES.join(', ')}), got "${p.weights.type}"`);
  }
  const plasticity = validPlasticity(q, pf, rules, (n) => Object.hasOwn(userRules, n));
  if (q.modulator !== undefined) plasticity.modulator = modulatorName(q.modulator, `${pf}.modulator`, modulators);
  p.plasticity = plasticity;
}

/** A recorder of a plastic projection's weights or of a modulator (raw object `o` has `projection` or `modulator`). */
export function modulationRecorder(o: Record<string, unknown>, f: string, projections: ProjectionSpec[], modulators: Set<string>): RecorderSpec {
  const name = fileName(o.name, `${f}.name`);
  const every = o.every === undefined ? undefined : integer(o.every, `${f}.every`, 1);
  if (o.projection !== undefined) {
    object(o, f, ['name', 'projection', 'what', 'every']);
    if (o.what !== 'weights') throw new SpecError(`${f}.what`, `a projection recorder records "weights", got ${o.what === undefined ? 'nothing' : JSON.stringify(o.what)}`);
    const projection = str(o.projection, `${f}.projection`);
    const proj = projections.find((p) => p.name === projection);
    if (!proj) throw new SpecError(`${f}.projection`, `no projection named "${projection}"`);
    if (!proj.plasticity) throw new SpecError(`${f}.projection`, `projection "${projection}" is not plastic (only plastic projections have per-instance weights to record)`);
    return { name, projection, what: 'weights', every };
  }
  object(o, f, ['name', 'modulator', 'what', 'every']);
  if (o.what !== 'modulator') throw new SpecError(`${f}.what`, `a modulator recorder records "modulator", got ${o.what === undefined ? 'nothing' : JSON.stringify(o.what)}`);
  return { name, modulator: modulatorName(o.modulator, `${f}.modulator`, modulators), what: 'modulator', every };
}
