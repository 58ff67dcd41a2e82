/**
 * Units of what a run records, for the NWB export: each recorder's unit as NWB writes it (an SI unit
 * name, with `conversion` from the stored values: V in mV is unit "volts", conversion 0.001), taken from
 * the model definitions (engine/models): a state variable's declared unit, a plastic weight's port unit
 * (the unit of the state variable its input adds to), Hz for spiking population rates. Rate networks
 * and modulators are dimensionless; a rate unit defined in the spec has no declared output unit, so its
 * values are in "a.u." (the model's own units).
 */
import { BUILTIN_MODELS } from '../models/builtin-models.ts';
import { namesIn, parseProgram, type Expr } from '../models/expr.ts';
import type { NeuronModelSpec } from '../models/neuron.ts';

export interface NwbUnit {
  unit: string;
  conversion: number;
}

const PREFIX: Record<string, number> = { p: 1e-12, n: 1e-9, u: 1e-6, µ: 1e-6, m: 1e-3, c: 1e-2, k: 1e3, M: 1e6, G: 1e9 };
const BASE: Record<string, string> = {
  s: 'seconds', Hz: 'hertz', V: 'volts', A: 'amperes', F: 'farads', S: 'siemens', Ohm: 'ohms', 'Ω': 'ohms',
  m: 'meters', g: 'grams', mol: 'moles', M: 'molar', rad: 'radians',
};

export const DIMENSIONLESS: NwbUnit = { unit: 'dimensionless', conversion: 1 };

/**
 * A model unit string as NWB writes it: one symbol with an optional prefix becomes its SI name and a
 * conversion factor; `1` is dimensionless; a compound unit (`1/ms`, `Hz/mV^2`) is kept as written.
 */
export function nwbUnit(unit: string | undefined): NwbUnit {
  const u = (unit ?? '').trim();
  if (u === '1') return DIMENSIONLESS;
  if (u === '') return { unit: 'a.u.', conversion: 1 };
  if (BASE[u]) return { unit: BASE[u], conversion: 1 };
  const base = BASE[u.slice(1)], factor = PREFIX[u[0]];
  if (base && factor !== undefined) return { unit: base, conversion: factor };
  return { unit: u, conversion: 1 };
}

/** A population's neuron model: built-in by name, or defined in the spec's `models`. */
export function neuronModel(spec: { models?: Record<string, NeuronModelSpec> }, name: string): NeuronModelSpec | undefined {
  if (spec.models && Object.hasOwn(spec.models, name)) return spec.models[name];
  return Object.hasOwn(BUILTIN_MODELS, name) ? BUILTIN_MODELS[name] : undefined;
}

/** The terms of a sum (a + b + c), or the expression itself. */
function terms(e: Expr): Expr[] {
  return e.k === 'bin' && e.op === '+' ? [...terms(e.a), ...terms(e.b)] : [e];
}

/**
 * The unit of a port's input: the declared unit of the state variable that `in_PORT` is added to in the
 * model's update (`I_exc = I_exc * P11 + in_exc`: pA for lif_psc_exp; `let ge = g_e + in_exc`: the unit
 * of g_e), or undefined when the update adds it to no state variable.
 */
export function portUnit(model: NeuronModelSpec, port: string): string | undefined {
  for (const st of parseProgram(model.update)) {
    const sum = terms(st.value);
    if (!sum.some((t) => t.k === 'name' && t.name === `in_${port}`)) continue;
    if (st.kind === 'assign' && Object.hasOwn(model.state, st.name)) return model.state[st.name].unit;
    for (const t of sum) for (const n of namesIn(t)) if (Object.hasOwn(model.state, n)) return model.state[n].unit;
  }
  return undefined;
}
