/**
 * The rate-unit part of a network spec: the `units` map (its shape, then each unit compiled, so that an
 * error in a unit's code names the field), each population's unit (a built-in by `activation` and the
 * spec's integrator, or by `unit` name) and where each of its parameter values comes from: the unit's
 * default, the population's shorthands `tau`, `bias`, `noise`, its `params`, or batch.params
 * ("populations.NAME.PARAM", one value per instance). The unit's checks run on every value.
 */
import { SpecError } from '../errors.ts';
import { BUILTIN_RATE_UNITS, builtinUnitName } from '../models/builtin-rate-units.ts';
import { compileRateUnit, type CompiledRateUnit, type RateUnitSpec } from '../models/rate-unit.ts';
import { ModelError } from '../models/check.ts';
import { finite, isObj, object, str } from './checks.ts';
import type { NetworkSpec, PopulationSpec } from './rate.ts';
import { GATED_CARRIER_UNIT } from './validate-gated.ts';

/** Population fields that set the unit's parameter of the same name. */
export const SHORTHANDS = ['tau', 'bias', 'noise'] as const;

function compile(name: string, def: RateUnitSpec, field: string): CompiledRateUnit {
  try {
    return compileRateUnit(name, def, field);
  } catch (e) {
    if (e instanceof ModelError) throw new SpecError(e.field, e.message);
    throw e;
  }
}

/** Validates spec.units: each entry's shape, then its code (errors name units.NAME...). */
export function validateUnits(v: unknown): Record<string, RateUnitSpec> {
  const o = object(v, 'units', isObj(v) ? Object.keys(v) : []);
  const out: Record<string, RateUnitSpec> = {};
  for (const [name, u] of Object.entries(o)) {
    const f = `units.${name}`;
    if (name in BUILTIN_RATE_UNITS) throw new SpecError(f, `"${name}" is the name of a built-in unit; choose another`);
    const uo = object(u, f, ['params', 'derived', 'update', 'activation', 'checks', 'description']);
    for (const key of ['params', 'update', 'activation']) if (uo[key] === undefined) throw new SpecError(`${f}.${key}`, 'is required');
    const params: RateUnitSpec['params'] = {};
    for (const [p, pv] of Object.entries(object(uo.params, `${f}.params`, isObj(uo.params) ? Object.keys(uo.params) : []))) {
      const po = object(pv, `${f}.params.${p}`, ['value', 'unit']);
      params[p] = { unit: str(po.unit, `${f}.params.${p}.unit`) };
      if (po.value !== undefined) params[p].value = finite(po.value, `${f}.params.${p}.value`);
    }
    const def: RateUnitSpec = { params, update: str(uo.update, `${f}.update`), activation: str(uo.activation, `${f}.activation`) };
    if (uo.derived !== undefined) {
      const d = object(uo.derived, `${f}.derived`, isObj(uo.derived) ? Object.keys(uo.derived) : []);
      def.derived = Object.fromEntries(Object.entries(d).map(([k, e]) => [k, str(e, `${f}.derived.${k}`)]));
    }
    if (uo.checks !== undefined) {
      if (!Array.isArray(uo.checks)) throw new SpecError(`${f}.checks`, 'expected an array of { param, require, message }');
      def.checks = uo.checks.map((c, k) => {
        const co = object(c, `${f}.checks[${k}]`, ['param', 'require', 'message']);
        return { param: str(co.param, `${f}.checks[${k}].param`), require: str(co.require, `${f}.checks[${k}].require`), message: str(co.message, `${f}.checks[${k}].message`) };
      });
    }
    if (uo.description !== undefined) def.description = str(uo.description, `${f}.description`);
    compile(name, def, f);
    out[name] = def;
  }
  return out;
}

/** The name of population p's unit. */
export function unitName(spec: NetworkSpec, p: PopulationSpec): string {
  return p.unit ?? builtinUnitName(p.activation!, spec.integrator ?? 'exponential');
}

/** The definition of population p's unit; throws a SpecError naming `${f}.unit` if there is none. */
export function unitOf(spec: NetworkSpec, p: PopulationSpec, f: string): { name: string; def: RateUnitSpec } {
  if (p.gated) return { name: p.gated, def: GATED_CARRIER_UNIT };
  const name = unitName(spec, p);
  // Own properties only: "constructor" is a name like any other.
  const def = (spec.units && Object.hasOwn(spec.units, name) ? spec.units[name] : undefined) ?? (Object.hasOwn(BUILTIN_RATE_UNITS, name) ? BUILTIN_RATE_UNITS[name] : undefined);
  if (!def) {
    const defined = Object.keys(spec.units ?? {});
    throw new SpecError(`${f}.unit`, `unknown unit "${name}" (defined: ${defined.length ? defined.join(', ') : 'none'}; built in: ${Object.keys(BUILTIN_RATE_UNITS).join(', ')})`);
  }
  return { name, def };
}

