/**
 * An output directory owned by one run. Opening it makes it (failing at once, naming --out, when it cannot
 * be written), takes a lock file so that two runs cannot write it together, and refuses to replace a
 * previous run's results unless asked (`force`): the files that run listed in its meta.json are then
 * removed first, so no stale file describes the wrong run. Whole files (JSON, figures, arrays) are written
 * to a temporary name and renamed, so a reader never sees half of one; streamed .npy files keep valid
 * headers as they grow (engine/node/npy-files.ts). meta.json is written when the run starts, with status
 * "running", and again when it ends: "complete", "interrupted" (with the steps completed) or "failed".
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { SpecError } from '../engine/errors.ts';
import { encodeNpy, type NpyArray } from '../engine/util/npy.ts';
import type { ScenarioResult } from './scenario.ts';

export const LOCK = '.lamina.lock';
export type RunStatus = 'running' | 'complete' | 'interrupted' | 'failed';

/**
 * Makes the output directory before any work, so that a run that cannot write its results fails at once,
 * naming --out: an empty name, a path through a file, and a directory that cannot be created or written
 * (permissions, a read-only or full filesystem, /proc) are SpecErrors. Directories are made one level at
 * a time: Node's recursive mkdir loops forever under /proc.
 */
export function prepareOut(out: string): void {
  if (out.trim() === '') throw new SpecError('--out', 'is empty');
  const dir = resolve(out);
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    let st;
    try { st = statSync(at); } catch { /* does not exist yet */ }
    if (st) {
      if (!st.isDirectory()) throw new SpecError('--out', `${at} is not a directory`);
      break;
    }
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  const fail = (what: string, e: unknown): never => { throw new SpecError('--out', `cannot ${what} ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); };
  for (const d of missing) {
    try { mkdirSync(d); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EEXIST') fail('create', e); }
  }
  const probe = join(dir, `.lamina-write-test-${process.pid}`);
  try { writeFileSync(probe, 'ok'); rmSync(probe); } catch (e) { fail('write in', e); }
}

/** Writes a file whole or not at all: to a temporary name beside it, then renamed over it. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Takes DIR/.lamina.lock; a lock left by a process of this host that no longer exists is taken over. */
function takeLock(dir: string): string {
  const path = join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() }));
      closeSync(fd);
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder: { pid?: number; host?: string; started?: string } = {};
    try { holder = JSON.parse(readFileSync(path, 'utf8')); } catch { /* being written, or garbage */ }
    const stale = holder.host === hostname() && typeof holder.pid === 'number' && !alive(holder.pid);
    if (!stale) {
      throw new SpecError('--out', `${dir} is being written by another lamina run (pid ${holder.pid ?? '?'} on ${holder.host ?? '?'}, started ${holder.started ?? '?'}); wait for it, or delete ${path} if that run is gone`);
    }
    rmSync(path, { force: true });
  }
  throw new SpecError('--out', `cannot take the lock ${path}`);
}

export interface OpenOptions {
  /** Replace a previous run's results (the files its meta.json lists). */
  force?: boolean;
  /** Continue the run this directory holds (lamina resume): its files are kept. */
  resume?: boolean;
}

export class OutputDir {
  readonly dir: string;
  private lock: string | undefined;
  /** Files this run wrote, relative to dir (listed in meta.json). */
  private written = new Set<string>();
  private meta: Record<string, unknown> = {};

  private constructor(dir: string) {
    this.dir = dir;
  }

  static open(out: string, opts: OpenOptions = {}): OutputDir {
    prepareOut(out);
    const d = new OutputDir(out);
    d.lock = takeLock(out);
    try {
      if (!opts.resume) d.clearPrevious(opts.force ?? false);
      else {
        const previous = OutputDir.previousMeta(out) ?? {};
        const { files, status: _, ...meta } = previous;
        d.meta = meta;
        if (Array.isArray(files)) for (const f of files) if (typeof f === 'string') d.written.add(f);
      }
    } catch (e) {
      d.release();
      throw e;
    }
    return d;
  }

  /** The previous run's meta.json, if the directory holds one. */
  static previousMeta(out: string): Record<string, unknown> | undefined {
    const path = join(out, 'meta.json');
    if (!existsSync(path)) return undefined;
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch {
      return { status: 'unreadable' };
    }
  }

  private clearPrevious(force: boolean): void {
    const previous = OutputDir.previousMeta(this.dir);
    const others = readdirSync(this.dir).filter((f) => f !== LOCK);
    if (!previous) {
      if (others.length && !force) throw new SpecError('--out', `${this.dir} is not empty and holds no Lamina run (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', ...' : ''}); choose an empty directory, or pass --force to write beside these files`);
      return;
    }
    if (!force) {
      throw new SpecError('--out', `${this.dir} holds the results of a previous run (status ${String(previous.status ?? 'complete')}, ${String(previous.date ?? 'date unknown')}); pass --force to replace them${previous.status === 'interrupted' || previous.status === 'running' ? ', or continue it with `lamina resume ' + this.dir + '`' : ''}`);
    }
    const listed = Array.isArray(previous.files) ? (previous.files as unknown[]).filter((f): f is string => typeof f === 'string' && !f.includes('/') && !f.startsWith('.')) : [];
    for (const f of new Set([...listed, 'meta.json', 'summary.json', 'report.html'])) rmSync(join(this.dir, f), { force: true });
    for (const d of ['checkpoint', 'checkpoint.old']) rmSync(join(this.dir, d), { recursive: true, force: true });
  }

  path(file: string): string {
    this.written.add(file);
    return join(this.dir, file);
  }

  /** Notes a file written by someone else (e.g. a streamed .npy) so that meta.json lists it. */
  note(file: string): void {
    this.written.add(file);
  }

  json(file: string, value: unknown): void {
    writeAtomic(this.path(file), JSON.stringify(value, null, 1));
  }

  text(file: string, text: string): void {
    writeAtomic(this.path(file), text);
  }

  npy(file: string, data: NpyArray, shape: number[]): void {
    writeAtomic(this.path(file), encodeNpy(data, shape));
  }

  /** A scenario's own outputs: its extra arrays as NAME.npy and its figures under their file names. */
  scenarioFiles(result: Pick<ScenarioResult, 'arrays' | 'figures'>): void {
    for (const [name, a] of Object.entries(result.arrays)) this.npy(`${name}.npy`, a.data, a.shape);
    for (const [name, svg] of Object.entries(result.figures)) this.text(name, svg);
  }

  /** Writes meta.json: the fields given so far, merged with `fields`, the status and the files written. */
  writeMeta(status: RunStatus, fields: Record<string, unknown> = {}): void {
    this.meta = { ...this.meta, ...fields, status };
    writeAtomic(join(this.dir, 'meta.json'), JSON.stringify({ ...this.meta, files: [...this.written].sort() }, null, 1));
  }

  release(): void {
    if (this.lock) rmSync(this.lock, { force: true });
    this.lock = undefined;
  }
}
