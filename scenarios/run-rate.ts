/**
 * The outputs of a rate network run into a directory: every recorder streamed to NAME.npy (rows, batch,
 * width), the final weights of each plastic projection as weights_NAME.npy (batch x post x pre), and for a
 * scenario an in-memory copy of the recordings for its analysis (refilled from the files on resume).
 */
import { NpySink, readNpyFile } from '../engine/node/npy-files.ts';
import { MemorySink, TeeSink } from '../engine/record/recorders.ts';
import type { RateSimulation } from '../engine/run/rate-simulation.ts';
import type { NetworkOutputs } from './drive.ts';
import type { OutputDir } from './output-dir.ts';
import type { Scenario, ScenarioRun } from './scenario.ts';

export interface RatePositions {
  rows: Record<string, number>;
}

export function rateOutputs(dir: OutputDir, sim: RateSimulation, run: ScenarioRun, scenario: Scenario | undefined, resume?: RatePositions): NetworkOutputs {
  const files = new NpySink(dir.dir, resume?.rows);
  for (const r of sim.recorders) dir.note(`${r.name}.npy`);
  const memory = scenario ? new MemorySink() : undefined;
  if (memory && resume) {
    // The analysis needs every row: those written before the checkpoint come back from the files.
    for (const r of sim.recorders) {
      const rows = resume.rows[r.name] ?? 0;
      const data = readNpyFile(dir.path(`${r.name}.npy`)).data as Float32Array;
      memory.data.set(r.name, { rows, width: r.width, batch: r.batch, values: data.slice(0, rows * r.batch * r.width) });
    }
  }
  return {
    sim,
    outputs: { sink: memory ? new TeeSink([files, memory]) : files },
    positions: (): RatePositions => ({ rows: files.written() }),
    async finish(complete: boolean) {
      const weights = [];
      for (const p of sim.plan.projections.filter((q) => q.plastic)) {
        const file = `weights_${p.name}.npy`;
        const shape = [sim.plan.batch, p.post.size, p.pre.size];
        dir.npy(file, await sim.readWeights(p.name), shape);
        weights.push({ projection: p.name, file, shape });
      }
      const rows = files.written();
      const recorders = sim.recorders.map((r) => ({ name: r.name, file: `${r.name}.npy`, shape: [rows[r.name] ?? 0, r.batch, ...(r.shape ?? [r.width])] }));
      const meta = {
        instance_seeds: [...sim.plan.seeds], batch: sim.plan.batch, dt_ms: sim.plan.dt,
        kernels: sim.kernelNames.map((k) => k.label), ...(weights.length ? { plastic_weights: weights } : {}),
      };
      if (scenario && memory && complete) {
        const result = scenario.analyze(run, memory);
        dir.scenarioFiles(result);
        return { summary: result.summary, meta, pass: result.summary.checks.every((c) => c.pass) };
      }
      return { summary: { recorders, ...(weights.length ? { weights } : {}) }, meta, pass: true };
    },
  };
}
