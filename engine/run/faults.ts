/**
 * The numerical fault words of a network (written by the kernels: engine/codegen/faults.ts), read back
 * with every chunk's recordings, and what they say: the first step at which a state variable became NaN
 * or infinite, the first such lane (population, instance, neuron) and its first such variable.
 */
import { NumericalError } from '../errors.ts';

/** Where a lane index g of the fault words points. */
export interface FaultLane {
  population: string;
  instance: number;
  neuron: number;
  /** The population's variables, in the order of the fault words. */
  variables: readonly string[];
}

/** The fault words of a step program: read back with each chunk, decoded by the runner. */
export interface FaultWords {
  buffer: GPUBuffer;
  /** Byte offset of word 0 in `buffer`. */
  offset: number;
  /** Number of words (1 + the most variables of any population). */
  words: number;
  /**
   * Sets of `words` words one after another (default 1): the fused spiking kernel keeps one per instance,
   * since its instances do not step in lockstep; decodeFault merges them.
   */
  groups?: number;
  /** The lane that global index g names. */
  lane(g: number): FaultLane;
  /** The fault a run of this program reported: later runs reject with it at once (the state is not finite). */
  found?: NumericalError;
}

/** Bytes of the fault words. */
export const faultBytes = (f: FaultWords): number => f.words * (f.groups ?? 1) * 4;

/**
 * The fault the words report, if any. With sets of `per` words (one per instance), the first step of
 * any set wins and, among the sets that report it, the smallest lane: the report of one set.
 */
export function decodeFault(words: Uint32Array, lane: (g: number) => FaultLane, per = words.length): NumericalError | undefined {
  let first = 0;
  for (let o = 0; o < words.length; o += per) first = Math.max(first, words[o]);
  if (first === 0) return undefined;
  const step = ~first >>> 0;
  let g = Infinity, v = -1;
  for (let o = 0; o < words.length; o += per) {
    if (words[o] !== first) continue;
    for (let k = 1; k < per; k++) {
      if (words[o + k] === 0) continue;
      const gk = ~words[o + k] >>> 0;
      if (gk < g) { g = gk; v = k - 1; }
    }
  }
  // The words are read back after the chunk's dispatches completed: word 0 is never set without a lane.
  if (v < 0) throw new Error(`fault words report step ${step} but no lane`);
  const at = lane(g);
  return new NumericalError(step, at.population, at.variables[v], at.instance, at.neuron);
}

/** Locates lane g among populations laid out one after another, each B x size lanes from its base. */
export function laneIn<P extends { name: string; size: number }>(pops: readonly P[], base: (p: P) => number, batch: number, variables: (p: P) => readonly string[]): (g: number) => FaultLane {
  return (g) => {
    const p = pops.find((q) => g >= base(q) && g < base(q) + batch * q.size);
    if (!p) throw new Error(`fault words name lane ${g}, outside every population`);
    const local = g - base(p);
    return { population: p.name, instance: Math.floor(local / p.size), neuron: local % p.size, variables: variables(p) };
  };
}

/** Forgets the fault of `f` (a state was loaded over the faulty one): zero words, in queue order, and none found. */
export function clearFault(device: GPUDevice, f: FaultWords | undefined): void {
  if (!f) return;
  device.queue.writeBuffer(f.buffer, f.offset, new Uint32Array(faultBytes(f) / 4));
  f.found = undefined;
}
