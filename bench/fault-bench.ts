/**
 * Cost of the numerical fault check (RuntimeOptions.detectFaults): the same network built twice, check on
 * and off, run alternately (on, off, on, off, ...) so that drift of a shared machine hits both alike;
 * each sample runs K steps (K chosen from a warm-up so that a sample takes about --target-ms) and waits
 * for GPU completion; warm-up excluded; median and spread of the wall time per step, and of the per-pair
 * ratios (on / off). Also the process's CPU time per step (user + system, all threads): on a software
 * adapter (lavapipe) the GPU's work runs in this process, and its CPU time is much less disturbed by
 * other processes on a shared machine than the wall time is.
 *   rate-dense:  one tanh population of N units with a dense Gaussian W (the matrix-vector kernel).
 *   rate-update: N units without projections (rate-update only): the check's worst case, where the step
 *                is nothing but the unit update.
 *   spiking:     the COBA network (4,000 neurons, Brian2's benchmark) with its recurrent synapses.
 *   node dist/fault-bench.mjs [--repeats 15] [--target-ms 300] [--dense 512] [--units 65536] [--json FILE] [--backend B]
 */
import { parseArgs } from 'node:util';
import { adapterReport } from '../engine/gpu/device.ts';
import { createSimulation } from '../engine/run/simulation.ts';
import type { NetworkSpec } from '../engine/spec/rate.ts';
import type { Simulation } from '../engine/simulation.ts';
import { coba } from '../scenarios/coba.ts';
import { finish, header, stats } from './harness.ts';

const { values: o } = parseArgs({
  options: {
    repeats: { type: 'string', default: '15' }, 'target-ms': { type: 'string', default: '300' }, dense: { type: 'string', default: '512' },
    units: { type: 'string', default: '65536' }, json: { type: 'string' }, backend: { type: 'string' },
  },
});
const repeats = Number(o.repeats);
const result: Record<string, unknown> = header('fault-check');

function rateSpec(N: number, dense: boolean): NetworkSpec {
  return {
    dt: 0.1, integrator: 'euler', seed: 1,
    populations: [{ name: 'x', size: N, tau: 10, activation: 'tanh', init: 0.1 }],
    projections: dense ? [{ name: 'W', from: 'x', to: 'x', weights: { type: 'gaussian', g: 1, seed: 3 } }] : [],
    inputs: [{ name: 'I', target: 'x', amplitude: 0.1 }],
  };
}

/** Wall and CPU milliseconds per step of `steps` steps, to GPU completion. */
async function sample(sim: Simulation & { gpu: { device: GPUDevice } }, steps: number): Promise<{ wall: number; cpu: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await sim.run(steps);
  await sim.gpu.device.queue.onSubmittedWorkDone();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / steps, cpu: (c.user + c.system) / 1000 / steps };
}

const cases: [string, unknown][] = [
  [`rate-dense N=${o.dense}`, rateSpec(Number(o.dense), true)],
  [`rate-update N=${o.units}`, rateSpec(Number(o.units), false)],
  ['spiking COBA 4000', coba.build({ steps: 100 }).spec],
];
const rows = [];
for (const [name, spec] of cases) {
  const on = await createSimulation(spec, { backend: o.backend, detectFaults: true });
  const off = await createSimulation(spec, { backend: o.backend, detectFaults: false });
  result.adapter ??= adapterReport(on.gpu);
  await sample(off, 50);
  const msPerStep = Math.min((await sample(on, 50)).wall, (await sample(off, 50)).wall);
  const steps = Math.max(20, Math.round(Number(o['target-ms']) / msPerStep));
  const m = { wallOn: [] as number[], wallOff: [] as number[], wallRatio: [] as number[], cpuOn: [] as number[], cpuOff: [] as number[], cpuRatio: [] as number[] };
  for (let r = 0; r < repeats; r++) {
    const a = await sample(on, steps);
    const b = await sample(off, steps);
    m.wallOn.push(a.wall * 1000); m.wallOff.push(b.wall * 1000); m.wallRatio.push(a.wall / b.wall);
    m.cpuOn.push(a.cpu * 1000); m.cpuOff.push(b.cpu * 1000); m.cpuRatio.push(a.cpu / b.cpu);
  }
  const row = {
    case: name, steps_per_sample: steps, repeats,
    wall_us_per_step_on: stats(m.wallOn), wall_us_per_step_off: stats(m.wallOff), wall_ratio_on_off: stats(m.wallRatio),
    cpu_us_per_step_on: stats(m.cpuOn), cpu_us_per_step_off: stats(m.cpuOff), cpu_ratio_on_off: stats(m.cpuRatio),
  };
  const show = (x: { median: number; min: number; max: number }, d = 1) => `${x.median.toFixed(d)} [${x.min.toFixed(d)}-${x.max.toFixed(d)}]`;
  console.error(`${name} (${steps} steps x ${repeats}): wall us/step on ${show(row.wall_us_per_step_on)}, off ${show(row.wall_us_per_step_off)}, on/off ${show(row.wall_ratio_on_off, 3)}; `
    + `CPU us/step on ${show(row.cpu_us_per_step_on)}, off ${show(row.cpu_us_per_step_off)}, on/off ${show(row.cpu_ratio_on_off, 3)}`);
  rows.push(row);
  on.destroy();
  off.destroy();
}
result.cases = rows;
finish(o.json, result);
