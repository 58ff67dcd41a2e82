/**
 * The rate-unit part of a NetworkPlan. For each population: the values of the parameters and derived
 * values its unit's code reads (float64 on the host, rounded once to float32), where each lives (one
 * value for the population or one per unit in the unit table, one per instance in the instance table),
 * and the unit's code with the values that are 0 everywhere folded away (engine/models/rate-unit.ts).
 * A value is stored once for the population when every unit and instance has the same float32 value.
 */
import { SpecError } from '../errors.ts';
import { ModelError } from '../models/check.ts';
import { specialize, unitTwin, type UnitCode, type UnitTables, type UnitValue } from '../models/rate-unit.ts';
import { populationUnit } from '../spec/rate-units.ts';
import type { NetworkSpec } from '../spec/rate.ts';

export interface UnitPlan {
  code: UnitCode;
  /** The population's unit-table columns, in offset order: length 1 (one value) or size (per unit). */
  columns: Float64Array[];
}

type Per = 'population' | 'unit' | 'instance';

/**
 * Plans population k's unit for a batch of B instances; `addColumn` appends an instance-table column
 * (B values) and returns its index.
 */
export function planUnit(spec: NetworkSpec, k: number, B: number, addColumn: (name: string, values: Float64Array) => number): UnitPlan {
  const pop = spec.populations[k];
  const N = pop.size;
  const pu = populationUnit(spec, k);
  const { unit } = pu;
  const per: Record<string, Per> = { dt: 'population' };
  for (const p of unit.params) per[p] = pu.values[p].per;
  for (const d of unit.derived) {
    const from = new Set(unit.deps[d].map((p) => per[p]));
    if (from.has('unit') && from.has('instance')) {
      const u = unit.deps[d].find((p) => per[p] === 'unit'), b = unit.deps[d].find((p) => per[p] === 'instance');
      throw new SpecError(pu.values[b!].field, `derived value "${d}" of unit "${pu.name}" would vary per unit (${u}: ${pu.values[u!].field}) and per instance (${b}); give ${u} one value or sweep another parameter`);
    }
    per[d] = from.has('unit') ? 'unit' : from.has('instance') ? 'instance' : 'population';
  }

  // Parameters at unit i of instance b, and the derived values there (computed once per point needed).
  const paramsAt = (b: number, i: number) => Object.fromEntries(unit.params.map((p) => {
    const v = pu.values[p];
    return [p, typeof v.value === 'number' ? v.value : v.value[v.per === 'unit' ? i : b]];
  }));
  const derivedAt = new Map<string, Record<string, number>>();
  const derive = (b: number, i: number) => {
    const key = `${b},${i}`;
    if (!derivedAt.has(key)) {
      try {
        derivedAt.set(key, unit.derive(paramsAt(b, i), spec.dt));
      } catch (e) {
        if (e instanceof ModelError) throw new SpecError(e.field, `${e.message} (population "${pop.name}", unit ${i}, instance ${b})`);
        throw e;
      }
    }
    return derivedAt.get(key)!;
  };
  const valuesOf = (n: string): Float64Array => {
    const count = per[n] === 'unit' ? N : per[n] === 'instance' ? B : 1;
    const out = new Float64Array(count);
    for (let j = 0; j < count; j++) {
      const [b, i] = per[n] === 'instance' ? [j, 0] : [0, j];
      const v = pu.values[n]?.value;
      out[j] = n === 'dt' ? spec.dt : v === undefined ? derive(b, i)[n] : typeof v === 'number' ? v : v[j];
    }
    return out;
  };

  const cache = new Map<string, Float64Array>();
  const values = (n: string) => cache.get(n) ?? cache.set(n, valuesOf(n)).get(n)!;
  const isValue = (n: string) => n in per;
  const folded = specialize(unit, (n) => isValue(n) && values(n).every((v) => v === 0));

  const columns: Float64Array[] = [];
  let offset = 0;
  const placed: Record<string, UnitValue> = {};
  for (const n of [...unit.params, ...unit.derived, 'dt'].filter((m) => folded.reads.has(m))) {
    const v = values(n);
    const f32 = Float32Array.from(v);
    if (f32.every((x) => x === f32[0])) {
      placed[n] = { kind: 'uniform', offset };
      columns.push(v.subarray(0, 1));
      offset += 1;
    } else if (per[n] === 'unit') {
      placed[n] = { kind: 'unit', offset };
      columns.push(v);
      offset += N;
    } else {
      placed[n] = { kind: 'instance', column: addColumn(`populations.${pop.name}.${n}`, v) };
    }
  }
  return {
    code: {
      unit: pu.name, update: folded.update, activation: folded.activation, values: placed,
      reads: { I_ext: folded.reads.has('I_ext'), xi: folded.reads.has('xi') },
    },
    columns,
  };
}

/** What initialRates needs of a plan (NetworkPlan has it). */
export interface RatePlanUnits extends UnitTables {
  batch: number;
  stateLength: number;
  pops: { unit: UnitCode; tableBase: number; base: number; size: number; init: Float32Array }[];
}

/** r(0) = f(x(0)) of every unit and instance, by the float32 twin of each population's activation. */
export function initialRates(plan: RatePlanUnits): Float32Array {
  const rates = new Float32Array(plan.stateLength);
  for (const pop of plan.pops) {
    const twin = unitTwin(pop.unit, pop.tableBase, plan);
    for (let b = 0; b < plan.batch; b++) {
      for (let i = 0; i < pop.size; i++) rates[pop.base + b * pop.size + i] = twin.activation(pop.init[i], b, i);
    }
  }
  return rates;
}
