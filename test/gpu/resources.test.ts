/**
 * Fail fast on size (issue 9): networks and recordings that cannot fit the adapter or the host are
 * refused with a SpecError naming the structure, its size and the limit, at once and before anything
 * is allocated; and inspect() reports the same numbers as the plan and the run.
 */
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../engine/errors.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import { compile } from '../../engine/plan/rate.ts';
import { MemorySink } from '../../engine/record/recorders.ts';
import { inspect } from '../../engine/run/inspect.ts';
import { createSimulation } from '../../engine/run/simulation.ts';
import { RateSimulation } from '../../engine/run/rate-simulation.ts';
import { SpikingSimulation } from '../../engine/run/spiking-simulation.ts';
import type { NetworkSpec } from '../../engine/spec/rate.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';
import { validateSpec } from '../../engine/spec/validate-rate.ts';
import { randomTwoPopulationSpec } from '../specs.ts';
import { twoPopulationSpiking } from '../spiking-specs.ts';
import { gpu } from '../gpu-helpers.ts';

/** Runs `make`, which must throw a SpecError within `seconds`; returns it. */
async function refused(make: () => Promise<unknown>, seconds = 10): Promise<SpecError> {
  const t0 = performance.now();
  const e = await make().then(() => undefined, (x: unknown) => x);
  expect(e, String(e)).toBeInstanceOf(SpecError);
  expect((performance.now() - t0) / 1000).toBeLessThan(seconds);
  return e as SpecError;
}

const rate200k: NetworkSpec = {
  dt: 1, populations: [{ name: 'E', size: 200_000, tau: 10, activation: 'tanh' }],
  projections: [{ name: 'EE', from: 'E', to: 'E', weights: { type: 'gaussian', g: 1 } }],
};
const spiking200k: SpikingSpec = {
  dt: 0.1, populations: [{ name: 'E', size: 200_000, model: 'lif_psc_exp' }],
  projections: [{ name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity: { type: 'fixed-probability', p: 0.1 }, weight: 1, delay: 1 }],
};

