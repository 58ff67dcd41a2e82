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
  /** Seconds per operation of the footprint's workPerStep (unit updates, multiply-adds, synaptic events). */
  workSeconds: number;
  /** Seconds per multiply-add of the GEMM (measured only when asked for). */
  gemmSeconds: number;
  bytesPerSecond: number;
  basis: string;
}

const rateNet = (n: number, batch = 1): NetworkSpec => ({
  dt: 1, seed: 1, populations: [{ name: 'a', size: n, tau: 10, activation: 'tanh' }],
  projections: [{ name: 'aa', from: 'a', to: 'a', weights: { type: 'gaussian', g: 0.5 } }], batch: { size: batch },
});

const spikingNet = (n: number): SpikingSpec => ({
  dt: 0.1, seed: 1, populations: [{ name: 'e', size: n, model: 'lif_psc_exp' }],
  projections: [{ name: 'ee', from: 'e', to: 'e', port: 'exc', connectivity: { type: 'fixed-indegree', k: 20 }, weight: 10, delay: 1 }],
  // DC drive just above rheobase (375 pA for lif_psc_exp's defaults), so that the neurons fire.
  inputs: [{ name: 'dc', target: 'e', type: 'dc', amplitude: 420 }],
  record: [{ name: 's', population: 'e', what: 'spikes' }],
});

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

interface Timed { seconds: number; steps: number; dispatches: number; work: number; gemm: number; label: string }

/** Builds `spec`, runs it for a few chunks after a warm-up and returns its seconds per step with the footprint's counts. */
async function timeNetwork(spec: NetworkSpec | SpikingSpec, kind: 'rate' | 'spiking', opts: { backend?: string; adapter?: string }, bindingLimit: number): Promise<Timed> {
  const chunkSteps = 64;
  const sim = kind === 'rate' ? await RateSimulation.create(spec, { ...opts, chunkSteps }) : await SpikingSimulation.create(structuredClone(spec), { ...opts, chunkSteps, fused: 'off' });
  let spikes = 0;
  const run = async (steps: number) => {
    spikes = 0;
    const t0 = performance.now();
    await sim.run(steps, { sink: new MemorySink(), onSpikes: (_, s) => { spikes += s.length; } });
    return (performance.now() - t0) / 1000;
  };
  try {
    await run(chunkSteps); // warm-up: first use of every pipeline
    let steps = 2 * chunkSteps, t = await run(steps);
    while (t < 0.1 && steps < 65536) { steps *= 4; t = await run(steps); }
    const neurons = spec.populations.reduce((a, p) => a + p.size, 0);
    // The footprint's work at the rate the network actually fired.
    const fp = kind === 'rate' ? rateFootprint(validateSpec(spec), { chunkSteps, bindingLimit })
      : spikingFootprint(spec, { chunkSteps, bindingLimit, fused: 'off', assumedRateHz: spikes / neurons / (steps * spec.dt * 1e-3) })!;
    return { seconds: t / steps, steps, dispatches: fp.dispatches.reduce((a, d) => a + d.perStep, 0), work: fp.workPerStep, gemm: fp.gemmWorkPerStep, label: `${neurons}-unit` };
  } finally {
    sim.destroy();
  }
}

/** The network of `make(n)` for the smallest n (doubling from n0, up to `most`) whose step takes 4x `than`. */
async function grown(make: (n: number) => NetworkSpec | SpikingSpec, n0: number, most: number, than: number, run: (s: NetworkSpec | SpikingSpec) => Promise<Timed>): Promise<Timed> {
  let n = n0, t = await run(make(n));
  while (t.seconds < 4 * than && n * 2 <= most) { n *= 2; t = await run(make(n)); }
  return t;
}

/**
 * Times a tiny network of `kind` (dispatch-bound) and a larger one (work-bound, grown until its step
 * takes 4x the tiny one's) and solves seconds per step = dispatches x d + work x c for d and c; with
 * `gemmBatch`, a third network at that batch (at most 64: the GEMM's shape depends on it up to there)
 * gives the GEMM's cost per multiply-add. The copy bandwidth
 * comes from engine/gpu/calibrate.ts.
 */
export async function calibrateRun(gpu: Gpu, kind: 'rate' | 'spiking', opts: { backend?: string; adapter?: string; gemmBatch?: number }): Promise<RunCalibration> {
  const bindingLimit = gpu.device.limits.maxStorageBufferBindingSize;
  const run = (spec: NetworkSpec | SpikingSpec) => timeNetwork(spec, kind, opts, bindingLimit);
  const tiny = await run(kind === 'rate' ? TINY_RATE : spikingNet(100));
  const side = Math.min(4096, Math.floor(Math.sqrt(bindingLimit / 4)));
  const big = kind === 'rate' ? await grown((n) => rateNet(n), 512, side, tiny.seconds, run) : await grown(spikingNet, 4000, 256_000, tiny.seconds, run);
  const c = Math.max(0, (big.seconds * tiny.dispatches - tiny.seconds * big.dispatches) / (big.work * tiny.dispatches - tiny.work * big.dispatches));
  const d = Math.max(0, (tiny.seconds - tiny.work * c) / tiny.dispatches);
  const us = (x: number) => (x * 1e6).toFixed(1);
  let g = c, gemmNote = '';
  if (kind === 'rate' && opts.gemmBatch) {
    const batch = Math.min(opts.gemmBatch, 64);
    const gemm = await grown((n) => rateNet(n, batch), 256, side, tiny.seconds, run);
    g = Math.max(0, (gemm.seconds - gemm.dispatches * d - gemm.work * c) / gemm.gemm);
    gemmNote = `, ${gemm.label} at batch ${batch} (${us(gemm.seconds)} us per step) ${(g * 1e9).toFixed(3)} ns a GEMM multiply-add`;
  }
  const bandwidth = await calibrate(gpu);
  return {
    dispatchSeconds: d, workSeconds: c, gemmSeconds: g, bytesPerSecond: bandwidth.bytesPerSecond,
    basis: `measured here: ${kind} networks of ${tiny.label} (${us(tiny.seconds)} us per step, ${tiny.dispatches.toFixed(2)} dispatches) and ${big.label} (${us(big.seconds)} us per step, ${Math.round(big.work)} operations) give ${us(d)} us a dispatch and ${(c * 1e9).toFixed(2)} ns an operation${gemmNote}; ${bandwidth.basis.replace(/^measured here: /, '')}`,
  };
}
