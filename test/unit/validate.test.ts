import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../engine/spec/validate-rate.ts';
import { compile } from '../../engine/plan/rate.ts';
import { rejectsEach, type Case } from '../rate-spec-cases.ts';

const base = () => ({
  dt: 0.5,
  populations: [{ name: 'E', size: 4, tau: 10, activation: 'tanh' }, { name: 'I', size: 2, tau: [5, 6], activation: 'relu' }],
  projections: [{ name: 'EI', from: 'E', to: 'I', weights: { type: 'dense', values: [[1, 2, 3, 4], [5, 6, 7, 8]] } }],
  inputs: [{ name: 'drive', target: 'E', amplitude: 1 }],
});

describe('spec validation names the field at fault', () => {
  it('accepts a valid spec', () => {
    expect(() => compile(validateSpec(base()))).not.toThrow();
  });
  const cases: Case[] = [
    ['unknown top-level field', (s) => { s.tmax = 3; }, 'spec.tmax'],
    ['unknown population field', (s) => { s.populations[0].taus = 3; }, 'populations[0].taus'],
    ['NaN time constant', (s) => { s.populations[0].tau = NaN; }, 'populations[0].tau'],
    ['negative time constant in an array', (s) => { s.populations[1].tau = [5, -1]; }, 'populations[1].tau[1]'],
    ['per-unit array of the wrong size', (s) => { s.populations[1].tau = [5, 6, 7]; }, 'populations[1].tau'],
    ['bad activation', (s) => { s.populations[0].activation = 'gelu'; }, 'populations[0].activation'],
    ['non-integer size', (s) => { s.populations[0].size = 2.5; }, 'populations[0].size'],
    ['duplicate population', (s) => { s.populations[1].name = 'E'; }, 'populations[1].name'],
    ['projection to an unknown population', (s) => { s.projections[0].to = 'X'; }, 'projections[0].to'],
    ['dense matrix of the wrong shape', (s) => { s.projections[0].weights.values = [[1, 2, 3], [4, 5, 6]]; }, 'projections[0].weights.values[0]'],
    ['flat dense matrix of the wrong size', (s) => { s.projections[0].weights.values = [1, 2, 3]; }, 'projections[0].weights.values'],
    ['CSR column out of range', (s) => { s.projections[0].weights = { type: 'csr', rowPtr: [0, 1, 2], colIdx: [0, 9], values: [1, 1] }; }, 'projections[0].weights.colIdx[1]'],
    ['ring between populations of different sizes', (s) => { s.projections[0].weights = { type: 'ring', J0: 0, J1: 1, gamma: 0 }; }, 'projections[0].weights'],
    ['fixed in-degree larger than the source', (s) => { s.projections[0].weights = { type: 'fixed-indegree', k: 5, weight: 1 }; }, 'projections[0].weights.k'],
    ['unknown weight type', (s) => { s.projections[0].weights.type = 'banded'; }, 'projections[0].weights.type'],
    ['input to an unknown population', (s) => { s.inputs[0].target = 'Q'; }, 'inputs[0].target'],
    ['pulse with negative duration', (s) => { s.inputs[0].time = { type: 'pulse', start: 1, duration: -2 }; }, 'inputs[0].time.duration'],
    ['array input not a multiple of dt', (s) => { s.inputs[0].time = { type: 'array', dt: 0.7, values: [1, 2] }; }, 'inputs[0].time.dt'],
    ['recorder unit out of range', (s) => { s.record = [{ name: 'r', population: 'I', units: [0, 2] }]; }, 'record[0].units[1]'],
    ['negative dt', (s) => { s.dt = -1; }, 'dt'],
    ['batch parameter of the wrong length', (s) => { s.batch = { size: 3, params: { 'inputs.drive.amplitude': [1, 2] } }; }, 'batch.params.inputs.drive.amplitude'],
    ['batch parameter for an unknown input', (s) => { s.batch = { size: 2, params: { 'inputs.cue.amplitude': [1, 2] } }; }, 'batch.params.inputs.cue.amplitude'],
    ['forward Euler with dt > tau', (s) => { s.integrator = 'euler'; s.dt = 20; }, 'populations[0].tau'],
  ];
  rejectsEach(base, cases);
  it('rejects a batch size that contradicts per-instance parameters', () => {
    const s: any = base();
    s.batch = { size: 2, params: { seed: [1, 2] } };
    expect(() => compile(validateSpec(s), { batch: 3 })).toThrow(/batch.size/);
  });
});

