/**
 * Sweep benchmarks (issue 10), on the COBA network (scenarios/coba.ts, 4000 neurons) swept over the
 * excitatory drive populations.E.params.I_drive (a per-instance key), every point run for the same
 * --duration-ms of biological time:
 *   throughput: POINTS points as one `lamina sweep` (one batch), as POINTS separate `lamina run` processes
 *               (each point's own spec: the same network, drive and seed as its sweep row) and as a
 *               POINTS-point Brian2 loop in one Python process (bench/peers/brian2_coba.py --drives,
 *               cython target): wall time of the whole command (process start, builds, runs) and points
 *               per second, median [min - max] over --repeats.
 *   batch:      one process, one simulation per batch size B (--batches): after 100 warm-up steps, the
 *               wall time of the run (median over --repeats) and the efficiency time(B) / (B x time(1)):
 *               1 means a batch saves nothing over B runs one after the other, smaller is better.
 *   node dist/sweep-bench.mjs [--duration-ms 200] [--points 64] [--batches 1,4,16,64] [--repeats 3]
 *     [--only throughput|batch] [--no-brian2] [--no-runs] [--json FILE] [--backend B]
 * Build first (node scripts/build.mjs): the lamina processes are bin/lamina.js of this checkout.
 */
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpikingSimulation } from '../engine/run/spiking-simulation.ts';
import { adapterReport } from '../engine/gpu/device.ts';
import type { SpikingSpec } from '../engine/spec/spiking.ts';
import { coba } from '../scenarios/coba.ts';
import { batchSpec, resolveBase } from '../scenarios/sweep/base.ts';
import { validateSweep } from '../scenarios/sweep/format.ts';
import { enumerateRuns, runSeed } from '../scenarios/sweep/points.ts';
import { finish, header, stats } from './harness.ts';

const { values: o } = parseArgs({
  options: {
    'duration-ms': { type: 'string', default: '200' }, points: { type: 'string', default: '64' }, batches: { type: 'string', default: '1,4,16,64' },
    repeats: { type: 'string', default: '3' }, only: { type: 'string' }, 'no-brian2': { type: 'boolean' }, 'no-runs': { type: 'boolean' },
    json: { type: 'string' }, backend: { type: 'string' },
  },
});
const DT = 0.1;
const durationMs = Number(o['duration-ms']), points = Number(o.points), repeats = Number(o.repeats);
const steps = Math.round(durationMs / DT);
if (!(steps >= 1) || !(points >= 1) || !(repeats >= 1)) throw new Error('--duration-ms, --points and --repeats must be positive');
/** The drives of the points [mV]: COBA's 20 mV in the middle of the range. */
const DRIVE = { from: 18, to: 22 };
const result: Record<string, unknown> = { ...header('sweep'), duration_ms: durationMs, steps, points, repeats };
const work = mkdtempSync(join(tmpdir(), 'lamina-sweep-bench-'));
const backendArgs = o.backend ? ['--backend', o.backend] : [];

