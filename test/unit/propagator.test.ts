/**
 * lif_psc_exp and adlif_psc_exp at tau_syn = tau_m and near it, as NEST computes the current-to-voltage
 * propagator: the expm1 form, with the singular limit h / C e^{-h/tau} at equality. Before, equality
 * was refused ("P21_exc evaluates to NaN") and near it the difference of exponentials lost up to all
 * of its digits.
 */
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../engine/models/neuron.ts';
import { ADLIF_PSC_EXP, LIF_PSC_EXP } from '../../engine/models/builtin-models.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import { SpikingReference } from '../../engine/reference/spiking.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';

const h = 0.1, C = 250, tau = 10;

/**
 * float64 reference of tau_s tau / (C (tau - tau_s)) (e^{-h/tau} - e^{-h/tau_s}) for tau_s near tau, free of
 * cancellation: (h / C) e^{-h/tau} (1 - e^{-x}) / x with x = h (tau - tau_s) / (tau_s tau) (tau - tau_s is
 * exact there), the last factor by its Taylor series (|x| < 1e-7: the terms left out are below 1e-37).
 */
function reference(tauS: number): number {
  const x = h * ((tau - tauS) / (tauS * tau));
  expect(Math.abs(x)).toBeLessThan(1e-7);
  return (h / C) * Math.exp(-h / tau) * (1 - x / 2 + (x * x) / 6 - (x * x * x) / 24);
}

function p21(model: typeof LIF_PSC_EXP, tauS: number): number {
  const m = compileModel('m', model);
  const p = Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, v.value]));
  return m.derive({ ...p, C_m: C, tau_m: tau, tau_syn_exc: tauS }, h).P21_exc;
}

describe('the PSC propagator at and near tau_syn = tau_m (NEST iaf_psc_exp)', () => {
  for (const [name, model] of [['lif_psc_exp', LIF_PSC_EXP], ['adlif_psc_exp', ADLIF_PSC_EXP]] as const) {
    it(`${name}: tau_syn = tau_m gives the singular limit h / C e^{-h/tau}`, () => {
      expect(p21(model, tau)).toBe((h / C) * Math.exp(-h / tau));
    });

    it(`${name}: within 1e-6 relative of tau_m the value is continuous with the limit, to a few ulp`, () => {
      for (const e of [1e-6, -1e-6, 1e-9, -1e-9, 1e-12, -1e-12, 1e-15, 2 ** -52, -(2 ** -53)]) {
        const tauS = tau * (1 + e);
        expect(Math.abs(p21(model, tauS) / reference(tauS) - 1)).toBeLessThan(1e-14);
      }
    });
  }

  it('far from tau_m it keeps the values of the closed form (default parameters, tau_syn << dt)', () => {
    for (const tauS of [0.5, 2, 20, 0.001]) {
      const closed = ((tauS * tau) / (C * (tau - tauS))) * (Math.exp(-h / tau) - Math.exp(-h / tauS));
      expect(Math.abs(p21(LIF_PSC_EXP, tauS) / closed - 1)).toBeLessThan(1e-13);
    }
  });

  it('a network with tau_syn_exc = tau_m runs; one input of w pA gives V - E_L = n w h / C e^{-n h / tau}', () => {
    const w = 1000;
    const spec: SpikingSpec = {
      dt: h,
      populations: [{ name: 'E', size: 1, model: 'lif_psc_exp', params: { C_m: C, tau_m: tau, tau_syn_exc: tau, V_th: 0 } }],
      inputs: [{ name: 'kick', target: 'E', type: 'spikes', times: [0], neurons: [0], weight: w, port: 'exc' }],
    };
    const ref = new SpikingReference(compileSpiking(spec).plan);
    ref.advance();
    for (let n = 1; n <= 300; n++) {
      ref.advance();
      const analytic = ((n * w * h) / C) * Math.exp((-n * h) / tau);
      expect(Math.abs(ref.value(0, 'V', 0, 0) + 65 - analytic)).toBeLessThan(1e-5 * (1 + analytic));
    }
  });
});
