/**
 * Generated connectivity, materialized on the host in float64 and rounded once to float32, so that the
 * GPU and the CPU reference use the same weights. Random draws come from Philox streams keyed by the
 * projection's seed and counted by (projection index, postsynaptic row): the matrix does not depend on
 * build order.
 */
import { PhiloxStream } from '../util/philox.ts';

export interface Csr {
  rowPtr: Uint32Array;
  colIdx: Uint32Array;
  values: Float32Array;
}

/** Ring kernel parts over N units: cos part (J0 + J1 cos) / N and sin part sin / N. */
export function ringMatrix(n: number, J0: number, J1: number, gamma: number): Float32Array {
  const w = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = (2 * Math.PI * (i - j)) / n;
      w[i * n + j] = (J0 + J1 * Math.cos(d) + gamma * Math.sin(d)) / n;
    }
  }
  return w;
}

/** The last Gaussian matrix made, reused when the same one is asked for again (parameter sweeps). */
let lastGaussian: { key: string; w: Float32Array } | undefined;

export function gaussianMatrix(post: number, pre: number, g: number, seed: number, projIndex: number): Float32Array {
  const key = `${post},${pre},${g},${seed},${projIndex}`;
  if (lastGaussian?.key === key) return lastGaussian.w;
  const w = new Float32Array(post * pre);
  const scale = g / Math.sqrt(pre);
  for (let i = 0; i < post; i++) {
    const rng = new PhiloxStream(seed, projIndex, i);
    for (let j = 0; j < pre; j++) w[i * pre + j] = scale * rng.normal();
  }
  lastGaussian = { key, w };
  return w;
}

/**
 * Every postsynaptic row gets exactly k distinct presynaptic partners (Floyd's sampling), stored
 * in ascending order. With allowAutapses false, unit i of a recurrent projection never picks itself.
 */
export function fixedInDegree(post: number, pre: number, k: number, weight: number, seed: number,
  projIndex: number, excludeSelf: boolean): Csr {
  const rowPtr = new Uint32Array(post + 1);
  const colIdx = new Uint32Array(post * k);
  for (let i = 0; i < post; i++) {
    const rng = new PhiloxStream(seed, projIndex, i);
    const pool = excludeSelf ? pre - 1 : pre;
    const chosen = new Set<number>();
    for (let t = pool - k; t < pool; t++) {
      const r = rng.below(t + 1);
      chosen.add(chosen.has(r) ? t : r);
    }
    // Map pool index to presynaptic index, skipping i when autapses are excluded.
    const row = [...chosen].map((c) => (excludeSelf && c >= i ? c + 1 : c)).sort((a, b) => a - b);
    colIdx.set(row, i * k);
    rowPtr[i + 1] = (i + 1) * k;
  }
  return { rowPtr, colIdx, values: new Float32Array(post * k).fill(weight) };
}

/** A dense matrix given as rows or flat, as float32. */
export function denseFrom(values: number[][] | number[], post: number, pre: number): Float32Array {
  const w = new Float32Array(post * pre);
  if (values.length > 0 && Array.isArray(values[0])) (values as number[][]).forEach((row, i) => w.set(row, i * pre));
  else w.set(values as number[]);
  return w;
}
