/**
 * Spiking benchmarks.
 *   coba:     Brette et al. (2007) COBA, 1 biological second, Lamina and Brian2 (cython, warm cache) side by
 *             side on the same network (Brian2 loads Lamina's synapses): wall seconds per biological second.
 *   overhead: a 1,000-neuron LIF network (fixed in-degree 100, Poisson drive): steps per second, which
 *             exposes launch and scheduling cost.
 *   scaling:  the COBA network (80 % excitatory, the same neuron model and weights) with in-degree 80 from
 *             4k to 1M neurons: stored fixed in-degree up to --procedural-from neurons, procedural
 *             fixed-total (the same mean in-degree) from there on; real-time factor against size.
 *   microcircuit (with --microcircuit SECONDS): the full-scale Potjans-Diesmann microcircuit (Poisson
 *             background), procedural and stored synapses: build time and real-time factor over SECONDS
 *             biological seconds after a 0.1 s warm-up.
 *   recording (with --record-seconds S): the full-scale microcircuit (stored synapses) for S biological
 *             seconds with every spike recorded to .npy as it comes: spikes written, file size and the
 *             process's peak resident memory, which must not grow with the run's length.
 *   node dist/spiking-bench.mjs [--repeats 3] [--json FILE] [--no-brian2] [--backend B] [--microcircuit 1]
 *     [--record-seconds 10]
 *     [--scaling 4000,16000,64000,256000,1000000] [--procedural-from 256000] [--scaling-steps 1000]
 */
import { parseArgs } from 'node:util';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { runToDirectory } from '../scenarios/run.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { SpikingSimulation } from '../engine/run/spiking-simulation.ts';
import { adapterReport } from '../engine/gpu/device.ts';
import { writeNpy } from '../engine/node/npy-files.ts';
import { coba, exportNetwork } from '../scenarios/coba.ts';
import { microcircuit } from '../scenarios/microcircuit.ts';
import type { SpikingSpec } from '../engine/spec/spiking.ts';
import { finish, header, stats } from './harness.ts';
import { smallNetwork } from './networks.ts';

const { values: o } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' }, json: { type: 'string' }, 'no-brian2': { type: 'boolean' }, backend: { type: 'string' },
    scaling: { type: 'string', default: '4000,16000,64000' }, 'procedural-from': { type: 'string', default: '256000' },
    'scaling-steps': { type: 'string', default: '1000' }, microcircuit: { type: 'string' }, 'record-seconds': { type: 'string' },
  },
});
const repeats = Number(o.repeats);
const result: Record<string, unknown> = header('spiking');

// COBA: build, 100 warm-up steps, then `repeats` timed biological seconds (10,000 steps each).
{
  const run = coba.build({ steps: 100 });
  const sim = await SpikingSimulation.create(run.spec, { backend: o.backend });
  result.adapter = adapterReport(sim.gpu);
  await sim.run(100);
  const walls: number[] = [];
  let spikes = 0;
  for (let r = 0; r < repeats; r++) {
    const t = await sim.run(10000, { onSpikes: (_n, s) => { spikes += s.length; } });
    walls.push(t.wallSeconds);
  }
  const lamina = { wall_s_per_bio_s: stats(walls), build_s: sim.buildSeconds, mean_rate_hz: spikes / 4000 / repeats, path: sim.path };
  console.error(`COBA Lamina: ${lamina.wall_s_per_bio_s.median.toFixed(3)} s per biological second (min ${lamina.wall_s_per_bio_s.min.toFixed(3)}, max ${lamina.wall_s_per_bio_s.max.toFixed(3)}), ${lamina.mean_rate_hz.toFixed(2)} Hz`);
  const dir = mkdtempSync(join(tmpdir(), 'lamina-coba-bench-'));
  for (const [name, a] of Object.entries(exportNetwork(sim.plan))) writeNpy(join(dir, `${name}.npy`), a.data, a.shape);
  sim.destroy();
  let brian2: unknown = 'not run';
  if (!o['no-brian2']) {
    const walls2: number[] = [];
    let last: Record<string, unknown> = {};
    for (let r = 0; r < repeats; r++) {
      const p = spawnSync('/usr/bin/python3', ['bench/peers/brian2_coba.py', '--network', dir, '--duration', '1', '--target', 'cython', '--json', join(dir, 'b.json')], { encoding: 'utf8' });
      if (p.status !== 0) throw new Error(`brian2_coba.py failed: ${p.stderr}`);
      last = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'));
      walls2.push(last.wall_s_per_bio_s as number);
    }
    brian2 = { wall_s_per_bio_s: stats(walls2), mean_rate_hz: last.mean_rate_hz, version: last.brian2_version, target: 'cython (warm cache)' };
    console.error(`COBA Brian2: ${stats(walls2).median.toFixed(3)} s per biological second; Lamina / Brian2 = ${(lamina.wall_s_per_bio_s.median / stats(walls2).median).toFixed(2)}`);
  }
  result.coba = { lamina, brian2 };
}

