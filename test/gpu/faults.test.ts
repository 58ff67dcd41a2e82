/**
 * Numerical faults: a network whose state overflows stops with a NumericalError naming the first faulty
 * step, population, variable, instance and neuron, the same on the GPU as on its CPU twin; the rows and
 * spikes delivered (up to and including the faulty step, the fault in a later chunk than the first, with
 * chunks in flight after it) are the twin's; with the check off the run completes and the state is
 * indeed not finite (so the check is what stops the run).
 */
import { describe, expect, it } from 'vitest';
import { NumericalError } from '../../engine/errors.ts';
import { plannedRows, type RecorderInfo } from '../../engine/record/recorders.ts';
import { createReference, createSimulation, type CreateOptions } from '../../engine/run/simulation.ts';
import type { Simulation } from '../../engine/simulation.ts';
import type { NetworkSpec } from '../../engine/spec/rate.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';
import { withoutValidationErrors } from '../gpu-helpers.ts';
import { TOLERANCE } from '../tolerances.ts';

/** Rate: unit b of a linear population with self-weight 2 grows by ~1.4 per step and overflows near step 250. */
function divergingRate(): NetworkSpec {
  const n = 5;
  const self = Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 2 : 0));
  return {
    dt: 1, seed: 7,
    populations: [
      { name: 'a', size: 12, tau: 5, activation: 'tanh', init: 0.1 },
      { name: 'b', size: n, tau: 2, activation: 'linear', init: [0.5, 1, 2, 0.25, 1.9] },
    ],
    projections: [
      { name: 'ba', from: 'b', to: 'a', weights: { type: 'dense', values: Array.from({ length: 12 * n }, (_, k) => ((k * 7) % 5) / 50 - 0.04) } },
      { name: 'bb', from: 'b', to: 'b', weights: { type: 'dense', values: self } },
    ],
    record: [{ name: 'xb', population: 'b', what: 'state', every: 3 }, { name: 'ra', population: 'a', every: 2 }],
  };
}

/**
 * Spiking: a model written in the spec whose second variable u grows by 1.5 per step (only + and *, so
 * the GPU and the twin agree bit for bit) and overflows near step 210, while V spikes on a DC input and
 * drives a stable LIF population.
 */
function divergingSpiking(): SpikingSpec {
  return {
    dt: 0.1, seed: 11, batch: { size: 2 },
    models: {
      runaway: {
        params: { tau: { value: 2, unit: 'ms' }, tau_u: { value: 0.2, unit: 'ms' }, V_t: { value: 10, unit: 'mV' }, t_ref: { value: 0.5, unit: 'ms' } },
        derived: { h: 'dt / tau', h_u: 'dt / tau_u' },
        state: { V: { init: 0, unit: 'mV' }, u: { init: 1, unit: '1' } },
        ports: ['exc'],
        update: 'V = V + h * (I_ext + in_exc - V);\nu = u + h_u * u;',
        threshold: 'V > V_t',
        reset: 'V = 0;',
        refractory: 't_ref',
      },
    },
    populations: [
      { name: 'A', size: 20, model: 'lif_psc_exp', init: { V: { uniform: [-65, -55] } } },
      { name: 'B', size: 9, model: 'runaway', init: { u: { uniform: [1, 60] } } },
    ],
    projections: [{ name: 'BA', from: 'B', to: 'A', port: 'exc', connectivity: { type: 'fixed-indegree', k: 4 }, weight: 300, delay: 1 }],
    inputs: [{ name: 'dc', target: 'B', type: 'dc', amplitude: 20 }, { name: 'bg', target: 'A', type: 'poisson', rate: 8000, weight: 80, port: 'exc' }],
    record: [
      { name: 'sA', population: 'A', what: 'spikes' }, { name: 'sB', population: 'B', what: 'spikes' },
      { name: 'u', population: 'B', what: 'u', every: 7 }, { name: 'VA', population: 'A', what: 'V', units: [0, 3, 19], every: 5 },
    ],
  };
}

/** Runs `steps` steps; what was delivered and the error the run rejected with (if any). */
async function drive(sim: Simulation, steps: number) {
  const rows = new Map<string, number[]>();
  const spikes: string[] = [];
  const sink = { write: (r: RecorderInfo, v: Float32Array, n: number) => { rows.set(r.name, [...(rows.get(r.name) ?? []), ...v.subarray(0, n * r.batch * r.width)]); } };
  let error: unknown;
  try {
    await sim.run(steps, { sink, onSpikes: (rec, s, b, i) => { for (let j = 0; j < s.length; j++) spikes.push(`${rec}:${s[j]}:${b[j]}:${i[j]}`); } });
  } catch (e) {
    error = e;
  }
  return { rows, spikes: spikes.sort(), error };
}

const report = (e: unknown) => {
  expect(e).toBeInstanceOf(NumericalError);
  const { step, population, variable, instance, neuron } = e as NumericalError;
  return { step, population, variable, instance, neuron };
};

