/**
 * The fused spiking path against the multi-dispatch path, side by side in one process: both simulations
 * are built first, then every round runs each of them once, in alternating order (interleaved A/B).
 *   coba:     Brette et al. (2007) COBA (4,000 LIF neurons, spikes recorded): wall seconds per biological second.
 *   coba-v:   the same with V of 100 excitatory neurons recorded every step (a state recorder).
 *   coba-procedural: the same with every projection procedural (fixed-total, COBA's expected count) and
 *             the rate of E recorded, at --batches instances.
 *   overhead: the 1,000-neuron network of spiking-bench (fixed in-degree 100, Poisson drive): steps per second.
 *   sizes:    the COBA network at --sizes neurons (in-degree 80) and --batches instances: steps per
 *             second of each path, where the fused path's advantage ends (engine/plan/spiking-path.ts).
 *   node dist/fused-bench.mjs [--rounds 5] [--coba-steps 2000] [--steps 2000] [--sizes 1000,2000,4000,8000]
 *     [--batches 1,4] [--json FILE] [--backend B]
 */
import { parseArgs } from 'node:util';
import { SpikingSimulation } from '../engine/run/spiking-simulation.ts';
import { adapterReport } from '../engine/gpu/device.ts';
import { coba } from '../scenarios/coba.ts';
import type { SpikingSpec } from '../engine/spec/spiking.ts';
import { finish, header, stats } from './harness.ts';
import { smallNetwork } from './networks.ts';

const { values: o } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' }, 'coba-steps': { type: 'string', default: '2000' }, steps: { type: 'string', default: '2000' },
    sizes: { type: 'string', default: '1000,2000,4000,8000' }, batches: { type: 'string', default: '1,4' }, json: { type: 'string' }, backend: { type: 'string' },
    only: { type: 'string' },
  },
});
const rounds = Number(o.rounds);
const result: Record<string, unknown> = header('fused');
const modes = ['on', 'off'] as const;

/** Interleaved rounds of `steps` steps on the fused and the multi-dispatch simulation of `spec`: wall seconds per run. */
async function sideBySide(spec: SpikingSpec, steps: number, batch = 1) {
  const sims = await Promise.all(modes.map((fused) => SpikingSimulation.create(spec, { backend: o.backend, batch, fused })));
  result.adapter ??= adapterReport(sims[0].gpu);
  const spikes = [0, 0];
  for (const s of sims) await s.run(100);
  const walls: number[][] = [[], []];
  const ratio: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const k of r % 2 ? [1, 0] : [0, 1]) walls[k].push((await sims[k].run(steps, { onSpikes: (_n, s) => { spikes[k] += s.length; } })).wallSeconds);
    ratio.push(walls[0][r] / walls[1][r]);
  }
  if (spikes[0] !== spikes[1]) throw new Error(`the paths differ: ${spikes[0]} and ${spikes[1]} spikes`);
  for (const s of sims) s.destroy();
  return { fused: stats(walls[0]), multi: stats(walls[1]), fused_over_multi: stats(ratio), spikes: spikes[0] / rounds, paths: sims.map((s) => s.path) };
}

const perBio = (x: ReturnType<typeof stats>, steps: number, dt: number) => ({ median: x.median / (steps * dt / 1000), min: x.min / (steps * dt / 1000), max: x.max / (steps * dt / 1000), n: x.n });
const perSecond = (x: ReturnType<typeof stats>, steps: number) => ({ median: steps / x.median, min: steps / x.max, max: steps / x.min, n: x.n });
const only = o.only?.split(',');