// Per-step overhead: 1,000 neurons.
{
  const spec = smallNetwork(false);
  const sim = await SpikingSimulation.create(spec, { backend: o.backend });
  await sim.run(1000);
  const rates: number[] = [];
  for (let r = 0; r < repeats; r++) rates.push(10000 / (await sim.run(10000)).wallSeconds);
  sim.destroy();
  // Fused (engine/plan/spiking-path.ts): one dispatch per chunk; else neuron-update and synapse-spike per step.
  result.overhead_1000_neurons = { steps_per_s: stats(rates), path: sim.path, dispatches_per_step: sim.path.kind === 'fused' ? 1 / sim.chunkSteps : 2 };
  console.error(`1,000-neuron network: ${stats(rates).median.toFixed(0)} steps per second`);
}
// Scaling: the COBA network at growing size, in-degree 80.
{
  const rows = [];
  for (const n of o.scaling!.split(',').map(Number).filter((x) => x > 0)) {
    const nE = Math.round(0.8 * n), nI = n - nE, K = 80;
    const procedural = n >= Number(o['procedural-from']);
    // Stored: every neuron receives round(K * N_source / N) synapses from each source population.
    const conn = (from: number) => ({ type: 'fixed-indegree' as const, k: Math.round((K * from) / n) });
    const base = coba.build({ steps: 100 }).spec;
    const spec: SpikingSpec = {
      ...base,
      populations: [{ ...base.populations[0], size: nE }, { ...base.populations[1], size: nI }],
      projections: [
        { name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity: procedural ? { type: 'fixed-total', n: Math.round(0.8 * K * nE), procedural: true } : conn(nE), weight: 0.6, delay: 0.1 },
        { name: 'EI', from: 'E', to: 'I', port: 'exc', connectivity: procedural ? { type: 'fixed-total', n: Math.round(0.8 * K * nI), procedural: true } : conn(nE), weight: 0.6, delay: 0.1 },
        { name: 'IE', from: 'I', to: 'E', port: 'inh', connectivity: procedural ? { type: 'fixed-total', n: Math.round(0.2 * K * nE), procedural: true } : conn(nI), weight: 6.7, delay: 0.1 },
        { name: 'II', from: 'I', to: 'I', port: 'inh', connectivity: procedural ? { type: 'fixed-total', n: Math.round(0.2 * K * nI), procedural: true } : conn(nI), weight: 6.7, delay: 0.1 },
      ],
      record: [],
    };
    const t0 = performance.now();
    const sim = await SpikingSimulation.create(spec, { backend: o.backend });
    const build = (performance.now() - t0) / 1000;
    await sim.run(100);
    const steps = Number(o['scaling-steps']);
    const walls: number[] = [];
    for (let r = 0; r < repeats; r++) walls.push((await sim.run(steps)).wallSeconds / (steps * 1e-4));
    sim.destroy();
    const row = { neurons: n, synapses: n * K, procedural, build_s: build, realtime_factor: stats(walls) };
    rows.push(row);
    console.error(`scaling ${n} neurons (${procedural ? 'procedural' : 'stored'}): real-time factor ${row.realtime_factor.median.toFixed(3)} (build ${build.toFixed(1)} s)`);
  }
  result.scaling = rows;
}
if (o.microcircuit) {
  const seconds = Number(o.microcircuit);
  const rows = [];
  for (const procedural of [true, false]) {
    const run = microcircuit.build({ scale: 1, procedural, steps: 1000 });
    const t0 = performance.now();
    const sim = await SpikingSimulation.create({ ...run.spec, record: [] }, { backend: o.backend });
    const build = (performance.now() - t0) / 1000;
    await sim.run(1000);
    const steps = Math.round((seconds * 1000) / run.spec.dt);
    const t = await sim.run(steps);
    sim.destroy();
    const synapses = [...sim.plan.procedural, ...sim.plan.generated].reduce((a, p) => a + p.synapses, 0);
    rows.push({ neurons: 77169, synapses, procedural, build_s: build, biological_s: seconds, wall_s: t.wallSeconds, realtime_factor: t.wallSeconds / seconds });
    console.error(`microcircuit full scale (${procedural ? 'procedural' : 'stored, built on the GPU'}): real-time factor ${(t.wallSeconds / seconds).toFixed(3)} (build ${build.toFixed(2)} s)`);
  }
  result.microcircuit = rows;
}
if (o['record-seconds']) {
  const seconds = Number(o['record-seconds']);
  const out = mkdtempSync(join(tmpdir(), 'lamina-record-'));
  let peak = process.memoryUsage().rss;
  const rssAt: number[] = [];
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); rssAt.push(process.memoryUsage().rss); }, 250);
  const t0 = performance.now();
  const { summary } = await runToDirectory({ target: 'microcircuit', out, scale: 1, steps: Math.round(seconds * 10000), backend: o.backend, progress: (m) => console.error(m) });
  clearInterval(timer);
  const files = readdirSync(out).filter((f) => f.startsWith('spikes_'));
  const bytes = files.reduce((a, f) => a + statSync(join(out, f)).size, 0);
  const spikes = (summary.populations as { spikes: number[] }[]).reduce((a, p) => a + p.spikes[0], 0);
  result.recording = {
    biological_s: seconds, wall_s: (performance.now() - t0) / 1000, spikes, spike_file_bytes: bytes,
    peak_rss_mib: peak / 2 ** 20, rss_first_quarter_mib: Math.max(...rssAt.slice(0, Math.max(1, rssAt.length >> 2))) / 2 ** 20,
  };
  console.error(`recording ${seconds} s of the full microcircuit: ${spikes} spikes (${(bytes / 2 ** 20).toFixed(1)} MiB on disk), peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`);
}
finish(o.json, result);
