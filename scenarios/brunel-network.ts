/**
 * Brunel (2000) model A as a Lamina spiking spec: N_E excitatory and N_I = N_E / 4 inhibitory identical
 * LIF neurons with delta synapses (NEST's iaf_psc_delta), fixed in-degrees C_E from E and C_I = C_E / 4
 * from I (multapses and autapses allowed, as NEST's fixed_indegree), excitatory PSP J, inhibitory PSP
 * -g J, delay D = 1.5 ms on every synapse, and an external drive of C_E independent Poisson trains at
 * nu_ext = eta nu_thr per neuron, given as one Poisson input at C_E nu_ext with weight J.
 *
 * g is a parameter of the neuron model: the inhibitory projections carry weight J into the "inh" port
 * and the model subtracts g x (that input). Per step that is g (n J) against the n (g J) of weight -gJ
 * synapses: equal algebraically, one float32 rounding apart (none when g J is exact, as for the default
 * grid). A model parameter varies per instance (batch.params "populations.E.g"), so one batch holds the
 * whole (g, eta) grid; eta varies per instance through "inputs.ext_E.rate" (C_E eta nu_thr Hz).
 *
 * Sizes are scaled as the note (docs/research/brunel-2000.md, section 4) recommends: epsilon = C_E / N_E
 * = 0.1 and J C_E = 100 mV (J = 100 / C_E), so nu_thr = theta / (J C_E tau) stays 10 Hz and the mean
 * input is unchanged; the variance grows as 1 / C_E.
 */
import type { NeuronModelSpec } from '../engine/models/neuron.ts';
import type { SpikingSpec } from '../engine/spec/spiking.ts';
import { thresholdRate } from '../engine/analysis/siegert.ts';

/**
 * NEST's iaf_psc_delta (models/iaf_psc_delta.h) with E_L = 0 and I_e = 0: V decays exactly by
 * exp(-dt / tau_m), then each arriving spike adds its weight (mV); V >= V_th fires and resets to V_reset;
 * for t_ref after a spike V stays at V_reset and arriving input is dropped (NEST's default
 * refractory_input = false). The paper's V_reset is 10 mV (NEST's example uses 0).
 */
export const IAF_PSC_DELTA_G: NeuronModelSpec = {
  params: {
    tau_m: { value: 20, unit: 'ms' }, V_th: { value: 20, unit: 'mV' }, V_reset: { value: 10, unit: 'mV' },
    t_ref: { value: 2, unit: 'ms' },
    // Relative strength of inhibition: the "inh" port's input counts -g times.
    g: { value: 5, unit: '1' },
  },
  derived: { P33: 'exp(-dt / tau_m)' },
  state: { V: { init: 0, unit: 'mV' } },
  ports: ['exc', 'inh'],
  update: 'V = refractory ? V : V * P33 + in_exc - g * in_inh;',
  threshold: 'V >= V_th',
  reset: 'V = V_reset;',
  refractory: 't_ref',
  checks: [
    { param: 'tau_m', require: 'tau_m > 0', message: 'tau_m must be > 0' },
    { param: 't_ref', require: 't_ref >= 0', message: 't_ref must be >= 0' },
    { param: 'V_reset', require: 'V_reset < V_th', message: 'V_reset must be below V_th' },
    { param: 'g', require: 'g >= 0', message: 'g must be >= 0 (the inhibitory PSP is -g J)' },
  ],
};

/** The full-size network of the paper (Fig. 8): sizes, in-degrees, PSP, delay and neuron constants. */
export const BRUNEL_FULL = { nE: 10000, CE: 1000, gamma: 0.25, J: 0.1, delayMs: 1.5, tau: 20, theta: 20, Vr: 10, tauRp: 2 } as const;

export interface BrunelSize {
  /** Excitatory neurons (inhibitory: nE / 4). */
  nE: number;
  /** Excitatory in-degree (inhibitory: CE / 4); J = 100 / CE mV. */
  CE: number;
}

/** The network at `scale` (1 = the paper's): N_E and C_E times scale, epsilon 0.1. */
export function scaledSize(scale: number): BrunelSize {
  return { nE: Math.round(BRUNEL_FULL.nE * scale), CE: Math.round(BRUNEL_FULL.CE * scale) };
}

/** PSP amplitude J [mV] at in-degree CE: J C_E = 100 mV as at full size. */
export const pspAmplitude = (CE: number) => (BRUNEL_FULL.J * BRUNEL_FULL.CE) / CE;

/** nu_thr [Hz] at in-degree CE (10 Hz at every size, since J C_E is kept). */
export const nuThreshold = (CE: number) => thresholdRate({ theta: BRUNEL_FULL.theta, J: pspAmplitude(CE), CE, tau: BRUNEL_FULL.tau });

export interface GridPoint {
  g: number;
  eta: number;
}

/**
 * The spec of one batch, instance b at points[b] (g per population, the external rate per input).
 * Initial V uniform in [0, theta) per neuron and instance; recorders of E and I spikes.
 */
export function brunelSpec(size: BrunelSize, points: GridPoint[], opts: { dt: number; seed: number }): SpikingSpec {
  const nI = Math.round(size.nE * BRUNEL_FULL.gamma), CI = Math.round(size.CE * BRUNEL_FULL.gamma);
  const J = pspAmplitude(size.CE), nuThr = nuThreshold(size.CE);
  const extRate = (eta: number) => size.CE * eta * nuThr;
  const init = { V: { uniform: [0, BRUNEL_FULL.theta] as [number, number] } };
  const fromE = { type: 'fixed-indegree' as const, k: size.CE }, fromI = { type: 'fixed-indegree' as const, k: CI };
  const D = BRUNEL_FULL.delayMs;
  const base = points[0];
  return {
    dt: opts.dt, seed: opts.seed,
    models: { iaf_psc_delta_g: IAF_PSC_DELTA_G },
    populations: [
      { name: 'E', size: size.nE, model: 'iaf_psc_delta_g', params: { g: base.g }, init },
      { name: 'I', size: nI, model: 'iaf_psc_delta_g', params: { g: base.g }, init },
    ],
    projections: [
      { name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity: fromE, weight: J, delay: D },
      { name: 'EI', from: 'E', to: 'I', port: 'exc', connectivity: fromE, weight: J, delay: D },
      { name: 'IE', from: 'I', to: 'E', port: 'inh', connectivity: fromI, weight: J, delay: D },
      { name: 'II', from: 'I', to: 'I', port: 'inh', connectivity: fromI, weight: J, delay: D },
    ],
    inputs: [
      { name: 'ext_E', target: 'E', type: 'poisson', rate: extRate(base.eta), weight: J, port: 'exc' },
      { name: 'ext_I', target: 'I', type: 'poisson', rate: extRate(base.eta), weight: J, port: 'exc' },
    ],
    record: [{ name: 'spikes_E', population: 'E', what: 'spikes' }, { name: 'spikes_I', population: 'I', what: 'spikes' }],
    batch: {
      size: points.length,
      params: {
        'populations.E.g': points.map((p) => p.g), 'populations.I.g': points.map((p) => p.g),
        'inputs.ext_E.rate': points.map((p) => extRate(p.eta)), 'inputs.ext_I.rate': points.map((p) => extRate(p.eta)),
      },
    },
  };
}
