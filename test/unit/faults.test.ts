/**
 * The fault words as the kernels leave them (engine/codegen/faults.ts: ~step in word 0, ~g per variable)
 * decode to the first faulty lane in (population, instance, neuron) order and its first failed variable,
 * whatever order the lanes wrote in; no word set means no fault.
 */
import { describe, expect, it } from 'vitest';
import { decodeFault, laneIn } from '../../engine/run/faults.ts';
import { faultCheck, faultLib } from '../../engine/codegen/faults.ts';

const pops = [{ name: 'E', size: 4, vars: ['V', 'w'] }, { name: 'I', size: 3, vars: ['V', 'g', 'h'] }];
const base = (p: (typeof pops)[number]) => (p === pops[0] ? 0 : 8); // batch 2: E holds lanes 0..7, I 8..13
const lane = laneIn(pops, base, 2, (p) => p.vars);

/** The words after lanes `reports` (g, failed variables) failed at `step`, applied in the given order as atomicMax does. */
function words(step: number, reports: [number, number[]][]): Uint32Array {
  const w = new Uint32Array(4);
  for (const [g, vars] of reports) {
    w[0] = Math.max(w[0], ~step >>> 0);
    for (const v of vars) w[1 + v] = Math.max(w[1 + v], ~g >>> 0);
  }
  return w;
}

describe('numerical fault words', () => {
  it('no fault: all words zero', () => {
    expect(decodeFault(new Uint32Array(4), lane)).toBeUndefined();
  });

  it('the smallest lane wins, then its first variable, whatever the order of the reports', () => {
    const reports: [number, number[]][] = [[12, [0]], [9, [2, 1]], [11, [0, 1, 2]]];
    for (const order of [reports, [...reports].reverse()]) {
      const e = decodeFault(words(417, order), lane)!;
      expect({ step: e.step, population: e.population, variable: e.variable, instance: e.instance, neuron: e.neuron })
        .toEqual({ step: 417, population: 'I', variable: 'g', instance: 0, neuron: 1 });
    }
    const e = decodeFault(words(0, [[6, [1]], [13, [0]]]), lane)!;
    expect([e.step, e.population, e.variable, e.instance, e.neuron]).toEqual([0, 'E', 'w', 1, 2]);
    expect(e.message).toContain('step 0: w of population "E" (instance 1, neuron 2)');
  });

  it('one set of words per instance (fused path): the earliest step of any set wins, then the smallest lane among the sets at that step', () => {
    // Set 0 ran ahead and failed at step 30 in a smaller lane; sets 1 and 2 failed at step 20 in lanes 12 and 5.
    const sets = [words(30, [[0, [0]]]), words(20, [[12, [1]]]), words(20, [[5, [1]]])];
    const all = new Uint32Array(12);
    sets.forEach((w, k) => all.set(w, 4 * k));
    const e = decodeFault(all, lane, 4)!;
    expect([e.step, e.population, e.variable, e.instance, e.neuron]).toEqual([20, 'E', 'w', 1, 1]);
    expect(decodeFault(new Uint32Array(12), lane, 4)).toBeUndefined();
    const lib = faultLib('f', 6, 3, { perInstance: true });
    expect(lib).toContain('let at = 6u + b * 4u;');
    expect(lib).toContain('atomicMax(&f[at + 3u], ~g);');
  });

  it('the WGSL tests the exponent bits (NaN and infinity) and reports only while no earlier step has', () => {
    const lib = faultLib('fault', 6, 3);
    expect(lib).toContain('(bitcast<u32>(v) & 0x7f800000u) == 0x7f800000u');
    expect(lib).toContain('if (atomicLoad(&fault[6u]) > key) { return; }');
    expect(lib).toContain('if ((bad & 4u) != 0u) { atomicMax(&fault[9u], ~g); }');
    expect(faultCheck(['s_V', 's_w'])).toContain('fault_bit(s_V, 0u) | fault_bit(s_w, 1u)');
    expect(() => faultLib('fault', 0, 33)).toThrow(/at most 32/);
  });
});
