/**
 * The text of a Slurm job-array script that runs one command per array task: task i of an array of n
 * (`--array=0-(n-1)`) finds its shard in SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (see
 * cluster.ts). The caller chooses the resources; this file only writes them down, checked.
 */
import { SpecError } from '../engine/errors.ts';

export interface SbatchOptions {
  /** --job-name: letters, digits, '.', '_', '-'. */
  jobName: string;
  /** Array tasks (shards): --array=0-(tasks-1). */
  tasks: number;
  /** At most this many tasks at once (--array=...%k); all at once when unset. */
  maxRunning?: number;
  /** The command each task runs, as argv (quoted for the shell here); exec'd so that it receives Slurm's signals itself. */
  command: string[];
  /** --cpus-per-task. */
  cpusPerTask: number;
  /** --mem, megabytes per task. */
  memMB: number;
  /** --time, whole minutes per task. */
  timeMinutes: number;
  /** GPUs per task (--gres=gpu:N). 0 or unset: the request is written commented out, for GPU nodes to enable. */
  gpus?: number;
  /** --output; %A is the array's job id, %a the task id. Default slurm-%A_%a.out (in the submit directory). */
  output?: string;
  /** --error; with the output when unset. */
  error?: string;
  /** --chdir: the directory each task runs in. */
  chdir?: string;
  partition?: string;
  account?: string;
  /** SIGTERM this many seconds before the time limit (--signal=B:TERM@s); default 60, 0 for none. */
  signalSeconds?: number;
  /** Comment lines at the top, e.g. the command that wrote the script. */
  header?: string[];
}

const NAME = /^[A-Za-z0-9._-]+$/;
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

function whole(field: string, v: number | undefined, min: number): void {
  if (v !== undefined && (!Number.isSafeInteger(v) || v < min)) throw new SpecError(field, `must be a whole number >= ${min}, got ${v}`);
}

/** A directive value: one word, since sbatch splits #SBATCH lines at white space. */
function word(field: string, v: string | undefined): void {
  if (v !== undefined && (v === '' || /\s/.test(v))) throw new SpecError(field, `must be one word without white space (an #SBATCH line cannot hold more), got ${JSON.stringify(v)}`);
}

/** One argument for bash, quoted when it holds anything the shell would interpret. */
export function shellQuote(arg: string): string {
  return SAFE.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Slurm's time format: [D-]HH:MM:SS. */
export function slurmTime(minutes: number): string {
  const d = Math.floor(minutes / 1440), h = Math.floor((minutes % 1440) / 60), m = minutes % 60;
  const hms = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`;
  return d > 0 ? `${d}-${hms}` : hms;
}

export function sbatchScript(o: SbatchOptions): string {
  if (!NAME.test(o.jobName)) throw new SpecError('jobName', `letters, digits, '.', '_' and '-' only, got ${JSON.stringify(o.jobName)}`);
  whole('tasks', o.tasks, 1);
  whole('maxRunning', o.maxRunning, 1);
  whole('cpusPerTask', o.cpusPerTask, 1);
  whole('memMB', o.memMB, 1);
  whole('timeMinutes', o.timeMinutes, 1);
  whole('gpus', o.gpus, 0);
  whole('signalSeconds', o.signalSeconds, 0);
  for (const k of ['output', 'error', 'chdir', 'partition', 'account'] as const) word(k, o[k]);
  if (o.command.length === 0 || o.command[0] === '') throw new SpecError('command', 'must name a program to run');
  if ((o.header ?? []).some((l) => /[\r\n]/.test(l))) throw new SpecError('header', 'one line per entry');
  const signal = o.signalSeconds ?? 60;
  const gpus = o.gpus ?? 0;
  const lines = [
    '#!/bin/bash',
    ...(o.header ?? []).map((l) => `# ${l}`),
    `# ${o.tasks} array tasks; task i runs shard i of ${o.tasks} (SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT). Submit: sbatch THIS_FILE`,
    `#SBATCH --job-name=${o.jobName}`,
    `#SBATCH --array=0-${o.tasks - 1}${o.maxRunning ? `%${o.maxRunning}` : ''}`,
    `#SBATCH --cpus-per-task=${o.cpusPerTask}`,
    `#SBATCH --mem=${o.memMB}M`,
    `#SBATCH --time=${slurmTime(o.timeMinutes)}`,
    `#SBATCH --output=${o.output ?? 'slurm-%A_%a.out'}`,
    ...(o.error ? [`#SBATCH --error=${o.error}`] : []),
    ...(o.chdir ? [`#SBATCH --chdir=${o.chdir}`] : []),
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.account ? [`#SBATCH --account=${o.account}`] : []),
    '# At the time limit Slurm sends SIGTERM, then SIGKILL KillWait seconds later (30 s by default).',
    ...(signal > 0
      ? [
        `# --signal=B:TERM@${signal} sends SIGTERM ${signal} s before the limit (up to a minute earlier still), so the`,
        '# task can stop cleanly. B: is needed: without it Slurm signals only srun steps, not this script.',
        `#SBATCH --signal=B:TERM@${signal}`,
      ]
      : []),
    ...(gpus > 0
      ? [`#SBATCH --gres=gpu:${gpus}`]
      : ['# On GPU nodes, ask for a GPU per task (Slurm then sets CUDA_VISIBLE_DEVICES): remove one # below.', '##SBATCH --gres=gpu:1']),
    'set -eu',
    '# exec: the command becomes the process Slurm signals.',
    `exec ${o.command.map(shellQuote).join(' ')}`,
    '',
  ];
  return lines.join('\n');
}
