/**
 * Impossible neuron parameters are refused before a run, naming the field to change: the built-in
 * models declare their constraints as data (tau > 0, C_m > 0, t_ref >= 0, V_reset < V_th), a model's
 * unit strings are checked, parameter values must survive the conversion to float32, and the spec's
 * `steps` is a step count. Each of these ran to a wrong result (or crashed) before these checks.
 */
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../engine/errors.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';

function net(model: string, params: Record<string, number> = {}, extra: Partial<SpikingSpec> = {}): SpikingSpec {
  return { dt: 0.1, populations: [{ name: 'E', size: 4, model, params }], ...extra } as SpikingSpec;
}

/** The SpecError's field and message (fails the test if the spec is accepted). */
function refusal(spec: unknown, opts: { batch?: number } = {}): { field: string; message: string } {
  try {
    compileSpiking(spec, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return { field: (e as SpecError).field, message: (e as Error).message };
  }
  throw new Error('spec was accepted');
}

describe('neuron parameters checked against physics', () => {
  const cases: [string, SpikingSpec, string, RegExp][] = [
    ['lif_psc_exp tau_m < 0 (an anti-leak)', net('lif_psc_exp', { tau_m: -5 }), 'populations[0].params.tau_m', /tau_m must be > 0, got -5/],
    ['lif_psc_exp tau_m = 0', net('lif_psc_exp', { tau_m: 0 }), 'populations[0].params.tau_m', /tau_m must be > 0/],
    ['lif_psc_exp tau_m = 1e-300 (0 in float32)', net('lif_psc_exp', { tau_m: 1e-300 }), 'populations[0].params.tau_m', /underflows to 0 in float32/],
    ['lif_psc_exp C_m < 0', net('lif_psc_exp', { C_m: -250 }), 'populations[0].params.C_m', /C_m must be > 0/],
    ['lif_psc_exp tau_syn_exc = 0', net('lif_psc_exp', { tau_syn_exc: 0 }), 'populations[0].params.tau_syn_exc', /tau_syn_exc must be > 0/],
    ['lif_psc_exp tau_syn_inh < 0', net('lif_psc_exp', { tau_syn_inh: -1 }), 'populations[0].params.tau_syn_inh', /tau_syn_inh must be > 0/],
    ['lif_psc_exp V_th below V_reset', net('lif_psc_exp', { V_th: -70 }), 'model lif_psc_exp.params.V_reset.value', /V_reset must be below V_th/],
    ['lif_psc_exp V_reset above V_th', net('lif_psc_exp', { V_reset: -40 }), 'populations[0].params.V_reset', /V_reset must be below V_th, got -40/],
    ['lif_psc_exp t_ref < 0', net('lif_psc_exp', { t_ref: -1 }), 'populations[0].params.t_ref', /t_ref must be >= 0/],
    ['lif_coba tau_m < 0 (V runs away)', net('lif_coba', { tau_m: -20 }), 'populations[0].params.tau_m', /tau_m must be > 0/],
    ['lif_coba tau_exc = 0', net('lif_coba', { tau_exc: 0 }), 'populations[0].params.tau_exc', /tau_exc must be > 0/],
    ['adlif_psc_exp tau_w < 0', net('adlif_psc_exp', { tau_w: -100 }), 'populations[0].params.tau_w', /tau_w must be > 0/],
    ['a parameter beyond float32 (1e39)', net('lif_psc_exp', { I_e: 1e39 }), 'populations[0].params.I_e', /beyond the float32 range/],
  ];
  for (const [what, spec, field, message] of cases) {
    it(what, () => {
      const r = refusal(spec);
      expect(r.field).toBe(field);
      expect(r.message).toMatch(message);
    });
  }

  it('a value swept per instance is checked in every instance, and the error names the instance', () => {
    const spec = net('lif_psc_exp', {}, { batch: { size: 3, params: { 'populations.E.tau_m': [10, 20, -1] } } });
    const r = refusal(spec);
    expect(r.field).toBe('batch.params.populations.E.tau_m[2]');
    expect(r.message).toMatch(/instance 2/);
  });

  it('valid parameters and the built-in defaults pass', () => {
    for (const model of ['lif_psc_exp', 'lif_coba', 'adlif_psc_exp']) expect(() => compileSpiking(net(model))).not.toThrow();
    expect(() => compileSpiking(net('lif_psc_exp', { tau_m: 1e-30, t_ref: 0 }))).not.toThrow();
  });
});

describe("a spec's own model: units and constraints are data", () => {
  const own = (unit: string, checks?: unknown) => ({
    dt: 0.1, populations: [{ name: 'n', size: 2, model: 'leaky', params: { tau: 5 } }],
    models: { leaky: {
      params: { tau: { value: 10, unit } }, state: { V: { init: 0, unit: 'mV' } }, ports: ['exc'],
      update: 'V = V - dt / tau * V + in_exc;', threshold: 'V > 1', reset: 'V = 0;', ...(checks ? { checks } : {}),
    } },
  });

  it('an unknown unit string is refused, naming the field', () => {
    const r = refusal(own('furlongs'));
    expect(r.field).toBe('models.leaky.params.tau.unit');
    expect(r.message).toMatch(/unknown unit symbol "furlongs"/);
  });

  it("the model's own checks run on the population's values", () => {
    const checks = [{ param: 'tau', require: 'tau > dt', message: 'tau must exceed the time step' }];
    expect(() => compileSpiking(own('ms', checks))).not.toThrow();
    const spec = own('ms', checks) as { populations: { params: Record<string, number> }[] };
    spec.populations[0].params.tau = 0.05;
    const r = refusal(spec);
    expect(r.field).toBe('populations[0].params.tau');
    expect(r.message).toMatch(/tau must exceed the time step, got 0.05/);
  });

  it('a check that names an unknown parameter or is not a condition is refused', () => {
    expect(refusal(own('ms', [{ param: 'tau_m', require: 'tau > 0', message: 'x' }])).field).toBe('models.leaky.checks[0].param');
    expect(refusal(own('ms', [{ param: 'tau', require: 'tau + 1', message: 'x' }])).field).toBe('models.leaky.checks[0].require');
    expect(refusal(own('ms', [{ param: 'tau', require: 'tau > V', message: 'x' }])).message).toMatch(/unknown name "V"/);
  });
});

describe('the spec\'s steps', () => {
  for (const [what, steps, message] of [
    ['a string', '100', /expected a finite number/],
    ['zero', 0, /integer >= 1/],
    ['negative', -5, /integer >= 1/],
    ['fractional', 1.5, /integer >= 1/],
    ['infinite (1e999)', Infinity, /finite/],
    ['beyond 32-bit step indices', 2 ** 32, /at most 4294967295 steps/],
  ] as [string, unknown, RegExp][]) {
    it(`is refused when ${what}`, () => {
      const r = refusal({ ...net('lif_psc_exp'), steps });
      expect(r.field).toBe('steps');
      expect(r.message).toMatch(message);
    });
  }
});
