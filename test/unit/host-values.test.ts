/**
 * Values handed to a running network from the host are checked the same way by every implementation of
 * the Simulation interface; the CPU twins, which took short arrays (NaN modulators) and non-finite
 * weights silently, are checked here (the GPU simulations in test/gpu/plasticity-*.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../engine/errors.ts';
import { createReference } from '../../engine/run/simulation.ts';
import type { NetworkSpec } from '../../engine/spec/rate.ts';
import { plasticTwoPopulationSpec } from '../specs.ts';
import { plasticSpec } from '../spiking-specs.ts';

function rateSpec(): NetworkSpec {
  const spec = plasticTwoPopulationSpec(3, 8, 4);
  spec.modulators = [{ name: 'rpe', type: 'host', init: 0 }];
  spec.projections![0].plasticity = { rule: 'three-factor', eta: 0.1, tauEligibility: 20, modulator: 'rpe' };
  return spec;
}

describe('the CPU twins check host values as the GPU simulations do', () => {
  const twins = () => [createReference(rateSpec(), { batch: 2 }), createReference(plasticSpec({ threeFactor: true, batch: 2 }))];

  it('a modulator value per instance: the right count, finite, and only for host modulators', () => {
    for (const t of twins()) {
      const host = t.kind === 'rate' ? 'rpe' : 'da';
      expect(() => t.setModulator(host, [1])).toThrow(SpecError);
      expect(() => t.setModulator(host, [1])).toThrow(/expected 2 values \(one per instance\), got 1/);
      expect(() => t.setModulator(host, [1, NaN])).toThrow(/values\[1\]\): expected a finite float32|values\[1\]: expected a finite float32/);
      expect(() => t.setModulator('nope', 1)).toThrow(/no modulator named "nope"/);
      expect(() => t.setModulator(host, [0.5, -1])).not.toThrow();
    }
    expect(() => twins()[1].setModulator('gate', 1)).toThrow(/of type "schedule"/);
  });

  it('weights: one instance or all of them, finite float32', async () => {
    for (const t of twins()) {
      const w = await t.readWeights('EE');
      const one = w.subarray(0, w.length / 2);
      expect(() => t.writeWeights('EE', w.subarray(1))).toThrow(/writeWeights\("EE"\)\.data: expected/);
      const bad = Float32Array.from(one); bad[3] = NaN;
      expect(() => t.writeWeights('EE', bad)).toThrow(/data\[3\]/);
      expect(() => t.writeWeights('EE', Float64Array.from(one, () => 1e39))).toThrow(/finite float32/);
      t.writeWeights('EE', one);
      expect(await t.readWeights('EE')).toEqual(Float32Array.from([...one, ...one]));
    }
  });
});
