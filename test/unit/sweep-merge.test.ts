/**
 * Sharded sweeps without a GPU: shard tables written through SweepTable (with stand-in metric values)
 * merge into the table of an unsharded sweep; shards of another sweep, a shard given twice or missing,
 * and a table that does not hold its shard's points are refused naming the difference; `--emit-sbatch`
 * writes the job-array script of this install and runs nothing.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { shardOf } from '../../scenarios/cluster.ts';
import { emitSbatch, SBATCH_DEFAULTS } from '../../scenarios/sweep/emit.ts';
import { canonicalJson, validateSweep } from '../../scenarios/sweep/format.ts';
import { mergeShards } from '../../scenarios/sweep/merge.ts';
import { axisPaths, enumerateRuns, type PointRun } from '../../scenarios/sweep/points.ts';
import { SweepTable, type RowStatus } from '../../scenarios/sweep/table.ts';
import { refusal } from '../spec-error.ts';

const root = mkdtempSync(join(tmpdir(), 'lamina-merge-'));
let serial = 0;
const fresh = () => join(root, `d${serial++}`);

const SWEEP = {
  base: 'tiny.json', steps: 100, seed: 7, repeats: 2,
  axes: [{ path: 'populations.E.params.tau_m', values: [10, 15, 20, 25, 30] }],
  metrics: [{ metric: 'rate', population: 'E' }, { metric: 'synchrony', population: 'E', bin: 2 }],
};
const BASE = { dt: 0.1, populations: [{ name: 'E', size: 10, model: 'lif_psc_exp' }] };

/** A stand-in result of a run: a value per metric that depends on the point and repeat only. */
const metricsOf = (r: PointRun) => ({ rate_E: r.point.index * 10 + r.repeat, synchrony_E: r.seed / 2 ** 32 });

/**
 * Writes the table of shard i/n of `sweep` into a new directory, as runSweep does, with every run done
 * unless `status` says otherwise; `runs` overrides the rows it holds.
 */
function shardTable(sweep: object, shard: string, opts: { status?: (r: PointRun) => RowStatus; runs?: PointRun[]; base?: object } = {}): string {
  const dir = fresh();
  const s = validateSweep(sweep);
  const [i, n] = shard.split('/').map(Number);
  const runs = opts.runs ?? enumerateRuns(s).filter((r) => shardOf(r.point.index, n) === i);
  const table = SweepTable.open(dir, {
    sweep_file: canonicalJson(sweep), base_spec: canonicalJson(opts.base ?? BASE), lamina: '0.1.0', node: 'v20', webgpu: '0.6.2',
    adapter: `gpu-${shard}`, git_commit: 'abc', date: '2026-01-01', shard,
  }, axisPaths(s), s.metrics.map((m) => m.name), runs);
  table.writeBatch(0, runs.filter((r) => (opts.status?.(r) ?? 'done') !== 'pending').map((r) => {
    const status = opts.status?.(r) ?? 'done';
    return { run: r, metrics: status === 'done' ? metricsOf(r) : {}, status, wallSeconds: 0.5 + i, ...(status === 'failed' ? { error: 'numerical fault' } : {}) };
  }));
  table.close();
  return dir;
}

function points(dir: string): Record<string, unknown>[] {
  const db = new Database(join(dir, 'sweep.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT * FROM points ORDER BY point, repeat').all() as Record<string, unknown>[]).map(({ wall_s: _w, batch: _b, ...rest }) => rest);
  } finally {
    db.close();
  }
}

const refused = (fn: () => unknown) => refusal(fn).message;

