/**
 * A real Slurm: scripts/slurm-local.sh starts a one-node cluster on this host (installing slurm-wlm and
 * munge where missing), a 4-task job array written by sbatchScript runs `node` in each task, and each
 * task's file is named by the SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT that shardFromEnv reads; then
 * the cluster stops and no daemon is left. Needs root (the test cluster's daemons run as root) and either
 * Slurm installed or apt-get; in CI (which runs as root on Debian) a missing one fails, elsewhere the test
 * is skipped under a name that says what is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shardFromEnv, shardPoints } from '../../scenarios/cluster.ts';
import { sbatchScript } from '../../scenarios/sbatch.ts';

const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'slurm-local.sh');
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
    console.log(`local Slurm: start ${seconds.start?.toFixed(1)} s, array ${seconds.array?.toFixed(1)} s, stop ${seconds.stop?.toFixed(1)} s`);
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
    const sub = sh(['sbatch', '--parsable', script], env, 30_000);
    expect(sub.status, sub.err).toBe(0);
    const job = sub.out.trim().split(';')[0];
    // Poll the controller (faster than sbatch --wait, which checks every few seconds) until every task has ended.
    let states: string[] = [];
    for (let i = 0; i < 240; i++) {
      const q = sh(['scontrol', '-o', 'show', 'job', job], env, 10_000);
      states = [...q.out.matchAll(/ArrayTaskId=(\d+) .*?JobState=(\S+) .*?ExitCode=(\S+)/g)].map((m) => `${m[1]}:${m[2]}:${m[3]}`);
      if (states.length === TASKS && states.every((s) => !/PENDING|RUNNING|COMPLETING|CONFIGURING/.test(s))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    seconds.array = (performance.now() - t0) / 1000;
    expect(states.sort()).toEqual(Array.from({ length: TASKS }, (_, i) => `${i}:COMPLETED:0:0`));

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
