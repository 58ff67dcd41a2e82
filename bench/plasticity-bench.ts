/**
 * Plasticity cost: a 100,000-neuron spiking network (the COBA model, 80 % excitatory, in-degree 80
 * in total, 8 million recurrent synapses) with pair-based STDP on every recurrent synapse,
 * against the same network without plasticity: steps per second and real-time factor.
 *   static:  fixed in-degree, generated on the GPU, int32 weights shared by all instances.
 *   stdp:    the same rule and statistics, built on the host, float32 weights with STDP traces on all four
 *            recurrent projections (additive, bounds [0, 2 w0], changes of 1 % of w0 per pair).
 *   three-factor: the same, with eligibility traces and phasic dopamine (non-zero in 10 % of the steps;
 *            each of those adds a pass over all synapses).
 *   node dist/plasticity-bench.mjs [--neurons 100000] [--steps 200] [--repeats 3] [--json FILE] [--backend B]
 */
import { parseArgs } from 'node:util';
import { SpikingSimulation } from '../engine/run/spiking-simulation.ts';
import { adapterReport } from '../engine/gpu/device.ts';
import { plasticityNetwork } from './networks.ts';
import { finish, header, stats } from './harness.ts';

const { values: o } = parseArgs({
  options: {
    neurons: { type: 'string', default: '100000' }, steps: { type: 'string', default: '200' }, repeats: { type: 'string', default: '3' },
    json: { type: 'string' }, backend: { type: 'string' },
  },
});
const n = Number(o.neurons), steps = Number(o.steps), repeats = Number(o.repeats);
const result: Record<string, unknown> = { ...header('plasticity'), neurons: n, in_degree: 80 };

const rows = [];
for (const kind of ['static', 'stdp', 'three-factor'] as const) {
  const t0 = performance.now();
  const sim = await SpikingSimulation.create(plasticityNetwork(kind, n, 100 + repeats * steps), { backend: o.backend });
  const build = (performance.now() - t0) / 1000;
  result.adapter ??= adapterReport(sim.gpu);
  await sim.run(100);
  const rates: number[] = [];
  let spikes = 0;
  for (let r = 0; r < repeats; r++) {
    const t = await sim.run(steps, { onSpikes: (_n, s) => { spikes += s.length; } });
    rates.push(steps / t.wallSeconds);
  }
  const synapses = [...sim.plan.generated, ...sim.plan.plastic].reduce((a, p) => a + p.synapses, 0);
  sim.destroy();
  const st = stats(rates);
  const row = {
    network: kind, synapses, build_s: build, steps_per_s: st, realtime_factor: 1 / (st.median * sim.plan.dt * 1e-3),
    mean_rate_hz: spikes / n / (repeats * steps * sim.plan.dt * 1e-3), kernels_per_step: sim.kernelLabels.length,
  };
  rows.push(row);
  console.error(`${kind}: ${st.median.toFixed(1)} steps/s (min ${st.min.toFixed(1)}, max ${st.max.toFixed(1)}), real-time factor ${row.realtime_factor.toFixed(1)}, ${row.mean_rate_hz.toFixed(1)} Hz, ${synapses} synapses, build ${build.toFixed(1)} s`);
}
const base = rows[0].steps_per_s.median;
result.rows = rows.map((r) => ({ ...r, slowdown_vs_static: base / r.steps_per_s.median }));
finish(o.json, result);
