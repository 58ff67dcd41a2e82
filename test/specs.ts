/** Seeded random networks for GPU-versus-reference tests: two populations with different parameters. */
import type { NetworkSpec } from '../engine/spec/rate.ts';
import { PhiloxStream } from '../engine/util/philox.ts';

export function randomTwoPopulationSpec(seed: number, nE: number, nI: number): NetworkSpec {
  const rng = new PhiloxStream(seed, 99, 0);
  const tauE = Array.from({ length: nE }, () => 5 + 15 * rng.uniform());
  const dense = Array.from({ length: nI * nE }, () => (rng.uniform() - 0.5) * 0.2);
  const k = Math.min(7, nI);
  const rowPtr = Array.from({ length: nE + 1 }, (_, i) => i * k);
  const colIdx = Array.from({ length: nE * k }, () => Math.floor(rng.uniform() * nI));
  const values = colIdx.map(() => -0.3 * rng.uniform());
  return {
    dt: 0.5, integrator: 'exponential', seed: 1000 + seed,
    populations: [
      { name: 'E', size: nE, tau: tauE, activation: 'tanh', noise: 0.2, init: Array.from({ length: nE }, () => rng.uniform() - 0.5) },
      { name: 'I', size: nI, tau: 4, activation: 'relu', bias: 0.05, init: 0.1 },
    ],
    projections: [
      { name: 'EE', from: 'E', to: 'E', weights: { type: 'gaussian', g: 1.2, seed: seed } },
      { name: 'IE', from: 'E', to: 'I', weights: { type: 'dense', values: dense } },
      { name: 'EI', from: 'I', to: 'E', weights: { type: 'csr', rowPtr, colIdx, values } },
      { name: 'II', from: 'I', to: 'I', gain: -0.5, weights: { type: 'fixed-indegree', k, weight: 0.2, seed: seed + 1 } },
    ],
    inputs: [
      { name: 'drive', target: 'E', amplitude: 0.3, profile: { type: 'cosine', center: 1 }, time: { type: 'pulse', start: 1, duration: 3 } },
      { name: 'wave', target: 'I', time: { type: 'array', dt: 1, values: [0.1, -0.2, 0.3, 0.05] } },
      { name: 'tonic', target: 'I', amplitude: 0.02 },
    ],
    record: [
      { name: 'rE', population: 'E', units: [0, 3, nE - 1], every: 2 },
      { name: 'xI', population: 'I', what: 'state', every: 3 },
      { name: 'meanE', population: 'E', reduce: 'mean' },
    ],
  };
}

/**
 * A stable two-population network for plasticity tests (E: tanh with noise, I: relu; recurrent gain
 * below 1 so that float32 rounding is not amplified over hundreds of steps): EE gaussian, IE dense,
 * EI sparse (CSR), II fixed in-degree, a cosine pulse into E and a sampled wave into I. Callers add
 * plasticity, modulators and recorders.
 */
export function plasticTwoPopulationSpec(seed: number, nE: number, nI: number): NetworkSpec {
  const spec = randomTwoPopulationSpec(seed, nE, nI);
  const rng = new PhiloxStream(seed, 98, 0);
  spec.populations[0].noise = 0.3;
  spec.projections![0].weights = { type: 'gaussian', g: 0.8, seed };
  spec.projections![1].weights = { type: 'dense', values: Array.from({ length: nI * nE }, () => (rng.uniform() - 0.3) * 0.3) };
  spec.inputs![0].time = { type: 'pulse', start: 5, duration: 40 };
  spec.record = [];
  return spec;
}
