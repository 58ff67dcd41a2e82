/**
 * Cluster helpers without a cluster: `--shard i/n`, the shard a Slurm array task takes from its
 * environment (the variable sets below are the ones Slurm 22.05.8 set in test/cluster/slurm.test.ts's
 * cluster for --array=0-3, 4-10:3 and 1,5,9), the point -> shard assignment, and the job-array script.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { refusal } from '../spec-error.ts';
import { parseShard, resolveShard, shardFromEnv, shardOf, shardPoints } from '../../scenarios/cluster.ts';
import { sbatchScript, shellQuote, slurmTime, type SbatchOptions } from '../../scenarios/sbatch.ts';

const refusedField = (fn: () => unknown) => refusal(fn).field;

const task = (id: number, min: number, max: number, step: number, count?: number) => ({
  SLURM_ARRAY_JOB_ID: '8', SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: String(min),
  SLURM_ARRAY_TASK_MAX: String(max), SLURM_ARRAY_TASK_STEP: String(step),
  ...(count === undefined ? {} : { SLURM_ARRAY_TASK_COUNT: String(count) }),
});

describe('--shard i/n', () => {
  it('reads shard i of n, i counting from 0', () => {
    expect(parseShard('0/4')).toEqual({ index: 0, count: 4 });
    expect(parseShard(' 3 / 4 ')).toEqual({ index: 3, count: 4 });
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
  });

  it.each(['4/4', '1/0', '-1/4', '1.5/4', 'a/b', '2', '', '01/4', '1/4/2'])('refuses %j naming --shard', (s) => {
    expect(refusedField(() => parseShard(s))).toBe('--shard');
  });
});

describe('the shard of a Slurm array task', () => {
  it('is absent outside a job array', () => {
    expect(shardFromEnv({})).toBeUndefined();
    expect(shardFromEnv({ SLURM_JOB_ID: '3' })).toBeUndefined();
  });

  it('is the task id and count of an array 0-(n-1)', () => {
    for (let i = 0; i < 4; i++) expect(shardFromEnv(task(i, 0, 3, 1, 4))).toEqual({ index: i, count: 4 });
  });

  it('is the position in the array when ids start elsewhere or step', () => {
    expect(shardFromEnv(task(1, 1, 4, 1, 4))).toEqual({ index: 0, count: 4 });
    expect(shardFromEnv(task(4, 1, 4, 1, 4))).toEqual({ index: 3, count: 4 });
    expect([4, 7, 10].map((id) => shardFromEnv(task(id, 4, 10, 3, 3)))).toEqual([0, 1, 2].map((index) => ({ index, count: 3 })));
  });

  it('counts from MIN, MAX and STEP where SLURM_ARRAY_TASK_COUNT is unset', () => {
    expect(shardFromEnv(task(2, 0, 5, 1))).toEqual({ index: 2, count: 6 });
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MAX: '3' })).toEqual({ index: 2, count: 4 });
  });

  it('is refused for listed ids that are not evenly spaced, and for bad variables', () => {
    for (const id of [1, 5, 9]) expect(refusedField(() => shardFromEnv(task(id, 1, 9, 1, 3)))).toBe('SLURM_ARRAY_TASK_ID');
    expect(refusedField(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: '2' }))).toBe('SLURM_ARRAY_TASK_COUNT');
    expect(refusedField(() => shardFromEnv({ ...task(1, 0, 3, 1, 4), SLURM_ARRAY_TASK_ID: 'x' }))).toBe('SLURM_ARRAY_TASK_ID');
    expect(refusedField(() => shardFromEnv(task(9, 0, 3, 1, 4)))).toBe('SLURM_ARRAY_TASK_ID');
    expect(refusedField(() => shardFromEnv(task(1, 0, 3, 0, 4)))).toBe('SLURM_ARRAY_TASK_STEP');
  });

  it('gives way to an explicit --shard', () => {
    expect(resolveShard('1/2', task(3, 0, 3, 1, 4))).toEqual({ index: 1, count: 2 });
    expect(resolveShard(undefined, task(3, 0, 3, 1, 4))).toEqual({ index: 3, count: 4 });
    expect(resolveShard(undefined, {})).toBeUndefined();
  });
});

describe('point -> shard', () => {
  it('deals points round-robin', () => {
    expect(Array.from({ length: 7 }, (_, k) => shardOf(k, 3))).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(shardPoints(7, { index: 1, count: 3 })).toEqual([1, 4]);
    expect(shardPoints(2, { index: 3, count: 4 })).toEqual([]);
  });

  it('gives every point to exactly one shard, the one shardOf names, with sizes within one', () => {
    for (const [total, n] of [[10, 4], [64, 7], [3, 5], [1, 1]]) {
      const shards = Array.from({ length: n }, (_, i) => shardPoints(total, { index: i, count: n }));
      shards.forEach((pts, i) => pts.forEach((k) => expect(shardOf(k, n)).toBe(i)));
      expect(shards.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, k) => k));
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('refuses indices and counts that are not whole', () => {
    expect(() => shardOf(-1, 2)).toThrow(RangeError);
    expect(() => shardOf(1.5, 2)).toThrow(RangeError);
    expect(() => shardOf(1, 0)).toThrow(RangeError);
  });
});

describe('job-array script', () => {
  const base: SbatchOptions = {
    jobName: 'coba-sweep', tasks: 4, command: ['lamina', 'sweep', 'sweep.json', '--out', 'results/sweep'],
    cpusPerTask: 4, memMB: 8000, timeMinutes: 90,
  };
  /** The #SBATCH directives sbatch reads: those before the first line that is not a comment or blank. */
  const directives = (text: string) => {
    const head = text.split('\n').slice(1);
    const end = head.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
    return head.slice(0, end).filter((l) => l.startsWith('#SBATCH ')).map((l) => l.slice('#SBATCH '.length));
  };

  it('writes the array, resources, output and an early SIGTERM to the batch shell', () => {
    const text = sbatchScript(base);
    expect(text.startsWith('#!/bin/bash\n')).toBe(true);
    expect(directives(text)).toEqual([
      '--job-name=coba-sweep', '--array=0-3', '--cpus-per-task=4', '--mem=8000M', '--time=01:30:00',
      '--output=slurm-%A_%a.out', '--signal=B:TERM@60',
    ]);
    expect(text).toContain('\n##SBATCH --gres=gpu:1\n');
    expect(text.trimEnd().split('\n').at(-1)).toBe('exec lamina sweep sweep.json --out results/sweep');
  });

  it('writes the optional directives it is given', () => {
    const d = directives(sbatchScript({
      ...base, maxRunning: 2, gpus: 2, output: 'logs/%A_%a.out', error: 'logs/%A_%a.err', chdir: '/scratch/me',
      partition: 'gpu', account: 'lab', signalSeconds: 0, timeMinutes: 1500,
    }));
    expect(d).toContain('--array=0-3%2');
    expect(d).toContain('--gres=gpu:2');
    expect(d).toContain('--time=1-01:00:00');
    expect(d).toEqual(expect.arrayContaining(['--output=logs/%A_%a.out', '--error=logs/%A_%a.err', '--chdir=/scratch/me', '--partition=gpu', '--account=lab']));
    expect(d.some((l) => l.startsWith('--signal'))).toBe(false);
  });

  it.each<[keyof SbatchOptions, unknown]>([
    ['jobName', 'my sweep'], ['tasks', 0], ['maxRunning', 0], ['cpusPerTask', 1.5], ['memMB', 0], ['timeMinutes', 0],
    ['gpus', -1], ['signalSeconds', -5], ['output', 'my logs/%a.out'], ['chdir', ''], ['command', []], ['header', ['a\nb']],
  ])('refuses a bad %s naming it', (key, value) => {
    expect(refusedField(() => sbatchScript({ ...base, [key]: value }))).toBe(key);
  });

  it('formats Slurm times', () => {
    expect([1, 59, 60, 1439, 1440, 2 * 1440 + 61].map(slurmTime)).toEqual(['00:01:00', '00:59:00', '01:00:00', '23:59:00', '1-00:00:00', '2-01:01:00']);
  });

  it('runs its command with the arguments exactly as given', () => {
    const args = ["it's", 'a b', '$HOME', '"q"', '*', 'x;y', ''];
    expect(args.map(shellQuote).slice(0, 2)).toEqual([`'it'\\''s'`, `'a b'`]);
    const dir = mkdtempSync(join(tmpdir(), 'lamina-sbatch-'));
    try {
      const file = join(dir, 'job.sh');
      writeFileSync(file, sbatchScript({ ...base, header: ['written by a test'], command: [process.execPath, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', ...args] }));
      const r = spawnSync('bash', [file], { encoding: 'utf8', cwd: dir });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(args);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
