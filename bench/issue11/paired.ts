/**
 * Issue 11's lavapipe rows, BEFORE (a base commit's build) and AFTER (this working tree) in one process,
 * with the peers in the same run: every round runs each contestant of a row once, the order rotating
 * from round to round, so that the shared machine's drift falls on all of them alike. bench/issue11.sh
 * bundles this file with @before/* aliased to the base tree's modules.
 *   coba:       COBA (4,000 LIF, scenarios/coba.ts), --seconds biological seconds per sample: before, after,
 *               Brian2 cython on the same network (bench/peers/brian2_coba.py --serve loads Lamina's synapses).
 *   small:      the 1,000-neuron network (bench/networks.ts), --small-steps per sample: steps/s; before,
 *               after, Brian2 cython (bench/peers/brian2_small.py: same model, in-degree and drive).
 *   rate:       the dense rate step N = 1024, B = 1 (us/step): before, after, numpy float32 and torch CPU
 *               if importable (bench/peers/cpu_rate.py); each sample >= --rate-ms.
 *   batch:      COBA with B = 64 against B = 1, --batch-steps per sample: the throughput gain
 *               (instance-seconds per second at B = 64 over B = 1) of each build.
 *   plasticity: the plasticity benchmark's network (bench/networks.ts) at --plasticity-neurons, static and
 *               STDP, --plasticity-steps per sample: STDP's cost (time per step over static's) of each build.
 *   node dist/issue11/paired.mjs --json FILE --md FILE [--only coba,small,rate,batch,plasticity] [--rounds 7]
 *     [--seconds 1] [--small-steps 10000] [--rate-ms 200] [--batch-steps 1000] [--plasticity-neurons 100000]
 *     [--plasticity-steps 200] [--base COMMIT] [--head DESCRIPTION] [--command TEXT]
 * Every ratio is a ratio of times (wall time per unit of work; below 1 the first is faster), except the
 * batch row's after / before, a ratio of gains (above 1 after gains more).
 */
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: aliased to the base tree's module by bench/issue11.sh
import * as rateBefore from '@before/rate';
// @ts-expect-error: aliased to the base tree's module by bench/issue11.sh
import * as spikingBefore from '@before/spiking';
import { RateSimulation } from '../../engine/run/rate-simulation.ts';
import { SpikingSimulation } from '../../engine/run/spiking-simulation.ts';
import { adapterReport } from '../../engine/gpu/device.ts';
import { writeNpy } from '../../engine/node/npy-files.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';
import { coba, exportNetwork } from '../../scenarios/coba.ts';
import { stats } from '../harness.ts';
import { denseRateNetwork, plasticityNetwork, smallNetwork } from '../networks.ts';
import { Peer } from './peer.ts';
import { markdown, type Row, type Stat } from './table.ts';

const { values: o } = parseArgs({ options: {
  json: { type: 'string' }, md: { type: 'string' }, only: { type: 'string', default: 'coba,small,rate,batch,plasticity' },
  rounds: { type: 'string', default: '7' }, seconds: { type: 'string', default: '1' }, 'small-steps': { type: 'string', default: '10000' },
  'rate-ms': { type: 'string', default: '200' }, 'batch-steps': { type: 'string', default: '1000' },
  'plasticity-neurons': { type: 'string', default: '100000' }, 'plasticity-steps': { type: 'string', default: '200' },
  base: { type: 'string', default: '?' }, head: { type: 'string', default: '?' }, command: { type: 'string', default: '' },
} });
const rounds = Number(o.rounds);
const only = o.only!.split(',');
type Spiking = typeof SpikingSimulation;
type Rate = typeof RateSimulation;
const builds: { name: 'before' | 'after'; Spiking: Spiking; Rate: Rate }[] = [
  { name: 'before', Spiking: spikingBefore.SpikingSimulation as Spiking, Rate: (rateBefore.RateSimulation ?? rateBefore.Simulation) as Rate },
  { name: 'after', Spiking: SpikingSimulation, Rate: RateSimulation },
];
const out: Record<string, unknown> = { bench: 'issue11', date: new Date().toISOString(), base: o.base, head: o.head, command: o.command, rounds, rows: [] as Row[] };
const rows = out.rows as Row[];

/** One contestant's sample: the time per unit of work (lower is faster) and the spikes it produced. */
type Sample = () => Promise<{ time: number; spikes?: number }>;

/** `rounds` rounds over the contestants, each round in an order rotated by one: each one's times and spike counts. */
async function rotate(samples: Sample[]): Promise<{ times: number[][]; spikes: number[] }> {
  const times = samples.map(() => [] as number[]), spikes = samples.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < samples.length; k++) {
      const i = (k + r) % samples.length;
      const s = await samples[i]();
      times[i].push(s.time);
      spikes[i] += s.spikes ?? 0;
    }
  }
  return { times, spikes };
}

/** Per-round ratio a / b of two contestants' times. */
const ratio = (a: number[], b: number[]): Stat => stats(a.map((x, k) => x / b[k]));

