/**
 * `lamina sweep SWEEP.json --out DIR --emit-sbatch FILE --tasks N`: writes a Slurm job-array script
 * (sbatch.ts) that runs this sweep in N shards, and runs nothing. Task i runs the same `lamina sweep`
 * with `--out DIR/shard-%a`: lamina takes its shard i/N from SLURM_ARRAY_TASK_ID / _COUNT and writes
 * DIR/shard-i/sweep.sqlite, so no two tasks write one SQLite file (which a shared file system does not
 * lock reliably). Paths are absolute, and the command names this node binary and this install's
 * bin/lamina.js, so a task runs the same Lamina from any directory. Afterwards:
 * `lamina sweep merge --out DIR DIR/shard-*`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { SpecError } from '../../engine/errors.ts';
import { sbatchScript, shellQuote } from '../sbatch.ts';
import { enumerateRuns } from './points.ts';
import { readSweepFile } from './runner.ts';

/** Resources when not given: a CPU core for the host side and one for Dawn, memory for node + Dawn + a batch, an hour. */
export const SBATCH_DEFAULTS = { cpus: 2, memMB: 4096, timeMinutes: 60, gpus: 0 } as const;

export interface EmitRequest {
  file: string;
  out: string;
  /** Path of the script to write. */
  script: string;
  tasks: number;
  timeMinutes?: number;
  memMB?: number;
  cpus?: number;
  gpus?: number;
  partition?: string;
  account?: string;
  /** Flags passed on to every task's `lamina sweep` (--max-batch, --backend, --adapter, --adapter-index). */
  passOn: string[];
  /** The program and script each task runs: process.execPath and this install's bin/lamina.js. */
  node: string;
  laminaJs: string;
}

export interface Emitted {
  script: string;
  tasks: number;
  points: number;
  /** The command that merges the shard tables once every task has ended. */
  merge: string;
}

export function emitSbatch(req: EmitRequest): Emitted {
  const { sweep } = readSweepFile(req.file);
  const points = enumerateRuns(sweep).length / sweep.repeats;
  if (!Number.isSafeInteger(req.tasks) || req.tasks < 1) throw new SpecError('--tasks', `must be a whole number >= 1, got ${req.tasks}`);
  if (req.tasks > points) throw new SpecError('--tasks', `${req.tasks} tasks for ${points} points would leave tasks without a point: use at most ${points}`);
  const out = resolve(req.out);
  const lamina = [req.node, resolve(req.laminaJs)];
  const command = [...lamina, 'sweep', resolve(req.file), '--out', join(out, 'shard-%a'), ...req.passOn];
  const text = sbatchScript({
    jobName: `lamina-${basename(req.file).replace(/\.json$/i, '').replace(/[^A-Za-z0-9._-]/g, '_')}`,
    tasks: req.tasks, command,
    cpusPerTask: req.cpus ?? SBATCH_DEFAULTS.cpus, memMB: req.memMB ?? SBATCH_DEFAULTS.memMB,
    timeMinutes: req.timeMinutes ?? SBATCH_DEFAULTS.timeMinutes, gpus: req.gpus ?? SBATCH_DEFAULTS.gpus,
    partition: req.partition, account: req.account, output: join(out, 'slurm-%A_%a.out'), chdir: process.cwd(),
    header: [
      `Written by lamina sweep --emit-sbatch: ${points} points of ${resolve(req.file)} in ${req.tasks} shards (point k goes to shard k mod ${req.tasks}).`,
      `Task i writes ${join(out, 'shard-i', 'sweep.sqlite')}; a task resubmitted after a time limit continues where it stopped.`,
    ],
  });
  // Slurm opens --output before the task starts: the directory must exist.
  mkdirSync(out, { recursive: true });
  writeFileSync(req.script, text, { mode: 0o755 });
  return { script: req.script, tasks: req.tasks, points, merge: `${lamina.map(shellQuote).join(' ')} sweep merge --out ${shellQuote(out)} ${shellQuote(out)}/shard-*` };
}
