/**
 * Nothing lost: a run killed outright (SIGKILL) leaves .npy files numpy loads and a checkpoint, a run
 * stopped by SIGINT or SIGTERM saves its rows, a checkpoint and meta.json ("interrupted") and exits 130 or
 * 143, and `lamina resume` then finishes the run into the same files: byte-identical to an uninterrupted
 * run for spiking networks, equal for rate networks.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpyFile } from '../engine/node/npy-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'lamina-interrupt-'));

const spiking = {
  dt: 0.1, steps: 8000, seed: 3,
  populations: [
    { name: 'E', size: 120, model: 'lif_psc_exp', init: { V: { uniform: [-70, -52] } } },
    { name: 'I', size: 30, model: 'lif_psc_exp', params: { tau_m: 8, t_ref: 2.05 } },
  ],
  projections: [
    { name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity: { type: 'fixed-probability', p: 0.1 }, weight: { normal: [30, 3] }, sign: 'excitatory', delay: { uniform: [0.5, 3] } },
    { name: 'EI', from: 'E', to: 'I', port: 'exc', connectivity: { type: 'fixed-indegree', k: 20 }, weight: 60, delay: 1.0 },
    { name: 'IE', from: 'I', to: 'E', port: 'inh', connectivity: { type: 'fixed-indegree', k: 10 }, weight: -200, delay: 0.8 },
  ],
  inputs: [{ name: 'bg', target: 'E', type: 'poisson', rate: 9000, weight: 87.8, port: 'exc' }],
  record: [
    { name: 'spikes_E', population: 'E', what: 'spikes' },
    { name: 'rate_E', population: 'E', what: 'rate', every: 7 },
    { name: 'V', population: 'E', what: 'V', units: [0, 5, 9], every: 3 },
  ],
  batch: { size: 2, params: { 'populations.E.tau_m': [10, 14] } },
};

const rate = {
  dt: 1, steps: 20000, seed: 4,
  populations: [{ name: 'a', size: 40, tau: 5, activation: 'tanh', init: 0.5, noise: 0.1 }],
  projections: [{ name: 'rec', from: 'a', to: 'a', weights: { type: 'gaussian', g: 1.4 } }],
  record: [{ name: 'ra', population: 'a', every: 3 }, { name: 'mean', population: 'a', reduce: 'mean' }],
};

function specFile(name: string, spec: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(spec));
  return p;
}

function lamina(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/lamina.js', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, err: r.stderr };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a run, waits until `ready(out)` holds, sends `signal`; resolves with the exit code and stderr. */
async function interrupt(args: string[], out: string, ready: () => boolean, signal: NodeJS.Signals) {
  const p = spawn(process.execPath, ['bin/lamina.js', ...args, '--out', out]);
  let err = '';
  p.stderr.on('data', (d) => { err += d; });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => p.on('close', (code, sig) => done({ code, signal: sig })));
  let finished = false;
  void closed.then(() => { finished = true; });
  while (!ready()) {
    if (finished) throw new Error(`the run ended before it could be interrupted: ${err}`);
    await sleep(20);
  }
  p.kill(signal);
  return { ...(await closed), err };
}

/** Rows on disk now, from the header of a streamed .npy (0 before it exists). */
function rowsOf(path: string): number {
  try { return readNpyFile(path).shape[0]; } catch { return 0; }
}

const meta = (out: string) => JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
const npyFiles = (out: string) => readdirSync(out).filter((f) => f.endsWith('.npy')).sort();

function numpyShapes(out: string): Record<string, number[]> {
  const py = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import numpy']).status === 0);
  if (!py) throw new Error('numpy is needed (.ci/run installs python3-numpy)');
  const code = `import numpy, json, sys, os\nd = sys.argv[1]\nprint(json.dumps({f: list(numpy.load(os.path.join(d, f)).shape) for f in sorted(os.listdir(d)) if f.endswith('.npy')}))`;
  return JSON.parse(execFileSync(py, ['-c', code, out], { encoding: 'utf8' }));
}

/** Every .npy file of `out` is byte-identical to the reference run's. */
function expectSameFiles(out: string, ref: string): void {
  expect(npyFiles(out)).toEqual(npyFiles(ref));
  for (const f of npyFiles(ref)) expect(readFileSync(join(out, f)).equals(readFileSync(join(ref, f))), f).toBe(true);
}

