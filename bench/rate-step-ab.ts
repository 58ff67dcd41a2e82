/**
 * The dense rate step (bench/networks.ts denseRateNetwork) with two matrix-vector kernel shapes side by
 * side in one process: synapse-dense at one row per invocation (matvecThreadsPerRow 1, the CPU default
 * before issue 11) against synapse-dense-rows (the CPU default now), in rotating order: wall time per
 * step, the CPU time per step of every thread but the main one (lavapipe's workers and Dawn's) and of the
 * main thread (the rest of the process: encoding, and polling Dawn while it waits).
 *   node dist/rate-step-ab.mjs [--n 1024] [--batch 1] [--steps 400] [--rounds 5] [--chunk 100]
 */
import { parseArgs } from 'node:util';
import { RateSimulation } from '../engine/run/rate-simulation.ts';
import type { KernelTuning } from '../engine/run/rate-context.ts';
import { otherThreadsCpu, stats } from './harness.ts';
import { denseRateNetwork } from './networks.ts';

const { values: o } = parseArgs({ options: {
  n: { type: 'string', default: '1024' }, batch: { type: 'string', default: '1' }, steps: { type: 'string', default: '400' },
  rounds: { type: 'string', default: '5' }, chunk: { type: 'string', default: '100' }, rpi: { type: 'string' },
} });
const N = Number(o.n), B = Number(o.batch), steps = Number(o.steps), rounds = Number(o.rounds);

const shapes: [string, KernelTuning][] = [['synapse-dense, 1 row per invocation', { matvecThreadsPerRow: 1 }], ['synapse-dense-rows', o.rpi ? { matvecRowsPerInvocation: Number(o.rpi) } : {}]];
const sims = [];
for (const [, tuning] of shapes) {
  const s = await RateSimulation.create(denseRateNetwork(N, B), { chunkSteps: Number(o.chunk), tuning });
  await s.stepsToCompletion(20);
  sims.push(s);
}
const wall = shapes.map(() => [] as number[]), cpu = shapes.map(() => [] as number[]), main = shapes.map(() => [] as number[]);
const processCpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
for (let r = 0; r < rounds; r++) {
  for (let q = 0; q < shapes.length; q++) {
    const k = (q + r) % shapes.length;
    const c0 = otherThreadsCpu(), p0 = processCpu(), t0 = performance.now();
    await sims[k].stepsToCompletion(steps);
    wall[k].push(((performance.now() - t0) * 1000) / steps);
    const others = otherThreadsCpu() - c0;
    cpu[k].push((others * 1e6) / steps);
    main[k].push(((processCpu() - p0 - others) * 1e6) / steps);
  }
}
console.log(`N = ${N}, B = ${B}, ${steps} steps per sample, ${rounds} rounds: us per step, median [min - max]; CPU us per step (median) of the other threads (lavapipe's workers) and of the main thread`);
for (const [k, [name]] of shapes.entries()) {
  const w = stats(wall[k]);
  console.log(`${name.padEnd(40)} ${w.median.toFixed(0).padStart(6)} [${w.min.toFixed(0)} - ${w.max.toFixed(0)}]  cpu ${stats(cpu[k]).median.toFixed(0)}, main ${stats(main[k]).median.toFixed(0)}  kernels: ${sims[k].kernelNames.map((x) => x.name).join(', ')}`);
}
const ratio = stats(wall[1].map((x, i) => x / wall[0][i]));
console.log(`new / old, per round: ${ratio.median.toFixed(3)} [${ratio.min.toFixed(3)} - ${ratio.max.toFixed(3)}]`);
for (const s of sims) s.destroy();
process.exit(0);