if (!only || only.includes('coba')) {
  const spec = coba.build({ steps: 100 }).spec;
  const n = Number(o['coba-steps']);
  const r = await sideBySide(spec, n);
  result.coba = { steps: n, fused_wall_s_per_bio_s: perBio(r.fused, n, spec.dt), multi_wall_s_per_bio_s: perBio(r.multi, n, spec.dt), fused_over_multi: r.fused_over_multi, spikes_per_run: r.spikes };
  console.error(`COBA: fused ${perBio(r.fused, n, spec.dt).median.toFixed(3)} s per bio s, multi-dispatch ${perBio(r.multi, n, spec.dt).median.toFixed(3)}; ratio ${r.fused_over_multi.median.toFixed(3)} [${r.fused_over_multi.min.toFixed(3)} - ${r.fused_over_multi.max.toFixed(3)}]`);
}
if (!only || only.includes('coba-v')) {
  const spec = coba.build({ steps: 100 }).spec;
  spec.record!.push({ name: 'V', population: 'E', what: 'V', units: Array.from({ length: 100 }, (_, i) => i * 30) });
  const n = Number(o['coba-steps']);
  const r = await sideBySide(spec, n);
  result.coba_v = { steps: n, fused_wall_s_per_bio_s: perBio(r.fused, n, spec.dt), multi_wall_s_per_bio_s: perBio(r.multi, n, spec.dt), fused_over_multi: r.fused_over_multi, paths: r.paths };
  console.error(`COBA, V recorded: fused ${perBio(r.fused, n, spec.dt).median.toFixed(3)} s per bio s, multi-dispatch ${perBio(r.multi, n, spec.dt).median.toFixed(3)}; ratio ${r.fused_over_multi.median.toFixed(3)} [${r.fused_over_multi.min.toFixed(3)} - ${r.fused_over_multi.max.toFixed(3)}]`);
}
if (!only || only.includes('coba-procedural')) {
  // Every projection procedural fixed-total with COBA's expected synapse count (p = 0.02), a rate recorder on E.
  const spec = coba.build({ steps: 100 }).spec;
  const size = new Map(spec.populations.map((p) => [p.name, p.size]));
  spec.projections = spec.projections!.map((p) => ({ ...p, connectivity: { type: 'fixed-total', n: Math.round(0.02 * size.get(p.from)! * size.get(p.to)!), procedural: true } }));
  spec.record!.push({ name: 'rE', population: 'E', what: 'rate', every: 10 });
  const n = Number(o['coba-steps']);
  const rows = [];
  for (const B of o.batches!.split(',').map(Number)) {
    const r = await sideBySide(spec, n, B);
    rows.push({ batch: B, steps: n, fused_wall_s_per_bio_s: perBio(r.fused, n, spec.dt), multi_wall_s_per_bio_s: perBio(r.multi, n, spec.dt), fused_over_multi: r.fused_over_multi, spikes_per_run: r.spikes });
    console.error(`COBA, procedural, rate recorded, ${B} instance${B > 1 ? 's' : ''}: fused ${perBio(r.fused, n, spec.dt).median.toFixed(3)} s per bio s, multi-dispatch ${perBio(r.multi, n, spec.dt).median.toFixed(3)}; ratio ${r.fused_over_multi.median.toFixed(3)} [${r.fused_over_multi.min.toFixed(3)} - ${r.fused_over_multi.max.toFixed(3)}]`);
  }
  result.coba_procedural = rows;
}
const steps = Number(o.steps);
if (!only || only.includes('overhead')) {
  const spec = smallNetwork(true);
  const r = await sideBySide(spec, steps);
  result.overhead_1000_neurons = { steps, fused_steps_per_s: perSecond(r.fused, steps), multi_steps_per_s: perSecond(r.multi, steps), fused_over_multi: r.fused_over_multi };
  console.error(`1,000 neurons: fused ${perSecond(r.fused, steps).median.toFixed(0)} steps/s, multi-dispatch ${perSecond(r.multi, steps).median.toFixed(0)}; time ratio ${r.fused_over_multi.median.toFixed(3)}`);
}
if (!only || only.includes('sizes')) {
  const rows = [];
  for (const B of o.batches!.split(',').map(Number)) {
    for (const n of o.sizes!.split(',').map(Number)) {
      const nE = Math.round(0.8 * n), K = 80;
      const conn = (from: number) => ({ type: 'fixed-indegree' as const, k: Math.round((K * from) / n) });
      const base = coba.build({ steps: 100 }).spec;
      const spec: SpikingSpec = {
        ...base,
        populations: [{ ...base.populations[0], size: nE }, { ...base.populations[1], size: n - nE }],
        projections: [
          { name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity: conn(nE), weight: 0.6, delay: 0.1 },
          { name: 'EI', from: 'E', to: 'I', port: 'exc', connectivity: conn(nE), weight: 0.6, delay: 0.1 },
          { name: 'IE', from: 'I', to: 'E', port: 'inh', connectivity: conn(n - nE), weight: 6.7, delay: 0.1 },
          { name: 'II', from: 'I', to: 'I', port: 'inh', connectivity: conn(n - nE), weight: 6.7, delay: 0.1 },
        ],
      };
      const r = await sideBySide(spec, steps, B);
      rows.push({ neurons: n, batch: B, fused_steps_per_s: perSecond(r.fused, steps), multi_steps_per_s: perSecond(r.multi, steps), fused_over_multi: r.fused_over_multi });
      console.error(`${n} neurons x ${B}: fused ${perSecond(r.fused, steps).median.toFixed(0)} steps/s, multi-dispatch ${perSecond(r.multi, steps).median.toFixed(0)}; time ratio ${r.fused_over_multi.median.toFixed(3)} [${r.fused_over_multi.min.toFixed(3)} - ${r.fused_over_multi.max.toFixed(3)}]`);
    }
  }
  result.sizes = rows;
}
finish(o.json, result);
