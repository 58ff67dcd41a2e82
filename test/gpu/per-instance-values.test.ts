/**
 * Per-instance values added for sweeps (issue 10): a spiking Poisson input's weight
 * (batch.params["inputs.NAME.weight"]), a rate schedule modulator's baseline
 * (batch.params["modulators.NAME.baseline"]) and a host modulator's initial value, rate and spiking
 * (batch.params["modulators.NAME.init"]). Each instance equals the CPU twin (spiking: bit for bit),
 * a batch of one with its value, and a batch of one whose spec gives that value directly.
 */
import { describe, expect, it } from 'vitest';
import type { SpikingInputSpec, SpikingSpec } from '../../engine/spec/spiking.ts';
import type { NetworkSpec } from '../../engine/index.ts';
import { plasticSpec, twoPopulationSpiking } from '../spiking-specs.ts';
import { randomTwoPopulationSpec } from '../specs.ts';
import { maxRelDiff } from '../gpu-helpers.ts';
import { TOLERANCE } from '../tolerances.ts';
import { checkSpikingBatch, instanceParams, instanceWeights, rateGpu, rateInstance, rateTwin, spikingGpu, spikingTwin } from '../instance-runs.ts';

const SEEDS = [11, 12, 13];

describe('spiking: inputs.NAME.weight per instance', () => {
  const steps = 120;
  const params = { 'inputs.bg.weight': [87.8, 40, 120], 'inputs.bgI.weight': [87.8, 100, 50] };
  const spec = (size: number, p: Record<string, number[]>, seeds: number[]): SpikingSpec => ({ ...twoPopulationSpiking(), batch: { size, params: p, seeds } });

  it('GPU equals the twin; each instance equals its own run and a spec with that weight', async () => {
    const batch = await checkSpikingBatch(spec, params, SEEDS, steps);
    for (let k = 0; k < 3; k++) {
      const given = twoPopulationSpiking();
      given.inputs![0] = { ...given.inputs![0], weight: params['inputs.bg.weight'][k] } as SpikingInputSpec;
      given.inputs![1] = { ...given.inputs![1], weight: params['inputs.bgI.weight'][k] } as SpikingInputSpec;
      const direct = await spikingGpu({ ...given, batch: { size: 1, seeds: [SEEDS[k]] } }, steps);
      expect(batch.spikes[k]).toEqual(direct.spikes[0]);
    }
    // The weights matter: weaker drive, fewer E spikes.
    const count = (b: number) => batch.spikes[b].filter((s) => s.startsWith('sE:')).length;
    expect(count(1)).toBeLessThan(count(0));
    expect(count(2)).toBeGreaterThan(count(0));
  });
});

describe('rate: modulators.NAME.baseline per instance', () => {
  const steps = 30;
  const params = { 'modulators.m.baseline': [1, 0.25, 1.5] };
  const base = (baseline?: number): NetworkSpec => {
    const s = randomTwoPopulationSpec(3, 40, 16);
    s.modulators = [{ name: 'm', type: 'schedule', time: { type: 'pulse', start: 4, duration: 6 }, amplitude: 0.5, ...(baseline === undefined ? {} : { baseline }) }];
    s.projections![0].gainModulator = 'm';
    return s;
  };

  it('GPU within float32 of the twin; each instance equals its own run and a spec with that baseline, bit for bit', async () => {
    const batch = await rateGpu({ ...base(), batch: { size: 3, params, seeds: SEEDS } }, steps);
    expect(maxRelDiff(batch.state, await rateTwin(batch.plan, steps))).toBeLessThan(TOLERANCE.state_rel);
    for (let k = 0; k < 3; k++) {
      const alone = await rateGpu({ ...base(), batch: { size: 1, params: instanceParams(params, k), seeds: [SEEDS[k]] } }, steps);
      expect(rateInstance(batch.plan, batch.state, k)).toEqual(rateInstance(alone.plan, alone.state, 0));
      const direct = await rateGpu({ ...base(params['modulators.m.baseline'][k]), batch: { size: 1, seeds: [SEEDS[k]] } }, steps);
      expect(rateInstance(batch.plan, batch.state, k)).toEqual(rateInstance(direct.plan, direct.state, 0));
    }
    expect(rateInstance(batch.plan, batch.state, 1)).not.toEqual(rateInstance(batch.plan, batch.state, 0));
  });
});

