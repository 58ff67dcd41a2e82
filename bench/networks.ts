/**
 * Networks that several benchmarks run, defined once: the 1,000-neuron network (per-step overhead;
 * bench/peers/brian2_small.py is its Brian2 peer), the plasticity benchmark's COBA network at n neurons,
 * and the dense rate step.
 */
import { coba } from '../scenarios/coba.ts';
import type { PlasticitySpec, SpikingSpec } from '../engine/spec/spiking.ts';
import type { NetworkSpec } from '../engine/spec/rate.ts';

/** 1,000 LIF neurons (lif_psc_exp), fixed in-degree 100 (10 pA, 1.5 ms), a 15 kHz Poisson drive of 87.8 pA. */
export function smallNetwork(recordSpikes: boolean): SpikingSpec {
  return {
    dt: 0.1, seed: 1,
    populations: [{ name: 'n', size: 1000, model: 'lif_psc_exp', init: { V: { uniform: [-65, -50] } } }],
    projections: [{ name: 'rec', from: 'n', to: 'n', port: 'exc', connectivity: { type: 'fixed-indegree', k: 100 }, weight: 10, delay: 1.5 }],
    inputs: [{ name: 'bg', target: 'n', type: 'poisson', rate: 15000, weight: 87.8, port: 'exc' }],
    ...(recordSpikes ? { record: [{ name: 's', population: 'n', what: 'spikes' as const }] } : {}),
  };
}

export type PlasticityKind = 'static' | 'stdp' | 'three-factor';

/**
 * The COBA network scaled to n neurons (80 % excitatory, in-degree 80 in total), static or with `kind`
 * plasticity on all four recurrent projections (additive, bounds [0, 2 w0], changes of 1 % of w0 per
 * pair); three-factor gets phasic dopamine in 10 % of the steps, scheduled for `steps` steps.
 */
export function plasticityNetwork(kind: PlasticityKind, n: number, steps: number): SpikingSpec {
  const K = 80, nE = Math.round(0.8 * n), nI = n - nE;
  const base = coba.build({ steps: 100 }).spec;
  const rule = (w: number): PlasticitySpec | undefined => kind === 'static' ? undefined
    : kind === 'stdp' ? { rule: 'stdp', aPlus: 0.01 * w, aMinus: 0.0105 * w, wMin: 0, wMax: 2 * w }
      : { rule: 'three-factor', aPlus: 0.01 * w, aMinus: 0.0105 * w, wMin: 0, wMax: 2 * w, tauEligibility: 200, modulator: 'dopamine' };
  const proj = (name: string, from: string, to: string, port: string, nFrom: number, w: number) => ({
    name, from, to, port, connectivity: { type: 'fixed-indegree' as const, k: Math.round((K * nFrom) / n) }, weight: w, delay: 0.1,
    ...(rule(w) ? { plasticity: rule(w) } : {}),
  });
  return {
    ...base,
    populations: [{ ...base.populations[0], size: nE }, { ...base.populations[1], size: nI }],
    projections: [proj('EE', 'E', 'E', 'exc', nE, 0.6), proj('EI', 'E', 'I', 'exc', nE, 0.6), proj('IE', 'I', 'E', 'inh', nI, 6.7), proj('II', 'I', 'I', 'inh', nI, 6.7)],
    // Phasic dopamine: non-zero in 1 ms of every 10 (10 % of the steps; the eligibility pass runs only then).
    ...(kind === 'three-factor' ? { modulators: [{ name: 'dopamine', type: 'schedule' as const, time: { type: 'array' as const, dt: 1, values: Array.from({ length: Math.ceil(steps * 0.1 + 1) }, (_, k) => (k % 10 === 0 ? 1 : 0)) }, baseline: 0, amplitude: 1 }] } : {}),
    record: [{ name: 'sE', population: 'E', what: 'spikes' }, { name: 'sI', population: 'I', what: 'spikes' }],
  };
}

/** The dense rate step x += dt/tau (-x + W tanh(x) + I): one tanh population of N, a gaussian recurrent W, a constant input, B instances. */
export function denseRateNetwork(N: number, B: number): NetworkSpec {
  return {
    dt: 0.1, integrator: 'euler', seed: 1,
    populations: [{ name: 'x', size: N, tau: 10, activation: 'tanh', init: 0.1 }],
    projections: [{ name: 'W', from: 'x', to: 'x', weights: { type: 'gaussian', g: 1, seed: 3 } }],
    inputs: [{ name: 'I', target: 'x', amplitude: 0.1 }],
    batch: { size: B },
  };
}
