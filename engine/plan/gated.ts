/**
 * The gated part of a NetworkPlan (README, "Gated units"): for each LSTM or GRU population, the weight
 * blocks of its incoming projections (G x size rows in torch's gate order, one block per projection),
 * the summed biases, and where its gate activations live in the state arrays. One float32 buffer holds
 * every block and then the biases, read alike by shaders/gated-update.wgsl and the CPU twin
 * (engine/reference/gated.ts).
 */
import { SpecError } from '../errors.ts';
import { loadNpy, readNpyMatrix } from '../util/npy.ts';
import { denseFrom, gaussianMatrix } from './matrices.ts';
import { GATES, type GatedKind, type ProjectionSpec } from '../spec/rate.ts';

export interface GatedInput {
  name: string;
  specIndex: number;
  /** Presynaptic population: its base and size in the state arrays. */
  pre: { name: string; base: number; size: number };
  /** Offset of its G*size x pre.size block (row-major) in `weights`. */
  offset: number;
  /** A projection of the population onto itself: torch's hidden-to-hidden weights (W_hh). */
  recurrent: boolean;
}

export interface GatedPlan {
  kind: GatedKind;
  /** Gates G: LSTM 4 (i, f, g, o), GRU 3 (r, z, n). */
  gates: number;
  inputs: GatedInput[];
  /** The blocks of `inputs`, then biasIh (G*size: the input projections' biases summed), then biasHh (the recurrent ones'). */
  weights: Float32Array;
  biasIh: number;
  biasHh: number;
  /** Offset of gate k's B x size block in the state arrays: gateBase + k * B * size (after the population's own). */
  gateBase: number;
}

/** Slots of the state arrays a gated population of `size` units takes per instance: its own, then one per gate. */
export function gatedSlots(kind: GatedKind | undefined): number {
  return kind ? 1 + GATES[kind].length : 1;
}

function readNpyVector(path: string, length: number, field: string): Float32Array {
  const npy = loadNpy(path, field);
  if (npy.dtype !== '<f4' && npy.dtype !== '<f8') throw new SpecError(field, `"${path}" holds ${npy.dtype}; expected float32 or float64`);
  if (npy.shape.length !== 1 || npy.shape[0] !== length) throw new SpecError(field, `"${path}" has shape (${npy.shape.join(', ')}); expected (${length},) = (gates x size,)`);
  return Float32Array.from(npy.data as ArrayLike<number>);
}

/** The plan of a gated population from its incoming projections; `pre` finds a population's placement by name. */
export function gatedPlan(kind: GatedKind, post: { name: string; size: number; base: number }, batch: number,
  projections: { spec: ProjectionSpec; specIndex: number; seed: number }[],
  pre: (name: string) => { name: string; base: number; size: number }): GatedPlan {
  const gates = GATES[kind].length;
  const rows = gates * post.size;
  const blocks: Float32Array[] = [];
  const biasIh = new Float32Array(rows), biasHh = new Float32Array(rows);
  let offset = 0;
  const inputs = projections.map(({ spec: pr, specIndex, seed }): GatedInput => {
    const from = pre(pr.from);
    const f = `projections[${specIndex}]`;
    const w = pr.weights;
    const block = w.type === 'dense' ? denseFrom(w.values, rows, from.size)
      : w.type === 'npy' ? readNpyMatrix(w.file, rows, from.size, `${f}.weights.file`)
        : gaussianMatrix(rows, from.size, (w as { g: number }).g, seed, specIndex);
    const recurrent = pr.from === post.name;
    if (pr.bias) {
      const bias = Array.isArray(pr.bias) ? Float32Array.from(pr.bias) : readNpyVector(pr.bias.file, rows, `${f}.bias.file`);
      const into = recurrent ? biasHh : biasIh;
      for (let r = 0; r < rows; r++) into[r] = Math.fround(into[r] + bias[r]);
    }
    blocks.push(block);
    const input = { name: pr.name, specIndex, pre: from, offset, recurrent };
    offset += block.length;
    return input;
  });
  const weights = new Float32Array(offset + 2 * rows);
  let at = 0;
  for (const b of blocks) { weights.set(b, at); at += b.length; }
  weights.set(biasIh, offset);
  weights.set(biasHh, offset + rows);
  return { kind, gates, inputs, weights, biasIh: offset, biasHh: offset + rows, gateBase: post.base + batch * post.size };
}
