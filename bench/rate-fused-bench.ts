/**
 * The fused rate path against the multi-dispatch path, side by side in one process, with numpy's float32
 * step (x += dt/tau (-x + W tanh x + I), python3) in the same rounds: for each size N and batch B both
 * simulations are built first, then every round times `steps` steps of each (alternating order) and of
 * numpy, microseconds per step. Where the fused path's advantage ends sets RATE_FUSED_MAX_UNITS
 * (engine/plan/rate-path.ts).
 *   node dist/rate-fused-bench.mjs [--rounds 5] [--steps 512] [--sizes 64,128,256,512,1024,2048]
 *     [--batches 1,8] [--chunk 256] [--no-numpy] [--json FILE] [--backend B]
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { RateSimulation } from '../engine/run/rate-simulation.ts';
import { adapterReport } from '../engine/gpu/device.ts';
import { finish, header, stats } from './harness.ts';
import { denseRateNetwork } from './networks.ts';

const { values: o } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' }, steps: { type: 'string', default: '512' }, sizes: { type: 'string', default: '64,128,256,512,1024,2048' },
    batches: { type: 'string', default: '1,8' }, chunk: { type: 'string', default: '256' }, 'no-numpy': { type: 'boolean' }, json: { type: 'string' }, backend: { type: 'string' },
  },
});
const rounds = Number(o.rounds), steps = Number(o.steps);
const result: Record<string, unknown> = header('rate-fused');

/** numpy's float32 step for B instances of N units, `count` steps: microseconds per step (best of 3 loops). */
function numpyStep(N: number, B: number, count: number): number {
  const code = `
import numpy as np, time
N, B, K = ${N}, ${B}, ${count}
rng = np.random.default_rng(0)
W = (rng.standard_normal((N, N)) / np.sqrt(N)).astype(np.float32)
x = np.full((N, B) if B > 1 else N, 0.1, np.float32)
a = np.float32(0.1 / 10); I = np.float32(0.1)
best = 1e9
for _ in range(3):
    t = time.perf_counter()
    for _ in range(K): x += a * (-x + W @ np.tanh(x) + I)
    best = min(best, (time.perf_counter() - t) / K)
print(best * 1e6)`;
  return Number(execFileSync('python3', ['-c', code], { encoding: 'utf8' }).trim());
}

const rows = [];
for (const B of o.batches!.split(',').map(Number)) {
  for (const N of o.sizes!.split(',').map(Number)) {
    const sims = [await RateSimulation.create(denseRateNetwork(N, B), { backend: o.backend, fused: 'on', chunkSteps: Number(o.chunk) }), await RateSimulation.create(denseRateNetwork(N, B), { backend: o.backend, fused: 'off', chunkSteps: Number(o.chunk) })];
    result.adapter ??= adapterReport(sims[0].gpu);
    for (const s of sims) await s.stepsToCompletion(64);
    const us: number[][] = [[], [], []];
    const ratio: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const k of r % 2 ? [1, 0] : [0, 1]) {
        const t0 = performance.now();
        await sims[k].stepsToCompletion(steps);
        us[k].push(((performance.now() - t0) * 1000) / steps);
      }
      ratio.push(us[0][r] / us[1][r]);
      if (!o['no-numpy']) us[2].push(numpyStep(N, B, Math.max(20, Math.min(steps, Math.round(2e8 / (N * N * B))))));
    }
    const read = await Promise.all(sims.map((s) => s.read()));
    const diff = read[0].rate.reduce((m, v, i) => Math.max(m, Math.abs(v - read[1].rate[i])), 0);
    for (const s of sims) s.destroy();
    const row = { N, B, fused_us: stats(us[0]), multi_us: stats(us[1]), fused_over_multi: stats(ratio), numpy_us: us[2].length ? stats(us[2]) : undefined, max_abs_rate_diff: diff };
    rows.push(row);
    const f = (x: { median: number; min: number; max: number }) => `${x.median.toFixed(1)} [${x.min.toFixed(1)} - ${x.max.toFixed(1)}]`;
    console.error(`N ${N} B ${B}: fused ${f(row.fused_us)} us/step, multi ${f(row.multi_us)}, ratio ${f(row.fused_over_multi)}${row.numpy_us ? `, numpy ${f(row.numpy_us)}` : ''}`);
  }
}
result.rows = rows;
finish(o.json, result);