describe('oversize networks are refused before anything is allocated', () => {
  it('a 200k x 200k dense rate projection: names the projection, its bytes and the limit', async () => {
    const e = await refused(() => createSimulation(rate200k));
    expect(e.field).toBe('projections[0].weights');
    expect(e.message).toMatch(/projection "EE" \(E -> E\), 200000 x 200000 float32, 149\.0 GiB/);
    expect(e.message).toMatch(/GiB is available \(/);
  });

  it('a 200k x 200k spiking projection (4e9 host-built synapses): refused, Node is not killed', async () => {
    const e = await refused(() => createSimulation(spiking200k));
    expect(e.field).toBe('projections[0]');
    expect(e.message).toMatch(/4000000000 synapses of projection "EE"/);
    expect(e.message).toMatch(/available|heap may grow/);
  });

  it('a population of 1e9 neurons (rate and spiking): refused at once, naming the state buffer and the binding limit', async () => {
    // 4e9 bytes per rate state buffer and 1.2e10 for the spiking state: over one binding on lavapipe
    // (128 MiB) and on any adapter whose bindings are 32-bit; elsewhere the host's memory decides.
    const { device } = await gpu();
    const binding = device.limits.maxStorageBufferBindingSize;
    const rate = await refused(() => createSimulation({ dt: 1, populations: [{ name: 'E', size: 1e9, tau: 10, activation: 'tanh' }] }), 5);
    expect(rate.field).toMatch(/^populations/);
    expect(rate.message).toMatch(binding < 4e9 ? /rates\[0\] needs 3\.73 GiB \(4000000000 bytes\) in one storage buffer; the adapter allows .* \(maxStorageBufferBindingSize\)/ : /GiB of host memory/);
    const spiking = await refused(() => createSimulation({ dt: 0.1, populations: [{ name: 'E', size: 1e9, model: 'lif_psc_exp' }] }), 5);
    expect(spiking.field).toMatch(/^populations/);
    expect(spiking.message).toMatch(binding < 1.2e10 ? /state needs 11\.2 GiB/ : /GiB of host memory/);
  });

  it('a recording larger than host memory in a MemorySink is refused before the first step', async () => {
    const sim = await RateSimulation.create({ dt: 1, populations: [{ name: 'a', size: 128, tau: 5, activation: 'tanh' }], record: [{ name: 'ra', population: 'a' }] });
    const e = await refused(() => sim.run(4_000_000_000, { sink: new MemorySink() }));
    expect(e.field).toBe('record');
    expect(e.message).toMatch(/a MemorySink would hold 1\.86 TiB of recordings \("ra" 4000000000 rows, 1\.86 TiB\); the host has .* available/);
    expect(sim.step).toBe(0);
    sim.destroy();
  });
});

describe('inspect() reports the plan', () => {
  it('rate: neurons, synapses, dispatches and recording volume equal the plan and the run', async () => {
    const spec = randomTwoPopulationSpec(2, 30, 10);
    const r = await inspect(spec, { steps: 60, batch: 2, calibrate: false });
    const plan = compile(validateSpec(spec), { batch: 2 });
    expect(r.neurons).toBe(plan.stateLength);
    expect(r.synapses).toBe(plan.projections.reduce((a, p) => a + (p.csr ? p.csr.colIdx.length : p.dense!.length), 0));
    expect(r.refusals).toEqual([]);
    const sim = await RateSimulation.create(spec, { batch: 2 });
    // Every kernel of a step, plus the recorders' at their rate: rE every 2, xI every 3, meanE every step.
    expect(r.dispatchesPerStep).toBeCloseTo(sim.kernelNames.length + 1 / 2 + 1 / 3 + 1, 10);
    const memory = new MemorySink();
    await sim.run(60, { sink: memory });
    const recorded = [...memory.data.values()].reduce((a, d) => a + d.values.byteLength, 0);
    expect(r.recording.bytes).toBe(recorded);
    sim.destroy();
  });

  it('spiking: neurons, synapses, dispatches and the wall-time estimate from a calibration', async () => {
    const spec = twoPopulationSpiking();
    spec.projections![0].connectivity = { type: 'fixed-indegree', k: 12 };
    // The multi-dispatch path's kernels (the fused path has one dispatch per chunk: test/gpu/dispatch-count.test.ts).
    const r = await inspect(structuredClone(spec), { steps: 500, batch: 2, fused: 'off' });
    const { plan } = compileSpiking(structuredClone(spec), { batch: 2 });
    expect(r.neurons).toBe(plan.neuronCount);
    expect(r.synapses).toBe([...plan.projections, ...plan.generated].reduce((a, p) => a + p.synapses, 0));
    const sim = await SpikingSimulation.create(structuredClone(spec), { batch: 2, fused: 'off' });
    // The state recorder V takes a row every 5 steps; spikes are set inside neuron-update.
    expect(r.dispatchesPerStep).toBeCloseTo(sim.kernelLabels.length + 1 / 5, 10);
    sim.destroy();
    expect(r.time!.seconds).toBeGreaterThan(0);
    expect(r.time!.basis).toMatch(/^measured here: spiking networks of 100-unit \([\d.]+ us per step, 2\.00 dispatches\) and \d+-unit .* us a dispatch and [\d.]+ ns an operation/);
  });

  it('rate at batch 16: the GEMM is priced by a network at that batch (its kernel shape), not at 64', async () => {
    const r = await inspect(randomTwoPopulationSpec(2, 64, 32), { steps: 10, batch: 16 });
    expect(r.time!.basis).toMatch(/-unit at batch 16 \([\d.]+ us per step\) [\d.]+ ns a GEMM multiply-add/);
  });

  it('an oversize spec is reported with what would be refused, not thrown', async () => {
    const r = await inspect(rate200k, { calibrate: false });
    expect(r.synapses).toBe(4e10);
    expect(r.refusals.map((x) => x.field)).toContain('projections[0].weights');
    expect(r.host.peak).toBeGreaterThan(4 * 149 * 2 ** 30);
  });
});
