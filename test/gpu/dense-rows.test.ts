/**
 * synapse-dense-rows, the matrix-vector kernel of CPU adapters (several rows per invocation, r(n) staged
 * in workgroup memory): on seeded random networks, batch 1, 2 and 5, row counts that are no multiple of
 * the rows per workgroup and presynaptic sizes no multiple of 4, it matches the CPU float32 twin within
 * float32 rounding and synapse-dense at one row per invocation (the same vec4 dots in the same order)
 * bit for bit, and runs deterministically; also with explicit rows per invocation, W split into row
 * blocks, every epilogue (store, finish, finish after another projection), and r(n) too large to stage.
 */
import { describe, expect, it } from 'vitest';
import { RateSimulation } from '../../engine/run/rate-simulation.ts';
import type { KernelTuning } from '../../engine/run/rate-context.ts';
import { ReferenceSimulation } from '../../engine/reference/rate.ts';
import type { NetworkSpec } from '../../engine/spec/rate.ts';
import { PhiloxStream } from '../../engine/util/philox.ts';
import { randomTwoPopulationSpec } from '../specs.ts';
import { maxRelDiff, sameBits, withoutValidationErrors } from '../gpu-helpers.ts';
import { TOLERANCE } from '../tolerances.ts';

interface Run { state: Float32Array; rate: Float32Array; ref: ReferenceSimulation; kernels: string[] }

async function run(spec: NetworkSpec, batch: number, steps: number, tuning?: KernelTuning, maxBindingBytes?: number): Promise<Run> {
  return withoutValidationErrors(async () => {
    const sim = await RateSimulation.create(spec, { batch, chunkSteps: 5, tuning, maxBindingBytes });
    await sim.run(steps);
    const { state, rate } = await sim.read();
    const ref = new ReferenceSimulation(sim.plan);
    await ref.run(steps);
    const kernels = sim.kernelNames.map((k) => k.name);
    sim.destroy();
    return { state, rate, ref, kernels };
  });
}

/** One population of n units with two dense projections: the first stores into syn, the second finishes the step. */
function twoDense(n: number, seed: number): NetworkSpec {
  const rng = new PhiloxStream(seed, 5, 0);
  return {
    dt: 0.5, integrator: 'euler', seed,
    populations: [{ name: 'E', size: n, tau: 8, activation: 'tanh', noise: 0.1, init: Array.from({ length: n }, () => rng.uniform() - 0.5) }],
    projections: [
      { name: 'EE', from: 'E', to: 'E', weights: { type: 'gaussian', g: 1.1, seed } },
      { name: 'D', from: 'E', to: 'E', gain: -0.4, weights: { type: 'dense', values: Array.from({ length: n * n }, () => (rng.uniform() - 0.5) * 0.2) } },
    ],
    inputs: [{ name: 'tonic', target: 'E', amplitude: 0.05 }],
  };
}

function expectTwin(r: Run): void {
  expect(r.kernels).toContain('synapse-dense-rows');
  expect(maxRelDiff(r.state, r.ref.state)).toBeLessThan(TOLERANCE.state_rel);
  expect(maxRelDiff(r.rate, r.ref.rate)).toBeLessThan(TOLERANCE.state_rel);
}

describe('synapse-dense-rows (CPU adapters): the CPU twin, synapse-dense at one row per invocation, run to run', () => {
  for (const [batch, nE, nI] of [[1, 70, 33], [2, 137, 30], [5, 70, 33]] as const) {
    it(`batch ${batch}, populations of ${nE} and ${nI} units`, async () => {
      const spec = randomTwoPopulationSpec(40 + batch, nE, nI);
      const rows = await run(spec, batch, 12);
      expectTwin(rows);
      // The comparison is not vacuous: the states moved away from where they started.
      expect(maxRelDiff(rows.state, new ReferenceSimulation(rows.ref.plan).state)).toBeGreaterThan(0.05);
      const again = await run(spec, batch, 12);
      expect(sameBits(again.state, rows.state) && sameBits(again.rate, rows.rate)).toBe(true);
      const one = await run(spec, batch, 12, { matvecThreadsPerRow: 1 });
      expect(one.kernels).toContain('synapse-dense');
      expect(one.kernels).not.toContain('synapse-dense-rows');
      expect(sameBits(one.state, rows.state) && sameBits(one.rate, rows.rate)).toBe(true);
    });
  }

  it('explicit rows per invocation (3, 8), and W split into row blocks', async () => {
    const spec = twoDense(61, 9);
    for (const matvecRowsPerInvocation of [3, 8]) expectTwin(await run(spec, 2, 10, { matvecRowsPerInvocation }));
    // 61 x 64 padded floats = 15.6 kB: an 8 kB binding limit gives 2 blocks (32 and 29 rows) per projection.
    const split = await run(spec, 2, 10, undefined, 8192);
    expect(split.kernels.filter((k) => k === 'synapse-dense-rows')).toHaveLength(4);
    expectTwin(split);
  });

  it('r(n) too large for workgroup memory is read from the rate buffer', async () => {
    // 5 instances x 1651 rates = 33 kB of vec4s, above lavapipe's 32 KiB of workgroup memory.
    const rng = new PhiloxStream(3, 6, 0);
    const [pre, post] = [1651, 19];
    const spec: NetworkSpec = {
      dt: 0.5, integrator: 'euler', seed: 5,
      populations: [
        { name: 'A', size: pre, tau: 6, activation: 'tanh', init: Array.from({ length: pre }, () => rng.uniform() - 0.5) },
        { name: 'B', size: post, tau: 4, activation: 'relu', bias: 0.1 },
      ],
      projections: [{ name: 'AB', from: 'A', to: 'B', weights: { type: 'dense', values: Array.from({ length: post * pre }, () => (rng.uniform() - 0.4) * 0.1) } }],
      inputs: [{ name: 'drive', target: 'A', amplitude: 0.3, profile: { type: 'cosine', center: 2 } }],
    };
    const r = await run(spec, 5, 6);
    expectTwin(r);
    expect(Math.max(...r.rate.subarray(5 * pre))).toBeGreaterThan(0.05);
  });
});