describe('host modulators: modulators.NAME.init per instance', () => {
  it('spiking: a three-factor rule gated by the host modulator learns by each instance\'s initial value', async () => {
    const steps = 150;
    const params = { 'modulators.da.init': [0.5, 0, 2] };
    const spec = (size: number, p: Record<string, number[]>, seeds: number[]): SpikingSpec => ({ ...plasticSpec({ threeFactor: true }), batch: { size, params: p, seeds } });
    const batch = await spikingGpu(spec(3, params, SEEDS), steps);
    const twin = spikingTwin(spec(3, params, SEEDS), batch.plan, steps);
    expect(batch.spikes).toEqual(twin.spikes);
    batch.weights.forEach((w, q) => expect(Buffer.from(w.buffer).equals(Buffer.from(twin.weights[q].buffer))).toBe(true));
    const ei = batch.plan.plastic.findIndex((q) => q.name === 'EI');
    for (let k = 0; k < 3; k++) {
      const alone = await spikingGpu(spec(1, instanceParams(params, k), [SEEDS[k]]), steps);
      expect(batch.spikes[k]).toEqual(alone.spikes[0]);
      batch.weights.forEach((w, q) => expect(instanceWeights(w, 3, k)).toEqual(instanceWeights(alone.weights[q], 1, 0)));
      const given = plasticSpec({ threeFactor: true });
      given.modulators![1] = { name: 'da', type: 'host', init: params['modulators.da.init'][k] };
      const direct = await spikingGpu({ ...given, batch: { size: 1, seeds: [SEEDS[k]] } }, steps);
      expect(instanceWeights(batch.weights[ei], 3, k)).toEqual(instanceWeights(direct.weights[ei], 1, 0));
    }
    // No dopamine, no learning: instance 1's E->I weights stay at their initial values.
    expect(instanceWeights(batch.weights[ei], 3, 1)).toEqual([...batch.plan.plastic[ei].w0]);
    expect(instanceWeights(batch.weights[ei], 3, 0)).not.toEqual(instanceWeights(batch.weights[ei], 3, 1));
  });

  it('rate: a host modulator scaling a projection starts at each instance\'s value', async () => {
    const steps = 20;
    const params = { 'modulators.h.init': [1, 0.3, 2] };
    const base = (init?: number): NetworkSpec => {
      const s = randomTwoPopulationSpec(4, 40, 16);
      s.modulators = [{ name: 'h', type: 'host', ...(init === undefined ? {} : { init }) }];
      s.projections![0].gainModulator = 'h';
      return s;
    };
    const batch = await rateGpu({ ...base(), batch: { size: 3, params, seeds: SEEDS } }, steps);
    expect(maxRelDiff(batch.state, await rateTwin(batch.plan, steps))).toBeLessThan(TOLERANCE.state_rel);
    for (let k = 0; k < 3; k++) {
      const alone = await rateGpu({ ...base(), batch: { size: 1, params: instanceParams(params, k), seeds: [SEEDS[k]] } }, steps);
      expect(rateInstance(batch.plan, batch.state, k)).toEqual(rateInstance(alone.plan, alone.state, 0));
      const direct = await rateGpu({ ...base(params['modulators.h.init'][k]), batch: { size: 1, seeds: [SEEDS[k]] } }, steps);
      expect(rateInstance(batch.plan, batch.state, k)).toEqual(rateInstance(direct.plan, direct.state, 0));
    }
    expect(rateInstance(batch.plan, batch.state, 1)).not.toEqual(rateInstance(batch.plan, batch.state, 0));
  });
});
