/** Seeded spiking networks for GPU-versus-reference tests: two populations, every connectivity kind. */
import type { SpikingSpec } from '../engine/spec/spiking.ts';
import { COBA_MODEL } from '../scenarios/coba.ts';

export function twoPopulationSpiking(model = 'lif_psc_exp'): SpikingSpec {
  const coba = model === 'lif_coba' || model === 'coba';
  const wE = coba ? 0.6 : 87.8, wI = coba ? 6.7 : -351;
  const init = { V: { uniform: coba ? [-60, -50] : [-65, -50] } } as SpikingSpec['populations'][0]['init'];
  return {
    dt: 0.1, seed: 3,
    populations: [
      { name: 'E', size: 120, model, init },
      { name: 'I', size: 37, model, params: { tau_m: coba ? 15 : 8 }, init },
    ],
    projections: [
      { name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity: { type: 'fixed-probability', p: 0.1, allowAutapses: false }, weight: { normal: [wE, wE / 10] }, sign: 'excitatory', delay: { normal: [1.5, 0.75] } },
      { name: 'EI', from: 'E', to: 'I', port: 'exc', connectivity: { type: 'fixed-indegree', k: 20 }, weight: wE, delay: 1 },
      { name: 'IE', from: 'I', to: 'E', port: 'inh', connectivity: { type: 'fixed-total', n: 1500 }, weight: wI, delay: { uniform: [0.5, 1.2] } },
      { name: 'II', from: 'I', to: 'I', port: 'inh', connectivity: { type: 'explicit', pre: [0, 1, 2, 3, 36], post: [1, 2, 3, 0, 0], delays: [0.1, 0.2, 0.3, 0.4, 2.5] }, weight: wI },
    ],
    inputs: [
      { name: 'bg', target: 'E', type: 'poisson', rate: coba ? 3000 : 16000, weight: wE, port: 'exc' },
      { name: 'bgI', target: 'I', type: 'poisson', rate: coba ? 2500 : 14000, weight: wE, port: 'exc' },
      { name: 'dc', target: 'I', type: 'dc', amplitude: coba ? 5 : 50 },
    ],
    record: [{ name: 'sE', population: 'E', what: 'spikes' }, { name: 'sI', population: 'I', what: 'spikes' }, { name: 'V', population: 'E', what: 'V', units: [0, 5, 119], every: 5 }],
    // A model defined in the spec (models as data): the COBA scenario's Brian2-mirroring neuron.
    ...(model === 'coba' ? { models: { coba: COBA_MODEL } } : {}),
  };
}

/** The same network with its recurrent projections procedural (fixed-total, never stored). */
export function proceduralSpiking(): SpikingSpec {
  const spec = twoPopulationSpiking();
  spec.projections = [
    { name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity: { type: 'fixed-total', n: 1500, procedural: true }, weight: { normal: [87.8, 8.78] }, sign: 'excitatory', delay: { normal: [1.5, 0.75] } },
    { name: 'EI', from: 'E', to: 'I', port: 'exc', connectivity: { type: 'fixed-total', n: 800, procedural: true }, weight: 87.8, delay: 1 },
    { name: 'IE', from: 'I', to: 'E', port: 'inh', connectivity: { type: 'fixed-total', n: 1500, procedural: true }, weight: { normal: [-351, 35] }, sign: 'inhibitory', delay: { normal: [0.75, 0.375] } },
    { name: 'II', from: 'I', to: 'I', port: 'inh', connectivity: { type: 'fixed-total', n: 300 }, weight: -351, delay: 0.5 },
  ];
  return spec;
}

/** The two-population network with plastic E->E (additive STDP) and E->I (multiplicative, gated, or three-factor). */
export function plasticSpec(opts: { threeFactor?: boolean; batch?: number } = {}): SpikingSpec {
  const spec = twoPopulationSpiking();
  const B = opts.batch ?? 1;
  spec.modulators = [
    { name: 'gate', type: 'schedule', time: { type: 'pulse', start: 5, duration: 12 }, baseline: 0.25, amplitude: 1.5 },
    { name: 'da', type: 'host', init: 0.5 },
  ];
  spec.projections![0].plasticity = { rule: 'stdp', aPlus: 3, aMinus: 3.3, wMax: 160, tauPlus: 16.8, tauMinus: 33.7 };
  // Delivered E->E weights scaled by the schedule (0.25, 1.75 during the pulse).
  spec.projections![0].gainModulator = 'gate';
  spec.projections![1].plasticity = opts.threeFactor
    ? { rule: 'three-factor', aPlus: 2, aMinus: 2.1, wMax: 200, tauEligibility: 12, modulator: 'da' }
    : { rule: 'stdp', variant: 'multiplicative', aPlus: 0.05, aMinus: 0.06, wMin: 10, wMax: 200, modulator: 'gate' };
  spec.record = [
    { name: 'sE', population: 'E', what: 'spikes' }, { name: 'sI', population: 'I', what: 'spikes' },
    { name: 'wEE', projection: 'EE', what: 'weights', every: 40 },
    { name: 'mgate', modulator: 'gate', what: 'modulator', every: 10 },
  ];
  if (B > 1) spec.batch = { size: B, params: { 'projections.EE.eta': Array.from({ length: B }, (_, b) => 1 + b / 2), seed: Array.from({ length: B }, (_, b) => 3 + b) } };
  return spec;
}
