/**
 * The fused rate path (one dispatch per chunk, one workgroup per instance) against the multi-dispatch
 * path and the CPU twin: state x and rates r after N steps within float32 rounding (TOLERANCE.state_rel;
 * the projection sums are the same vec4 dots in the same order, so on lavapipe they agree to a few ulp),
 * bit-identical when run twice and across chunk sizes; and the path each option and network gets.
 */
import { describe, expect, it } from 'vitest';
import { RateSimulation, type SimulationOptions } from '../../engine/run/rate-simulation.ts';
import { ReferenceSimulation } from '../../engine/reference/rate.ts';
import { SpecError } from '../../engine/errors.ts';
import { compile } from '../../engine/plan/rate.ts';
import { validateSpec } from '../../engine/spec/validate-rate.ts';
import type { NetworkSpec } from '../../engine/spec/rate.ts';
import { PhiloxStream } from '../../engine/util/philox.ts';
import { maxRelDiff, withoutValidationErrors } from '../gpu-helpers.ts';
import { TOLERANCE } from '../tolerances.ts';
import { rateFusedRuntimeBlockers } from '../../engine/run/rate-fused.ts';
import { RATE_FUSED_MAX_UNITS } from '../../engine/plan/rate-path.ts';
import { isSoftwareAdapter } from '../../engine/gpu/device.ts';
import { inspect } from '../../engine/run/inspect.ts';
import { randomTwoPopulationSpec } from '../specs.ts';

interface Run { state: Float32Array; rate: Float32Array; path: string; kernels: string[]; perStep: number; perChunk: number }

async function gpuRun(spec: NetworkSpec, steps: number, opts: SimulationOptions): Promise<Run> {
  return withoutValidationErrors(async () => {
    const sim = await RateSimulation.create(spec, opts);
    await sim.run(steps);
    const { state, rate } = await sim.read();
    const d = sim.dispatches;
    sim.destroy();
    return { state, rate, path: sim.path.kind, kernels: sim.kernelNames.map((k) => k.name), perStep: d.perStep, perChunk: d.perChunk };
  });
}

/**
 * One population of `n` units: a gaussian recurrent projection, a dense one with a per-instance gain,
 * per-unit tau, noise, a cosine pulse, a sampled wave and a constant input with a per-instance amplitude.
 */
function onePopulation(n: number, activation: 'tanh' | 'relu', batch: number): NetworkSpec {
  const rng = new PhiloxStream(n, 7, 0);
  return {
    dt: 0.5, integrator: 'exponential', seed: 77,
    populations: [{ name: 'E', size: n, activation, tau: Array.from({ length: n }, () => 5 + 10 * rng.uniform()), noise: 0.2, bias: 0.02,
      init: Array.from({ length: n }, () => rng.uniform() - 0.5) }],
    projections: [
      { name: 'EE', from: 'E', to: 'E', weights: { type: 'gaussian', g: 1.1, seed: 3 } },
      { name: 'D', from: 'E', to: 'E', gain: -0.3, weights: { type: 'dense', values: Array.from({ length: n * n }, () => (rng.uniform() - 0.5) * 0.1) } },
    ],
    inputs: [
      { name: 'drive', target: 'E', amplitude: 0.3, profile: { type: 'cosine', center: 1 }, time: { type: 'pulse', start: 1, duration: 3 } },
      { name: 'wave', target: 'E', time: { type: 'array', dt: 1, values: [0.1, -0.2, 0.3, 0.05] } },
      { name: 'tonic', target: 'E', amplitude: 0.02 },
    ],
    batch: batch > 1 ? { size: batch, params: { 'projections.D.gain': Array.from({ length: batch }, (_, b) => -0.3 + 0.2 * b), 'inputs.tonic.amplitude': Array.from({ length: batch }, (_, b) => 0.05 * b) } } : undefined,
  };
}

