/**
 * The `lamina sweep` command: `lamina sweep SWEEP.json --out DIR [--max-batch N] [--progress json]` and
 * `lamina sweep export DIR --csv --parquet`. Exit codes: 0 every run done, 1 some run failed (its row says why),
 * 2 bad input, 130 / 143 stopped by SIGINT / SIGTERM after the batch in flight (rerun to continue).
 */
import { SpecError } from '../../engine/errors.ts';
import { exportCsv, exportParquet } from './export.ts';
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
}

const ALLOWED = ['out', 'max-batch', 'progress', 'quiet', 'backend', 'adapter'];

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

export async function sweepCommand(target: string | undefined, extra: string[], o: SweepFlags & Record<string, unknown>, signal: () => AbortSignal): Promise<number> {
  if (target === 'export') {
    const [dir, ...rest] = extra;
    if (!dir || rest.length) throw new SpecError('sweep export', 'expected one directory: lamina sweep export DIR --csv');
    const given = Object.entries(o).find(([k, v]) => v !== undefined && !['csv', 'parquet', 'quiet'].includes(k));
    if (given) throw new SpecError(`--${given[0]}`, 'does not apply to sweep export');
    if (!o.csv && !o.parquet) throw new SpecError('sweep export', 'name the format to write (--csv, --parquet or both)');
    const paths = [...(o.csv ? [exportCsv(dir)] : []), ...(o.parquet ? [exportParquet(dir)] : [])];
    if (!o.quiet) for (const p of paths) process.stderr.write(`lamina: wrote ${p}\n`);
    return 0;
  }
  if (!target) throw new SpecError('sweep', 'missing SWEEP.json: lamina sweep SWEEP.json --out DIR');
  if (extra.length) throw new SpecError('sweep', `unexpected arguments ${extra.join(' ')}`);
  const given = Object.entries(o).find(([k, v]) => v !== undefined && !ALLOWED.includes(k));
  if (given) throw new SpecError(`--${given[0]}`, 'does not apply to lamina sweep');
  if (!o.out) throw new SpecError('--out', 'a sweep needs an output directory (its results table is DIR/sweep.sqlite)');
  if (o.progress !== undefined && o.progress !== 'json' && o.progress !== 'text') throw new SpecError('--progress', `expected text or json, got "${o.progress}"`);
  const maxBatch = o['max-batch'] === undefined ? undefined : Number(o['max-batch']);
  const write = (s: string) => process.stderr.write(s);
  const json = o.progress === 'json';
  const sig = signal();
  const outcome = await runSweep({
    file: target, out: o.out, maxBatch, backend: o.backend, adapter: o.adapter, signal: sig,
    onProgress: o.quiet ? undefined : progressWriter(json ? 'json' : 'text', !json && process.stderr.isTTY === true, write),
    log: o.quiet || json ? undefined : (m) => write(`${m}\n`),
  });
  const line = `${outcome.done} of ${outcome.total} runs done${outcome.failed ? `, ${outcome.failed} failed` : ''}; table: ${outcome.table}`;
  if (json && !o.quiet) write(`${JSON.stringify({ event: 'end', status: outcome.status, done: outcome.done, failed: outcome.failed, total: outcome.total, table: outcome.table })}\n`);
  else if (!o.quiet) write(`lamina: sweep ${outcome.status === 'interrupted' ? `interrupted (${sig.reason}): rerun the same command to continue; ` : ''}${line}\n`);
  if (outcome.status === 'interrupted') return sig.reason === 'SIGTERM' ? 143 : 130;
  return outcome.failed ? 1 : 0;
}
