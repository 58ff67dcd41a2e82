/**
 * A real Slurm: scripts/slurm-local.sh starts a one-node cluster on this host (installing slurm-wlm and
 * munge where missing), a 4-task job array written by sbatchScript runs `node` in each task, and each
 * task's file is named by the SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT that shardFromEnv reads; the
 * script of `lamina sweep --emit-sbatch` runs a tiny sweep as a 4-task array (lavapipe in each task),
 * `lamina sweep merge` merges the shard tables, and the merged table equals a single-process sweep of the
 * same file column by column (parameters, seeds, metrics, status); then the cluster stops (also when a
 * test failed) and no daemon is left. Needs the build (npm test builds first: dist/lamina.mjs). Needs root (the test cluster's daemons run as root) and either
 * Slurm installed or apt-get; in CI (which runs as root on Debian) a missing one fails, elsewhere the test
 * is skipped under a name that says what is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { shardFromEnv, shardPoints } from '../../scenarios/cluster.ts';
import { sbatchScript } from '../../scenarios/sbatch.ts';
import { TINY_SPIKING } from '../sweep/specs.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'slurm-local.sh');
const LAMINA = join(ROOT, 'bin', 'lamina.js');
const TASKS = 4;

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** Why a local Slurm cannot run here, or undefined when it can. */
function missing(): string | undefined {
  if (process.getuid?.() !== 0) return 'root (the local test cluster runs its daemons and jobs as root)';
  if (['munged', 'slurmctld', 'slurmd', 'sbatch'].every(have) || have('apt-get')) return undefined;
  return 'slurm-wlm and munge (not installed, and no apt-get to install them: apt-get install --no-install-recommends slurm-wlm munge)';
}

/** The task's Slurm variables, written by `node` inside each array task to task-ID-of-COUNT.json. */
const PROBE = `
const { writeFileSync } = require('node:fs');
const e = process.env;
const vars = Object.fromEntries(Object.entries(e).filter(([k]) => k.startsWith('SLURM_ARRAY_') || k === 'SLURM_JOB_ID'));
writeFileSync(require('node:path').join(process.argv[2], 'task-' + e.SLURM_ARRAY_TASK_ID + '-of-' + e.SLURM_ARRAY_TASK_COUNT + '.json'), JSON.stringify(vars));
`;