describe('plasticity and modulator specs: errors name the field', () => {
  const plastic = () => ({
    dt: 0.5,
    populations: [{ name: 'E', size: 4, tau: 10, activation: 'tanh' }, { name: 'I', size: 2, tau: 5, activation: 'relu' }],
    modulators: [
      { name: 'da', type: 'schedule', time: { type: 'pulse', start: 1, duration: 2 } },
      { name: 'act', type: 'activity', population: 'I', tauBaseline: 20 },
      { name: 'rpe', type: 'host' },
    ] as any[],
    projections: [
      { name: 'EI', from: 'E', to: 'I', weights: { type: 'dense', values: [[1, 2, 3, 4], [5, 6, 7, 8]] }, plasticity: { rule: 'three-factor', eta: 0.1, tauEligibility: 20, modulator: 'da' } as any },
      { name: 'EE', from: 'E', to: 'E', gainModulator: 'act', weights: { type: 'fixed-indegree', k: 2, weight: 0.1 } } as any,
    ],
    record: [{ name: 'w', projection: 'EI', what: 'weights', every: 5 }, { name: 'm', modulator: 'rpe', what: 'modulator' }] as any[],
  });
  it('accepts a valid spec and plans it', () => {
    const plan = compile(validateSpec(plastic()), { batch: 2 });
    expect(plan.projections[0].plastic?.rule).toBe('three-factor');
    expect(plan.projections[0].plastic?.params[2]).toBe(Math.fround(Math.exp(-0.5 / 20)));
    expect(plan.projections[1].gainModulator).toBe(1);
    expect(plan.modulators.map((m) => m.kind)).toEqual(['schedule', 'activity', 'host']);
  });
  const cases: Case[] = [
    ['unknown modulator in plasticity', (s) => { s.projections[0].plasticity.modulator = 'ach'; }, 'projections[0].plasticity.modulator'],
    ['three-factor without tauEligibility', (s) => { delete s.projections[0].plasticity.tauEligibility; }, 'projections[0].plasticity.tauEligibility'],
    ['three-factor without modulator', (s) => { delete s.projections[0].plasticity.modulator; }, 'projections[0].plasticity.modulator'],
    ['plastic fixed in-degree weights', (s) => { s.projections[1].plasticity = { rule: 'hebbian', eta: 1 }; }, 'projections[1].plasticity'],
    ['plastic CSR weights', (s) => { s.projections[0].weights = { type: 'csr', rowPtr: [0, 1, 2], colIdx: [0, 1], values: [1, 1] }; }, 'projections[0].plasticity'],
    ['unknown rule', (s) => { s.projections[0].plasticity.rule = 'bcm'; }, 'projections[0].plasticity.rule'],
    ['non-finite eta', (s) => { s.projections[0].plasticity.eta = 'fast'; }, 'projections[0].plasticity.eta'],
    ['decay with oja', (s) => { s.projections[0].plasticity = { rule: 'oja', eta: 1, decay: 0.1 }; }, 'projections[0].plasticity.decay'],
    ['negative decay', (s) => { s.projections[0].plasticity = { rule: 'hebbian', eta: 1, decay: -0.1 }; }, 'projections[0].plasticity.decay'],
    ['tauEligibility with hebbian', (s) => { s.projections[0].plasticity = { rule: 'hebbian', eta: 1, tauEligibility: 3 }; }, 'projections[0].plasticity.tauEligibility'],
    ['wMax below wMin', (s) => { Object.assign(s.projections[0].plasticity, { wMin: 1, wMax: 0 }); }, 'projections[0].plasticity.wMax'],
    ['unknown plasticity field', (s) => { s.projections[0].plasticity.tau = 3; }, 'projections[0].plasticity.tau'],
    ['unknown gain modulator', (s) => { s.projections[1].gainModulator = 'x'; }, 'projections[1].gainModulator'],
    ['modulator of unknown type', (s) => { s.modulators[0].type = 'poisson'; }, 'modulators[0].type'],
    ['schedule without a time course', (s) => { delete s.modulators[0].time; }, 'modulators[0].time'],
    ['schedule with per-unit samples', (s) => { s.modulators[0].time = { type: 'array', dt: 1, values: [[1, 2]] }; }, 'modulators[0].time.values[0]'],
    ['activity of an unknown population', (s) => { s.modulators[1].population = 'X'; }, 'modulators[1].population'],
    ['activity profile of the wrong length', (s) => { s.modulators[1].profile = [1, 2, 3]; }, 'modulators[1].profile'],
    ['non-positive tauBaseline', (s) => { s.modulators[1].tauBaseline = 0; }, 'modulators[1].tauBaseline'],
    ['duplicate modulator', (s) => { s.modulators[2].name = 'da'; }, 'modulators[2].name'],
    ['weights recorder of a non-plastic projection', (s) => { s.record[0].projection = 'EE'; }, 'record[0].projection'],
    ['weights recorder without what', (s) => { delete s.record[0].what; }, 'record[0].what'],
    ['weights recorder without projection', (s) => { delete s.record[0].projection; }, 'record[0].projection'],
    ['modulator recorder of an unknown modulator', (s) => { s.record[1].modulator = 'ne'; }, 'record[1].modulator'],
    ['eta for a non-plastic projection', (s) => { s.batch = { size: 2, params: { 'projections.EE.eta': [1, 2] } }; }, 'batch.params.projections.EE.eta'],
    ['amplitude of an activity modulator', (s) => { s.batch = { size: 2, params: { 'modulators.act.amplitude': [1, 2] } }; }, 'batch.params.modulators.act.amplitude'],
    ['per-instance gamma of a plastic ring', (s) => {
      s.projections[1] = { name: 'EE', from: 'E', to: 'E', weights: { type: 'ring', J0: 0, J1: 1, gamma: 0 }, plasticity: { rule: 'oja', eta: 1 } };
      s.batch = { size: 2, params: { 'projections.EE.gamma': [0, 1] } };
    }, 'batch.params.projections.EE.gamma'],
    ['missing npy weights file', (s) => { s.projections[0].weights = { type: 'npy', file: '/nonexistent/w.npy' }; }, 'projections[0].weights.file'],
    ['schedule array not a multiple of dt', (s) => { s.modulators[0].time = { type: 'array', dt: 0.7, values: [1] }; }, 'modulators[0].time.dt'],
  ];
  rejectsEach(plastic, cases);
  it('names the fix in the message', () => {
    const s = plastic();
    s.projections[1].plasticity = { rule: 'hebbian', eta: 1 };
    expect(() => validateSpec(s)).toThrow(/needs dense weights \(dense, gaussian, ring, npy\), got "fixed-indegree"/);
    const t = plastic();
    t.projections[0].plasticity.modulator = 'ach';
    expect(() => validateSpec(t)).toThrow(/no modulator named "ach" \(modulators: da, act, rpe\)/);
  });
});
