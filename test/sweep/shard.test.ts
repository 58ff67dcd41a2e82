/**
 * A shard of a sweep (lavapipe): `shard: i/n` runs the points k with k mod n = i, every repeat of a
 * point in the same shard, batched within the shard; its rows equal the unsharded sweep's (spiking is
 * bit-exact); an interrupted shard resumes into the same table; a directory of another shard is refused.
 * Then the CLI's exit codes for the cluster flags (exit 2 for bad input, 1 for an incomplete merge).
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpecError } from '../../engine/errors.ts';
import { runSweep } from '../../scenarios/sweep/runner.ts';
import { TINY_SPIKING } from './specs.ts';

const dir = mkdtempSync(join(tmpdir(), 'lamina-sweep-shard-'));
writeFileSync(join(dir, 'tiny.json'), JSON.stringify(TINY_SPIKING));
const file = join(dir, 'sweep.json');
writeFileSync(file, JSON.stringify({
  base: 'tiny.json', steps: 150, seed: 5, repeats: 2,
  axes: [{ path: 'populations.E.params.tau_m', values: [10, 14, 18, 22, 26, 30, 34] }],
  metrics: [{ metric: 'rate', population: 'E' }, { metric: 'synchrony', population: 'E', bin: 2 }],
}));

function table(out: string) {
  const db = new Database(join(out, 'sweep.sqlite'), { readonly: true });
  try {
    const rows = db.prepare('SELECT * FROM points ORDER BY point, repeat').all() as Record<string, unknown>[];
    return { shard: (db.prepare('SELECT shard FROM sweep').get() as { shard: string }).shard, rows, results: rows.map(({ wall_s: _w, batch: _b, ...rest }) => rest) };
  } finally {
    db.close();
  }
}

function lamina(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['bin/lamina.js', ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { code: r.status, err: r.stderr };
}

describe('a shard of a sweep', () => {
  it('takes points k mod 3 = 1 with all their repeats, batched within the shard; its rows equal the unsharded sweep', async () => {
    const whole = join(dir, 'whole'), shard = join(dir, 'shard-1');
    await runSweep({ file, out: whole, maxBatch: 64 });
    const logs: string[] = [];
    const r = await runSweep({ file, out: shard, maxBatch: 3, shard: { index: 1, count: 3 }, log: (m) => logs.push(m) });
    expect(r).toMatchObject({ status: 'complete', total: 4, done: 4, failed: 0 });
    expect(logs[0]).toMatch(/, shard 1\/3: 4 runs \(2 points x 2 repeats\) in 2 batches/);
    const t = table(shard);
    expect(t.shard).toBe('1/3');
    expect(t.rows.map((x) => `${x.point}/${x.repeat}@${x.batch}`)).toEqual(['1/0@0', '1/1@0', '4/0@0', '4/1@1']);
    expect(t.results).toEqual(table(whole).results.filter((x) => (x.point as number) % 3 === 1));
    expect(t.results.every((x) => x.status === 'done' && typeof x.rate_E === 'number')).toBe(true);
  });

  it('resumes where it stopped, in its own directory, and refuses a directory of another shard or of the whole sweep', async () => {
    const cut = join(dir, 'cut-2'), stop = new AbortController();
    const first = await runSweep({ file, out: cut, maxBatch: 1, shard: { index: 2, count: 3 }, signal: stop.signal, onProgress: () => stop.abort('SIGTERM') });
    expect(first).toMatchObject({ status: 'interrupted', total: 4, done: 1 });
    const again = await runSweep({ file, out: cut, maxBatch: 1, shard: { index: 2, count: 3 } });
    expect(again).toMatchObject({ status: 'complete', done: 4, skipped: 1 });
    const straight = join(dir, 'straight-2');
    await runSweep({ file, out: straight, maxBatch: 1, shard: { index: 2, count: 3 } });
    expect(table(cut).results).toEqual(table(straight).results);

    for (const [out, shard, held] of [[cut, { index: 0, count: 3 }, 'shard 2/3'], [cut, undefined, 'shard 2/3'], [join(dir, 'whole'), { index: 2, count: 3 }, 'the whole sweep (no shard)']] as const) {
      const e = await runSweep({ file, out, shard }).then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(SpecError);
      expect((e as SpecError).field).toBe('--shard');
      expect((e as Error).message).toContain(`${out} holds ${held}`);
    }
  });
});

describe('lamina sweep on a cluster: exit codes', () => {
  it('a Slurm array task finds its shard and %a in --out; another shard in its directory exits 2', () => {
    const task = { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '7', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '6' };
    const r = lamina(['sweep', file, '--out', join(dir, 'env', 'shard-%a')], task);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(', shard 3/7: 2 runs (1 point x 2 repeats)');
    expect(table(join(dir, 'env', 'shard-3')).shard).toBe('3/7');
    // The flag wins over the array's variables.
    const clash = lamina(['sweep', file, '--out', join(dir, 'env', 'shard-3'), '--shard', '4/7'], task);
    expect(clash.code).toBe(2);
    expect(clash.err).toMatch(/^lamina: error: --shard: .*shard-3 holds shard 3\/7, and this run is shard 4\/7: give each shard its own --out directory/m);
  });

  it('bad cluster flags exit 2 with one line; an incomplete merge exits 1', () => {
    for (const [args, message] of [
      [['sweep', file, '--out', join(dir, 'x'), '--shard', '7/7'], '--shard: i counts from 0 and must be below n'],
      [['sweep', file, '--out', join(dir, 'x-%a')], '--out: %a stands for the shard index, and no shard is given'],
      [['sweep', file, '--out', join(dir, 'x'), '--emit-sbatch', join(dir, 'x.sh')], '--tasks: name the number of array tasks'],
      [['sweep', file, '--out', join(dir, 'x'), '--emit-sbatch', join(dir, 'x.sh'), '--tasks', '8'], '--tasks: 8 tasks for 7 points'],
      [['sweep', file, '--out', join(dir, 'x'), '--emit-sbatch', join(dir, 'x.sh'), '--tasks', '2', '--adapter-index', 'last'], "must be a whole number >= 0, got 'last'"],
      [['sweep', 'merge', '--out', join(dir, 'm'), join(dir, 'shard-1')], 'sweep merge: shards 0, 2 of 3 missing'],
      [['sweep', 'merge', '--out', join(dir, 'm'), join(dir, 'shard-1'), join(dir, 'whole')], 'another shard count (3 -> 1)'],
      [['sweep', file, '--out', join(dir, 'x'), '--tasks', '2'], '--tasks: does not apply to lamina sweep'],
      [['run', 'x.json', '--shard', '0/2'], '--shard applies to lamina sweep only'],
    ] as const) {
      const r = lamina([...args]);
      expect(r.code, r.err).toBe(2);
      expect(r.err.trim().split('\n').filter((l) => l.startsWith('lamina: error: '))).toHaveLength(1);
      expect(r.err).toContain(message);
    }
    const partial = lamina(['sweep', 'merge', '--out', join(dir, 'm'), join(dir, 'shard-1'), '--partial']);
    expect(partial.code, partial.err).toBe(1);
    expect(partial.err).toContain('shards 0, 2 missing: their points are pending');
    expect(partial.err).toContain('4 runs done, 0 failed, 10 pending');
  });

  it('--adapter-index 0 takes the one lavapipe adapter; 1 and a bad LAMINA_ADAPTER_INDEX exit 2 listing the adapters', () => {
    expect(lamina(['info', '--adapter-index', '0']).code).toBe(0);
    const past = lamina(['info', '--adapter-index', '1']);
    expect(past.code).toBe(2);
    expect(past.err).toMatch(/^lamina: error: adapter-index: no adapter 1; Dawn offers 0: 'llvmpipe[^']*' \(vulkan\)$/m);
    const bad = lamina(['sweep', file, '--out', join(dir, 'y')], { LAMINA_ADAPTER_INDEX: 'first' });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("adapter-index: LAMINA_ADAPTER_INDEX (--adapter-index) must be a whole number >= 0, got 'first'");
    // Lavapipe is no NVIDIA adapter: CUDA_VISIBLE_DEVICES does not apply.
    expect(lamina(['info'], { CUDA_VISIBLE_DEVICES: '1' }).code).toBe(0);
  });
});
