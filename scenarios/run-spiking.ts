/**
 * The outputs of a spiking network run into a directory: spikes as .npy tables (rows: step, instance,
 * neuron; int32) streamed as they come, state, rate and weight recordings as .npy (rows x instances x ...),
 * the learned weights and synapse tables of plastic projections, a summary per population and instance
 * (spike count and mean rate over the steps completed), and for a scenario its analysis of those files.
 */
import { NpyRowsWriter, NpySink } from '../engine/node/npy-files.ts';
import type { SpikingSimulation } from '../engine/run/spiking-simulation.ts';
import type { NetworkOutputs } from './drive.ts';
import type { OutputDir } from './output-dir.ts';
import type { SpikingScenario, SpikingScenarioRun } from './scenario.ts';

export interface SpikingPositions {
  rows: Record<string, number>;
  spikeRows: Record<string, number>;
  spikeCounts: Record<string, number[]>;
}

export function spikingOutputs(dir: OutputDir, sim: SpikingSimulation, run: SpikingScenarioRun | undefined, scenario: SpikingScenario | undefined, resume?: SpikingPositions): NetworkOutputs {
  const { plan } = sim;
  const writers = new Map<string, NpyRowsWriter>();
  const counts = new Map<string, Float64Array>();
  for (const r of sim.spec.record ?? []) {
    if (r.what !== 'spikes') continue;
    writers.set(r.name, new NpyRowsWriter(dir.path(`${r.name}.npy`), 3, resume?.spikeRows[r.name]));
    counts.set(r.name, Float64Array.from(resume?.spikeCounts[r.name] ?? new Array<number>(plan.batch).fill(0)));
  }
  for (const r of sim.recorders) dir.note(`${r.name}.npy`);
  const sink = new NpySink(dir.dir, resume?.rows);
  return {
    sim,
    outputs: {
      sink,
      onSpikes: (name, steps, instances, neurons) => {
        const rows = new Int32Array(steps.length * 3);
        const c = counts.get(name)!;
        for (let k = 0; k < steps.length; k++) {
          rows[3 * k] = steps[k]; rows[3 * k + 1] = instances[k]; rows[3 * k + 2] = neurons[k];
          c[instances[k]]++;
        }
        writers.get(name)!.append(rows);
      },
    },
    positions: (): SpikingPositions => ({
      rows: sink.written(),
      spikeRows: Object.fromEntries([...writers].map(([name, w]) => [name, w.rows])),
      spikeCounts: Object.fromEntries([...counts].map(([name, c]) => [name, [...c]])),
    }),
    async finish(complete: boolean) {
      for (const w of writers.values()) w.close();
      // Plastic projections: the learned weights (B, S) and the synapse table (S, 3: pre, post, delay in steps),
      // loadable again with connectivity { type: 'explicit', file, weightsFile }.
      const plastic = [];
      for (const p of plan.plastic) {
        const w = await sim.readWeights(p.name);
        dir.npy(`weights_${p.name}.npy`, w, [plan.batch, p.synapses]);
        const table = new Int32Array(p.synapses * 3);
        for (let s = 0; s < p.synapses; s++) table.set([p.preIdx[s], p.postIdx[s], p.delay[s]], 3 * s);
        dir.npy(`synapses_${p.name}.npy`, table, [p.synapses, 3]);
        let sum = 0;
        for (const x of w) sum += x;
        plastic.push({ projection: p.name, synapses: p.synapses, weights_file: `weights_${p.name}.npy`, synapses_file: `synapses_${p.name}.npy`, mean_weight: sum / Math.max(w.length, 1) });
      }
      const seconds = (sim.step * plan.dt) / 1000;
      const populations = (sim.spec.record ?? []).filter((r) => r.what === 'spikes').map((r) => {
        const size = plan.pops.find((p) => p.name === r.population)!.size;
        const c = counts.get(r.name)!;
        return { population: r.population, recorder: r.name, file: `${r.name}.npy`, spikes: [...c], mean_rate_hz: [...c].map((n) => (seconds > 0 ? n / size / seconds : 0)) };
      });
      const summary = { biological_seconds: seconds, populations, ...(plastic.length ? { plastic } : {}) };
      const meta = {
        batch: plan.batch, dt_ms: plan.dt, instance_seeds: [...plan.seeds],
        kernels: sim.kernelLabels,
        // Fused (one dispatch per chunk) or multi-dispatch, and why (engine/plan/spiking-path.ts).
        path: sim.path,
        synapses: [...plan.projections, ...plan.generated, ...plan.procedural, ...plan.plastic].map((p) => ({
          name: p.name, count: p.synapses,
          kind: 'wMean' in p ? 'procedural' : 'w0' in p ? `plastic (rule ${p.rule.name}), built on the host` : 'rule' in p ? 'generated on the GPU' : 'built on the host',
          fixed_point_scale: p.post.scales[p.port],
          // Where the port's scale is per instance (engine/plan/instance-weights.ts): each instance's exponent.
          ...(p.post.instanceScales[p.port] ? { fixed_point_scales: p.post.instanceScales[p.port]!.exps } : {}),
        })),
      };
      // A scenario's analysis reads the files just written; it needs the whole run.
      if (scenario && run && complete) {
        const result = scenario.analyze(run, dir.dir, plan);
        dir.scenarioFiles(result);
        return { summary: { ...summary, ...result.summary }, meta, pass: result.summary.checks.every((c) => c.pass) };
      }
      return { summary, meta, pass: true };
    },
  };
}

/** The log line that opens a spiking run. */
export function describeSpiking(sim: SpikingSimulation, steps: number): string {
  const { plan } = sim;
  const stored = [...plan.projections, ...plan.generated].reduce((a, p) => a + p.synapses, 0);
  const procedural = plan.procedural.reduce((a, p) => a + p.synapses, 0);
  return `spiking network, ${plan.pops.reduce((a, p) => a + p.size, 0)} neurons x ${plan.batch}, ${stored} stored${procedural ? ` and ${procedural} procedural` : ''} synapses, ${steps} steps of ${plan.dt} ms on ${sim.gpu.info.description || sim.gpu.info.device} (built in ${sim.buildSeconds.toFixed(2)} s)`;
}
