/**
 * Runs that return each instance's results apart (spike trains as sorted "recorder:step:neuron", final
 * states as plain numbers), on the GPU and in the CPU twin, for comparing an instance of a batch with
 * a run of it alone.
 */
import { SpikingSimulation } from '../engine/run/spiking-simulation.ts';
import { SpikingReference } from '../engine/reference/spiking.ts';
import { RateSimulation } from '../engine/run/rate-simulation.ts';
import { ReferenceSimulation } from '../engine/reference/rate.ts';
import type { SpikingSpec } from '../engine/spec/spiking.ts';
import type { SpikingPlan } from '../engine/plan/spiking.ts';
import type { NetworkPlan, NetworkSpec } from '../engine/index.ts';
import { expect } from 'vitest';
import { withoutValidationErrors } from './gpu-helpers.ts';

/** Instance k's values of every per-instance key: a batch of one with instance k's parameters. */
export const instanceParams = (params: Record<string, number[]>, k: number) => Object.fromEntries(Object.entries(params).map(([key, v]) => [key, [v[k]]]));

/** Instance b's values of every state variable (stateBase + (v * B + b) * size + i), population by population. */
export function spikingInstance(plan: SpikingPlan, state: Float32Array, b: number): number[] {
  return plan.pops.flatMap((p) => p.model.stateNames.flatMap((_, v) => [...state.subarray(p.stateBase + (v * plan.batch + b) * p.size, p.stateBase + (v * plan.batch + b + 1) * p.size)]));
}

/** Instance b's values of every unit (base + b * size + i). */
export function rateInstance(plan: NetworkPlan, state: Float32Array, b: number): number[] {
  return plan.pops.flatMap((p) => [...state.subarray(p.base + b * p.size, p.base + (b + 1) * p.size)]);
}

/** Spikes and final state per instance; `weights`: each plastic projection's weights, instance after instance. */
export type SpikingRun = { plan: SpikingPlan; spikes: string[][]; state: Float32Array; weights: Float32Array[] };

/** Instance b's weights of a plastic projection, from all instances' weights. */
export const instanceWeights = (w: Float32Array, batch: number, b: number) => [...w.subarray((b * w.length) / batch, ((b + 1) * w.length) / batch)];

export async function spikingGpu(spec: SpikingSpec, steps: number): Promise<SpikingRun> {
  return withoutValidationErrors(async () => {
    const sim = await SpikingSimulation.create(spec, { chunkSteps: 60 });
    const spikes: string[][] = Array.from({ length: sim.plan.batch }, () => []);
    await sim.run(steps, { onSpikes: (rec, st, b, n) => { for (let q = 0; q < st.length; q++) spikes[b[q]].push(`${rec}:${st[q]}:${n[q]}`); } });
    const { state } = await sim.read();
    const weights = await Promise.all(sim.plan.plastic.map((q) => sim.readWeights(q.name)));
    sim.destroy();
    return { plan: sim.plan, spikes: spikes.map((l) => l.sort()), state, weights };
  });
}

/** The twin of a compiled plan; spikes named by the population's spikes recorder of `spec`. */
export function spikingTwin(spec: SpikingSpec, plan: SpikingPlan, steps: number): SpikingRun {
  const ref = new SpikingReference(plan);
  const names = plan.pops.map((p) => spec.record?.find((r) => r.what === 'spikes' && r.population === p.name)?.name);
  const spikes: string[][] = Array.from({ length: plan.batch }, () => []);
  for (let t = 0; t < steps; t++) for (const sp of ref.advance()) if (names[sp.pop]) spikes[sp.instance].push(`${names[sp.pop]}:${sp.step}:${sp.neuron}`);
  return { plan, spikes: spikes.map((l) => l.sort()), state: ref.state, weights: plan.plastic.map((q, k) => ref.plastic[k].wel.slice(0, plan.batch * q.synapses)) };
}

export async function rateGpu(spec: NetworkSpec, steps: number): Promise<{ plan: NetworkPlan; state: Float32Array }> {
  const sim = await RateSimulation.create(spec, { chunkSteps: 20 });
  await sim.run(steps);
  const { state } = await sim.read();
  sim.destroy();
  return { plan: sim.plan, state };
}

export async function rateTwin(plan: NetworkPlan, steps: number): Promise<Float32Array> {
  const ref = new ReferenceSimulation(plan);
  await ref.run(steps);
  return ref.state;
}

/**
 * Runs spec(B, params, seeds) on the GPU and in the twin (equal bit for bit) and each instance k alone,
 * spec(1, its values, [seeds[k]]) (equal to instance k: spikes, state, plastic weights); returns the batch's run.
 */
export async function checkSpikingBatch(spec: (size: number, p: Record<string, number[]>, seeds: number[]) => SpikingSpec, params: Record<string, number[]>, seeds: number[], steps: number): Promise<SpikingRun> {
  const B = seeds.length;
  const batch = await spikingGpu(spec(B, params, seeds), steps);
  const twin = spikingTwin(spec(B, params, seeds), batch.plan, steps);
  expect(batch.spikes).toEqual(twin.spikes);
  expect(Buffer.from(batch.state.buffer).equals(Buffer.from(twin.state.buffer))).toBe(true);
  batch.weights.forEach((w, q) => expect(w).toEqual(twin.weights[q]));
  for (let k = 0; k < B; k++) {
    const alone = await spikingGpu(spec(1, instanceParams(params, k), [seeds[k]]), steps);
    expect(batch.spikes[k]).toEqual(alone.spikes[0]);
    expect(spikingInstance(batch.plan, batch.state, k)).toEqual(spikingInstance(alone.plan, alone.state, 0));
    batch.weights.forEach((w, q) => expect(instanceWeights(w, B, k)).toEqual([...alone.weights[q]]));
  }
  return batch;
}
