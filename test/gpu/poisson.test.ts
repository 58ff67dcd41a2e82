/**
 * Poisson input on the GPU: counts at rates from 500 Hz to 1 MHz (dt 1 ms) equal the CPU twin's bit
 * for bit, and at 2e5 Hz their mean and variance are 200 within 5 standard errors (the count was capped
 * at about 104 before). A model whose state is this step's input records each count.
 */
import { describe, expect, it } from 'vitest';
import { SpikingSimulation } from '../../engine/run/spiking-simulation.ts';
import { SpikingReference } from '../../engine/reference/spiking.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import { MemorySink } from '../../engine/record/recorders.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';
import { sameBits, withoutValidationErrors } from '../gpu-helpers.ts';

const RATES = [500, 2e4, 2e5, 1e6];
const PER_RATE = 64, STEPS = 20, BATCH = 2;

const spec: SpikingSpec = {
  dt: 1, seed: 5,
  models: { counter: { params: {}, state: { n: { init: 0, unit: '1' } }, ports: ['exc'], update: 'n = in_exc;', threshold: 'n < -1', reset: 'n = 0;' } },
  populations: [{ name: 'P', size: RATES.length * PER_RATE, model: 'counter' }],
  inputs: [{ name: 'bg', target: 'P', type: 'poisson', rate: RATES.flatMap((r) => new Array<number>(PER_RATE).fill(r)), weight: 1, port: 'exc' }],
  record: [{ name: 'n', population: 'P', what: 'n' }],
};

describe('Poisson input: GPU against the CPU twin', () => {
  it('counts equal bit for bit; at 2e5 Hz and dt 1 ms the mean and variance are 200', async () => {
    const sink = new MemorySink();
    await withoutValidationErrors(async () => {
      const sim = await SpikingSimulation.create(spec, { batch: BATCH, chunkSteps: 8 });
      await sim.run(STEPS, { sink });
      sim.destroy();
    });
    const twin = new MemorySink();
    const ref = new SpikingReference(compileSpiking(spec, { batch: BATCH }).plan, spec);
    await ref.run(STEPS, { sink: twin });
    const gpu = sink.data.get('n')!.values, cpu = twin.data.get('n')!.values;
    expect(gpu.length).toBe(STEPS * BATCH * RATES.length * PER_RATE);
    expect(sameBits(gpu, cpu)).toBe(true);

    const N = RATES.length * PER_RATE;
    const at2e5 = Array.from(gpu).filter((_, k) => Math.floor((k % N) / PER_RATE) === 2);
    const n = at2e5.length, mean = at2e5.reduce((a, x) => a + x, 0) / n;
    const variance = at2e5.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
    expect(Math.abs(mean - 200)).toBeLessThan(5 * Math.sqrt(200 / n));
    expect(Math.abs(variance - 200)).toBeLessThan(5 * Math.sqrt((200 + 2 * 200 * 200) / n));
  });
});
