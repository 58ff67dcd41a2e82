/**
 * The seed of each instance of a batch (rate and spiking specs alike): batch.seeds when given (or its
 * older spelling batch.params.seed), otherwise derived from the base seed and the instance's index
 * (engine/util/philox.ts: instanceSeed). An instance's random draws (initial states, noise, Poisson
 * inputs) are keyed by its seed alone, so its result depends on its own parameters and seed only.
 */
import { SpecError } from '../errors.ts';
import { instanceSeed } from '../util/philox.ts';
import { seed32 } from './checks.ts';

/** `seeds` (batch.seeds) or `paramSeeds` (batch.params.seed), one per instance, checked; the default rule otherwise. */
export function instanceSeeds(B: number, base: number, seeds: unknown, paramSeeds: unknown): Uint32Array {
  if (seeds !== undefined && paramSeeds !== undefined) throw new SpecError('batch.seeds', 'give the instances\' seeds once: batch.seeds or batch.params.seed, not both');
  const given = seeds ?? paramSeeds;
  const field = seeds !== undefined ? 'batch.seeds' : 'batch.params.seed';
  if (given === undefined) return Uint32Array.from({ length: B }, (_, b) => instanceSeed(base, b));
  if (!Array.isArray(given)) throw new SpecError(field, 'expected an array of seeds, one per instance');
  if (given.length !== B) throw new SpecError(field, `expected ${B} seeds (one per instance), got ${given.length}`);
  return Uint32Array.from(given, (s, b) => seed32(s, `${field}[${b}]`));
}