/** A Lamina sample of `steps` steps of `sim`: wall time scaled by `per` (e.g. per biological second). */
function laminaSample(sim: SpikingSimulation, steps: number, per: number): Sample {
  return async () => {
    let spikes = 0;
    const t = await sim.run(steps, { onSpikes: (_r, s) => { spikes += s.length; } });
    return { time: t.wallSeconds / per, spikes };
  };
}
const peerSample = (peer: Peer, steps: number, per: number): Sample => async () => {
  const a = await peer.steps(steps);
  return { time: a.wall_s / per, spikes: a.spikes as number | undefined };
};

function addRow(row: Row): void {
  rows.push(row);
  console.error(`${row.what}: before ${row.before.median.toPrecision(4)}, after ${row.after.median.toPrecision(4)} ${row.unit}; after / before ${row.after_over_before.median.toFixed(3)} [${row.after_over_before.min.toFixed(3)} - ${row.after_over_before.max.toFixed(3)}]`
    + Object.entries(row.peers).map(([p, v]) => `; ${p} ${v.value.median.toPrecision(4)}, after / ${p} ${v.after_over_peer.median.toFixed(3)}`).join(''));
  if (row.same_spikes === false) console.error(`WARNING: ${row.what}: before and after produced different spike counts (${JSON.stringify(row.spikes)})`);
}

/** Both builds' simulations of `spec` (batch B), 100 warm-up steps each. */
async function spikingPair(spec: SpikingSpec, batch = 1): Promise<SpikingSimulation[]> {
  const sims: SpikingSimulation[] = [];
  for (const b of builds) {
    const s = await b.Spiking.create(spec, { batch });
    await s.run(100);
    sims.push(s);
  }
  out.adapter ??= adapterReport(sims[1].gpu);
  return sims;
}

if (only.includes('coba')) {
  const seconds = Number(o.seconds), steps = Math.round(seconds * 1e4);
  const spec = coba.build({ steps: 100 }).spec;
  const sims = await spikingPair(spec);
  const dir = mkdtempSync(join(tmpdir(), 'lamina-issue11-coba-'));
  for (const [name, a] of Object.entries(exportNetwork(sims[1].plan))) writeNpy(join(dir, `${name}.npy`), a.data, a.shape);
  const brian2 = await Peer.start(['bench/peers/brian2_coba.py', '--network', dir, '--serve']);
  const r = await rotate([laminaSample(sims[0], steps, seconds), laminaSample(sims[1], steps, seconds), peerSample(brian2, steps, seconds)]);
  addRow(spikingRow('COBA, 4,000 LIF', 's per biological s', r, { brian2: brian2.info }, 'after <= Brian2 cython', sims[1], steps, 4000));
  brian2.close(); rmSync(dir, { recursive: true, force: true });
  for (const s of sims) s.destroy();
}

if (only.includes('small')) {
  const steps = Number(o['small-steps']);
  const sims = await spikingPair(smallNetwork(true));
  const brian2 = await Peer.start(['bench/peers/brian2_small.py', '--serve']);
  // Time per step [us]; the table also gives steps/s.
  const r = await rotate([laminaSample(sims[0], steps, steps / 1e6), laminaSample(sims[1], steps, steps / 1e6), peerSample(brian2, steps, steps / 1e6)]);
  addRow(spikingRow('1,000-neuron network', 'us per step', r, { brian2: brian2.info }, 'after >= Brian2 cython in steps/s', sims[1], steps, 1000));
  brian2.close();
  for (const s of sims) s.destroy();
}

/** A row of before, after and peers, with rates and whether both builds spiked alike. */
function spikingRow(what: string, unit: string, r: { times: number[][]; spikes: number[] }, peers: Record<string, unknown>, target: string, after: SpikingSimulation, steps: number, neurons: number): Row {
  const rate = (spikes: number) => spikes / neurons / (rounds * steps * 1e-4);
  return {
    what, unit, target, before: stats(r.times[0]), after: stats(r.times[1]), after_over_before: ratio(r.times[1], r.times[0]),
    peers: Object.fromEntries(Object.entries(peers).map(([p, info], k) => [p, { info, value: stats(r.times[2 + k]), after_over_peer: ratio(r.times[1], r.times[2 + k]), before_over_peer: ratio(r.times[0], r.times[2 + k]), mean_rate_hz: rate(r.spikes[2 + k]) }])),
    spikes: r.spikes.slice(0, 2), same_spikes: r.spikes[0] === r.spikes[1], mean_rate_hz: rate(r.spikes[1]), after_path: (after as { path?: unknown }).path ?? null,
  };
}

