/**
 * Runs a spiking spec to an output directory: spikes as .npy tables (rows: step, instance, neuron;
 * int32) streamed as they come, state recordings as .npy (steps x instances x neurons), meta.json and
 * summary.json (per population and instance: spike count and mean rate).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adapterReport } from '../engine/gpu/device.ts';
import { NpyRowsWriter, NpySink, writeNpy } from '../engine/node/npy-files.ts';
import { SpikingSimulation } from '../engine/run/spiking-simulation.ts';

export interface SpikingRunRequest {
  spec: unknown;
  out: string;
  steps: number;
  batch?: number;
  seed?: number;
  backend?: string;
  adapter?: string;
  progress?: (msg: string) => void;
  meta?: Record<string, unknown>;
}

export async function runSpikingToDirectory(req: SpikingRunRequest): Promise<{ summary: Record<string, unknown>; sim: SpikingSimulation }> {
  const sim = await SpikingSimulation.create(req.spec, { batch: req.batch, seed: req.seed, backend: req.backend, adapter: req.adapter });
  const { plan } = sim;
  const writers = new Map<string, NpyRowsWriter>();
  const counts = new Map<string, Float64Array>();
  for (const r of sim.spec.record ?? []) {
    if (r.what !== 'spikes') continue;
    writers.set(r.name, new NpyRowsWriter(join(req.out, `${r.name}.npy`), 3));
    counts.set(r.name, new Float64Array(plan.batch));
  }
  const log = req.progress ?? (() => undefined);
  const stored = [...plan.projections, ...plan.generated].reduce((a, p) => a + p.synapses, 0);
  const procedural = plan.procedural.reduce((a, p) => a + p.synapses, 0);
  log(`lamina: spiking network, ${plan.pops.reduce((a, p) => a + p.size, 0)} neurons x ${plan.batch}, ${stored} stored${procedural ? ` and ${procedural} procedural` : ''} synapses, ${req.steps} steps of ${plan.dt} ms on ${sim.gpu.info.description || sim.gpu.info.device} (built in ${sim.buildSeconds.toFixed(2)} s)`);
  let last = performance.now();
  const timing = await sim.run(req.steps, {
    sink: new NpySink(req.out),
    onSpikes: (name, steps, instances, neurons) => {
      const rows = new Int32Array(steps.length * 3);
      const c = counts.get(name)!;
      for (let k = 0; k < steps.length; k++) {
        rows[3 * k] = steps[k]; rows[3 * k + 1] = instances[k]; rows[3 * k + 2] = neurons[k];
        c[instances[k]]++;
      }
      writers.get(name)!.append(rows);
    },
    onProgress: (done, total) => {
      if (performance.now() - last > 2000 || done === total) {
        last = performance.now();
        log(`lamina: step ${done}/${total} (${((100 * done) / total).toFixed(0)}%)`);
      }
    },
  });
  for (const w of writers.values()) w.close();
  // Plastic projections: the learned weights (B, S) and the synapse table (S, 3: pre, post, delay in steps),
  // loadable again with connectivity { type: 'explicit', file, weightsFile }.
  const plastic = [];
  for (const p of plan.plastic) {
    const w = await sim.readWeights(p.name);
    writeNpy(join(req.out, `weights_${p.name}.npy`), w, [plan.batch, p.synapses]);
    const table = new Int32Array(p.synapses * 3);
    for (let s = 0; s < p.synapses; s++) table.set([p.preIdx[s], p.postIdx[s], p.delay[s]], 3 * s);
    writeNpy(join(req.out, `synapses_${p.name}.npy`), table, [p.synapses, 3]);
    let sum = 0;
    for (const x of w) sum += x;
    plastic.push({ projection: p.name, synapses: p.synapses, weights_file: `weights_${p.name}.npy`, synapses_file: `synapses_${p.name}.npy`, mean_weight: sum / Math.max(w.length, 1) });
  }
  const seconds = (req.steps * plan.dt) / 1000;
  const populations = (sim.spec.record ?? []).filter((r) => r.what === 'spikes').map((r) => {
    const size = plan.pops.find((p) => p.name === r.population)!.size;
    const c = counts.get(r.name)!;
    return { population: r.population, recorder: r.name, file: `${r.name}.npy`, spikes: [...c], mean_rate_hz: [...c].map((n) => n / size / seconds) };
  });
  const summary = { steps: req.steps, biological_seconds: seconds, populations, ...(plastic.length ? { plastic } : {}) };
  const meta = {
    ...req.meta, date: new Date().toISOString(), command: process.argv.slice(1).join(' '),
    batch: plan.batch, steps: req.steps, dt_ms: plan.dt, instance_seeds: [...plan.seeds],
    adapter: adapterReport(sim.gpu),
    timings: { build_s: sim.buildSeconds, run_wall_s: timing.wallSeconds, realtime_factor: timing.wallSeconds / seconds },
    kernels: sim.kernelLabels,
    synapses: [...plan.projections, ...plan.generated, ...plan.procedural, ...plan.plastic].map((p) => ({
      name: p.name, count: p.synapses,
      kind: 'wMean' in p ? 'procedural' : 'w0' in p ? `plastic (rule ${p.rule.name}), built on the host` : 'rule' in p ? 'generated on the GPU' : 'built on the host',
      fixed_point_scale: p.post.scales[p.port],
    })),
    spec: sim.spec,
  };
  writeFileSync(join(req.out, 'meta.json'), JSON.stringify(meta, null, 1));
  writeFileSync(join(req.out, 'summary.json'), JSON.stringify(summary, null, 1));
  sim.destroy();
  return { summary, sim };
}
