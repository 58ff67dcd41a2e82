/**
 * Poisson input draws the exact count at any rate: the mean is split into chunks of at most 32, each
 * drawn exactly by the product of uniforms, so the product never underflows float32. Before, one product
 * underflowed after about 104 events and the count was capped there (2e5 Hz at dt 1 ms gave about 104
 * instead of 200). The mean and variance of the CPU twin's counts match theory within 5 standard errors;
 * the GPU's equal the twin's bit for bit (test/gpu/poisson.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../engine/errors.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import { MAX_POISSON_MEAN } from '../../engine/plan/spiking-inputs.ts';
import { poissonCount } from '../../engine/reference/spiking.ts';
import { neuronStepWgsl } from '../../engine/codegen/spiking-neuron.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';

function spec(rate: number, size: number, dt = 1): SpikingSpec {
  return {
    dt, seed: 11,
    populations: [{ name: 'P', size, model: 'lif_psc_exp' }],
    inputs: [{ name: 'bg', target: 'P', type: 'poisson', rate, weight: 1, port: 'exc' }],
  };
}

/** Counts of `size` neurons over `steps` steps, as the twin draws them from the plan's table. */
function counts(rate: number, size: number, steps: number): number[] {
  const { plan } = compileSpiking(spec(rate, size));
  const base = plan.pops[0].poisson[0].tableBase;
  const out: number[] = [];
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < size; i++) out.push(poissonCount(plan.inputTable[base + i], plan.inputTable[base + size + i], i, t, 0, 0, 11));
  }
  return out;
}

describe('Poisson counts at any rate', () => {
  // [rate in Hz at dt 1 ms (mean = rate / 1000), neurons, steps]
  const cases: [number, number, number][] = [[500, 1000, 4], [20000, 1000, 4], [2e5, 1000, 4], [1e6, 400, 2], [5e6, 150, 2]];
  for (const [rate, size, steps] of cases) {
    const lambda = rate / 1000;
    it(`${rate} Hz at dt 1 ms: mean and variance ${lambda} within 5 standard errors`, () => {
      const c = counts(rate, size, steps);
      const n = c.length;
      const mean = c.reduce((a, x) => a + x, 0) / n;
      const variance = c.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
      expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / n));
      // Var of the sample variance of a Poisson count: (mu4 - sigma^4) / n = (lambda + 2 lambda^2) / n.
      expect(Math.abs(variance - lambda)).toBeLessThan(5 * Math.sqrt((lambda + 2 * lambda * lambda) / n));
    });
  }

  it('a mean of at most 32 is one chunk: the same draws as the plain product method', () => {
    const { plan } = compileSpiking(spec(32000, 2));
    expect(plan.inputTable[plan.pops[0].poisson[0].tableBase + 2]).toBe(1);
    expect(plan.inputTable[plan.pops[0].poisson[0].tableBase]).toBe(Math.fround(Math.exp(-32)));
  });

  it(`a mean over ${MAX_POISSON_MEAN} events per step is refused naming the rate`, () => {
    let error: unknown;
    try { compileSpiking(spec(1.1e7, 2)); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(SpecError);
    expect([(error as SpecError).field, (error as Error).message]).toEqual(['inputs[0].rate', expect.stringMatching(/mean of 11000 events per step: at most 10000/)]);
    expect(() => compileSpiking(spec(1e8, 2, 0.1))).not.toThrow();
  });
});

describe('Poisson table reads in the generated neuron step', () => {
  // A rate given once (also when swept per instance) reads the instance's first neuron's table entries,
  // a load that all invocations of an instance share; a rate per neuron reads each neuron's own.
  /** The poisson_count call of the generated step function, with the table's base as T. */
  const call = (s: SpikingSpec) => {
    const { plan } = compileSpiking(s);
    const base = plan.pops[0].poisson[0].tableBase;
    const code = neuronStepWgsl(plan, plan.pops, 'neuron_m0', false);
    return code.slice(code.indexOf('poisson_count(')).split(', 0u, i, b')[0].replaceAll(`inputs[${base}u`, 'inputs[T').replaceAll(`inputs[${base + 150 * plan.batch}u`, 'inputs[T+BN');
  };
  it('one rate, also swept per instance: at `b * size`; rates per neuron: at `local`', () => {
    expect(call(spec(15000, 150, 0.1))).toBe('poisson_count(inputs[T + b * 150u], u32(inputs[T+BN + b * 150u])');
    const swept = spec(15000, 150, 0.1);
    swept.batch = { size: 2, params: { 'inputs.bg.rate': [15000, 9000] } };
    expect(call(swept)).toBe('poisson_count(inputs[T + b * 150u], u32(inputs[T+BN + b * 150u])');
    const perNeuron = spec(15000, 150, 0.1);
    perNeuron.inputs = [{ name: 'bg', target: 'P', type: 'poisson', rate: Array.from({ length: 150 }, (_, i) => 10000 + 50 * i), weight: 1, port: 'exc' }];
    expect(call(perNeuron)).toBe('poisson_count(inputs[T + local], u32(inputs[T+BN + local])');
  });
});