describe('fused rate path: the multi-dispatch path and the CPU twin within float32 rounding', () => {
  for (const [n, activation, batch] of [[70, 'tanh', 1], [129, 'relu', 3], [300, 'tanh', 2]] as const) {
    it(`${n} units, ${activation}, batch ${batch}: fused = multi-dispatch = twin; deterministic; chunk sizes agree bit for bit`, async () => {
      const spec = onePopulation(n, activation, batch);
      const steps = 23;
      const fused = await gpuRun(spec, steps, { chunkSteps: 8, fused: 'on' });
      const again = await gpuRun(spec, steps, { chunkSteps: 8, fused: 'on' });
      const chunked = await gpuRun(spec, steps, { chunkSteps: 5, fused: 'on' });
      const multi = await gpuRun(spec, steps, { chunkSteps: 8, fused: 'off' });
      expect(fused.path).toBe('fused');
      expect(fused.kernels).toEqual(['rate-fused']);
      expect(multi.path).toBe('multi-dispatch');
      expect(multi.kernels.length).toBe(2);
      const ref = new ReferenceSimulation(compile(validateSpec(spec)));
      await ref.run(steps);
      for (const [a, b] of [[fused.state, multi.state], [fused.rate, multi.rate], [fused.state, ref.state], [fused.rate, ref.rate]]) {
        expect(maxRelDiff(a, b)).toBeLessThan(TOLERANCE.state_rel);
      }
      for (const r of [again, chunked]) {
        expect(Buffer.from(r.state.buffer).equals(Buffer.from(fused.state.buffer))).toBe(true);
        expect(Buffer.from(r.rate.buffer).equals(Buffer.from(fused.rate.buffer))).toBe(true);
      }
      // Not vacuous: the states moved well away from the initial ones; instances differ.
      expect(maxRelDiff(fused.state, new ReferenceSimulation(ref.plan).state)).toBeGreaterThan(0.05);
      if (batch > 1) expect(maxRelDiff(fused.state.subarray(0, n), fused.state.subarray(n, 2 * n))).toBeGreaterThan(0.01);
      // One dispatch per chunk: 8 steps per chunk, against 2 per step (two projections) multi-dispatch.
      expect(fused.perChunk).toBe(1);
      expect(fused.perStep).toBeCloseTo(1 / 8, 12);
      expect(multi.perStep).toBe(2);
    });
  }

  it('a population without projections (rate-update) runs fused too', async () => {
    const spec = onePopulation(40, 'tanh', 1);
    spec.projections = [];
    const fused = await gpuRun(spec, 11, { chunkSteps: 4, fused: 'on' });
    const multi = await gpuRun(spec, 11, { chunkSteps: 4, fused: 'off' });
    expect(maxRelDiff(fused.state, multi.state)).toBeLessThan(TOLERANCE.state_rel);
    expect(maxRelDiff(fused.state, Float32Array.from(spec.populations[0].init as number[]))).toBeGreaterThan(0.05);
  });

  it("'on' refuses what it does not cover, naming it; 'auto' falls back to multi-dispatch with the reason", async () => {
    const spec = randomTwoPopulationSpec(3, 40, 20);
    const err = await RateSimulation.create(spec, { fused: 'on' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).message).toMatch(/2 populations.*sparse \(CSR or fixed-indegree\) projections.*recorders/);
    const sim = await RateSimulation.create(spec, {});
    expect(sim.path.kind).toBe('multi-dispatch');
    expect(sim.path.reason).toMatch(/does not cover 2 populations/);
    sim.destroy();
    await expect(RateSimulation.create(onePopulation(8, 'tanh', 1), { fused: 'sometimes' as never })).rejects.toThrow(/fused: expected 'auto', 'on' or 'off'/);
    // A projection split into row blocks (a 2 kB binding limit: 70 rows of 18 vec4s, 6 rows per block: 12 blocks).
    await expect(RateSimulation.create(onePopulation(70, 'tanh', 1), { fused: 'on', maxBindingBytes: 2000 })).rejects.toThrow(/projection "EE" in 12 row blocks/);
  });

  it("'auto' runs fused up to the measured size on a CPU adapter, for one instance; never on a GPU (unmeasured)", async () => {
    const path = async (n: number, batch: number) => {
      const sim = await RateSimulation.create(onePopulation(n, 'tanh', batch), {});
      sim.destroy();
      return { ...sim.path, software: isSoftwareAdapter(sim.gpu.info) };
    };
    const small = await path(RATE_FUSED_MAX_UNITS.software, 1);
    if (small.software) {
      expect(small).toMatchObject({ kind: 'fused', reason: `auto: ${RATE_FUSED_MAX_UNITS.software} units per instance <= ${RATE_FUSED_MAX_UNITS.software} (CPU adapter, measured limit)` });
      expect(await path(RATE_FUSED_MAX_UNITS.software + 1, 1)).toMatchObject({ kind: 'multi-dispatch', reason: expect.stringMatching(/^auto: 65 units per instance > 64/) });
      expect(await path(16, 2)).toMatchObject({ kind: 'multi-dispatch', reason: 'auto: batch 2 > 1 (CPU adapter, measured limit)' });
    } else {
      expect(small).toMatchObject({ kind: 'multi-dispatch', reason: expect.stringMatching(/^auto: 64 units per instance > 0 \(GPU/) });
    }
  });

  it('the dry run (lamina inspect) counts the path the run takes', async () => {
    const spec = onePopulation(40, 'tanh', 1);
    for (const fused of ['auto', 'off'] as const) {
      const sim = await RateSimulation.create(spec, { chunkSteps: 16, fused });
      const d = sim.dispatches;
      const r = await inspect(spec, { chunkSteps: 16, calibrate: false, fused });
      expect(r.notes).toContain(`path: ${sim.path.kind} (${sim.path.reason})`);
      expect([r.dispatchesPerStep, r.dispatchesPerChunk]).toEqual([d.perStep, d.perChunk]);
      expect(r.dispatches.map((x) => x.label)).toEqual(sim.kernelNames.map((k) => k.label));
      if (sim.path.kind === 'fused') expect(r.dispatchesPerChunk).toBe(1);
      sim.destroy();
    }
  });

  it('rates larger than workgroup memory block the fused path', () => {
    const plan = compile(validateSpec(onePopulation(64, 'tanh', 1)));
    const limits = { bindingBytes: 1 << 30, workgroups: 65535 };
    expect(rateFusedRuntimeBlockers(plan, { ...limits, workgroupBytes: 256 })).toEqual([]);
    expect(rateFusedRuntimeBlockers(plan, { ...limits, workgroupBytes: 255 })).toEqual(['64 units (their rates need 256 bytes of workgroup memory; this adapter has 255)']);
  });
});
