/**
 * Per-instance static weights of spiking projections (batch.params "projections.NAME.weight" and
 * "projections.NAME.weightScale", engine/plan/instance-weights.ts): stored host-built synapses
 * (fixed-probability, explicit), synapses generated on the GPU (fixed-indegree, fixed-total) and
 * procedural ones. Each batch equals the CPU twin bit for bit; each instance equals a batch of one with
 * its values, and, for a constant weight per instance, a batch of one whose spec gives that weight.
 */
import { describe, expect, it } from 'vitest';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import { SpecError } from '../../engine/errors.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';
import { plasticSpec, proceduralSpiking, twoPopulationSpiking } from '../spiking-specs.ts';
import { checkSpikingBatch, spikingGpu, spikingInstance, type SpikingRun } from '../instance-runs.ts';

const SEEDS = [11, 12, 13];
const steps = 120;
type Params = Record<string, number[]>;

/** GPU = twin for a batch of 3; instance k = a batch of one with its values (GPU). */
const checkBatch = (base: () => SpikingSpec, params: Params) => checkSpikingBatch((size, p, seeds) => ({ ...base(), batch: { size, params: p, seeds } }), params, SEEDS, steps);

/**
 * Instance k (of `ks`) of the batch equals a batch of one whose spec gives projection NAME the weight
 * params[...NAME.weight][k] (its other keys, if any, have their neutral value in these instances).
 */
async function checkDirect(base: () => SpikingSpec, params: Params, batch: SpikingRun, ks = [0, 1, 2]) {
  for (const k of ks) {
    const given = base();
    for (const [key, v] of Object.entries(params)) {
      const p = given.projections!.find((q) => key === `projections.${q.name}.weight`);
      if (p) p.weight = v[k];
    }
    const direct = await spikingGpu({ ...given, batch: { size: 1, seeds: [SEEDS[k]] } }, steps);
    expect(batch.spikes[k]).toEqual(direct.spikes[0]);
    expect(spikingInstance(batch.plan, batch.state, k)).toEqual(spikingInstance(direct.plan, direct.state, 0));
  }
}

const count = (spikes: string[], rec: string) => spikes.filter((s) => s.startsWith(`${rec}:`)).length;

