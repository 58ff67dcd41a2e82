/**
 * Spiking connectivity built on the host (fixed-probability and explicit lists, and every rule of a plastic
 * projection; static fixed-indegree and fixed-total are generated on the GPU, engine/run/synapse-build.ts): synapses stored by presynaptic neuron
 * (CSR over pre) for event-driven propagation, with per-synapse weight and delay in steps.
 * Every random draw comes from a Philox stream keyed by the projection's seed and counted by
 * (projection index, row), so the result does not depend on build order.
 */
import { SpecError } from '../errors.ts';
import { PhiloxStream } from '../util/philox.ts';
import type { ConnectivitySpec, Distribution } from '../spec/spiking.ts';
import { delaySteps, drawnDelaySteps } from './time-steps.ts';

/** A connectivity rule with its data in the spec (explicit lists from files are read by compile-spiking.ts first). */
export type HostConnectivity = Exclude<ConnectivitySpec, { file: string }>;

export interface Synapses {
  /** rowPtr[j] .. rowPtr[j + 1]: the synapses of presynaptic neuron j. */
  rowPtr: Uint32Array;
  post: Uint32Array;
  /** Weights in the port's units (float64, before quantization). */
  weight: Float64Array;
  /** Delays in steps, in [1, MAX_DELAY_STEPS] (engine/plan/time-steps.ts). */
  delay: Uint32Array;
}

const PURPOSE = { pairs: 10, weights: 11 } as const;

/** Draws one value of a distribution from a host stream (float64). */
export function draw(d: Distribution, rng: PhiloxStream): number {
  if (typeof d === 'number') return d;
  if ('uniform' in d) return d.uniform[0] + (d.uniform[1] - d.uniform[0]) * rng.uniform();
  return d.normal[0] + d.normal[1] * rng.normal();
}

/** (pre, post) pairs of a rule, in a deterministic order. */
function pairs(c: HostConnectivity, nPre: number, nPost: number, seed: number, proj: number, recurrent: boolean, field: string): { pre: Uint32Array; post: Uint32Array } {
  const pre: number[] = [];
  const post: number[] = [];
  switch (c.type) {
    case 'fixed-probability': {
      // Per presynaptic row, geometric skipping over the postsynaptic range.
      const logq = Math.log1p(-c.p);
      for (let j = 0; j < nPre; j++) {
        if (c.p <= 0) break;
        const rng = new PhiloxStream(seed, proj, j, PURPOSE.pairs);
        for (let i = c.p >= 1 ? 0 : Math.floor(Math.log(rng.uniform()) / logq); i < nPost; i += c.p >= 1 ? 1 : 1 + Math.floor(Math.log(rng.uniform()) / logq)) {
          if (!(recurrent && c.allowAutapses === false && i === j)) { pre.push(j); post.push(i); }
        }
      }
      break;
    }
    // Static fixed-indegree and fixed-total projections are generated on the GPU (engine/run/synapse-build.ts);
    // these host draws serve plastic projections, which are built on the host.
    case 'fixed-indegree': {
      const excludeSelf = recurrent && c.allowAutapses === false;
      for (let i = 0; i < nPost; i++) {
        const rng = new PhiloxStream(seed, proj, i, PURPOSE.pairs);
        for (let q = 0; q < c.k; q++) {
          let j = Math.floor(rng.uniform() * (excludeSelf ? nPre - 1 : nPre));
          if (excludeSelf && j >= i) j++;
          pre.push(j); post.push(i);
        }
      }
      break;
    }
    case 'fixed-total': {
      const rng = new PhiloxStream(seed, proj, 0, PURPOSE.pairs);
      for (let q = 0; q < c.n; q++) { pre.push(Math.floor(rng.uniform() * nPre)); post.push(Math.floor(rng.uniform() * nPost)); }
      break;
    }
    case 'explicit':
      c.pre.forEach((j, k) => {
        if (!Number.isInteger(j) || j < 0 || j >= nPre) throw new SpecError(`${field}.pre[${k}]`, `must be an integer in [0, ${nPre}), got ${j}`);
        const i = c.post[k];
        if (!Number.isInteger(i) || i < 0 || i >= nPost) throw new SpecError(`${field}.post[${k}]`, `must be an integer in [0, ${nPost}), got ${i}`);
        pre.push(j); post.push(i);
      });
      break;
  }
  return { pre: Uint32Array.from(pre), post: Uint32Array.from(post) };
}

export interface BuildOptions {
  nPre: number;
  nPost: number;
  seed: number;
  projIndex: number;
  recurrent: boolean;
  weight: Distribution;
  sign?: 'excitatory' | 'inhibitory';
  delay: Distribution;
  dt: number;
  /** The projection's field (projections[k]) and name, for errors. */
  field: string;
  name: string;
}

