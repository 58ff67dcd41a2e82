import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../engine/model/validate.ts';
import { compile } from '../../engine/model/compile.ts';
import { SpecError } from '../../engine/errors.ts';

const base = () => ({
  dt: 0.5,
  populations: [{ name: 'E', size: 4, tau: 10, activation: 'tanh' }, { name: 'I', size: 2, tau: [5, 6], activation: 'relu' }],
  projections: [{ name: 'EI', from: 'E', to: 'I', weights: { type: 'dense', values: [[1, 2, 3, 4], [5, 6, 7, 8]] } }],
  inputs: [{ name: 'drive', target: 'E', amplitude: 1 }],
});

function fieldOf(spec: unknown): string {
  try {
    compile(validateSpec(spec));
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).field;
  }
  throw new Error('spec was accepted');
}

describe('spec validation names the field at fault', () => {
  it('accepts a valid spec', () => {
    expect(() => compile(validateSpec(base()))).not.toThrow();
  });
  const cases: [string, (s: any) => void, string][] = [
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
  for (const [what, mutate, field] of cases) {
    it(what, () => {
      const s = base();
      mutate(s);
      expect(fieldOf(s)).toBe(field);
    });
  }
  it('rejects a batch size that contradicts per-instance parameters', () => {
    const s: any = base();
    s.batch = { size: 2, params: { seed: [1, 2] } };
    expect(() => compile(validateSpec(s), { batch: 3 })).toThrow(/batch.size/);
  });
});
