/**
 * Every rate kernel against its CPU float32 twin on seeded random networks: two populations with
 * different parameters (per-unit tau, tanh vs relu, noise, bias), dense, CSR, Gaussian and fixed-in-degree
 * projections, pulse, array and constant inputs, all recorder kinds; batch 1 and 5 (matrix-vector
 * kernel) and 70 (register-tiled GEMM with split-K; the tiled GEMM on request).
 */
import { describe, expect, it } from 'vitest';
import { RateSimulation } from '../../engine/run/rate-simulation.ts';
import type { KernelTuning } from '../../engine/run/rate-context.ts';
import { ReferenceSimulation } from '../../engine/reference/rate.ts';
import { MemorySink } from '../../engine/record/recorders.ts';
import type { NetworkSpec } from '../../engine/spec/rate.ts';
import { randomTwoPopulationSpec } from '../specs.ts';
import { maxRelDiff, withoutValidationErrors } from '../gpu-helpers.ts';
import { TOLERANCE } from '../tolerances.ts';

async function compare(spec: NetworkSpec, batch: number, steps: number, chunkSteps = 7, maxBindingBytes?: number, tuning?: KernelTuning) {
  return withoutValidationErrors(async () => {
    const sim = await RateSimulation.create(spec, { batch, chunkSteps, maxBindingBytes, tuning });
    const gpuRec = new MemorySink();
    await sim.run(steps, { sink: gpuRec });
    const { state, rate } = await sim.read();
    const ref = new ReferenceSimulation(sim.plan, sim.spec.record);
    const refRec = new MemorySink();
    await ref.run(steps, { sink: refRec });
    const kernels = sim.kernelNames.map((k) => k.name);
    const labels = sim.kernelNames.map((k) => k.label);
    sim.destroy();
    const initial = new ReferenceSimulation(sim.plan).state;
    return { state, rate, ref, gpuRec, refRec, kernels, labels, initial };
  });
}

describe('rate network: GPU vs CPU reference', () => {
  for (const [batch, nE, nI, steps] of [[1, 64, 48, 24], [5, 64, 48, 24], [5, 129, 31, 10], [70, 300, 257, 4]] as const) {
    it(`batch ${batch}, populations of ${nE} and ${nI} units, ${steps} steps`, async () => {
      const spec = randomTwoPopulationSpec(batch + nE, nE, nI);
      const r = await compare(spec, batch, steps);
      if (batch > 8) expect(r.kernels).toContain('synapse-dense-gemm');
      else expect(r.kernels.some((k) => k.startsWith('synapse-dense'))).toBe(true);
      expect(r.kernels).toContain('synapse-csr');
      expect(maxRelDiff(r.state, r.ref.state)).toBeLessThan(TOLERANCE.state_rel);
      expect(maxRelDiff(r.rate, r.ref.rate)).toBeLessThan(TOLERANCE.state_rel);
      for (const name of ['rE', 'xI', 'meanE']) {
        const g = r.gpuRec.data.get(name)!, c = r.refRec.data.get(name)!;
        expect(g.rows).toBe(c.rows);
        expect(g.rows).toBeGreaterThan(0);
        expect(maxRelDiff(g.values, c.values)).toBeLessThan(TOLERANCE.record_rel);
      }
      // The comparison is not vacuous: the states moved well away from their initial values.
      expect(maxRelDiff(r.state, r.initial)).toBeGreaterThan(0.05);
    });
  }

  // Each shape of the matrix-vector kernel: one row per invocation (the CPU default), rows shared by
  // 32 or 256 threads with a tree reduction, or with subgroups (where the adapter has them).
  for (const tuning of [{ matvecThreadsPerRow: 1 }, { matvecThreadsPerRow: 32, matvecSubgroups: false },
    { matvecThreadsPerRow: 32 }, { matvecThreadsPerRow: 256 }] as KernelTuning[]) {
    it(`matrix-vector kernel ${JSON.stringify(tuning)}, batch 3`, async () => {
      const r = await compare(randomTwoPopulationSpec(17, 70, 33), 3, 12, 5, undefined, tuning);
      expect(maxRelDiff(r.state, r.ref.state)).toBeLessThan(TOLERANCE.state_rel);
      expect(maxRelDiff(r.rate, r.ref.rate)).toBeLessThan(TOLERANCE.state_rel);
    });
  }

  it('tiled GEMM, batch 70 with split-K and batch 9 without, tiles of 16 and 32 columns', async () => {
    for (const [batch, tuning] of [[70, { gemmMaxSplit: 3, gemmKernel: 'tiled' }], [9, { gemmMaxSplit: 1, gemmKernel: 'tiled' }], [70, { gemmMaxSplit: 3, gemmTileK: 32, gemmKernel: 'tiled' }], [9, { gemmMaxSplit: 1, gemmTileK: 32, gemmKernel: 'tiled' }]] as const) {
      const r = await compare(randomTwoPopulationSpec(23, 290, 45), batch, 5, 3, undefined, tuning);
      expect(r.kernels).toContain('synapse-dense-tiled');
      expect(r.kernels.includes('synapse-reduce')).toBe(batch === 70);
      expect(maxRelDiff(r.state, r.ref.state)).toBeLessThan(TOLERANCE.state_rel);
    }
  });

  // 150 x 152 floats = 91 kB: a 20 kB binding limit gives 5 row blocks of 32 rows, 50 kB gives 2 of 82.
  for (const [batch, limit, blocks] of [[2, 20_000, 5], [66, 50_000, 2]]) {
    it(`dense weights larger than one binding are split into ${blocks} row blocks (batch ${batch})`, async () => {
      const spec = randomTwoPopulationSpec(31, 150, 40);
      // (no split-K here: its partial sums would not fit the artificial limit either)
      const r = await compare(spec, batch, 6, 4, limit, { gemmMaxSplit: 1 });
      expect(r.labels.filter((l) => l.includes('"EE"') && l.includes('rows')).length).toBe(blocks);
      expect(maxRelDiff(r.state, r.ref.state)).toBeLessThan(TOLERANCE.state_rel);
    });
  }

  it('forward Euler, every activation, per-instance gains and amplitudes', async () => {
    const activations = ['tanh', 'relu', 'sigmoid', 'softplus', 'linear'] as const;
    const spec: NetworkSpec = {
      dt: 0.2, integrator: 'euler', seed: 3,
      populations: activations.map((a, k) => ({ name: a, size: 20 + k, tau: 2 + k, activation: a, bias: 0.1 * k - 0.2, init: 0.3 })),
      projections: activations.map((a, k) => ({
        name: `p${k}`, from: activations[(k + 1) % 5], to: a, weights: { type: 'gaussian' as const, g: 0.9, seed: k },
      })),
      inputs: [{ name: 'in', target: 'relu', amplitude: 0.5 }],
      batch: { size: 3, params: { 'projections.p0.gain': [0.5, 1, 2], 'inputs.in.amplitude': [0, 1, -1], seed: [1, 2, 3] } },
    };
    const r = await compare(spec, 3, 30, 64);
    expect(maxRelDiff(r.state, r.ref.state)).toBeLessThan(TOLERANCE.state_rel);
  });
});

