/** Small networks for the sweep tests (lavapipe: a few hundred steps each), and what their tests share. */
import { SpecError } from '../../engine/errors.ts';

/** The field a SpecError thrown by f names (fails if f throws none). */
export function fieldOf(f: () => unknown): string {
  try { f(); } catch (e) { if (e instanceof SpecError) return e.field; throw e; }
  throw new Error('no SpecError');
}

/** 50 LIF neurons, E and I, with Poisson drive. */
export const TINY_SPIKING = {
  dt: 0.1, seed: 3,
  populations: [
    { name: 'E', size: 40, model: 'lif_psc_exp', init: { V: { uniform: [-65, -50] } } },
    { name: 'I', size: 10, model: 'lif_psc_exp', params: { tau_m: 8 } },
  ],
  projections: [
    { name: 'EI', from: 'E', to: 'I', port: 'exc', connectivity: { type: 'fixed-indegree', k: 8 }, weight: 60, delay: 1 },
    { name: 'IE', from: 'I', to: 'E', port: 'inh', connectivity: { type: 'fixed-indegree', k: 4 }, weight: -200, delay: 0.8 },
  ],
  inputs: [
    { name: 'bg', target: 'E', type: 'poisson', rate: 12000, weight: 87.8, port: 'exc' },
    { name: 'bgI', target: 'I', type: 'poisson', rate: 10000, weight: 87.8, port: 'exc' },
  ],
};
