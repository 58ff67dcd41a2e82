/**
 * The calibration behind lamina inspect's wall-time estimate, measured on the adapter in use: the cost of
 * one dispatch of a real step program (a tiny network of the inspected kind, built and run for a few
 * chunks, its time per step divided by its dispatches per step: launches, barriers, bind groups, the
 * chunk's uniforms and readbacks included) and the streaming bandwidth (engine/gpu/calibrate.ts).
 */
import { calibrate } from '../gpu/calibrate.ts';
import type { Gpu } from '../gpu/device.ts';
import { MemorySink } from '../record/recorders.ts';
import type { NetworkSpec } from '../spec/rate.ts';
import type { SpikingSpec } from '../spec/spiking.ts';
import { validateSpec } from '../spec/validate-rate.ts';
import { rateFootprint } from './rate-footprint.ts';
import { RateSimulation } from './rate-simulation.ts';
import { spikingFootprint } from './spiking-footprint.ts';
import { SpikingSimulation } from './spiking-simulation.ts';

export interface RunCalibration {
  /** Seconds per dispatch of a step program, everything the runtime does per step included. */
  dispatchSeconds: number;
  bytesPerSecond: number;
  basis: string;
}

const TINY_RATE: NetworkSpec = {
  dt: 1, seed: 1,
  populations: [{ name: 'a', size: 64, tau: 10, activation: 'tanh' }, { name: 'b', size: 64, tau: 5, activation: 'relu' }],
  projections: [
    { name: 'ab', from: 'a', to: 'b', weights: { type: 'gaussian', g: 0.5 } },
    { name: 'ba', from: 'b', to: 'a', weights: { type: 'fixed-indegree', k: 8, weight: -0.1 } },
  ],
  inputs: [{ name: 'i', target: 'a', amplitude: 0.5 }],
  record: [{ name: 'ra', population: 'a', every: 4 }],
};

const TINY_SPIKING: SpikingSpec = {
  dt: 0.1, seed: 1,
  populations: [{ name: 'e', size: 80, model: 'lif_psc_exp' }, { name: 'i', size: 20, model: 'lif_psc_exp' }],
  projections: [
    { name: 'ee', from: 'e', to: 'e', port: 'exc', connectivity: { type: 'fixed-indegree', k: 8 }, weight: 20, delay: 1 },
    { name: 'ie', from: 'i', to: 'e', port: 'inh', connectivity: { type: 'fixed-indegree', k: 4 }, weight: -40, delay: 1 },
  ],
  inputs: [{ name: 'bg', target: 'e', type: 'poisson', rate: 8000, weight: 30, port: 'exc' }],
  record: [{ name: 's', population: 'e', what: 'spikes' }],
};

/** Measures a tiny network of `kind` on `gpu` (the device of `opts`) and the copy bandwidth. */
export async function calibrateRun(gpu: Gpu, kind: 'rate' | 'spiking', opts: { backend?: string; adapter?: string }): Promise<RunCalibration> {
  const bindingLimit = gpu.device.limits.maxStorageBufferBindingSize;
  const chunkSteps = 64;
  const sim = kind === 'rate' ? await RateSimulation.create(TINY_RATE, { ...opts, chunkSteps }) : await SpikingSimulation.create(structuredClone(TINY_SPIKING), { ...opts, chunkSteps });
  const fp = kind === 'rate' ? rateFootprint(validateSpec(TINY_RATE), { chunkSteps, bindingLimit }) : spikingFootprint(TINY_SPIKING, { chunkSteps, bindingLimit })!;
  const perStep = fp.dispatches.reduce((a, d) => a + d.perStep, 0);
  try {
    const run = async (steps: number) => {
      const t0 = performance.now();
      await sim.run(steps, { sink: new MemorySink(), onSpikes: () => undefined });
      return (performance.now() - t0) / 1000;
    };
    await run(chunkSteps); // warm-up: first use of every pipeline
    let steps = 4 * chunkSteps, t = await run(steps);
    while (t < 0.1 && steps < 65536) { steps *= 4; t = await run(steps); }
    const bandwidth = await calibrate(gpu);
    const dispatchSeconds = t / steps / perStep;
    return {
      dispatchSeconds, bytesPerSecond: bandwidth.bytesPerSecond,
      basis: `measured here: a ${fp.populations.reduce((a, p) => a + p.size, 0)}-unit ${kind} network, ${steps} steps in ${(t * 1e3).toFixed(0)} ms, ${perStep.toFixed(2)} dispatches per step (${(dispatchSeconds * 1e6).toFixed(1)} us a dispatch); ${bandwidth.basis.replace(/^measured here: /, '')}`,
    };
  } finally {
    sim.destroy();
  }
}
