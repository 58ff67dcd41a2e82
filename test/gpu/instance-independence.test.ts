/**
 * Instance independence: an instance's result depends on its own parameters and seed only, never on
 * its index in the batch or on the batch size. Instance k of a batch of 7 (each instance with its own
 * parameters and seed) equals a batch of one run with instance k's parameters and seed: bit for bit for
 * spiking networks (Poisson input, random initial V, random connectivity shared by all instances) and
 * for rate networks (noise, per-unit initial state), on the GPU and in the CPU twin.
 */
import { describe, expect, it } from 'vitest';
import { SpikingSimulation } from '../../engine/run/spiking-simulation.ts';
import { SpikingReference } from '../../engine/reference/spiking.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import { RateSimulation } from '../../engine/run/rate-simulation.ts';
import { ReferenceSimulation } from '../../engine/reference/rate.ts';
import { instanceSeed } from '../../engine/util/philox.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';
import type { SpikingPlan } from '../../engine/plan/spiking.ts';
import type { NetworkPlan, NetworkSpec } from '../../engine/index.ts';
import { twoPopulationSpiking } from '../spiking-specs.ts';
import { randomTwoPopulationSpec } from '../specs.ts';
import { withoutValidationErrors } from '../gpu-helpers.ts';

const B = 7;
const SEEDS = [901, 17, 4242, 5, 77, 31337, 2026];
const pick = <T>(params: Record<string, T[]>, k: number) => Object.fromEntries(Object.entries(params).map(([key, v]) => [key, [v[k]]]));

/** Instance b's values of every state variable (stateBase + (v * B + b) * size + i), population by population. */
function spikingInstance(plan: SpikingPlan, state: Float32Array, b: number): number[] {
  return plan.pops.flatMap((p) => p.model.stateNames.flatMap((_, v) => [...state.subarray(p.stateBase + (v * plan.batch + b) * p.size, p.stateBase + (v * plan.batch + b + 1) * p.size)]));
}

/** Instance b's values of every unit (base + b * size + i). */
function rateInstance(plan: NetworkPlan, state: Float32Array, b: number): number[] {
  return plan.pops.flatMap((p) => [...state.subarray(p.base + b * p.size, p.base + (b + 1) * p.size)]);
}

describe('spiking: instance k of a batch of 7 equals instance k run alone', () => {
  const steps = 120;
  const params = {
    'populations.E.tau_m': [10, 12, 8, 15, 9, 11, 10],
    'inputs.bg.rate': [16000, 12000, 20000, 14000, 16000, 18000, 15000],
  };
  const spec = (size: number, p: Record<string, number[]>, seeds: number[]): SpikingSpec => ({ ...twoPopulationSpiking(), batch: { size, params: p, seeds } });

  async function gpu(s: SpikingSpec) {
    return withoutValidationErrors(async () => {
      const sim = await SpikingSimulation.create(s, { chunkSteps: 60 });
      const spikes: string[][] = Array.from({ length: sim.plan.batch }, () => []);
      await sim.run(steps, { onSpikes: (rec, st, b, n) => { for (let q = 0; q < st.length; q++) spikes[b[q]].push(`${rec}:${st[q]}:${n[q]}`); } });
      const { state } = await sim.read();
      sim.destroy();
      return { plan: sim.plan, spikes: spikes.map((l) => l.sort()), state };
    });
  }
  function twin(plan: SpikingPlan) {
    const ref = new SpikingReference(plan);
    const spikes: string[][] = Array.from({ length: plan.batch }, () => []);
    const names = ['sE', 'sI'];
    for (let t = 0; t < steps; t++) for (const sp of ref.advance()) spikes[sp.instance].push(`${names[sp.pop]}:${sp.step}:${sp.neuron}`);
    return { spikes: spikes.map((l) => l.sort()), state: ref.state };
  }

  it('spike trains and final states, bit for bit, on the GPU and in the twin', async () => {
    const batch = await gpu(spec(B, params, SEEDS));
    const batchTwin = twin(batch.plan);
    for (let k = 0; k < B; k++) {
      const alone = await gpu(spec(1, pick(params, k), [SEEDS[k]]));
      expect(batch.spikes[k].length).toBeGreaterThan(20);
      expect(batch.spikes[k]).toEqual(alone.spikes[0]);
      expect(spikingInstance(batch.plan, batch.state, k)).toEqual(spikingInstance(alone.plan, alone.state, 0));
      const aloneTwin = twin(alone.plan);
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

describe('rate: instance k of a batch of 7 equals instance k run alone', () => {
  const steps = 40;
  const params = {
    'populations.E.noise': [0.2, 0.3, 0.1, 0.25, 0.2, 0.4, 0.15],
    'projections.EE.gain': [1, 0.8, 1.1, 0.9, 1, 0.7, 1.2],
    'inputs.tonic.amplitude': [0.02, 0, 0.05, -0.01, 0.02, 0.03, 0.04],
  };
  const spec = (size: number, p: Record<string, number[]>, seeds: number[]): NetworkSpec => ({ ...randomTwoPopulationSpec(5, 48, 20), batch: { size, params: p, seeds } });

  async function gpu(s: NetworkSpec) {
    const sim = await RateSimulation.create(s, { chunkSteps: 20 });
    await sim.run(steps);
    const { state } = await sim.read();
    sim.destroy();
    return { plan: sim.plan, state };
  }
  async function twin(plan: NetworkPlan) {
    const ref = new ReferenceSimulation(plan);
    await ref.run(steps);
    return ref.state;
  }

  it('final states bit for bit, on the GPU and in the twin', async () => {
    const batch = await gpu(spec(B, params, SEEDS));
    const batchTwin = await twin(batch.plan);
    for (let k = 0; k < B; k++) {
      const alone = await gpu(spec(1, pick(params, k), [SEEDS[k]]));
      expect(rateInstance(batch.plan, batch.state, k)).toEqual(rateInstance(alone.plan, alone.state, 0));
      expect(rateInstance(batch.plan, batchTwin, k)).toEqual(rateInstance(alone.plan, await twin(alone.plan), 0));
    }
    expect(rateInstance(batch.plan, batch.state, 4)).not.toEqual(rateInstance(batch.plan, batch.state, 0));
  });
});
