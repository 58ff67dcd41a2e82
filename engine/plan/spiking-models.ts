/**
 * The neuron models a spiking spec names: its own (`models`, shape-checked, then compiled) or the built-in
 * ones, looked up by own property; and the float32 range every parameter value must respect.
 */
import { SpecError } from '../errors.ts';
import { BUILTIN_MODELS } from '../models/builtin-models.ts';
import { ModelError } from '../models/check.ts';
import { compileModel, type CompiledModel, type NeuronModelSpec } from '../models/neuron.ts';
import { finite, object, str } from '../spec/checks.ts';
import type { SpikingSpec } from '../spec/spiking.ts';

/** Checks the shape of a user-defined model before its code is compiled. */
function checkModelShape(v: unknown, field: string): void {
  const o = object(v, field, ['params', 'derived', 'state', 'ports', 'update', 'threshold', 'reset', 'refractory', 'checks', 'description']);
  for (const key of ['params', 'state', 'ports', 'update', 'threshold', 'reset']) {
    if (o[key] === undefined) throw new SpecError(`${field}.${key}`, 'is required');
  }
  for (const [name, p] of Object.entries(object(o.params, `${field}.params`, Object.keys(o.params as object)))) {
    const po = object(p, `${field}.params.${name}`, ['value', 'unit']);
    finite(po.value, `${field}.params.${name}.value`);
    str(po.unit, `${field}.params.${name}.unit`);
  }
  for (const [name, s] of Object.entries(object(o.state, `${field}.state`, Object.keys(o.state as object)))) {
    const so = object(s, `${field}.state.${name}`, ['init', 'unit']);
    if (typeof so.init !== 'string') finite(so.init, `${field}.state.${name}.init`);
    str(so.unit, `${field}.state.${name}.unit`);
  }
  if (o.derived !== undefined) {
    for (const [name, d] of Object.entries(object(o.derived, `${field}.derived`, Object.keys(o.derived as object)))) str(d, `${field}.derived.${name}`);
  }
  if (!Array.isArray(o.ports)) throw new SpecError(`${field}.ports`, 'expected an array of port names');
  o.ports.forEach((p, k) => str(p, `${field}.ports[${k}]`));
  for (const key of ['update', 'threshold', 'reset']) str(o[key], `${field}.${key}`);
  if (o.refractory !== undefined) str(o.refractory, `${field}.refractory`);
  if (o.checks !== undefined) {
    if (!Array.isArray(o.checks)) throw new SpecError(`${field}.checks`, 'expected an array of { param, require, message }');
    o.checks.forEach((c, k) => {
      const co = object(c, `${field}.checks[${k}]`, ['param', 'require', 'message']);
      for (const key of ['param', 'require', 'message']) str(co[key], `${field}.checks[${k}].${key}`);
    });
  }
}

/**
 * A parameter value as it goes into the float32 parameter table: it must stay finite and must not
 * underflow to 0 (1e-300 would become 0, a time constant of 0).
 */
export function float32Param(v: number, field: string): number {
  finite(v, field);
  if (v !== 0 && Math.fround(v) === 0) throw new SpecError(field, `${v} underflows to 0 in float32 (smallest magnitude about 1.4e-45)`);
  return v;
}

/** The spec's own model called `name`, else the built-in one (own properties only: "constructor" is a name like any other). */
export function userModel(spec: SpikingSpec, name: string): NeuronModelSpec | undefined {
  return spec.models && Object.hasOwn(spec.models, name) ? spec.models[name] : undefined;
}
export function modelDef(spec: SpikingSpec, name: string): NeuronModelSpec | undefined {
  return userModel(spec, name) ?? (Object.hasOwn(BUILTIN_MODELS, name) ? BUILTIN_MODELS[name] : undefined);
}

export function model(spec: SpikingSpec, name: string, field: string): CompiledModel {
  const user = userModel(spec, name);
  if (user) checkModelShape(user, `models.${name}`);
  const def = modelDef(spec, name);
  if (!def) throw new SpecError(field, `unknown model "${name}" (built in: ${Object.keys(BUILTIN_MODELS).join(', ')}${spec.models ? `; defined: ${Object.keys(spec.models).join(', ')}` : ''})`);
  try {
    return compileModel(name, def, user ? `models.${name}` : `model ${name}`);
  } catch (e) {
    if (e instanceof ModelError) throw new SpecError(e.field, e.message);
    throw e;
  }
}