describe('spiking: static projection weights per instance', () => {
  it('a constant weight per instance (generated fixed-indegree and fixed-total, explicit): the twin, runs alone, specs giving the weight', async () => {
    const params = { 'projections.EI.weight': [87.8, 20, 160], 'projections.IE.weight': [-351, -100, -900], 'projections.II.weight': [-351, -60, -2000] };
    const batch = await checkBatch(twoPopulationSpiking, params);
    await checkDirect(twoPopulationSpiking, params, batch);
    // The ports these projections reach take a scale per instance (the others one for the batch).
    const [E, I] = batch.plan.pops;
    expect(E.instanceScales[0]).toBeUndefined();
    expect(I.instanceScales[1]!.exps).toHaveLength(3);
    expect(new Set(I.instanceScales[1]!.exps).size).toBeGreaterThan(1);
    // The weights matter: a weaker E->I drive, fewer I spikes; a stronger one, more.
    expect(count(batch.spikes[1], 'sI')).toBeLessThan(count(batch.spikes[0], 'sI'));
    expect(count(batch.spikes[2], 'sI')).toBeGreaterThan(count(batch.spikes[0], 'sI'));
  });

  it('a weight scale per instance (host-built normal weights; a generated constant weight, as a spec giving the product): the twin and runs alone', async () => {
    // f32(-351) f32(0.5425) rounds differently from f32(-351 x 0.5425): the spec's product is what instance 2 delivers.
    const params = { 'projections.EE.weightScale': [1, 0.25, 3], 'projections.IE.weightScale': [1, 2, 0.5425] };
    const batch = await checkBatch(twoPopulationSpiking, params);
    expect(batch.plan.weightSlots.map((s) => [s.projection, s.mode])).toEqual([['EE', 1], ['IE', 1]]);
    expect(count(batch.spikes[1], 'sE')).toBeLessThan(count(batch.spikes[0], 'sE'));
    // Without EE's scale: IE's scaled constant weight is a spec giving the float64 product -351 c_b.
    const ie = { 'projections.IE.weightScale': params['projections.IE.weightScale'] };
    const only = await checkBatch(twoPopulationSpiking, ie);
    await checkDirect(twoPopulationSpiking, { 'projections.IE.weight': ie['projections.IE.weightScale'].map((c) => c * -351) }, only);
  });

  it('procedural projections: a weight per instance and a scale per instance', async () => {
    const params = { 'projections.EI.weight': [87.8, 30, 200], 'projections.EE.weightScale': [1, 0.5, 1] };
    const batch = await checkBatch(proceduralSpiking, params);
    // A procedural projection's scale 1 is its spec's weights (both quantize f32(w) 2^S).
    await checkDirect(proceduralSpiking, params, batch, [0, 2]);
    expect(count(batch.spikes[1], 'sI')).toBeLessThan(count(batch.spikes[0], 'sI'));
    expect(count(batch.spikes[2], 'sI')).toBeGreaterThan(count(batch.spikes[0], 'sI'));
  });

  it('a procedural projection\'s connectivity seed per instance: the twin, runs alone, specs giving the seed', async () => {
    const params = { 'projections.EE.seed': [5, 6, 7], 'projections.EI.weight': [87.8, 60, 120] };
    const batch = await checkBatch(proceduralSpiking, params);
    for (let k = 0; k < 3; k++) {
      const given = proceduralSpiking();
      given.projections![0].seed = params['projections.EE.seed'][k];
      given.projections![1].weight = params['projections.EI.weight'][k];
      const direct = await spikingGpu({ ...given, batch: { size: 1, seeds: [SEEDS[k]] } }, steps);
      expect(batch.spikes[k]).toEqual(direct.spikes[0]);
    }
    // Distinct realizations: the same instance seed with another connectivity seed differs.
    const other = await spikingGpu({ ...proceduralSpiking(), batch: { size: 1, params: { 'projections.EE.seed': [8] }, seeds: [SEEDS[0]] } }, steps);
    expect(other.spikes[0]).not.toEqual(batch.spikes[0]);
  });

  it('a plastic projection and a given spike train into a port whose scale is per instance follow it: the twin and runs alone', async () => {
    // plasticSpec: EE (gain-modulated STDP) and EI plastic; a static projection and a spike train into E's exc port too.
    const base = () => {
      const s = plasticSpec();
      s.projections!.push({ name: 'X', from: 'I', to: 'E', port: 'exc', connectivity: { type: 'fixed-probability', p: 0.2 }, weight: 30 });
      s.inputs!.push({ name: 'kick', target: 'E', type: 'spikes', times: [1, 1, 2.5, 4], neurons: [0, 3, 3, 7], port: 'exc', weight: 400 });
      return s;
    };
    const params = { 'projections.X.weight': [30, 3000, 5] };
    const batch = await checkBatch(base, params);
    expect(batch.plan.weightSlots.map((s) => [s.projection, s.mode])).toEqual([['X', 0], ['EE', 1], ['input kick', 0]]);
    expect(new Set(batch.plan.pops[0].instanceScales[0]!.exps).size).toBe(2);
    expect(batch.weights[0]).toHaveLength(3 * batch.plan.plastic[0].synapses);
    await checkDirect(base, params, batch, [0]);
  });

  it('a plastic projection whose gain modulator varies per instance: its port\'s scale per instance, the twin and runs alone', async () => {
    // plasticSpec: EE's delivered weights times the schedule "gate" (baseline 0.25, amplitude 1.5 in a pulse); instance 2's gain 30 times larger.
    const params = { 'modulators.gate.amplitude': [1.5, 0.5, 52] };
    const batch = await checkBatch(() => plasticSpec(), params);
    const exps = batch.plan.pops[0].instanceScales[0]!.exps;
    expect(exps[2]).toBeLessThan(exps[0]);
  });

  it('refuses a weight on drawn weights, both keys, negative scales, the wrong sign, and a stored seed', () => {
    const spec = (params: Params, base = twoPopulationSpiking()) => ({ ...base, batch: { size: 2, params } });
    // The field of the SpecError a spec is refused with.
    const refusal = (s: unknown) => {
      try { compileSpiking(s); } catch (e) { return e instanceof SpecError ? e.field : `not a SpecError: ${String(e)}`; }
      return 'accepted';
    };
    const refused = (s: unknown, field: string) => expect(refusal(s)).toBe(field);
    refused(spec({ 'projections.EE.weight': [1, 2] }), 'batch.params.projections.EE.weight');
    refused(spec({ 'projections.EI.weight': [1, 2], 'projections.EI.weightScale': [1, 2] }), 'batch.params.projections.EI.weightScale');
    refused(spec({ 'projections.EI.weightScale': [1, -1] }), 'batch.params.projections.EI.weightScale[1]');
    const signed = twoPopulationSpiking();
    signed.projections![2].sign = 'inhibitory';
    refused(spec({ 'projections.IE.weight': [-1, 5] }, signed), 'batch.params.projections.IE.weight[1]');
    // More input than int32 fixed point holds, in one instance: that instance's value is named.
    refused(spec({ 'projections.EI.weight': [87.8, 2e10] }), 'batch.params.projections.EI.weight[1]');
    // Stored connectivity is one realization per batch.
    refused(spec({ 'projections.EE.seed': [1, 2] }), 'batch.params.projections.EE.seed');
    // A plastic projection's weight is not a per-instance key.
    refused(spec({ 'projections.EE.weightScale': [1, 2] }, plasticSpec()), 'batch.params.projections.EE.weightScale');
  });
});
