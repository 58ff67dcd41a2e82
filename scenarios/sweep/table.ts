/**
 * The results table of a sweep, DIR/sweep.sqlite (better-sqlite3): table `sweep` (one row: the sweep
 * file, versions, adapter, git commit, date, shard) and table `points` (one row per point and repeat: point
 * index and id, parameters as columns named by their spec path, seed, each metric as a column, status,
 * wall time, batch). Every row exists from the start as "pending"; a batch's rows become "done" in one
 * transaction, so a crash loses at most the batch in flight.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SpecError } from '../../engine/errors.ts';
import type { PointRun } from './points.ts';

export const TABLE_FILE = 'sweep.sqlite';

export interface SweepInfo {
  /** The sweep file, canonical JSON (sorted keys). */
  sweep_file: string;
  /** The base network's spec (a scenario's as built, or the spec file's), canonical JSON. */
  base_spec: string;
  lamina: string;
  node: string;
  webgpu: string;
  adapter: string;
  git_commit: string;
  date: string;
  /** `i/n`: the table holds the points k with k mod n = i (`0/1`: every point). */
  shard: string;
}

export type RowStatus = 'pending' | 'done' | 'failed';

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The first difference between two JSON values, as "path: a -> b". */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k);
      if (d) return d;
    }
  }
  return `${path || '(the file)'}: ${JSON.stringify(a) ?? 'absent'} -> ${JSON.stringify(b) ?? 'absent'}`;
}

export class SweepTable {
  private constructor(readonly db: Database.Database, readonly params: string[], readonly metrics: string[]) {}

  /**
   * Opens DIR/sweep.sqlite, creating DIR and the table (every run pending) if new. An existing table
   * made from another sweep file is refused with a SpecError naming the first difference.
   */
  static open(dir: string, info: SweepInfo, params: string[], metrics: string[], runs: PointRun[]): SweepTable {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, TABLE_FILE);
    const fresh = !existsSync(path);
    const db = new Database(path);
    const table = new SweepTable(db, params, metrics);
    if (!fresh) {
      const row = db.prepare('SELECT * FROM sweep').get() as { sweep_file: string; base_spec: string; shard?: string } | undefined;
      if (!row) { db.close(); throw new SpecError(path, 'not a sweep table (no sweep row)'); }
      for (const [what, key] of [['sweep file', 'sweep_file'], ['base spec', 'base_spec']] as const) {
        if (row[key] === info[key]) continue;
        db.close();
        throw new SpecError('sweep', `${dir} holds a sweep made from another ${what} (${firstDifference(JSON.parse(row[key]), JSON.parse(info[key]))}); use a new --out directory`);
      }
      const had = row.shard ?? '0/1';
      if (had !== info.shard) {
        db.close();
        const name = (s: string) => (s === '0/1' ? 'the whole sweep (no shard)' : `shard ${s}`);
        throw new SpecError('--shard', `${dir} holds ${name(had)}, and this run is ${name(info.shard)}: give each shard its own --out directory (%a in --out becomes the shard index)`);
      }
      return table;
    }
    // One transaction: a table that exists has its sweep row and every point.
    db.transaction(() => create(db, info, params, metrics, runs))();
    return table;
  }

  /** Keys `point/repeat` of the runs whose status is done. */
  done(): Set<string> {
    const rows = this.db.prepare("SELECT point, repeat FROM points WHERE status = 'done'").all() as { point: number; repeat: number }[];
    return new Set(rows.map((r) => `${r.point}/${r.repeat}`));
  }

  /** Writes one batch's rows in one transaction. */
  writeBatch(batch: number, rows: { run: PointRun; metrics: Record<string, number>; status: RowStatus; wallSeconds: number; error?: string }[]): void {
    const set = this.db.prepare(`UPDATE points SET ${this.metrics.map((m) => `${q(m)} = ?, `).join('')}status = ?, wall_s = ?, batch = ?, error = ? WHERE point = ? AND repeat = ?`);
    this.db.transaction(() => {
      for (const r of rows) {
        // SQLite has no NaN: an undefined metric (no neuron with two ISIs, ...) is NULL.
        const vals = this.metrics.map((m) => (Number.isFinite(r.metrics[m]) ? r.metrics[m] : null));
        set.run(...vals, r.status, r.wallSeconds, batch, r.error ?? null, r.run.point.index, r.run.repeat);
      }
    })();
  }

  counts(): Record<RowStatus, number> {
    const out: Record<RowStatus, number> = { pending: 0, done: 0, failed: 0 };
    for (const r of this.db.prepare('SELECT status, COUNT(*) AS n FROM points GROUP BY status').all() as { status: RowStatus; n: number }[]) out[r.status] = r.n;
    return out;
  }

  close(): void {
    this.db.close();
  }
}

/** The tables of a new sweep: its sweep row, and every run pending. */
function create(db: Database.Database, info: SweepInfo, params: string[], metrics: string[], runs: PointRun[]): void {
  const cols = Object.keys(info);
  db.exec(`CREATE TABLE sweep (${cols.map((c) => `${q(c)} TEXT`).join(', ')})`);
  db.prepare(`INSERT INTO sweep VALUES (${cols.map(() => '?').join(', ')})`).run(...cols.map((c) => info[c as keyof SweepInfo]));
  db.exec(`CREATE TABLE points (point INTEGER NOT NULL, point_id TEXT NOT NULL, repeat INTEGER NOT NULL, seed INTEGER NOT NULL, ${
    params.map((p) => `${q(p)} REAL`).join(', ')}, ${metrics.map((m) => `${q(m)} REAL`).join(', ')}${metrics.length ? ', ' : ''}status TEXT NOT NULL, wall_s REAL, batch INTEGER, error TEXT, PRIMARY KEY (point, repeat))`);
  const insert = db.prepare(`INSERT INTO points (point, point_id, repeat, seed, ${params.map(q).join(', ')}, status) VALUES (?, ?, ?, ?, ${params.map(() => '?').join(', ')}, 'pending')`);
  for (const r of runs) insert.run(r.point.index, r.point.id, r.repeat, r.seed, ...params.map((p) => r.point.params[p]));
}
