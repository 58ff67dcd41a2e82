/**
 * Every number of a spec becomes a float32 on the GPU: one beyond the float32 range (1e39) is refused
 * naming its field, where before it silently became infinity (bias, weights, DC amplitude, rates, model
 * and rule parameters, ...). The same for derived values and for sums the host forms (DC inputs).
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../engine/plan/rate.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import { validateSpec } from '../../engine/spec/validate-rate.ts';
import type { NetworkSpec } from '../../engine/spec/rate.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';
import { randomTwoPopulationSpec } from '../specs.ts';
import { refusal } from '../spec-error.ts';

const BIG = 1e39;

function rateSpec(): NetworkSpec {
  const s = randomTwoPopulationSpec(1, 6, 4);
  s.modulators = [{ name: 'da', type: 'schedule', time: { type: 'pulse', start: 1, duration: 2 }, amplitude: 1, baseline: 0 }];
  s.projections![1].plasticity = { rule: 'three-factor', eta: 0.1, tauEligibility: 20, modulator: 'da' };
  s.units = { mine: { params: { tau: { value: 10, unit: 'ms' } }, update: 'x = x + rec;', activation: 'x' } };
  s.populations.push({ name: 'U', size: 2, unit: 'mine' });
  s.batch = { size: 2, params: { 'inputs.tonic.amplitude': [1, 2] } };
  return s;
}

function spikingSpec(): SpikingSpec {
  return {
    dt: 0.1,
    models: { mine: { params: { a: { value: 1, unit: '1' } }, state: { v: { init: 0, unit: '1' } }, ports: ['exc'], update: 'v = v * a + in_exc;', threshold: 'v > 10', reset: 'v = 0;' } },
    populations: [{ name: 'E', size: 4, model: 'lif_psc_exp', init: { V: { uniform: [-65, -50] } } }, { name: 'M', size: 2, model: 'mine' }],
    projections: [
      { name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity: { type: 'fixed-indegree', k: 2 }, weight: { normal: [10, 1] } },
      { name: 'EX', from: 'E', to: 'E', port: 'inh', connectivity: { type: 'explicit', pre: [0, 1], post: [1, 2], weights: [-1, -2] }, weight: -1 },
      { name: 'EP', from: 'E', to: 'M', port: 'exc', connectivity: { type: 'fixed-probability', p: 1 }, weight: 1, plasticity: { rule: 'stdp', aPlus: 0.1, aMinus: 0.1, wMax: 2 } },
    ],
    inputs: [
      { name: 'bg', target: 'E', type: 'poisson', rate: 100, weight: 5, port: 'exc' },
      { name: 'dc', target: 'E', type: 'dc', amplitude: 10 },
      { name: 'kick', target: 'E', type: 'spikes', times: [1], neurons: [0], weight: 3, port: 'exc' },
    ],
    modulators: [{ name: 'da', type: 'schedule', time: { type: 'pulse', start: 1, duration: 2 }, amplitude: 1, baseline: 0 }],
    batch: { size: 2, params: { 'populations.E.tau_m': [10, 12] } },
  };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
const rateCases: [string, (s: any) => void][] = [
  ['populations[1].bias', (s) => { s.populations[1].bias = BIG; }],
  ['populations[0].tau[2]', (s) => { s.populations[0].tau[2] = BIG; }],
  ['populations[1].init', (s) => { s.populations[1].init = -BIG; }],
  ['populations[2].params.tau', (s) => { s.populations[2].params = { tau: BIG }; }],
  ['units.mine.params.tau.value', (s) => { s.units.mine.params.tau.value = BIG; }],
  ['projections[0].weights.g', (s) => { s.projections[0].weights.g = BIG; }],
  ['projections[1].weights.values[3]', (s) => { s.projections[1].weights.values[3] = BIG; }],
  ['projections[2].weights.values[0]', (s) => { s.projections[2].weights.values[0] = -BIG; }],
  ['projections[3].weights.weight', (s) => { s.projections[3].weights.weight = BIG; }],
  ['projections[3].gain', (s) => { s.projections[3].gain = BIG; }],
  ['projections[1].plasticity.eta', (s) => { s.projections[1].plasticity.eta = BIG; }],
  ['inputs[0].amplitude', (s) => { s.inputs[0].amplitude = BIG; }],
  ['inputs[1].time.values[2]', (s) => { s.inputs[1].time.values[2] = BIG; }],
  ['modulators[0].amplitude', (s) => { s.modulators[0].amplitude = BIG; }],
  ['batch.params.inputs.tonic.amplitude[1]', (s) => { s.batch.params['inputs.tonic.amplitude'][1] = BIG; }],
];

const spikingCases: [string, (s: any) => void][] = [
  ['populations[0].params.I_e', (s) => { s.populations[0].params = { I_e: BIG }; }],
  ['populations[0].init.V.uniform[1]', (s) => { s.populations[0].init.V.uniform[1] = BIG; }],
  ['models.mine.params.a.value', (s) => { s.models.mine.params.a.value = BIG; }],
  ['models.mine.state.v.init', (s) => { s.models.mine.state.v.init = BIG; }],
  ['projections[0].weight.normal[0]', (s) => { s.projections[0].weight.normal[0] = BIG; }],
  ['projections[0].weight.normal[1]', (s) => { s.projections[0].weight.normal[1] = BIG; }],
  ['projections[1].connectivity.weights[1]', (s) => { s.projections[1].connectivity.weights[1] = -BIG; }],
  ['projections[1].delay', (s) => { s.projections[1].delay = BIG; }],
  ['projections[2].plasticity.wMax', (s) => { s.projections[2].plasticity.wMax = BIG; }],
  ['projections[2].plasticity.aPlus', (s) => { s.projections[2].plasticity.aPlus = BIG; }],
  ['inputs[0].rate', (s) => { s.inputs[0].rate = BIG; }],
  ['inputs[0].weight', (s) => { s.inputs[0].weight = BIG; }],
  ['inputs[1].amplitude', (s) => { s.inputs[1].amplitude = BIG; }],
  ['inputs[2].weight', (s) => { s.inputs[2].weight = BIG; }],
  ['modulators[0].baseline', (s) => { s.modulators[0].baseline = BIG; }],
  ['batch.params.populations.E.tau_m[1]', (s) => { s.batch.params['populations.E.tau_m'][1] = BIG; }],
];

describe('numbers beyond the float32 range are refused naming the field', () => {
  it('the unchanged specs are accepted', () => {
    expect(() => compile(validateSpec(rateSpec()))).not.toThrow();
    expect(() => compileSpiking(spikingSpec())).not.toThrow();
  });
  for (const [field, mutate] of rateCases) {
    it(`rate: ${field}`, () => {
      const s = rateSpec();
      mutate(s);
      const e = refusal(() => compile(validateSpec(s)));
      expect([e.field, e.message]).toEqual([field, expect.stringMatching(/1e\+39 is beyond the float32 range \(\|x\| <= 3\.403e\+38\)/)]);
    });
  }
  for (const [field, mutate] of spikingCases) {
    it(`spiking: ${field}`, () => {
      const s = spikingSpec();
      mutate(s);
      const e = refusal(() => compileSpiking(s));
      expect([e.field, e.message]).toEqual([field, expect.stringMatching(/1e\+39 is beyond the float32 range/)]);
    });
  }

  it('a value just under the float32 maximum passes (3.4e38 rounds to a finite float32)', () => {
    const s = spikingSpec();
    s.inputs![1] = { name: 'dc', target: 'E', type: 'dc', amplitude: 3.4e38 };
    expect(() => compileSpiking(s)).not.toThrow();
  });

  it('DC inputs that sum beyond the range, and derived values beyond it, are refused', () => {
    const s = spikingSpec();
    s.inputs!.push({ name: 'dc2', target: 'E', type: 'dc', amplitude: 3e38 }, { name: 'dc3', target: 'E', type: 'dc', amplitude: 3e38 });
    expect(refusal(() => compileSpiking(s)).message).toMatch(/DC inputs into "E" sum to 6e\+38 is beyond the float32 range/);
    const d = spikingSpec();
    d.populations[0].params = { C_m: 1e-44 };
    const e = refusal(() => compileSpiking(d));
    expect([e.field, e.message]).toEqual(['populations[0].params (model lif_psc_exp.derived.P21_exc)', expect.stringMatching(/evaluates to 9.0\d*e\+42, beyond the float32 range/)]);
  });
});