/** Where a parameter's value comes from: one for the population, one per unit, or one per instance. */
export interface ParamValue {
  value: number | number[];
  per: 'population' | 'unit' | 'instance';
  /** The spec field that gave it (for errors). */
  field: string;
}

export interface PopulationUnit {
  name: string;
  unit: CompiledRateUnit;
  values: Record<string, ParamValue>;
}

/** Population k's compiled unit and the value of each of its parameters (spec already validated). */
export function populationUnit(spec: NetworkSpec, k: number): PopulationUnit {
  const p = spec.populations[k];
  const f = `populations[${k}]`;
  const { name, def } = unitOf(spec, p, f);
  const unit = compile(name, def, p.unit && spec.units && Object.hasOwn(spec.units, name) ? `units.${name}` : `unit ${name}`);
  const values: Record<string, ParamValue> = {};
  for (const param of unit.params) {
    const key = `populations.${p.name}.${param}`;
    const swept = spec.batch?.params?.[key];
    const short = (SHORTHANDS as readonly string[]).includes(param) ? p[param as typeof SHORTHANDS[number]] : undefined;
    const given = p.params?.[param] ?? short;
    // A shorthand names its own field; otherwise params (or, missing, the shorthand of a built-in population).
    const field = p.params?.[param] !== undefined || short === undefined && (p.unit !== undefined || !(SHORTHANDS as readonly string[]).includes(param))
      ? `${f}.params.${param}` : `${f}.${param}`;
    if (swept) {
      if (Array.isArray(given)) throw new SpecError(`batch.params.${key}`, `${field} gives one value per unit; a per-instance sweep needs a single value there`);
      values[param] = { value: swept, per: 'instance', field: `batch.params.${key}` };
    } else if (given !== undefined) {
      values[param] = { value: given, per: Array.isArray(given) ? 'unit' : 'population', field };
    } else if (unit.defaults[param] !== undefined) {
      values[param] = { value: unit.defaults[param]!, per: 'population', field };
    } else {
      throw new SpecError(field, `required by unit "${name}" (it has no default)`);
    }
  }
  return { name, unit, values };
}

/** Runs the unit's checks on every unit and instance of a population (batch: the number of instances). */
export function checkPopulationUnit(pu: PopulationUnit, size: number, batch: number, dt: number): void {
  const env: Record<string, number> = { dt };
  const entries = Object.entries(pu.values);
  const at = (b: number, i: number) => {
    for (const [n, v] of entries) env[n] = typeof v.value === 'number' ? v.value : v.value[v.per === 'unit' ? i : b];
  };
  const nUnits = entries.some(([, v]) => v.per === 'unit') ? size : 1;
  const nInst = entries.some(([, v]) => v.per === 'instance') ? batch : 1;
  for (const c of pu.unit.checks) {
    for (let b = 0; b < nInst; b++) {
      for (let i = 0; i < nUnits; i++) {
        at(b, i);
        if (c.holds(env)) continue;
        const v = pu.values[c.param];
        const index = v.per === 'unit' ? `[${i}]` : v.per === 'instance' ? `[${b}]` : '';
        throw new SpecError(`${v.field}${index}`, `${c.message}, got ${env[c.param]} (unit "${pu.name}", dt = ${dt} ms)`);
      }
    }
  }
}

/** Validates a population's unit fields (activation or unit, params, shorthands) against its unit. */
export function validatePopulationUnit(o: Record<string, unknown>, p: PopulationSpec, f: string, spec: NetworkSpec): void {
  if (o.activation !== undefined && o.unit !== undefined) {
    throw new SpecError(`${f}.unit`, 'give either activation (a built-in unit, with spec.integrator) or unit, not both');
  }
  const { name, def } = unitOf(spec, p, f);
  const names = Object.keys(def.params);
  for (const s of SHORTHANDS) {
    if (o[s] !== undefined && !names.includes(s)) throw new SpecError(`${f}.${s}`, `unit "${name}" has no parameter "${s}" (its parameters: ${names.join(', ')})`);
  }
  if (o.params === undefined) return;
  const given = object(o.params, `${f}.params`, names);
  p.params = {};
  for (const [param, v] of Object.entries(given)) {
    if (o[param] !== undefined) throw new SpecError(`${f}.params.${param}`, `given twice (also as ${f}.${param})`);
    if (Array.isArray(v)) {
      if (v.length !== p.size) throw new SpecError(`${f}.params.${param}`, `expected one value or ${p.size} (one per unit), got ${v.length}`);
      p.params[param] = v.map((x, i) => finite(x, `${f}.params.${param}[${i}]`));
    } else {
      p.params[param] = finite(v, `${f}.params.${param}`);
    }
  }
}
