/**
 * The register-tiled GEMM (shaders/synapse-dense-gemm.wgsl) against the CPU float32 twin on seeded random
 * networks: batches 16, 17 and 64 (instance tiles 16, 32 and 64), populations of 100 and 257 units (not
 * multiples of a tile), with and without split-K, every register-tile shape; and bit-identical results
 * run to run.
 */
import { describe, expect, it } from 'vitest';
import { RateSimulation } from '../../engine/run/rate-simulation.ts';
import type { KernelTuning } from '../../engine/run/rate-context.ts';
import { ReferenceSimulation } from '../../engine/reference/rate.ts';
import { randomTwoPopulationSpec } from '../specs.ts';
import { maxRelDiff, sameBits, withoutValidationErrors } from '../gpu-helpers.ts';
import { TOLERANCE } from '../tolerances.ts';

async function run(batch: number, nE: number, nI: number, steps: number, tuning?: KernelTuning) {
  return withoutValidationErrors(async () => {
    const sim = await RateSimulation.create(randomTwoPopulationSpec(batch + nE, nE, nI), { batch, chunkSteps: 4, tuning });
    await sim.run(steps);
    const { state, rate } = await sim.read();
    const kernels = sim.kernelNames.map((k) => k.name);
    const ref = new ReferenceSimulation(sim.plan);
    await ref.run(steps);
    const initial = new ReferenceSimulation(sim.plan).state;
    sim.destroy();
    return { state, rate, ref, kernels, initial };
  });
}

describe('register-tiled GEMM vs CPU reference', () => {
  // Split-K into 3 or 8 slices (slices of at least 32 columns), or none.
  for (const [batch, nE, nI, tuning] of [[16, 100, 257, { gemmMinKSlice: 32 }], [17, 257, 100, { gemmMinKSlice: 32 }],
    [17, 257, 100, { gemmMaxSplit: 1 }], [64, 100, 257, { gemmMinKSlice: 32 }]] as const) {
    it(`batch ${batch}, populations of ${nE} and ${nI} units, ${'gemmMaxSplit' in tuning ? 'no split-K' : 'split-K'}`, async () => {
      const r = await run(batch, nE, nI, 5, tuning);
      expect(r.kernels).toContain('synapse-dense-gemm');
      expect(r.kernels).not.toContain('synapse-dense-tiled');
      expect(r.kernels.includes('synapse-reduce')).toBe(!('gemmMaxSplit' in tuning));
      expect(maxRelDiff(r.state, r.ref.state)).toBeLessThan(TOLERANCE.state_rel);
      expect(maxRelDiff(r.rate, r.ref.rate)).toBeLessThan(TOLERANCE.state_rel);
      expect(maxRelDiff(r.state, r.initial)).toBeGreaterThan(0.05);
    });
  }

  it('every register-tile shape, 64 and 256 invocations, 16- and 32-column tiles', async () => {
    for (const tuning of [{ gemmThreadTile: '4x8' }, { gemmThreadTile: '8x4', gemmThreads: 256 },
      { gemmThreadTile: '8x8', gemmThreads: 64, gemmTileK: 16 }, { gemmThreadTile: '4x4', gemmTileK: 32, gemmMaxSplit: 2 }] as KernelTuning[]) {
      const r = await run(40, 130, 70, 4, tuning);
      expect(r.kernels).toContain('synapse-dense-gemm');
      expect(maxRelDiff(r.state, r.ref.state), JSON.stringify(tuning)).toBeLessThan(TOLERANCE.state_rel);
    }
  });

  it('the default from batch 9; the tiled kernel on request', async () => {
    const r = await run(9, 40, 30, 3);
    expect(r.kernels).toContain('synapse-dense-gemm');
    expect(maxRelDiff(r.state, r.ref.state)).toBeLessThan(TOLERANCE.state_rel);
    expect((await run(16, 40, 30, 2, { gemmKernel: 'tiled' })).kernels).toContain('synapse-dense-tiled');
  });

  it('bit-identical run to run (split-K partial sums added in slice order)', async () => {
    const a = await run(64, 257, 100, 6);
    const b = await run(64, 257, 100, 6);
    expect(a.kernels).toContain('synapse-reduce');
    expect(sameBits(a.state, b.state)).toBe(true);
    expect(sameBits(a.rate, b.rate)).toBe(true);
  });
});