describe('lamina sweep merge', () => {
  it('merges the shard tables, in any order, into the table of the unsharded sweep', () => {
    const whole = shardTable(SWEEP, '0/1');
    const shards = ['2/3', '0/3', '1/3'].map((s) => shardTable(SWEEP, s));
    const out = fresh();
    const m = mergeShards(out, shards);
    expect(m.status).toEqual({ pending: 0, done: 10, failed: 0 });
    expect(m.missing).toEqual([]);
    expect(m.shards.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(points(out)).toEqual(points(whole));
    const db = new Database(join(out, 'sweep.sqlite'), { readonly: true });
    const info = db.prepare('SELECT * FROM sweep').get() as Record<string, string>;
    db.close();
    expect(info.shard).toBe('0/1');
    expect(info.sweep_file).toBe(canonicalJson(SWEEP));
    expect(info.adapter).toBe('gpu-2/3; gpu-0/3; gpu-1/3');
  });

  it('carries failed and pending rows as they are and reports them per shard', () => {
    const shards = [
      shardTable(SWEEP, '0/2', { status: (r) => (r.point.index === 2 && r.repeat === 1 ? 'failed' : 'done') }),
      shardTable(SWEEP, '1/2', { status: (r) => (r.point.index === 3 ? 'pending' : 'done') }),
    ];
    const out = fresh();
    const m = mergeShards(out, shards);
    expect(m.status).toEqual({ pending: 2, done: 7, failed: 1 });
    expect(m.shards.map((s) => s.status)).toEqual([{ pending: 0, done: 5, failed: 1 }, { pending: 2, done: 2, failed: 0 }]);
    const rows = points(out);
    expect(rows.find((r) => r.point === 2 && r.repeat === 1)).toMatchObject({ status: 'failed', error: 'numerical fault', rate_E: null });
    expect(rows.filter((r) => r.point === 3).map((r) => r.status)).toEqual(['pending', 'pending']);
  });

  it('refuses shards of another sweep file or base spec, naming the difference', () => {
    const a = shardTable(SWEEP, '0/2');
    const b = shardTable({ ...SWEEP, seed: 8 }, '1/2');
    expect(refused(() => mergeShards(fresh(), [a, b]))).toBe(`sweep merge: ${b} is not from the same sweep as ${a}: another sweep file (seed: 7 -> 8)`);
    const c = shardTable(SWEEP, '1/2', { base: { ...BASE, dt: 0.05 } });
    expect(refused(() => mergeShards(fresh(), [a, c]))).toContain('another base spec (dt: 0.1 -> 0.05)');
    expect(refused(() => mergeShards(fresh(), [a, shardTable(SWEEP, '1/3')]))).toContain('another shard count (2 -> 3)');
  });

  it('refuses a shard given twice, and missing shards unless partial (their points stay pending)', () => {
    const s0 = shardTable(SWEEP, '0/3'), s2 = shardTable(SWEEP, '2/3');
    const again = shardTable(SWEEP, '2/3');
    expect(refused(() => mergeShards(fresh(), [s0, s2, again]))).toBe(`sweep merge: shard 2/3 is given twice (${s2} and ${again})`);
    expect(refused(() => mergeShards(fresh(), [s2]))).toBe('sweep merge: shards 0, 1 of 3 missing (--partial merges the others and leaves their points pending)');
    const out = fresh();
    const m = mergeShards(out, [s0, s2], { partial: true });
    expect(m.missing).toEqual([1]);
    expect(m.status).toEqual({ pending: 4, done: 6, failed: 0 });
    expect(points(out).filter((r) => r.status === 'pending').map((r) => r.point)).toEqual([1, 1, 4, 4]);
  });

  it('refuses a table that does not hold its shard, a directory without a table, and an existing output table', () => {
    const s = validateSweep(SWEEP);
    const wrong = shardTable(SWEEP, '1/2', { runs: enumerateRuns(s).filter((r) => r.point.index % 2 === 0) });
    expect(refused(() => mergeShards(fresh(), [shardTable(SWEEP, '0/2'), wrong]))).toContain(`${wrong} does not hold the points of shard 1/2 of its sweep file (row point 0, repeat 0`);
    const empty = fresh();
    mkdirSync(empty);
    expect(refused(() => mergeShards(fresh(), [empty]))).toBe(`sweep merge: ${empty} holds no sweep table (sweep.sqlite)`);
    const done = shardTable(SWEEP, '0/1');
    expect(refused(() => mergeShards(done, [shardTable(SWEEP, '0/1')]))).toMatch(/^--out: .*sweep\.sqlite exists already/);
  });
});

describe('lamina sweep --emit-sbatch', () => {
  const dir = fresh();
  mkdirSync(dir);
  const file = join(dir, 'my sweep.json');
  writeFileSync(file, JSON.stringify(SWEEP));

  it('writes a job array of this node and lamina.js whose tasks run the sweep into DIR/shard-%a, and runs nothing', () => {
    const out = join(dir, 'res'), script = join(dir, 'job.sh');
    const e = emitSbatch({ file: relative(process.cwd(), file), out: relative(process.cwd(), out), script, tasks: 3, passOn: ['--max-batch', '4'], node: '/opt/node/bin/node', laminaJs: 'bin/lamina.js' });
    expect(e).toMatchObject({ tasks: 3, points: 5 });
    const text = readFileSync(script, 'utf8');
    const lamina = join(process.cwd(), 'bin', 'lamina.js');
    expect(text.split('\n').filter((l) => l.startsWith('exec '))).toEqual([`exec /opt/node/bin/node ${lamina} sweep '${file}' --out ${out}/shard-%a --max-batch 4`]);
    expect(text).toContain('#SBATCH --array=0-2\n');
    expect(text).toContain(`#SBATCH --cpus-per-task=${SBATCH_DEFAULTS.cpus}\n#SBATCH --mem=${SBATCH_DEFAULTS.memMB}M\n#SBATCH --time=01:00:00\n`);
    expect(text).toContain(`#SBATCH --output=${out}/slurm-%A_%a.out\n`);
    expect(text).toContain(`#SBATCH --chdir=${process.cwd()}\n`);
    expect(text).toContain('##SBATCH --gres=gpu:1');
    expect(text).toContain('#SBATCH --job-name=lamina-my_sweep\n');
    expect(text).not.toContain('--shard');
    expect(e.merge).toBe(`/opt/node/bin/node ${lamina} sweep merge --out ${out} ${out}/shard-*`);
    // Slurm needs the output directory before a task starts; no shard has run.
    expect(existsSync(out) && !existsSync(join(out, 'shard-0'))).toBe(true);
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
  });

  it('writes the resources asked for, and refuses more tasks than points', () => {
    const script = join(dir, 'gpu.sh');
    emitSbatch({ file, out: join(dir, 'r2'), script, tasks: 5, timeMinutes: 90, memMB: 2000, cpus: 4, gpus: 1, partition: 'gpu', account: 'lab', passOn: [], node: 'node', laminaJs: 'bin/lamina.js' });
    const text = readFileSync(script, 'utf8');
    for (const line of ['--array=0-4', '--cpus-per-task=4', '--mem=2000M', '--time=01:30:00', '--gres=gpu:1', '--partition=gpu', '--account=lab']) expect(text).toContain(`\n#SBATCH ${line}\n`);
    expect(refused(() => emitSbatch({ file, out: join(dir, 'r3'), script, tasks: 6, passOn: [], node: 'node', laminaJs: 'bin/lamina.js' })))
      .toBe('--tasks: 6 tasks for 5 points would leave tasks without a point: use at most 5');
  });
});
