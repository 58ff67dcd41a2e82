/**
 * Instance independence: an instance's result depends on its own parameters and seed only, never on
 * its index in the batch or on the batch size. Instance k of a batch of 7 (each instance with its own
 * parameters and seed) equals a batch of one run with instance k's parameters and seed: bit for bit for
 * spiking networks (Poisson input, random initial V, random connectivity shared by all instances) and
 * for rate networks (noise, per-unit initial state), on the GPU and in the CPU twin.
 */
import { describe, expect, it } from 'vitest';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import { instanceSeed } from '../../engine/util/philox.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';
import type { NetworkSpec } from '../../engine/index.ts';
import { twoPopulationSpiking } from '../spiking-specs.ts';
import { randomTwoPopulationSpec } from '../specs.ts';
import { instanceParams, rateGpu, rateInstance, rateTwin, spikingGpu, spikingInstance, spikingTwin } from '../instance-runs.ts';

const B = 7;
const SEEDS = [901, 17, 4242, 5, 77, 31337, 2026];

describe('spiking: instance k of a batch of 7 equals instance k run alone', () => {
  const steps = 120;
  const params = {
    'populations.E.tau_m': [10, 12, 8, 15, 9, 11, 10],
    'inputs.bg.rate': [16000, 12000, 20000, 14000, 16000, 18000, 15000],
  };
  const spec = (size: number, p: Record<string, number[]>, seeds: number[]): SpikingSpec => ({ ...twoPopulationSpiking(), batch: { size, params: p, seeds } });

  it('spike trains and final states, bit for bit, on the GPU and in the twin', async () => {
    const batch = await spikingGpu(spec(B, params, SEEDS), steps);
    const batchTwin = spikingTwin(spec(B, params, SEEDS), batch.plan, steps);
    for (let k = 0; k < B; k++) {
      const alone = await spikingGpu(spec(1, instanceParams(params, k), [SEEDS[k]]), steps);
      expect(batch.spikes[k].length).toBeGreaterThan(20);
      expect(batch.spikes[k]).toEqual(alone.spikes[0]);
      expect(spikingInstance(batch.plan, batch.state, k)).toEqual(spikingInstance(alone.plan, alone.state, 0));
      const aloneTwin = spikingTwin(spec(1, instanceParams(params, k), [SEEDS[k]]), alone.plan, steps);
      expect(batchTwin.spikes[k]).toEqual(aloneTwin.spikes[0]);
      expect(spikingInstance(batch.plan, batchTwin.state, k)).toEqual(spikingInstance(alone.plan, aloneTwin.state, 0));
    }
    // Distinct seeds: distinct instances even where the parameters agree (instances 0 and 4).
    expect(batch.spikes[4]).not.toEqual(batch.spikes[0]);
  });

  it('default seeds: instance b runs with instanceSeed(seed, b), and instance 0 with the spec seed', () => {
    const base = twoPopulationSpiking();
    const { plan } = compileSpiking({ ...base, batch: { size: 3 } });
    expect([...plan.seeds]).toEqual([0, 1, 2].map((b) => instanceSeed(base.seed!, b)));
    expect(plan.seeds[0]).toBe(base.seed);
    expect(new Set(plan.seeds).size).toBe(3);
  });
});

describe('spiking: static weights per instance, instance k of a batch of 7 equals instance k run alone', () => {
  const steps = 100;
  // Instance 3's weights are 40 times the others': its ports take a coarser fixed-point scale, the others keep theirs.
  const params = {
    'projections.EE.weightScale': [1, 0.8, 1.2, 40, 0.5, 1, 0.9],
    'projections.IE.weight': [-351, -300, -400, -14000, -200, -351, -380],
    'projections.EI.weight': [87.8, 60, 100, 3500, 87.8, 70, 95],
  };
  const spec = (size: number, p: Record<string, number[]>, seeds: number[]): SpikingSpec => ({ ...twoPopulationSpiking(), batch: { size, params: p, seeds } });

  it('spike trains and final states bit for bit, GPU and twin; each instance with its own scale', async () => {
    const batch = await spikingGpu(spec(B, params, SEEDS), steps);
    const batchTwin = spikingTwin(spec(B, params, SEEDS), batch.plan, steps);
    expect(batchTwin.spikes).toEqual(batch.spikes);
    for (let k = 0; k < B; k++) {
      const alone = await spikingGpu(spec(1, instanceParams(params, k), [SEEDS[k]]), steps);
      expect(batch.spikes[k]).toEqual(alone.spikes[0]);
      expect(spikingInstance(batch.plan, batch.state, k)).toEqual(spikingInstance(alone.plan, alone.state, 0));
      // Its ports' scales are those of the run alone.
      batch.plan.pops.forEach((p, i) => p.instanceScales.forEach((s, q) => expect(s?.exps[k]).toBe(alone.plan.pops[i].instanceScales[q]?.exps[0])));
    }
    const [E] = batch.plan.pops;
    expect(E.instanceScales[0]!.exps[3]).toBeLessThan(E.instanceScales[0]!.exps[0]);
  });
});

describe('rate: instance k of a batch of 7 equals instance k run alone', () => {
  const steps = 40;
  const params = {
    'populations.E.noise': [0.2, 0.3, 0.1, 0.25, 0.2, 0.4, 0.15],
    'projections.EE.gain': [1, 0.8, 1.1, 0.9, 1, 0.7, 1.2],
    'inputs.tonic.amplitude': [0.02, 0, 0.05, -0.01, 0.02, 0.03, 0.04],
  };
  const spec = (size: number, p: Record<string, number[]>, seeds: number[]): NetworkSpec => ({ ...randomTwoPopulationSpec(5, 48, 20), batch: { size, params: p, seeds } });

  it('final states bit for bit, on the GPU and in the twin', async () => {
    const batch = await rateGpu(spec(B, params, SEEDS), steps);
    const batchTwin = await rateTwin(batch.plan, steps);
    for (let k = 0; k < B; k++) {
      const alone = await rateGpu(spec(1, instanceParams(params, k), [SEEDS[k]]), steps);
      expect(rateInstance(batch.plan, batch.state, k)).toEqual(rateInstance(alone.plan, alone.state, 0));
      expect(rateInstance(batch.plan, batchTwin, k)).toEqual(rateInstance(alone.plan, await rateTwin(alone.plan, steps), 0));
    }
    expect(rateInstance(batch.plan, batch.state, 4)).not.toEqual(rateInstance(batch.plan, batch.state, 0));
  });
});