function sh(args: string[], env: NodeJS.ProcessEnv, timeout: number) {
  const r = spawnSync(args[0], args.slice(1), { env, encoding: 'utf8', timeout });
  return { status: r.status, out: r.stdout ?? '', err: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** Submits a job-array script and polls the controller (faster than sbatch --wait) until every task has ended: ["ID:STATE:EXIT"]. */
async function runArray(script: string, env: NodeJS.ProcessEnv, tasks: number): Promise<{ job: string; states: string[] }> {
  const sub = sh(['sbatch', '--parsable', script], env, 30_000);
  expect(sub.status, sub.err).toBe(0);
  const job = sub.out.trim().split(';')[0];
  let states: string[] = [];
  for (let i = 0; i < 480; i++) {
    const q = sh(['scontrol', '-o', 'show', 'job', job], env, 10_000);
    states = [...q.out.matchAll(/ArrayTaskId=(\d+) .*?JobState=(\S+) .*?ExitCode=(\S+)/g)].map((m) => `${m[1]}:${m[2]}:${m[3]}`);
    if (states.length === tasks && states.every((s) => !/PENDING|RUNNING|COMPLETING|CONFIGURING/.test(s))) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return { job, states: states.sort() };
}

/** A sweep table: its sweep row, and its points in order without the columns that depend on timing and batching. */
function readTable(dir: string): { sweep: Record<string, string>; points: Record<string, unknown>[] } {
  const db = new Database(join(dir, 'sweep.sqlite'), { readonly: true });
  try {
    const points = (db.prepare('SELECT * FROM points ORDER BY point, repeat').all() as Record<string, unknown>[]).map(({ wall_s: _w, batch: _b, ...rest }) => rest);
    return { sweep: db.prepare('SELECT * FROM sweep').get() as Record<string, string>, points };
  } finally {
    db.close();
  }
}

describe('a local Slurm cluster runs a job array', () => {
  const why = missing();
  if (why && process.env.CI) {
    it('needs Slurm in CI', () => { throw new Error(`cannot start a local Slurm: needs ${why}`); });
    return;
  }
  if (why) {
    console.warn(`local Slurm test skipped: needs ${why}`);
    it.skip(`needs ${why}`, () => {});
    return;
  }

  const dir = mkdtempSync(join(tmpdir(), 'lamina-slurm-test-'));
  // Its own state directory and ports, so a cluster started by hand (default /tmp/lamina-slurm, 6817) is left alone.
  const env = { ...process.env, LAMINA_SLURM_DIR: join(dir, 'slurm'), LAMINA_SLURM_PORT: '6837', SLURM_CONF: join(dir, 'slurm', 'slurm.conf') };
  const seconds: Record<string, number> = {};
  let daemons: number[] = [];

  const stop = () => sh(['bash', SCRIPT, 'stop'], env, 60_000);

  beforeAll(() => {
    const t0 = performance.now();
    // Up to 5 minutes: a fresh machine installs slurm-wlm and munge first.
    const r = sh(['bash', SCRIPT, 'start'], env, 300_000);
    seconds.start = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`scripts/slurm-local.sh start failed (exit ${r.status}):\n${r.err}`);
    daemons = ['munged', 'slurmctld', 'slurmd'].map((d) => Number(readFileSync(join(dir, 'slurm', `${d}.pid`), 'utf8')));
  }, 320_000);

  afterAll(() => {
    stop();
    console.log(`local Slurm: start ${seconds.start?.toFixed(1)} s, probe array ${seconds.array?.toFixed(1)} s, sweep array ${seconds.sweepArray?.toFixed(1)} s, stop ${seconds.stop?.toFixed(1)} s`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every task of a 4-task array built by sbatchScript, each seeing its shard', async () => {
    const out = join(dir, 'out');
    const probe = join(dir, 'probe.cjs');
    writeFileSync(probe, PROBE);
    mkdirSync(out);
    const script = join(dir, 'array.sh');
    writeFileSync(script, sbatchScript({
      jobName: 'lamina-probe', tasks: TASKS, command: [process.execPath, probe, out],
      cpusPerTask: 1, memMB: 200, timeMinutes: 5, output: join(dir, 'slurm-%A_%a.out'),
    }));
    const t0 = performance.now();
    const { job, states } = await runArray(script, env, TASKS);
    seconds.array = (performance.now() - t0) / 1000;
    expect(states).toEqual(Array.from({ length: TASKS }, (_, i) => `${i}:COMPLETED:0:0`));

    expect(readdirSync(out).sort()).toEqual(Array.from({ length: TASKS }, (_, i) => `task-${i}-of-${TASKS}.json`));
    const covered: number[] = [];
    for (let i = 0; i < TASKS; i++) {
      const vars = JSON.parse(readFileSync(join(out, `task-${i}-of-${TASKS}.json`), 'utf8')) as Record<string, string>;
      expect(vars.SLURM_ARRAY_JOB_ID).toBe(job);
      expect(shardFromEnv(vars)).toEqual({ index: i, count: TASKS });
      covered.push(...shardPoints(10, shardFromEnv(vars)!));
    }
    // The four shards of a 10-point sweep take every point once.
    expect(covered.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, k) => k));
  });

  it('runs the --emit-sbatch script of a sweep as a 4-task array; the merged shard tables equal a single-process sweep', async () => {
    expect(existsSync(join(ROOT, 'dist', 'lamina.mjs')), 'dist/lamina.mjs is missing: build first (node scripts/build.mjs; npm test does)').toBe(true);
    const sweepDir = join(dir, 'sweep');
    mkdirSync(sweepDir);
    writeFileSync(join(sweepDir, 'tiny.json'), JSON.stringify(TINY_SPIKING));
    const file = join(sweepDir, 'sweep.json');
    // 6 points x 2 repeats: shards of 2, 2, 1 and 1 points, each point's repeats in one shard.
    writeFileSync(file, JSON.stringify({
      base: 'tiny.json', steps: 200, seed: 11, repeats: 2,
      axes: [{ path: 'populations.E.params.tau_m', values: [10, 20, 30] }, { path: 'inputs.bg.rate', values: [10000, 14000] }],
      metrics: [{ metric: 'rate', population: 'E' }, { metric: 'cv', population: 'E' }, { metric: 'synchrony', population: 'E', bin: 2 }],
    }));
    const lamina = (...args: string[]) => sh([process.execPath, LAMINA, ...args], env, 120_000);
    const res = join(dir, 'res'), script = join(dir, 'sweep.sh');
    const emit = lamina('sweep', file, '--out', res, '--emit-sbatch', script, '--tasks', String(TASKS), '--cpus', '1', '--mem', '1000', '--time', '5');
    expect(emit.status, emit.err).toBe(0);
    expect(emit.err).toContain(`sbatch ${script}`);
    expect(existsSync(join(res, 'shard-0')), 'emitting ran the sweep').toBe(false);

    const t0 = performance.now();
    const array = runArray(script, env, TASKS);
    // The single-process sweep runs meanwhile, on the same lavapipe.
    const single = lamina('sweep', file, '--out', join(dir, 'single'), '--quiet');
    const { states } = await array;
    seconds.sweepArray = (performance.now() - t0) / 1000;
    const logs = readdirSync(res).filter((f) => f.endsWith('.out')).map((f) => readFileSync(join(res, f), 'utf8')).join('\n');
    expect(states, logs).toEqual(Array.from({ length: TASKS }, (_, i) => `${i}:COMPLETED:0:0`));
    expect(single.status, single.err).toBe(0);

    for (let i = 0; i < TASKS; i++) {
      const shard = readTable(join(res, `shard-${i}`));
      expect(shard.sweep.shard).toBe(`${i}/${TASKS}`);
      expect([...new Set(shard.points.map((p) => p.point))]).toEqual(shardPoints(6, { index: i, count: TASKS }));
    }
    const merge = lamina('sweep', 'merge', '--out', res, ...Array.from({ length: TASKS }, (_, i) => join(res, `shard-${i}`)));
    expect(merge.status, merge.err).toBe(0);
    expect(merge.err).toContain('12 runs done, 0 failed, 0 pending');
    const merged = readTable(res), whole = readTable(join(dir, 'single'));
    expect(Object.keys(merged.points[0])).toEqual(Object.keys(whole.points[0]));
    expect(merged.points.length).toBe(12);
    for (const col of Object.keys(whole.points[0])) expect(merged.points.map((p) => p[col]), col).toEqual(whole.points.map((p) => p[col]));
    expect(merged.points.every((p) => p.status === 'done' && typeof p.rate_E === 'number')).toBe(true);
    expect({ ...merged.sweep, date: '' }).toMatchObject({ ...whole.sweep, date: '' });
  }, 240_000);

  it('stops, leaving no daemon', () => {
    const t0 = performance.now();
    const r = stop();
    seconds.stop = (performance.now() - t0) / 1000;
    expect(r.status, r.err).toBe(0);
    const alive = daemons.filter((pid) => { try { process.kill(pid, 0); return true; } catch { return false; } });
    expect(alive).toEqual([]);
    expect(['munged', 'slurmctld', 'slurmd'].filter((d) => existsSync(join(dir, 'slurm', `${d}.pid`)))).toEqual([]);
  });
});