/** Wall seconds of a command, which must succeed. */
function timed(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const p = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (p.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${p.status}: ${p.stderr.slice(-2000)}`);
  return wall;
}

function rate(wall: number[]) {
  const s = stats(wall);
  return { wall_s: s, points_per_s: { median: points / s.median, min: points / s.max, max: points / s.min } };
}

if (o.only === undefined || o.only === 'throughput') {
  const sweepFile = join(work, 'sweep.json');
  writeFileSync(sweepFile, JSON.stringify({
    base: 'coba', steps, seed: 1,
    axes: [{ path: 'populations.E.params.I_drive', range: { ...DRIVE, steps: points } }],
    metrics: [{ metric: 'rate', population: 'E' }],
  }));
  const sweepWalls: number[] = [];
  let table: { rate_E: number; batch: number }[] = [];
  for (let r = 0; r < repeats; r++) {
    const out = join(work, `sweep-${r}`);
    sweepWalls.push(timed(process.execPath, ['bin/lamina.js', 'sweep', sweepFile, '--out', out, '--max-batch', String(points), '--quiet', ...backendArgs]));
    // The table through the CSV export (this program loads no SQLite module: its batch part runs on a device machine without one).
    timed(process.execPath, ['bin/lamina.js', 'sweep', 'export', out, '--csv', '--quiet']);
    const [head, ...lines] = readFileSync(join(out, 'points.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const col = (name: string) => head.indexOf(name);
    table = lines.filter((l) => l[col('status')] === 'done').map((l) => ({ rate_E: Number(l[col('rate_E')]), batch: Number(l[col('batch')]) }));
    if (table.length !== points) throw new Error(`the sweep finished ${table.length} of ${points} points`);
    rmSync(out, { recursive: true, force: true });
  }
  const lamina = { ...rate(sweepWalls), batches: new Set(table.map((x) => x.batch)).size, mean_rate_e_hz: table.reduce((a, x) => a + x.rate_E, 0) / points };
  console.error(`sweep: ${points} points in ${lamina.batches} batch(es), ${lamina.wall_s.median.toFixed(1)} s, ${lamina.points_per_s.median.toFixed(3)} points/s`);
  const throughput: Record<string, unknown> = { lamina_sweep: lamina };

  if (!o['no-runs']) {
    // Each point's spec as the sweep builds it (batch of one: its drive and seed), recording E's spikes.
    const sweep = validateSweep(JSON.parse(readFileSync(sweepFile, 'utf8')));
    const runs = enumerateRuns(sweep);
    const base = resolveBase(sweep, sweepFile, runs[0].point.params);
    const specs = runs.map((run, k) => {
      const file = join(work, `point-${k}.json`);
      writeFileSync(file, JSON.stringify({ ...batchSpec(base, [run], [{ name: 'spikes_E', population: 'E', what: 'spikes' }]), steps }));
      return file;
    });
    const walls: number[] = [];
    let rates: number[] = [];
    for (let r = 0; r < repeats; r++) {
      rates = [];
      const t0 = performance.now();
      specs.forEach((file, k) => {
        const out = join(work, `run-${k}`);
        timed(process.execPath, ['bin/lamina.js', 'run', file, '--out', out, '--quiet', ...backendArgs]);
        const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { populations: { population: string; mean_rate_hz: number[] }[] };
        rates.push(summary.populations.find((p) => p.population === 'E')!.mean_rate_hz[0]);
        rmSync(out, { recursive: true, force: true });
      });
      walls.push((performance.now() - t0) / 1000);
    }
    // Instance independence: each process gives its sweep row's rate.
    const maxDiff = Math.max(...rates.map((x, k) => Math.abs(x - table[k].rate_E)));
    throughput.lamina_runs = { ...rate(walls), max_rate_difference_to_sweep_hz: maxDiff };
    console.error(`${points} lamina run processes: ${stats(walls).median.toFixed(1)} s, ${(points / stats(walls).median).toFixed(3)} points/s (largest rate difference to the sweep rows ${maxDiff} Hz)`);
  }

  if (!o['no-brian2']) {
    const drives = Array.from({ length: points }, (_, k) => (points === 1 ? DRIVE.from : DRIVE.from + (k * (DRIVE.to - DRIVE.from)) / (points - 1)));
    const walls: number[] = [];
    let last: Record<string, unknown> = {};
    for (let r = 0; r < repeats; r++) {
      const file = join(work, 'brian2.json');
      walls.push(timed('/usr/bin/python3', ['bench/peers/brian2_coba.py', '--duration', String(durationMs / 1000), '--target', 'cython', '--drives', drives.join(','), '--json', file]));
      last = JSON.parse(readFileSync(file, 'utf8'));
    }
    const rates = last.mean_rate_hz as number[];
    throughput.brian2_loop = { ...rate(walls), loop_wall_s_last: last.loop_wall_s, mean_rate_hz: rates.reduce((a, x) => a + x, 0) / rates.length, version: last.brian2_version, target: 'cython' };
    console.error(`Brian2 ${points}-point loop: ${stats(walls).median.toFixed(1)} s, ${(points / stats(walls).median).toFixed(3)} points/s`);
  }
  result.throughput = throughput;
}

if (o.only === undefined || o.only === 'batch') {
  const sizes = o.batches!.split(',').map(Number);
  const rows: Record<string, unknown>[] = [];
  let one: number | undefined;
  for (const b of sizes) {
    const spec = coba.build({ steps }).spec as SpikingSpec;
    const sim = await SpikingSimulation.create({ ...spec, record: [], batch: { size: b, params: { seed: Array.from({ length: b }, (_, k) => runSeed(1, k, 0)) } } }, { backend: o.backend });
    result.adapter ??= adapterReport(sim.gpu);
    await sim.run(100);
    const walls: number[] = [];
    for (let r = 0; r < repeats; r++) walls.push((await sim.run(steps)).wallSeconds);
    sim.destroy();
    const s = stats(walls);
    one ??= b === 1 ? s.median : undefined;
    const efficiency = one === undefined ? null : s.median / (b * one);
    rows.push({ batch: b, wall_s: s, build_s: sim.buildSeconds, wall_s_per_instance: s.median / b, efficiency });
    console.error(`batch ${b}: ${s.median.toFixed(2)} s [${s.min.toFixed(2)} - ${s.max.toFixed(2)}]${efficiency === null ? '' : `, time(B) / (B x time(1)) = ${efficiency.toFixed(3)}`}`);
  }
  result.batch = rows;
}

rmSync(work, { recursive: true, force: true });
finish(o.json, result);
