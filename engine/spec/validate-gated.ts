/**
 * Validation of the gated parts of a rate network spec (README, "Gated units"): a gated population
 * ({ name, size, gated: 'lstm' | 'gru' }), the projections into it (dense, gaussian or npy weights with
 * G x size rows in torch's gate order, an optional `bias` of G x size values) and the recorders of its
 * gates. Every error names the field at fault.
 */
import { SpecError } from '../errors.ts';
import { fileName, numArray, object, oneOf, str } from './checks.ts';
import { GATES, type GatedKind, type PopulationSpec, type ProjectionSpec } from './rate.ts';

/** The unit every gated population carries for the parts of the engine that read a unit (no parameters; never stepped). */
export const GATED_CARRIER_UNIT = { params: {}, update: 'x = x;', activation: 'x' };

/** Rows of a projection's weights into `post`: G x size for a gated population, size otherwise. */
export function weightRows(post: PopulationSpec): number {
  return post.gated ? GATES[post.gated].length * post.size : post.size;
}

/** A gated population: name, size and gated only (its dynamics are torch's LSTM or GRU cell). */
export function gatedPopulation(o: Record<string, unknown>, f: string, size: number): PopulationSpec {
  object(o, f, ['name', 'size', 'gated']);
  const gated: GatedKind = oneOf(o.gated, `${f}.gated`, ['lstm', 'gru'] as const);
  return { name: fileName(o.name, `${f}.name`), size, gated };
}

/** What a projection into a gated population may be, and its bias; other projections may not carry a bias. */
export function gatedProjection(o: Record<string, unknown>, p: ProjectionSpec, f: string, post: PopulationSpec): void {
  if (!post.gated) {
    if (o.bias !== undefined) throw new SpecError(`${f}.bias`, `only a projection into a gated population has a bias ("${post.name}" is not gated)`);
    return;
  }
  const why = `into the gated population "${post.name}"`;
  if (!['dense', 'gaussian', 'npy'].includes(p.weights.type)) throw new SpecError(`${f}.weights.type`, `a projection ${why} takes dense, gaussian or npy weights, got "${p.weights.type}"`);
  for (const key of ['gain', 'gainModulator', 'plasticity'] as const) {
    if (o[key] !== undefined) throw new SpecError(`${f}.${key}`, `not supported on a projection ${why}`);
  }
  if (o.bias === undefined) return;
  if (Array.isArray(o.bias)) p.bias = numArray(o.bias, `${f}.bias`, weightRows(post));
  else p.bias = { file: str(object(o.bias, `${f}.bias`, ['file']).file, `${f}.bias.file`) };
}

/** Fields of a population recorder that a gated population changes: `gate` names one of its gates. */
export function gatedRecorder(o: Record<string, unknown>, f: string, pop: PopulationSpec): string | undefined {
  if (o.what !== 'gate') {
    if (o.gate !== undefined) throw new SpecError(`${f}.gate`, 'only with what: "gate"');
    return undefined;
  }
  if (!pop.gated) throw new SpecError(`${f}.what`, `"gate" records a gated population's gate; "${pop.name}" is not gated`);
  return oneOf(o.gate, `${f}.gate`, GATES[pop.gated]);
}

/** An input drives a population's unit; a gated population has none (drive it through a projection). */
export function checkInputTarget(pop: PopulationSpec, f: string): void {
  if (pop.gated) throw new SpecError(`${f}.target`, `"${pop.name}" is a gated population: drive it through a projection from a population with the input`);
}