describe('determinism', () => {
  it('same seed: bit-identical states run to run and for any chunk size', async () => {
    const spec = randomTwoPopulationSpec(9, 40, 20);
    const runs = [];
    for (const chunkSteps of [5, 5, 64]) {
      const sim = await RateSimulation.create(spec, { batch: 5, chunkSteps });
      await sim.run(30);
      runs.push((await sim.read()).state);
      sim.destroy();
    }
    expect(Buffer.from(runs[1].buffer).equals(Buffer.from(runs[0].buffer))).toBe(true);
    expect(Buffer.from(runs[2].buffer).equals(Buffer.from(runs[0].buffer))).toBe(true);
  });

  it('a different seed gives different noise; instances with their own seeds differ', async () => {
    const spec: NetworkSpec = {
      dt: 1, seed: 4, populations: [{ name: 'n', size: 32, tau: 10, activation: 'linear', noise: 1 }],
      batch: { size: 2, params: { seed: [4, 5] } },
    };
    const sim = await RateSimulation.create(spec, {});
    await sim.run(10);
    const { state } = await sim.read();
    sim.destroy();
    expect([...state.subarray(0, 32)]).not.toEqual([...state.subarray(32, 64)]);
    const ref = new ReferenceSimulation(sim.plan);
    await ref.run(10);
    expect(maxRelDiff(state, ref.state)).toBeLessThan(TOLERANCE.state_rel);
  });
});

describe('analytic checks', () => {
  it('a linear unit without input decays as x0 exp(-t / tau) (exponential Euler is exact)', async () => {
    const taus = [3, 10, 25];
    const spec: NetworkSpec = { dt: 0.5, populations: [{ name: 'leak', size: 3, tau: taus, activation: 'linear', init: 2 }] };
    const sim = await RateSimulation.create(spec, {});
    await sim.run(40);
    const { state } = await sim.read();
    sim.destroy();
    taus.forEach((tau, i) => expect(state[i]).toBeCloseTo(2 * Math.exp(-20 / tau), 5));
  });

  it('the OU noise has the stationary standard deviation given in the spec', async () => {
    const sigma = 0.7;
    const spec: NetworkSpec = { dt: 1, seed: 2, populations: [{ name: 'ou', size: 4096, tau: 2, activation: 'linear', noise: sigma }] };
    const sim = await RateSimulation.create(spec, {});
    await sim.run(40); // 20 time constants: stationary
    const { state } = await sim.read();
    sim.destroy();
    const mean = state.reduce((s, x) => s + x, 0) / state.length;
    const sd = Math.sqrt(state.reduce((s, x) => s + (x - mean) ** 2, 0) / state.length);
    // standard error of the sd estimate for n = 4096 is sigma / sqrt(2n) ~ 0.008
    expect(Math.abs(sd - sigma)).toBeLessThan(0.04);
    expect(Math.abs(mean)).toBeLessThan(0.05);
  });
});
