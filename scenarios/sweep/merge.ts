/**
 * `lamina sweep merge --out DIR SHARD_DIR...`: one results table from the tables of a sharded sweep
 * (`--shard i/n`, one directory per shard). The shards must come from one sweep: the same sweep file and
 * base spec (canonical JSON), the same Lamina version and shard count, each shard once, and every shard
 * present unless `partial` (the missing shards' points are then written as pending). Each shard's rows
 * must be exactly its points, with the seeds the sweep file gives them.
 *
 * The merged table is the table a single-process sweep of the file writes: the same columns and rows in
 * the same order, with the same parameters, seeds, metrics and status; only wall_s and batch differ
 * (batch numbers count within each shard). Its sweep row says shard 0/1, so `lamina sweep SWEEP.json
 * --out DIR` on it runs whatever is still pending or failed there.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SpecError } from '../../engine/errors.ts';
import { parseShard, shardOf } from '../cluster.ts';
import { validateSweep } from './format.ts';
import { axisPaths, enumerateRuns } from './points.ts';
import { firstDifference, SweepTable, TABLE_FILE, type RowStatus, type SweepInfo } from './table.ts';

export interface ShardReport {
  dir: string;
  index: number;
  count: number;
  status: Record<RowStatus, number>;
}

export interface MergeOutcome {
  table: string;
  shards: ShardReport[];
  /** Shard indices absent (partial merge only); their points are pending in the table. */
  missing: number[];
  status: Record<RowStatus, number>;
}

type PointRow = Record<string, unknown> & { point: number; repeat: number; point_id: string; seed: number; status: RowStatus };

interface ShardTable {
  dir: string;
  info: SweepInfo;
  index: number;
  count: number;
  rows: PointRow[];
}

function readShard(dir: string): ShardTable {
  const path = join(dir, TABLE_FILE);
  if (!existsSync(path)) throw new SpecError('sweep merge', `${dir} holds no sweep table (${TABLE_FILE})`);
  const db = new Database(path, { readonly: true });
  try {
    const info = db.prepare('SELECT * FROM sweep').get() as (SweepInfo & { shard?: string }) | undefined;
    if (!info) throw new SpecError('sweep merge', `${path} is not a sweep table (no sweep row)`);
    const shard = parseShard(info.shard ?? '0/1', `${dir} (its shard)`);
    const rows = db.prepare('SELECT * FROM points ORDER BY point, repeat').all() as PointRow[];
    return { dir, info: { ...info, shard: info.shard ?? '0/1' }, ...shard, rows };
  } finally {
    db.close();
  }
}

/** The first way `b` is not from the same sweep as `a`, or undefined. */
function mismatch(a: ShardTable, b: ShardTable): string | undefined {
  for (const [what, key] of [['sweep file', 'sweep_file'], ['base spec', 'base_spec']] as const) {
    if (a.info[key] !== b.info[key]) return `another ${what} (${firstDifference(JSON.parse(a.info[key]), JSON.parse(b.info[key]))})`;
  }
  if (a.info.lamina !== b.info.lamina) return `another Lamina version (${a.info.lamina} -> ${b.info.lamina})`;
  if (a.count !== b.count) return `another shard count (${a.count} -> ${b.count})`;
  return undefined;
}

const distinct = (values: string[]) => [...new Set(values)].join('; ');

export function mergeShards(out: string, dirs: string[], opts: { partial?: boolean } = {}): MergeOutcome {
  if (dirs.length === 0) throw new SpecError('sweep merge', 'name the shard directories: lamina sweep merge --out DIR SHARD_DIR...');
  if (existsSync(join(out, TABLE_FILE))) throw new SpecError('--out', `${join(out, TABLE_FILE)} exists already: merge into a new directory`);
  const shards = dirs.map(readShard);
  const [first] = shards;
  const byIndex = new Map<number, ShardTable>();
  for (const s of shards) {
    const why = mismatch(first, s);
    if (why) throw new SpecError('sweep merge', `${s.dir} is not from the same sweep as ${first.dir}: ${why}`);
    const twin = byIndex.get(s.index);
    if (twin) throw new SpecError('sweep merge', `shard ${s.index}/${s.count} is given twice (${twin.dir} and ${s.dir})`);
    byIndex.set(s.index, s);
  }
  const missing = Array.from({ length: first.count }, (_, k) => k).filter((k) => !byIndex.has(k));
  if (missing.length && !opts.partial) {
    throw new SpecError('sweep merge', `shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${first.count} missing (--partial merges the others and leaves their points pending)`);
  }

  const sweep = validateSweep(JSON.parse(first.info.sweep_file));
  const runs = enumerateRuns(sweep);
  const metrics = sweep.metrics.map((m) => m.name);
  const expected = new Map(runs.map((r) => [`${r.point.index}/${r.repeat}`, r]));
  for (const s of shards) {
    const own = runs.filter((r) => shardOf(r.point.index, s.count) === s.index).length;
    const wrong = s.rows.find((row) => {
      const r = expected.get(`${row.point}/${row.repeat}`);
      return !r || shardOf(row.point, s.count) !== s.index || r.seed !== row.seed || r.point.id !== row.point_id;
    });
    if (wrong || s.rows.length !== own) {
      throw new SpecError('sweep merge', `${s.dir} does not hold the points of shard ${s.index}/${s.count} of its sweep file (${wrong ? `row point ${wrong.point}, repeat ${wrong.repeat}, seed ${wrong.seed}` : `${s.rows.length} rows, expected ${own}`})`);
    }
  }

  const info: SweepInfo = {
    ...first.info,
    node: distinct(shards.map((s) => s.info.node)), webgpu: distinct(shards.map((s) => s.info.webgpu)),
    adapter: distinct(shards.map((s) => s.info.adapter)), git_commit: distinct(shards.map((s) => s.info.git_commit)),
    date: new Date().toISOString(), shard: '0/1',
  };
  const table = SweepTable.open(out, info, axisPaths(sweep), metrics, runs);
  try {
    const q = (name: string) => `"${name.replaceAll('"', '""')}"`;
    const copied = [...metrics, 'status', 'wall_s', 'batch', 'error'];
    const set = table.db.prepare(`UPDATE points SET ${copied.map((c) => `${q(c)} = ?`).join(', ')} WHERE point = ? AND repeat = ?`);
    table.db.transaction(() => {
      for (const s of shards) for (const row of s.rows) set.run(...copied.map((c) => row[c] ?? null), row.point, row.repeat);
    })();
    const count = (rows: { status: RowStatus }[]) => {
      const c: Record<RowStatus, number> = { pending: 0, done: 0, failed: 0 };
      for (const r of rows) c[r.status]++;
      return c;
    };
    return {
      table: join(out, TABLE_FILE), missing, status: table.counts(),
      shards: [...byIndex.values()].sort((a, b) => a.index - b.index).map((s) => ({ dir: s.dir, index: s.index, count: s.count, status: count(s.rows) })),
    };
  } finally {
    table.close();
  }
}