describe('interrupted runs', () => {
  const spikingSpec = specFile('spiking.json', spiking);
  const refSpiking = join(dir, 'ref-spiking');

  it('an uninterrupted spiking run (the reference)', () => {
    const r = lamina('run', spikingSpec, '--out', refSpiking, '--quiet');
    expect(r.code, r.err).toBe(0);
    expect(rowsOf(join(refSpiking, 'spikes_E.npy'))).toBeGreaterThan(500);
  });

  it('killed with SIGKILL after a checkpoint: files load, meta says running; resume finishes it bit for bit', async () => {
    const out = join(dir, 'killed');
    const r = await interrupt(['run', spikingSpec, '--checkpoint-every', '2000', '--quiet'], out, () => existsSync(join(out, 'checkpoint', 'state.json')), 'SIGKILL');
    expect(r.signal).toBe('SIGKILL');
    expect(meta(out).status).toBe('running');
    const shapes = numpyShapes(out);
    const V = readNpyFile(join(out, 'V.npy'));
    expect(shapes['V.npy']).toEqual(V.shape);
    expect(V.shape[0]).toBeLessThan(spiking.steps / 3);
    const done = lamina('resume', out, '--quiet');
    expect(done.code, done.err).toBe(0);
    expect(meta(out).status).toBe('complete');
    expect(meta(out).steps_completed).toBe(spiking.steps);
    expectSameFiles(out, refSpiking);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toEqual(JSON.parse(readFileSync(join(refSpiking, 'summary.json'), 'utf8')));
  });

  it('SIGINT: the chunks in flight finish, rows so far are saved, meta says interrupted, exit 130; resume completes it', async () => {
    const out = join(dir, 'sigint');
    const r = await interrupt(['run', spikingSpec, '--quiet'], out, () => rowsOf(join(out, 'V.npy')) > 0, 'SIGINT');
    expect(r.code, r.err).toBe(130);
    expect(r.err).toMatch(/interrupted at step \d+ of 8000.*lamina resume/);
    const m = meta(out);
    expect(m.status).toBe('interrupted');
    expect(m.steps_completed).toBeGreaterThan(0);
    expect(m.steps_completed).toBeLessThan(spiking.steps);
    const n = m.steps_completed as number;
    // Every row up to the step reached, none after: V has a row per 3 steps; spikes are the reference's prefix.
    expect(numpyShapes(out)['V.npy']).toEqual([Math.floor(n / 3), 2, 3]);
    const spikes = readNpyFile(join(out, 'spikes_E.npy')), ref = readNpyFile(join(refSpiking, 'spikes_E.npy'));
    const refRows = Array.from(ref.data).filter((_, i) => i % 3 === 0 && ref.data[i] < n).length;
    expect(spikes.shape).toEqual([refRows, 3]);
    expect(Array.from(spikes.data)).toEqual(Array.from(ref.data.subarray(0, refRows * 3)));
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).status).toBe('interrupted');
    expect(existsSync(join(out, '.lamina.lock'))).toBe(false);
    // Not replaced by a new run by mistake; continued by resume.
    expect(lamina('run', spikingSpec, '--out', out).err).toMatch(/lamina resume/);
    const done = lamina('resume', out, '--quiet');
    expect(done.code, done.err).toBe(0);
    expectSameFiles(out, refSpiking);
    expect(lamina('resume', out).err).toMatch(/complete; nothing to resume/);
  });

  it('SIGTERM stops a rate run with exit 143; resume completes it equal to an uninterrupted run', async () => {
    const rateSpec = specFile('rate.json', rate);
    const ref = join(dir, 'ref-rate');
    expect(lamina('run', rateSpec, '--out', ref, '--quiet').code).toBe(0);
    const out = join(dir, 'sigterm');
    const r = await interrupt(['run', rateSpec, '--quiet'], out, () => rowsOf(join(out, 'ra.npy')) > 0, 'SIGTERM');
    expect(r.code, r.err).toBe(143);
    expect(meta(out).status).toBe('interrupted');
    expect(numpyShapes(out)['mean.npy'][0]).toBe(meta(out).steps_completed);
    const done = lamina('resume', out, '--quiet');
    expect(done.code, done.err).toBe(0);
    for (const f of npyFiles(ref)) {
      const a = readNpyFile(join(out, f)), b = readNpyFile(join(ref, f));
      expect(a.shape).toEqual(b.shape);
      expect(Array.from(a.data)).toEqual(Array.from(b.data));
    }
  });

  it('resume refuses a directory without a run, and a spec changed since the checkpoint', async () => {
    const nothing = lamina('resume', join(dir, 'nothing-here'));
    expect(nothing.code).toBe(2);
    expect(nothing.err).toMatch(/holds no run/);
    const changedSpec = specFile('changing.json', spiking);
    const out = join(dir, 'changed');
    // Interrupted as soon as it has started: a checkpoint is written at the step reached (possibly 0).
    const r = await interrupt(['run', changedSpec, '--quiet'], out, () => existsSync(join(out, 'meta.json')), 'SIGTERM');
    expect(r.code, r.err).toBe(143);
    expect(existsSync(join(out, 'checkpoint', 'state.json'))).toBe(true);
    writeFileSync(changedSpec, JSON.stringify({ ...spiking, seed: 99 }));
    const resumed = lamina('resume', out);
    expect(resumed.code, resumed.err).toBe(2);
    expect(resumed.err).toMatch(/resume: the checkpoint in .* does not fit the network built now from .*changing\.json.*different seeds/);
  });
});
