/**
 * Built-in neuron models, defined as data exactly as a user would (engine/models/neuron.ts).
 * Units: mV, ms, pF, pA, nS. Decay factors are derived parameters, computed once on the host in float64.
 */
import type { CheckSpec } from './check.ts';
import type { NeuronModelSpec } from './neuron.ts';

/** `name > 0` for each time constant or capacitance. */
const positive = (...names: string[]): CheckSpec[] => names.map((n) => ({ param: n, require: `${n} > 0`, message: `${n} must be > 0` }));
/** A refractory period >= 0 and a reset below the threshold (else a neuron fires every step it can). */
const spiking = (tRef: string, vReset: string, vTh: string): CheckSpec[] => [
  { param: tRef, require: `${tRef} >= 0`, message: `${tRef} must be >= 0` },
  { param: vReset, require: `${vReset} < ${vTh}`, message: `${vReset} must be below ${vTh}` },
];

/**
 * Leaky integrate-and-fire with exponentially decaying current synapses, integrated exactly on the
 * time grid as NEST's iaf_psc_exp: V' = E_L + (V - E_L) P22 + I_exc P21e + I_inh P21i + (I_e + I_ext) P20,
 * then I_syn' = I_syn P11 + in (weights in pA arrive on the ports). V is clamped while refractory.
 */
export const LIF_PSC_EXP: NeuronModelSpec = {
  params: {
    C_m: { value: 250, unit: 'pF' }, tau_m: { value: 10, unit: 'ms' },
    tau_syn_exc: { value: 0.5, unit: 'ms' }, tau_syn_inh: { value: 0.5, unit: 'ms' },
    t_ref: { value: 2, unit: 'ms' }, E_L: { value: -65, unit: 'mV' }, V_th: { value: -50, unit: 'mV' },
    V_reset: { value: -65, unit: 'mV' }, I_e: { value: 0, unit: 'pA' },
  },
  derived: {
    P22: 'exp(-dt / tau_m)',
    P11_exc: 'exp(-dt / tau_syn_exc)',
    P11_inh: 'exp(-dt / tau_syn_inh)',
    // NEST's expm1 form with the singular limit dt / C_m e^{-dt/tau_m} at tau_syn = tau_m (models/expr.ts).
    P21_exc: 'propagator_exp(tau_syn_exc, tau_m, C_m, dt)',
    P21_inh: 'propagator_exp(tau_syn_inh, tau_m, C_m, dt)',
    P20: 'tau_m / C_m * (1 - exp(-dt / tau_m))',
  },
  state: { V: { init: 'E_L', unit: 'mV' }, I_exc: { init: 0, unit: 'pA' }, I_inh: { init: 0, unit: 'pA' } },
  ports: ['exc', 'inh'],
  update: `
    V = refractory ? V : E_L + (V - E_L) * P22 + I_exc * P21_exc + I_inh * P21_inh + (I_e + I_ext) * P20;
    I_exc = I_exc * P11_exc + in_exc;
    I_inh = I_inh * P11_inh + in_inh;`,
  threshold: 'V >= V_th',
  reset: 'V = V_reset;',
  refractory: 't_ref',
  checks: [...positive('C_m', 'tau_m', 'tau_syn_exc', 'tau_syn_inh'), ...spiking('t_ref', 'V_reset', 'V_th')],
};

/**
 * Conductance-based LIF with exponential conductances, as in Brette et al. (2007) benchmark 1 (COBA):
 * tau_m dV/dt = (E_L - V) + g_exc (E_exc - V) + g_inh (E_inh - V) + I_ext (conductances in units of
 * the leak conductance, I_ext in mV), forward Euler for V; conductances decay exactly
 * (g' = g e^{-dt/tau} + in, weights dimensionless).
 */
export const LIF_COBA: NeuronModelSpec = {
  params: {
    tau_m: { value: 20, unit: 'ms' }, tau_exc: { value: 5, unit: 'ms' }, tau_inh: { value: 10, unit: 'ms' },
    E_L: { value: -60, unit: 'mV' }, E_exc: { value: 0, unit: 'mV' }, E_inh: { value: -80, unit: 'mV' },
    V_th: { value: -50, unit: 'mV' }, V_reset: { value: -60, unit: 'mV' }, t_ref: { value: 5, unit: 'ms' },
    I_e: { value: 0, unit: 'mV' },
  },
  derived: { h: 'dt / tau_m', D_exc: 'exp(-dt / tau_exc)', D_inh: 'exp(-dt / tau_inh)' },
  state: { V: { init: 'E_L', unit: 'mV' }, g_exc: { init: 0, unit: '1' }, g_inh: { init: 0, unit: '1' } },
  ports: ['exc', 'inh'],
  update: `
    V = refractory ? V : V + h * ((E_L - V) + g_exc * (E_exc - V) + g_inh * (E_inh - V) + I_e + I_ext);
    g_exc = g_exc * D_exc + in_exc;
    g_inh = g_inh * D_inh + in_inh;`,
  threshold: 'V > V_th',
  reset: 'V = V_reset;',
  refractory: 't_ref',
  checks: [...positive('tau_m', 'tau_exc', 'tau_inh'), ...spiking('t_ref', 'V_reset', 'V_th')],
};

/**
 * Adaptive LIF with current synapses: iaf_psc_exp plus a spike-triggered adaptation current w
 * (decaying with tau_w, incremented by b on each spike) that is subtracted from the input current.
 */
export const ADLIF_PSC_EXP: NeuronModelSpec = {
  params: { ...LIF_PSC_EXP.params, tau_w: { value: 100, unit: 'ms' }, b: { value: 20, unit: 'pA' } },
  derived: { ...LIF_PSC_EXP.derived, P_w: 'exp(-dt / tau_w)' },
  state: { ...LIF_PSC_EXP.state, w: { init: 0, unit: 'pA' } },
  ports: ['exc', 'inh'],
  update: `
    V = refractory ? V : E_L + (V - E_L) * P22 + I_exc * P21_exc + I_inh * P21_inh + (I_e + I_ext - w) * P20;
    I_exc = I_exc * P11_exc + in_exc;
    I_inh = I_inh * P11_inh + in_inh;
    w = w * P_w;`,
  threshold: 'V >= V_th',
  reset: 'V = V_reset; w = w + b;',
  refractory: 't_ref',
  checks: [...LIF_PSC_EXP.checks!, ...positive('tau_w')],
};

export const BUILTIN_MODELS: Record<string, NeuronModelSpec> = {
  lif_psc_exp: LIF_PSC_EXP,
  lif_coba: LIF_COBA,
  adlif_psc_exp: ADLIF_PSC_EXP,
};
