/** Gated (LSTM, GRU) populations in a spec: what is accepted, how it is planned, and the errors naming the field. */
import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../engine/spec/validate-rate.ts';
import { compile } from '../../engine/plan/rate.ts';
import { recorderInfos } from '../../engine/record/recorders.ts';
import { rateFootprint } from '../../engine/run/rate-footprint.ts';
import { rejectsEach, type Case } from '../rate-spec-cases.ts';

const H = 2, D = 3;
const base = (): any => ({
  dt: 1,
  units: { identity: { params: {}, update: 'x = I_ext;', activation: 'x' } },
  populations: [{ name: 'X', size: D, unit: 'identity' }, { name: 'L', size: H, gated: 'lstm' }],
  projections: [
    { name: 'ih', from: 'X', to: 'L', weights: { type: 'dense', values: Array.from({ length: 4 * H * D }, (_, k) => k / 10) }, bias: Array.from({ length: 4 * H }, (_, k) => k) },
    { name: 'hh', from: 'L', to: 'L', weights: { type: 'gaussian', g: 1 }, bias: Array.from({ length: 4 * H }, () => 0.5) },
  ],
  inputs: [{ name: 'x', target: 'X', time: { type: 'array', dt: 1, values: [[[1, 2, 3], [4, 5, 6]]] } }],
  record: [{ name: 'f', population: 'L', what: 'gate', gate: 'f' }],
  batch: { size: 2 },
});

describe('gated populations: plan', () => {
  it('places the gates after the population, sums biases per side, reads per-instance input samples', () => {
    const plan = compile(validateSpec(base()));
    const L = plan.pops[1];
    const B = 2;
    expect(L.incoming).toEqual([]);
    expect(plan.projections).toEqual([]);
    expect(L.gated!.gates).toBe(4);
    expect(L.gated!.gateBase).toBe(L.base + B * H);
    expect(plan.stateLength).toBe(B * D + B * H * 5);
    const gp = L.gated!;
    expect(gp.inputs.map((p) => [p.name, p.recurrent, p.offset])).toEqual([['ih', false, 0], ['hh', true, 4 * H * D]]);
    expect(Array.from(gp.weights.subarray(gp.biasIh, gp.biasIh + 4 * H))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(gp.weights.subarray(gp.biasHh, gp.biasHh + 4 * H))).toEqual(Array(4 * H).fill(0.5));
    expect(recorderInfos(plan, validateSpec(base()).record!)[0]).toMatchObject({ what: 'gate', gate: 1 });
    const t = plan.pops[0].inputs[0].time;
    expect(t).toMatchObject({ kind: 'array', perInstance: true, samples: 1 });
    expect(Array.from(plan.inputData)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('gated populations: footprint (lamina inspect)', () => {
  it('counts a weight row per gate and unit, and the gates\' state', () => {
    const fp = rateFootprint(validateSpec(base()), { bindingLimit: 2 ** 27 });
    expect(fp.projections.map((p) => [p.name, p.synapses])).toEqual([['ih', 4 * H * D], ['hh', 4 * H * H]]);
    const state = fp.gpu.find((b) => b.label === 'state')!;
    expect(state.bytes).toBeGreaterThanOrEqual((2 * D + 2 * H * 5) * 4);
  });
});

describe('gated populations: errors name the field', () => {
  const cases: Case[] = [
    ['unknown gated kind', (s) => { s.populations[1].gated = 'rnn'; }, 'populations[1].gated'],
    ['a unit field on a gated population', (s) => { s.populations[1].tau = 3; }, 'populations[1].tau'],
    ['weights with size rows instead of gates x size', (s) => { s.projections[0].weights.values = Array(H * D).fill(0); }, 'projections[0].weights.values'],
    ['sparse weights into a gated population', (s) => { s.projections[0].weights = { type: 'fixed-indegree', k: 1, weight: 1 }; }, 'projections[0].weights.type'],
    ['a gain on a projection into a gated population', (s) => { s.projections[1].gain = 2; }, 'projections[1].gain'],
    ['a bias of the wrong length', (s) => { s.projections[1].bias = [1, 2]; }, 'projections[1].bias'],
    ['a bias into a population that is not gated', (s) => { s.projections.push({ name: 'back', from: 'L', to: 'X', weights: { type: 'gaussian', g: 1 }, bias: [1] }); }, 'projections[2].bias'],
    ['an input driving a gated population', (s) => { s.inputs[0].target = 'L'; s.inputs[0].time = undefined; }, 'inputs[0].target'],
    ['a gate the kind does not have', (s) => { s.record[0].gate = 'z'; }, 'record[0].gate'],
    ['a gate recorder on a population that is not gated', (s) => { s.record[0].population = 'X'; }, 'record[0].what'],
    ['a gate without what: "gate"', (s) => { s.record[0].what = 'rate'; }, 'record[0].gate'],
    ['per-instance input rows of uneven count', (s) => { s.inputs[0].time.values.push([[1, 2, 3]]); }, 'inputs[0].time.values[1]'],
    ['per-instance input rows for another batch size', (s) => { s.batch.size = 3; }, 'inputs[0].time.values[0]'],
  ];
  rejectsEach(base, cases);
});