/**
 * Counting sort of synapses by presynaptic neuron (stable): rowPtr over the nPre rows, and order[s] = the
 * index of the synapse that goes to sorted position s.
 */
export function sortByPre(pre: Uint32Array, nPre: number): { rowPtr: Uint32Array; order: Uint32Array } {
  const n = pre.length;
  const rowPtr = new Uint32Array(nPre + 1);
  for (let k = 0; k < n; k++) rowPtr[pre[k] + 1]++;
  for (let j = 0; j < nPre; j++) rowPtr[j + 1] += rowPtr[j];
  const fill = rowPtr.slice(0, nPre);
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[fill[pre[k]]++] = k;
  return { rowPtr, order };
}

/** Builds a projection's synapses sorted by presynaptic neuron (stable: draw order within a row). */
export function buildHostSynapses(c: HostConnectivity, o: BuildOptions): Synapses {
  const { pre, post } = pairs(c, o.nPre, o.nPost, o.seed, o.projIndex, o.recurrent, `${o.field}.connectivity`);
  const n = pre.length;
  const { rowPtr, order } = sortByPre(pre, o.nPre);
  const sorted = new Uint32Array(n);
  const weight = new Float64Array(n);
  const delay = new Uint32Array(n);
  const explicit = c.type === 'explicit' ? c : undefined;
  // Delays by one rule (time-steps.ts): given values must be in range, drawn ones are raised to one step.
  const at = { field: `${o.field}.delay`, projection: o.name };
  const constant = typeof o.delay === 'number' ? delaySteps(o.delay, o.dt, at) : 0;
  // Weights and delays: one stream per presynaptic row, drawn in row order.
  for (let j = 0; j < o.nPre; j++) {
    const rng = new PhiloxStream(o.seed, o.projIndex, j, PURPOSE.weights);
    for (let s = rowPtr[j]; s < rowPtr[j + 1]; s++) {
      const k = order[s];
      sorted[s] = post[k];
      let w = explicit?.weights ? explicit.weights[k] : draw(o.weight, rng);
      if (o.sign === 'excitatory') w = Math.max(w, 0);
      if (o.sign === 'inhibitory') w = Math.min(w, 0);
      weight[s] = w;
      if (explicit?.delays) delay[s] = delaySteps(explicit.delays[k], o.dt, { field: `${o.field}.connectivity.delays[${k}]`, projection: o.name });
      else delay[s] = typeof o.delay === 'number' ? constant : drawnDelaySteps(draw(o.delay, rng), o.dt, at);
    }
  }
  return { rowPtr, post: sorted, weight, delay };
}

/**
 * Fixed-point scale of a port: input sums are accumulated as int32 (w * 2^S, rounded), so the total a
 * neuron receives in a step does not depend on the order of the atomic adds. S is the largest value
 * that cannot overflow even if every synapse into the most-connected neuron delivered in the same step:
 * sum |w| * 2^S < 2^30. Resolution 2^-S in the port's units.
 */
export function fixedPointScale(maxAbsInput: number): number {
  if (maxAbsInput <= 0) return 24;
  return Math.max(MIN_SCALE, Math.min(24, Math.floor(30 - Math.log2(maxAbsInput))));
}

/** The coarsest fixed-point scale exponent (resolution 2^8 in the port's units); engine/plan/inflow.ts refuses more input than it holds. */
export const MIN_SCALE = -8;

/**
 * Row lengths of a fixed-total projection: the number of synapses of each presynaptic neuron, a
 * multinomial draw (sequential binomials, host, float64), as row pointers.
 */
export function multinomialRows(n: number, nPre: number, seed: number, projIndex: number): Uint32Array {
  const rng = new PhiloxStream(seed, projIndex, 0, 12);
  const rowPtr = new Uint32Array(nPre + 1);
  let left = n;
  for (let j = 0; j < nPre; j++) {
    const take = j === nPre - 1 ? left : binomial(left, 1 / (nPre - j), rng);
    rowPtr[j + 1] = rowPtr[j] + take;
    left -= take;
  }
  return rowPtr;
}

/** Binomial(n, p) by inversion for small means, else a normal approximation rounded and clipped. */
function binomial(n: number, p: number, rng: PhiloxStream): number {
  const mean = n * p;
  if (mean < 30) {
    // Inversion: walk the cumulative distribution from 0.
    const q = 1 - p;
    let prob = Math.pow(q, n), cdf = prob, k = 0;
    const u = rng.uniform();
    while (u > cdf && k < n) {
      prob *= ((n - k) / (k + 1)) * (p / q);
      k++;
      cdf += prob;
    }
    return k;
  }
  const k = Math.round(mean + Math.sqrt(mean * (1 - p)) * rng.normal());
  return Math.min(n, Math.max(0, k));
}
