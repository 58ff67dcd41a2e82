/**
 * Names that become file names cannot leave the output directory or break a run, seeds are 32-bit
 * (no silent wrap-around), and a model or unit called like an Object property ("constructor") is a
 * name like any other. Each case was accepted (or crashed) before these checks.
 */
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../engine/errors.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import { compile } from '../../engine/plan/rate.ts';
import { validateSpec } from '../../engine/spec/validate-rate.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';

function refusal(fn: () => unknown): { field: string; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return { field: (e as SpecError).field, message: (e as Error).message };
  }
  throw new Error('spec was accepted');
}

const spiking = (): SpikingSpec => ({
  dt: 0.1, seed: 1, populations: [{ name: 'E', size: 4, model: 'lif_psc_exp' }],
  projections: [{ name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity: { type: 'fixed-total', n: 8 }, weight: 10, delay: 1 }],
  record: [{ name: 'sE', population: 'E', what: 'spikes' }],
} as SpikingSpec);
const rate = () => ({
  dt: 1, seed: 1, populations: [{ name: 'x', size: 3, tau: 10, activation: 'tanh' }],
  projections: [{ name: 'W', from: 'x', to: 'x', weights: { type: 'gaussian', g: 1, seed: 2 } }],
  record: [{ name: 'r', population: 'x' }],
});
const rateRefusal = (s: unknown) => refusal(() => compile(validateSpec(s)));

describe('names that become file names', () => {
  for (const bad of ['../precious', 'a/b', 'a\\b', '..', '.', 'x'.repeat(201)]) {
    it(`"${bad.slice(0, 20)}" is refused for recorders, projections and populations of both kinds`, () => {
      const s1 = spiking(); s1.record![0].name = bad;
      expect(refusal(() => compileSpiking(s1)).field).toBe('record[0].name');
      const s2 = spiking(); s2.projections![0].name = bad;
      expect(refusal(() => compileSpiking(s2)).field).toBe('projections[0].name');
      const s3 = rate(); s3.record[0].name = bad;
      expect(rateRefusal(s3).field).toBe('record[0].name');
      const s4 = rate(); s4.populations[0].name = bad;
      expect(rateRefusal(s4).field).toBe('populations[0].name');
      const s5 = rate(); s5.projections[0].name = bad;
      expect(rateRefusal(s5).field).toBe('projections[0].name');
    });
  }
  it('ordinary names, reserved words included, are fine', () => {
    const s = spiking(); s.record![0].name = 'spikes.E-1_final'; s.populations[0].name = 'constructor';
    s.projections![0].from = 'constructor'; s.projections![0].to = 'constructor'; s.record![0].population = 'constructor';
    expect(() => compileSpiking(s)).not.toThrow();
  });
});