if (only.includes('rate')) {
  const N = 1024, B = 1;
  const spec = denseRateNetwork(N, B);
  const sims: RateSimulation[] = [];
  for (const b of builds) sims.push(await b.Rate.create(spec, { chunkSteps: 100 }));
  for (const s of sims) await s.stepsToCompletion(20);
  const peers = [await Peer.start(['bench/peers/cpu_rate.py', '--lib', 'numpy', '--n', String(N), '--b', String(B)])];
  const torch = await Peer.start(['bench/peers/cpu_rate.py', '--lib', 'torch', '--n', String(N), '--b', String(B)]).catch((e: Error) => {
    console.error(`torch CPU peer not run: ${e.message.split('\n').at(-1)}`);
    return undefined;
  });
  if (torch) peers.push(torch);
  // Steps per sample: doubled until a sample takes >= --rate-ms (Lamina: the before build's; each peer its own).
  const target = Number(o['rate-ms']);
  const lamina = await calibrate(async (k) => { const t0 = performance.now(); await sims[0].stepsToCompletion(k); return performance.now() - t0; }, target);
  const peerSteps: number[] = [];
  for (const p of peers) peerSteps.push(await calibrate(async (k) => (await p.steps(k)).wall_s * 1000, target));
  const r = await rotate([
    ...sims.map((s): Sample => async () => { const t0 = performance.now(); await s.stepsToCompletion(lamina); return { time: ((performance.now() - t0) * 1000) / lamina }; }),
    ...peers.map((p, k) => peerSample(p, peerSteps[k], peerSteps[k] / 1e6)),
  ]);
  addRow({
    what: `dense rate step N=${N} B=${B}`, unit: 'us per step', target: 'after <= 2x numpy',
    before: stats(r.times[0]), after: stats(r.times[1]), after_over_before: ratio(r.times[1], r.times[0]),
    peers: Object.fromEntries(peers.map((p, k) => [p.info.peer as string, { info: p.info, steps_per_sample: peerSteps[k], value: stats(r.times[2 + k]), after_over_peer: ratio(r.times[1], r.times[2 + k]), before_over_peer: ratio(r.times[0], r.times[2 + k]) }])),
    steps_per_sample: lamina, after_kernels: (sims[1] as { kernelNames?: { name: string }[] }).kernelNames?.map((k) => k.name) ?? null,
  });
  for (const p of peers) p.close();
  for (const s of sims) s.destroy();
}

/** Steps per sample: doubled from 2 until `time(steps)` [ms] reaches `targetMs` (at most 2^16). */
async function calibrate(time: (steps: number) => Promise<number>, targetMs: number): Promise<number> {
  let steps = 2;
  while (steps < 65536 && (await time(steps)) < targetMs) steps *= 2;
  return steps;
}

if (only.includes('batch')) {
  const steps = Number(o['batch-steps']), B = 64;
  const spec = coba.build({ steps: 100 }).spec;
  const one = await spikingPair(spec, 1), many = await spikingPair(spec, B);
  // Time per instance-second: the wall time over B x the biological time.
  const r = await rotate([...one.map((s) => laminaSample(s, steps, steps * 1e-4)), ...many.map((s) => laminaSample(s, steps, B * steps * 1e-4))]);
  // The gain of each round: time per instance-second at B = 1 over that at B = 64 (higher is better).
  const gain = (k: number) => r.times[k].map((t1, i) => t1 / r.times[2 + k][i]);
  const [gBefore, gAfter] = [gain(0), gain(1)];
  addRow({
    what: `COBA throughput, B=${B} over B=1 (instance-s per s)`, unit: 'gain (x; after / before: of gains, higher is better)', target: 'after >= 20x', higher_is_better: true,
    before: stats(gBefore), after: stats(gAfter), after_over_before: stats(gAfter.map((g, i) => g / gBefore[i])),
    peers: {}, per_instance_s_per_bio_s: { before_B1: stats(r.times[0]), after_B1: stats(r.times[1]), before_B64: stats(r.times[2]), after_B64: stats(r.times[3]) },
    spikes: r.spikes, same_spikes: r.spikes[0] === r.spikes[1] && r.spikes[2] === r.spikes[3], after_path: (many[1] as { path?: unknown }).path ?? null,
  });
  for (const s of [...one, ...many]) s.destroy();
}

if (only.includes('plasticity')) {
  const n = Number(o['plasticity-neurons']), steps = Number(o['plasticity-steps']);
  const sims = [...await spikingPair(plasticityNetwork('static', n, 0)), ...await spikingPair(plasticityNetwork('stdp', n, 0))];
  const r = await rotate(sims.map((s) => laminaSample(s, steps, steps / 1e6)));
  // STDP's cost in each round: its time per step over static's (1: free).
  const cost = (k: number) => r.times[2 + k].map((t, i) => t / r.times[k][i]);
  const [cBefore, cAfter] = [cost(0), cost(1)];
  addRow({
    what: `STDP cost, ${n} neurons (time per step over static's)`, unit: 'x static', target: 'GPU: after <= 1.5x',
    before: stats(cBefore), after: stats(cAfter), after_over_before: stats(cAfter.map((c, i) => c / cBefore[i])),
    peers: {}, us_per_step: { before_static: stats(r.times[0]), after_static: stats(r.times[1]), before_stdp: stats(r.times[2]), after_stdp: stats(r.times[3]) },
    spikes: r.spikes, same_spikes: r.spikes[0] === r.spikes[1] && r.spikes[2] === r.spikes[3],
  });
  for (const s of sims) s.destroy();
}

const md = markdown(out);
console.log(md);
if (o.json) writeFileSync(o.json, JSON.stringify(out, null, 1));
if (o.md) writeFileSync(o.md, md);
process.exit(0);
