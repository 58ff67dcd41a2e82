/**
 * The `lamina sweep` command: `lamina sweep SWEEP.json --out DIR [--max-batch N] [--progress json] [--shard i/n]`,
 * `lamina sweep SWEEP.json --out DIR --emit-sbatch FILE --tasks N`, `lamina sweep merge --out DIR SHARD_DIR...`
 * and `lamina sweep export DIR --csv --parquet`. Exit codes: 0 every run done, 1 some run failed (its row says
 * why; for merge: some row is failed or pending), 2 bad input, 130 / 143 stopped by SIGINT / SIGTERM after the
 * batch in flight (rerun to continue).
 */
import { SpecError } from '../../engine/errors.ts';
import { resolveAdapterIndex } from '../../engine/gpu/adapter-index.ts';
import { resolveShard } from '../cluster.ts';
import { emitSbatch } from './emit.ts';
import { exportCsv, exportParquet } from './export.ts';
import { mergeShards } from './merge.ts';
import { runSweep, type SweepProgress } from './runner.ts';

export interface SweepFlags {
  out?: string;
  'max-batch'?: string;
  progress?: string;
  csv?: boolean;
  parquet?: boolean;
  quiet?: boolean;
  backend?: string;
  adapter?: string;
  'adapter-index'?: string;
  shard?: string;
  'emit-sbatch'?: string;
  tasks?: string;
  time?: string;
  mem?: string;
  cpus?: string;
  gpus?: string;
  partition?: string;
  account?: string;
  partial?: boolean;
}

const ALLOWED = ['out', 'max-batch', 'progress', 'quiet', 'backend', 'adapter', 'adapter-index', 'shard'];
const EMIT = ['out', 'max-batch', 'quiet', 'backend', 'adapter', 'adapter-index', 'emit-sbatch', 'tasks', 'time', 'mem', 'cpus', 'gpus', 'partition', 'account'];
/** Flags of a run that every task of an emitted job array runs with too. */
const PASSED_ON = ['max-batch', 'backend', 'adapter', 'adapter-index'] as const;

/** The first flag given that `allowed` lacks, as a SpecError. */
function onlyFlags(o: Record<string, unknown>, allowed: string[], what: string): void {
  const given = Object.entries(o).find(([k, v]) => v !== undefined && !allowed.includes(k));
  if (given) throw new SpecError(`--${given[0]}`, `does not apply to ${what}`);
}

function whole(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim())) throw new SpecError(flag, `expected a whole number, got "${v}"`);
  return Number(v);
}

function seconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  return s < 90 ? `${s.toFixed(0)} s` : s < 5400 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`;
}

/** Progress lines on stderr: a bar redrawn in place on a terminal, plain lines otherwise, or JSON lines. */
export function progressWriter(mode: 'text' | 'json', tty: boolean, write: (s: string) => void): (p: SweepProgress) => void {
  return (p) => {
    if (mode === 'json') {
      write(`${JSON.stringify({ event: 'progress', done: p.done, total: p.total, runs_per_s: p.perSecond, eta_s: p.etaSeconds, batch: p.batch, batches: p.batches })}\n`);
      return;
    }
    const text = `${p.done}/${p.total} runs, ${p.perSecond.toPrecision(3)} runs/s, ETA ${seconds(p.etaSeconds)} (batch ${p.batch}/${p.batches})`;
    if (!tty) { write(`lamina: sweep: ${text}\n`); return; }
    const width = 24, full = Math.round((width * p.done) / p.total);
    write(`\r[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${text}${p.done === p.total ? '\n' : ''}`);
  };
}

export async function sweepCommand(target: string | undefined, extra: string[], o: SweepFlags & Record<string, unknown>, signal: () => AbortSignal, laminaJs: string): Promise<number> {
  if (target === 'export') {
    const [dir, ...rest] = extra;
    if (!dir || rest.length) throw new SpecError('sweep export', 'expected one directory: lamina sweep export DIR --csv');
    onlyFlags(o, ['csv', 'parquet', 'quiet'], 'sweep export');
    if (!o.csv && !o.parquet) throw new SpecError('sweep export', 'name the format to write (--csv, --parquet or both)');
    const paths = [...(o.csv ? [exportCsv(dir)] : []), ...(o.parquet ? [exportParquet(dir)] : [])];
    if (!o.quiet) for (const p of paths) process.stderr.write(`lamina: wrote ${p}\n`);
    return 0;
  }
  if (target === 'merge') return mergeCommand(extra, o);
  if (!target) throw new SpecError('sweep', 'missing SWEEP.json: lamina sweep SWEEP.json --out DIR');
  if (extra.length) throw new SpecError('sweep', `unexpected arguments ${extra.join(' ')}`);
  if (o['emit-sbatch'] !== undefined) return emitCommand(target, o, laminaJs);
  onlyFlags(o, ALLOWED, 'lamina sweep');
  if (!o.out) throw new SpecError('--out', 'a sweep needs an output directory (its results table is DIR/sweep.sqlite)');
  const shard = resolveShard(o.shard, process.env);
  if (o.out.includes('%a') && !shard) throw new SpecError('--out', '%a stands for the shard index, and no shard is given (--shard i/n, or run as a Slurm array task)');
  const out = shard ? o.out.replaceAll('%a', String(shard.index)) : o.out;
  if (o.progress !== undefined && o.progress !== 'json' && o.progress !== 'text') throw new SpecError('--progress', `expected text or json, got "${o.progress}"`);
  const maxBatch = o['max-batch'] === undefined ? undefined : Number(o['max-batch']);
  const write = (s: string) => process.stderr.write(s);
  const json = o.progress === 'json';
  const sig = signal();
  const outcome = await runSweep({
    file: target, out, shard, maxBatch, backend: o.backend, adapter: o.adapter, signal: sig,
    onProgress: o.quiet ? undefined : progressWriter(json ? 'json' : 'text', !json && process.stderr.isTTY === true, write),
    log: o.quiet || json ? undefined : (m) => write(`${m}\n`),
  });
  const line = `${outcome.done} of ${outcome.total} runs done${outcome.failed ? `, ${outcome.failed} failed` : ''}; table: ${outcome.table}`;
  if (json && !o.quiet) write(`${JSON.stringify({ event: 'end', status: outcome.status, done: outcome.done, failed: outcome.failed, total: outcome.total, table: outcome.table })}\n`);
  else if (!o.quiet) write(`lamina: sweep ${outcome.status === 'interrupted' ? `interrupted (${sig.reason}): rerun the same command to continue; ` : ''}${line}\n`);
  if (outcome.status === 'interrupted') return sig.reason === 'SIGTERM' ? 143 : 130;
  return outcome.failed ? 1 : 0;
}

/** `lamina sweep merge --out DIR SHARD_DIR... [--partial]`: 0 when every row of the merged table is done, else 1. */
function mergeCommand(dirs: string[], o: SweepFlags & Record<string, unknown>): number {
  onlyFlags(o, ['out', 'partial', 'quiet'], 'sweep merge');
  if (!o.out) throw new SpecError('--out', 'name the directory of the merged table: lamina sweep merge --out DIR SHARD_DIR...');
  const m = mergeShards(o.out, dirs, { partial: o.partial });
  const c = m.status;
  if (!o.quiet) {
    for (const s of m.shards) if (s.status.pending + s.status.failed) process.stderr.write(`lamina: shard ${s.index}/${s.count} (${s.dir}): ${s.status.failed} failed, ${s.status.pending} pending\n`);
    if (m.missing.length) process.stderr.write(`lamina: shard${m.missing.length > 1 ? 's' : ''} ${m.missing.join(', ')} missing: their points are pending\n`);
    process.stderr.write(`lamina: merged ${m.shards.length} shard${m.shards.length > 1 ? 's' : ''}: ${c.done} runs done, ${c.failed} failed, ${c.pending} pending; table: ${m.table}` +
      `${c.failed + c.pending ? ` (lamina sweep SWEEP.json --out ${o.out} runs the rest)` : ''}\n`);
  }
  return c.failed + c.pending ? 1 : 0;
}

/** `--emit-sbatch FILE --tasks N`: writes the job-array script, prints it and the merge command, runs nothing. */
function emitCommand(file: string, o: SweepFlags & Record<string, unknown>, laminaJs: string): number {
  onlyFlags(o, EMIT, 'lamina sweep --emit-sbatch');
  if (!o.out) throw new SpecError('--out', 'the job array needs the directory its shard tables go to (DIR/shard-i)');
  // Checked here, not first in every task: the index the tasks will read (the CLI put --adapter-index in LAMINA_ADAPTER_INDEX).
  resolveAdapterIndex({ adapter: o.adapter }, (name) => process.env[name]);
  const tasks = whole(o.tasks, '--tasks');
  if (tasks === undefined) throw new SpecError('--tasks', 'name the number of array tasks (shards), e.g. --tasks 8');
  const e = emitSbatch({
    file, out: o.out, script: o['emit-sbatch']!, tasks, timeMinutes: whole(o.time, '--time'), memMB: whole(o.mem, '--mem'),
    cpus: whole(o.cpus, '--cpus'), gpus: whole(o.gpus, '--gpus'), partition: o.partition, account: o.account,
    passOn: PASSED_ON.flatMap((k) => (o[k] === undefined ? [] : [`--${k}`, o[k]!])), node: process.execPath, laminaJs,
  });
  if (!o.quiet) process.stderr.write(`lamina: wrote ${e.script}: ${e.tasks} array tasks for ${e.points} points\nsubmit:  sbatch ${e.script}\nthen:    ${e.merge}\n`);
  return 0;
}