describe('seeds are 32-bit', () => {
  it('a spiking seed beyond 32 bits or negative is refused, not wrapped', () => {
    expect(refusal(() => compileSpiking({ ...spiking(), seed: 2 ** 32 })).field).toBe('seed');
    expect(refusal(() => compileSpiking({ ...spiking(), seed: -1 })).field).toBe('seed');
    const s = spiking(); s.projections![0].seed = 2 ** 40;
    expect(refusal(() => compileSpiking(s)).field).toBe('projections[0].seed');
    expect(refusal(() => compileSpiking({ ...spiking(), batch: { size: 2, params: { seed: [1, 2 ** 33] } } })).field).toBe('batch.params.seed[1]');
    expect(refusal(() => compileSpiking(spiking(), { seed: 2 ** 32 + 5 })).field).toBe('options.seed');
  });
  it('a rate seed beyond 32 bits is refused in the spec, the weights, the batch and the options', () => {
    expect(rateRefusal({ ...rate(), seed: 2 ** 32 }).field).toBe('seed');
    const w = rate(); w.projections[0].weights.seed = 2 ** 32;
    expect(rateRefusal(w).field).toBe('projections[0].weights.seed');
    expect(rateRefusal({ ...rate(), batch: { size: 2, params: { seed: [0, 2 ** 32] } } }).field).toBe('batch.params.seed[1]');
    expect(refusal(() => compile(validateSpec(rate()), { seed: -3 })).field).toBe('options.seed');
  });
  it('batch.seeds: one 32-bit seed per instance, given once, for the batch it was written for', () => {
    expect([...compileSpiking({ ...spiking(), batch: { size: 2, seeds: [9, 2 ** 32 - 1] } }).plan.seeds]).toEqual([9, 2 ** 32 - 1]);
    expect(refusal(() => compileSpiking({ ...spiking(), batch: { size: 2, seeds: [1, 2 ** 32] } })).field).toBe('batch.seeds[1]');
    expect(refusal(() => compileSpiking({ ...spiking(), batch: { size: 3, seeds: [1, 2] } })).field).toBe('batch.seeds');
    expect(refusal(() => compileSpiking({ ...spiking(), batch: { size: 2, seeds: [1, 2], params: { seed: [1, 2] } } })).field).toBe('batch.seeds');
    expect(refusal(() => compileSpiking({ ...spiking(), batch: { size: 2, seeds: [1, 2] } }, { batch: 4 })).field).toBe('batch.size');
    expect(rateRefusal({ ...rate(), batch: { size: 2, seeds: [0.5, 1] } }).field).toBe('batch.seeds[0]');
    expect(rateRefusal({ ...rate(), batch: { size: 2, seeds: [1, 2], params: { seed: [1, 2] } } }).field).toBe('batch.seeds');
    expect(refusal(() => compile(validateSpec({ ...rate(), batch: { size: 2, seeds: [1, 2] } }), { batch: 3 })).field).toBe('batch.size');
    expect([...compile(validateSpec({ ...rate(), batch: { size: 2, seeds: [5, 6] } })).seeds]).toEqual([5, 6]);
  });
  it('the largest seed is accepted', () => {
    expect(compileSpiking({ ...spiking(), seed: 2 ** 32 - 1 }).plan.seeds[0]).toBe(2 ** 32 - 1);
  });
});

describe('"constructor" is a name like any other', () => {
  it('an unknown spiking model called "constructor" is an unknown model, not a crash', () => {
    const s = spiking(); s.populations[0].model = 'constructor';
    const r = refusal(() => compileSpiking(s));
    expect(r.field).toBe('populations[0].model');
    expect(r.message).toMatch(/unknown model "constructor"/);
  });
  it('a model the spec defines under that name works', () => {
    const s = spiking();
    s.models = { constructor: { params: { tau: { value: 10, unit: 'ms' } }, state: { V: { init: 0, unit: 'mV' } }, ports: ['exc'], update: 'V = V - dt / tau * V + in_exc;', threshold: 'V > 1', reset: 'V = 0;' } };
    s.populations[0].model = 'constructor';
    expect(() => compileSpiking(s)).not.toThrow();
  });
  it('a rate unit called "constructor" is an unknown unit unless the spec defines it', () => {
    const s = { dt: 1, populations: [{ name: 'x', size: 2, unit: 'constructor', params: { tau: 5 } }] };
    expect(rateRefusal(s).message).toMatch(/constructor/);
  });
});

describe("Dale's law and a weight of the other sign", () => {
  const withSign = (weight: unknown, sign: string, connectivity: Record<string, unknown> = { type: 'fixed-total', n: 8 }) => {
    const s = spiking();
    Object.assign(s.projections![0], { weight, sign, connectivity });
    return s;
  };
  it('a weight centred on the other side of its sign is refused (it removed the projection silently)', () => {
    expect(refusal(() => compileSpiking(withSign(-5, 'excitatory'))).field).toBe('projections[0].weight');
    expect(refusal(() => compileSpiking(withSign({ normal: [3, 1] }, 'inhibitory'))).message).toMatch(/centred at 3/);
    expect(refusal(() => compileSpiking(withSign({ uniform: [-4, 1] }, 'excitatory', { type: 'fixed-probability', p: 0.5 }))).field).toBe('projections[0].weight');
  });
  it("weights on the sign's side, zero, and spread across it are accepted (Dale's law clips the tail)", () => {
    for (const [w, sign] of [[5, 'excitatory'], [-5, 'inhibitory'], [0, 'excitatory'], [{ normal: [1, 3] }, 'excitatory'], [{ uniform: [-3, 1] }, 'inhibitory']] as [unknown, string][]) {
      expect(() => compileSpiking(withSign(w, sign))).not.toThrow();
    }
  });
});