/** Equal where both are finite (within `tol`, relative), and non-finite in the same places with the same value. */
function expectSameRows(gpu: number[], ref: number[], tol: number): void {
  expect(gpu.length).toBe(ref.length);
  for (let k = 0; k < ref.length; k++) {
    if (!Number.isFinite(ref[k])) expect(gpu[k], `value ${k}`).toBe(ref[k]);
    else expect(Math.abs(gpu[k] - ref[k]) / (1 + Math.abs(ref[k])), `value ${k}`).toBeLessThanOrEqual(tol);
  }
}

describe('numerical faults stop the run, naming step, population and variable', () => {
  it('rate: the GPU reports the twin\'s fault and delivers the twin\'s rows up to it', async () => {
    const spec = divergingRate();
    const gpu = await withoutValidationErrors(async () => {
      const sim = await createSimulation(spec, { chunkSteps: 40 });
      const start = await sim.saveState();
      const out = await drive(sim, 400);
      // The simulation stays faulted: a further run rejects at once with the same fault.
      await expect(sim.run(10)).rejects.toBe(out.error);
      // A state loaded over the faulty one clears the fault: the run from step 0 again meets the same one.
      sim.loadState(start);
      const again = await drive(sim, 400);
      expect(again.error).not.toBe(out.error);
      expect(report(again.error)).toEqual(report(out.error));
      expect(again.rows).toEqual(out.rows);
      sim.destroy();
      return out;
    });
    const twin = createReference(spec);
    const start = await twin.saveState();
    const ref = await drive(twin, 400);
    const fault = report(ref.error);
    expect(fault).toMatchObject({ population: 'b', variable: 'x', instance: 0 });
    await expect(twin.run(10)).rejects.toBe(ref.error);
    twin.loadState(start);
    expect(report((await drive(twin, 400)).error)).toEqual(fault);
    expect(fault.step).toBeGreaterThan(80); // in a later chunk than the first two
    expect(report(gpu.error)).toEqual(fault);
    expect((gpu.error as Error).message).toMatch(new RegExp(`step ${fault.step}: x of population "b"`));
    for (const [name, every] of [['xb', 3], ['ra', 2]] as const) {
      expect(gpu.rows.get(name)!.length).toBe(plannedRows(every, 0, fault.step + 1) * (name === 'xb' ? 5 : 12));
      expectSameRows(gpu.rows.get(name)!, ref.rows.get(name)!, TOLERANCE.record_rel);
    }
  });

  it('rate: with the check off the run completes and the state is not finite', async () => {
    const spec = divergingRate();
    const sim = await createSimulation(spec, { chunkSteps: 40, detectFaults: false });
    const timing = await sim.run(400);
    expect(timing.steps).toBe(400);
    const { state } = await sim.read();
    expect(state.some((v) => !Number.isFinite(v))).toBe(true);
    sim.destroy();
    const twin = createReference(spec, { detectFaults: false });
    expect((await twin.run(400)).steps).toBe(400);
    expect(twin.state.some((v) => !Number.isFinite(v))).toBe(true);
  });

  /** 400 steps of `spec` on the GPU and on the twin; the twin's fault is in B's u (the runaway variable). */
  async function spikingFault(spec: SpikingSpec, opts: CreateOptions = {}) {
    const gpu = await withoutValidationErrors(async () => {
      const sim = await createSimulation(spec, { chunkSteps: 50, ...opts });
      const out = await drive(sim, 400);
      sim.destroy();
      return out;
    });
    const ref = await drive(createReference(spec), 400);
    const fault = report(ref.error);
    expect(fault).toMatchObject({ population: 'B', variable: 'u' });
    return { gpu, ref, fault };
  }

  it('spiking: the GPU reports the twin\'s fault and delivers the twin\'s spikes and rows bit for bit', async () => {
    const { gpu, ref, fault } = await spikingFault(divergingSpiking());
    expect(fault.step).toBeGreaterThan(150);
    expect(report(gpu.error)).toEqual(fault);
    expect(gpu.spikes.length).toBeGreaterThan(50);
    expect(gpu.spikes.every((s) => Number(s.split(':')[1]) <= fault.step)).toBe(true);
    expect(gpu.spikes).toEqual(ref.spikes);
    for (const name of ['u', 'VA']) expect(gpu.rows.get(name)).toEqual(ref.rows.get(name));
    expect(gpu.rows.get('u')!.length).toBe(plannedRows(7, 0, fault.step + 1) * 2 * 9);
  });

  it('spiking, fused path (two models in one kernel): the twin\'s fault and spikes bit for bit', async () => {
    const spec = divergingSpiking();
    spec.record = spec.record!.filter((r) => r.what === 'spikes');
    const { gpu, ref, fault } = await spikingFault(spec, { fused: 'on' });
    expect(report(gpu.error)).toEqual(fault);
    expect(gpu.spikes.length).toBeGreaterThan(50);
    expect(gpu.spikes).toEqual(ref.spikes);
  });

  it('spiking: with the check off the run completes and u is not finite', async () => {
    const spec = divergingSpiking();
    const sim = await createSimulation(spec, { chunkSteps: 50, detectFaults: false });
    expect((await sim.run(400)).steps).toBe(400);
    const { state } = await sim.read();
    const u = sim.plan.pops[1];
    expect(state.subarray(u.stateBase + 2 * u.size, u.stateBase + 4 * u.size).every((v) => !Number.isFinite(v))).toBe(true);
    sim.destroy();
  });
});
