import { describe, expect, it } from 'vitest';
import { compileModel } from '../../engine/models/neuron.ts';
import { BUILTIN_MODELS, LIF_PSC_EXP } from '../../engine/models/builtin-models.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import { SpecError } from '../../engine/errors.ts';
import { fixedPointScale } from '../../engine/plan/synapses.ts';
import { fromFixed } from '../../engine/reference/spiking.ts';

describe('neuron models as data', () => {
  it('every built-in model compiles', () => {
    for (const [name, m] of Object.entries(BUILTIN_MODELS)) expect(compileModel(name, m).stateNames.length).toBeGreaterThan(0);
  });

  it('derived parameters are evaluated in float64 (NEST iaf_psc_exp propagators)', () => {
    const m = compileModel('lif', LIF_PSC_EXP);
    const p = Object.fromEntries(Object.entries(LIF_PSC_EXP.params).map(([k, v]) => [k, v.value]));
    const d = m.derive(p, 0.1);
    expect(d.P22).toBe(Math.exp(-0.1 / 10));
    const P21 = (0.5 * 10) / (250 * (10 - 0.5)) * (Math.exp(-0.1 / 10) - Math.exp(-0.1 / 0.5));
    expect(d.P21_exc).toBeCloseTo(P21, 15);
    expect(d.P20).toBeCloseTo((10 / 250) * -Math.expm1(-0.01), 15);
  });

  it('the float32 twin runs the update code', () => {
    const m = compileModel('lif', LIF_PSC_EXP);
    const p: Record<string, number> = Object.fromEntries(Object.entries(LIF_PSC_EXP.params).map(([k, v]) => [k, Math.fround(v.value)]));
    Object.assign(p, Object.fromEntries(Object.entries(m.derive(p, 0.1)).map(([k, v]) => [k, Math.fround(v)])));
    const s = { V: -60, I_exc: 100, I_inh: 0 };
    m.js.update(s, p, { inp: { exc: 5, inh: 0 }, I_ext: 0, refractory: false, dt: 0.1 });
    const f = Math.fround;
    const expectV = f(f(f(f(-65 + f(f(-60 + 65) * p.P22)) + f(100 * p.P21_exc)) + f(0 * p.P21_inh)) + f(f(0 + 0) * p.P20));
    expect(s.V).toBe(expectV);
    expect(s.I_exc).toBe(f(f(100 * p.P11_exc) + 5));
  });

  const base = () => ({
    dt: 0.1,
    models: { mine: { params: { a: { value: 1, unit: 'ms' } }, state: { v: { init: 0, unit: 'mV' } }, ports: ['x'], update: 'v = v * a + in_x;', threshold: 'v > 1', reset: 'v = 0;' } },
    populations: [{ name: 'p', size: 3, model: 'mine' }],
  });
  const cases: [string, (s: any) => void, string][] = [
    ['unknown name in update', (s) => { s.models.mine.update = 'v = w;'; }, 'models.mine.update'],
    ['assignment to a parameter', (s) => { s.models.mine.update = 'a = 1;'; }, 'models.mine.update'],
    ['syntax error', (s) => { s.models.mine.reset = 'v = ;'; }, 'models.mine.reset'],
    ['threshold that is not a condition', (s) => { s.models.mine.threshold = 'v + 1'; }, 'models.mine.threshold'],
    ['unknown model', (s) => { s.populations[0].model = 'hh'; }, 'populations[0].model'],
    ['missing threshold', (s) => { delete s.models.mine.threshold; }, 'models.mine.threshold'],
    ['misspelt model field', (s) => { s.models.mine.thresold = 'v > 1'; }, 'models.mine.thresold'],
    ['parameter without a unit', (s) => { s.models.mine.params.a = { value: 1 }; }, 'models.mine.params.a.unit'],
    ['non-numeric initial value', (s) => { s.models.mine.state.v.init = [1]; }, 'models.mine.state.v.init'],
    ['unknown parameter override', (s) => { s.populations[0].params = { b: 2 }; }, 'populations[0].params.b'],
    ['unknown port', (s) => { s.projections = [{ name: 'r', from: 'p', to: 'p', port: 'y', connectivity: { type: 'fixed-indegree', k: 1 }, weight: 1 }]; }, 'projections[0].port'],
    ['probability out of range', (s) => { s.projections = [{ name: 'r', from: 'p', to: 'p', port: 'x', connectivity: { type: 'fixed-probability', p: 1.5 }, weight: 1 }]; }, 'projections[0].connectivity.p'],
    ['explicit index out of range', (s) => { s.projections = [{ name: 'r', from: 'p', to: 'p', port: 'x', connectivity: { type: 'explicit', pre: [0, 3], post: [1, 1] }, weight: 1 }]; }, 'projections[0].connectivity.pre[1]'],
    ['bad distribution', (s) => { s.projections = [{ name: 'r', from: 'p', to: 'p', port: 'x', connectivity: { type: 'fixed-indegree', k: 1 }, weight: { gamma: [1, 2] } }]; }, 'projections[0].weight.gamma'],
    ['unknown per-instance parameter', (s) => { s.batch = { size: 2, params: { 'populations.p.zz': [1, 2] } }; }, 'batch.params.populations.p.zz'],
  ];
  for (const [what, mutate, field] of cases) {
    it(`rejects: ${what}`, () => {
      const s = base();
      mutate(s);
      try {
        compileSpiking(s);
      } catch (e) {
        expect(e).toBeInstanceOf(SpecError);
        expect((e as SpecError).field).toBe(field);
        return;
      }
      throw new Error('accepted');
    });
  }
});

describe('fixed-point input accumulation', () => {
  it('the scale leaves room for every synapse at once and converts exactly', () => {
    expect(fixedPointScale(2.1e6)).toBe(8); // 2.1e6 * 2^8 < 2^30 <= 2.1e6 * 2^9
    const S = fixedPointScale(1000);
    expect(1000 * 2 ** S).toBeLessThan(2 ** 30);
    for (const v of [0, 1, -1, 4095, 4096, -4097, 2 ** 30 - 1, -(2 ** 30), 123456789]) {
      expect(fromFixed(v, S)).toBe(Math.fround(v * 2 ** -S));
    }
  });
});
