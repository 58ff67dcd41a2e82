/** The command line as a user runs it: exit codes 0 / 2 / 1 / 3 and messages that name the problem. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy } from '../engine/util/npy.ts';

const dir = mkdtempSync(join(tmpdir(), 'lamina-cli-'));

function lamina(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/lamina.js', ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function specFile(name: string, spec: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(spec));
  return p;
}

const good = {
  dt: 1, steps: 20,
  populations: [{ name: 'a', size: 10, tau: 5, activation: 'tanh', init: 0.5 }],
  projections: [{ name: 'rec', from: 'a', to: 'a', weights: { type: 'gaussian', g: 0.5 } }],
  record: [{ name: 'ra', population: 'a', every: 2 }, { name: 'mean', population: 'a', reduce: 'mean' }],
};

describe('lamina CLI', () => {
  it('--help prints usage and exits 0', () => {
    const r = lamina('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('lamina run <scenario | spec.json>');
  });

  it('--version and -v print the version from package.json and exit 0', () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = lamina(flag);
      expect(r.code, r.err).toBe(0);
      expect(r.out.trim()).toBe(version);
    }
  });

  it('info --json describes the adapter', () => {
    const r = lamina('info', '--json');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.out);
    expect(info.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(Array.isArray(info.features)).toBe(true);
  });

  it('runs a JSON spec and writes .npy recordings, meta.json and summary.json', () => {
    const out = join(dir, 'good');
    const r = lamina('run', specFile('good.json', good), '--out', out, '--batch', '3', '--seed', '5');
    expect(r.code, r.err).toBe(0);
    for (const f of ['ra.npy', 'mean.npy', 'meta.json', 'summary.json']) expect(existsSync(join(out, f)), f).toBe(true);
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    expect(meta.batch).toBe(3);
    expect(meta.steps).toBe(20);
    expect(meta.seed).toBe(5);
    // Dispatches: every kernel each step, ra every 2 steps, mean every step; 20 steps encoded in one chunk.
    const K = meta.kernels.length;
    expect(meta.dispatches).toEqual({ per_step: K + 1.5, per_chunk: 256 * K + 128 + 256, chunk_steps: 256, every_step: K, conditional_per_step: 0, per_chunk_slots: 0, recorders_per_step: 1.5, passes_per_chunk: 1, encoded: 20 * K + 10 + 20 });
    // The path and why (engine/plan/rate-path.ts): recorders keep it on the multi-dispatch path.
    expect(meta.path.kind).toBe('multi-dispatch');
    expect(meta.path.reason).toMatch(/does not cover .*recorders/);
    const ra = readFileSync(join(out, 'ra.npy')).toString('latin1', 0, 128);
    expect(ra).toContain("'shape': (10, 3, 10)");
  });

  it('runs a spiking JSON spec: spikes as an int32 (step, instance, neuron) table', () => {
    const spiking = {
      dt: 0.1, steps: 300, seed: 2,
      populations: [{ name: 'E', size: 50, model: 'lif_psc_exp', init: { V: { uniform: [-65, -50] } } }],
      projections: [{ name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity: { type: 'fixed-indegree', k: 5 }, weight: 30, delay: 1 }],
      inputs: [{ name: 'bg', target: 'E', type: 'poisson', rate: 15000, weight: 87.8, port: 'exc' }],
      record: [{ name: 'spikes', population: 'E', what: 'spikes' }],
    };
    const out = join(dir, 'spiking');
    const r = lamina('run', specFile('spiking.json', spiking), '--out', out, '--batch', '2');
    expect(r.code, r.err).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const total = summary.populations[0].spikes.reduce((a: number, b: number) => a + b, 0);
    expect(total).toBeGreaterThan(0);
    const head = readFileSync(join(out, 'spikes.npy')).toString('latin1', 0, 128);
    expect(head).toContain("'descr': '<i4'");
    expect(head).toContain(`'shape': (${total}, 3)`);
    expect(readFileSync(join(out, 'spikes.npy')).length).toBe(128 + total * 12);
  });

  it('a failed scenario check exits 3 (a runtime failure is 1), with the check on stderr', () => {
    // dt = 5 ms is too coarse for the continuum prediction of the drift speed (-22% at 3000 steps).
    const r = lamina('run', 'ring-attractor', '--dt', '5', '--steps', '3000', '--out', join(dir, 'coarse'));
    expect(r.code, r.err).toBe(3);
    expect(r.err).toMatch(/FAIL {2}slope within 5% of the continuum prediction/);
    expect(r.err).not.toContain('internal error');
  });

  it('a state that overflows exits 1 naming step, population and variable; --no-fault-check runs on', () => {
    // x grows geometrically (self-weight 2): unit 1 (from 2) overflows first, within 300 steps.
    const diverging = {
      dt: 1, steps: 300,
      populations: [{ name: 'b', size: 2, tau: 2, activation: 'linear', init: [1, 2] }],
      projections: [{ name: 'bb', from: 'b', to: 'b', weights: { type: 'dense', values: [[2, 0], [0, 2]] } }],
      record: [{ name: 'xb', population: 'b', what: 'state' }],
    };
    const spec = specFile('diverging.json', diverging);
    const r = lamina('run', spec, '--out', join(dir, 'diverging'));
    expect(r.code, r.err).toBe(1);
    const m = /NumericalError: numerical fault at step (\d+): x of population "b" \(instance 0, neuron 1\)/.exec(r.err);
    expect(m, r.err).not.toBeNull();
    expect(r.err).not.toContain('internal error');
    // The recording holds the rows up to and including the faulty step, the last one not finite.
    const xb = readNpy(readFileSync(join(dir, 'diverging', 'xb.npy')));
    expect(xb.shape).toEqual([Number(m![1]) + 1, 1, 2]);
    expect(Number.isFinite(xb.data[xb.data.length - 1])).toBe(false);
    expect(Number.isFinite(xb.data[xb.data.length - 3])).toBe(true);
    const meta = JSON.parse(readFileSync(join(dir, 'diverging', 'meta.json'), 'utf8'));
    expect(meta.error).toContain(`numerical fault at step ${m![1]}`);
    const off = lamina('run', spec, '--out', join(dir, 'diverging-off'), '--no-fault-check');
    expect(off.code, off.err).toBe(0);
  });

  it('a bad spec exits 2 and names the field', () => {
    const bad = structuredClone(good) as any;
    bad.populations[0].tau = -3;
    const r = lamina('run', specFile('bad.json', bad), '--out', join(dir, 'bad'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('populations[0].tau');
  });

  it('bad options and unknown targets exit 2 with a message', () => {
    expect(lamina('run', 'ring-attractor', '--steps', 'many').err).toContain('--steps');
    expect(lamina('run', 'ring-attractor', '--steps', 'many').code).toBe(2);
    const unknown = lamina('run', 'no-such-scenario');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no-such-scenario');
    expect(lamina('run', join(dir, 'missing.json')).code).toBe(2);
    expect(lamina('frobnicate').code).toBe(2);
    // A backend or adapter that does not exist is bad input (exit 2, naming what to change), not a driver fault.
    const backend = lamina('run', 'ring-attractor', '--backend', 'cuda');
    expect(backend.code).toBe(2);
    expect(backend.err).toMatch(/backend: unknown backend "cuda"/);
    // Scenario options given with a spec file are refused, not ignored.
    for (const opt of [['--scale', '0.5'], ['--background', 'dc'], ['--procedural']]) {
      const r = lamina('run', join(dir, 'good.json'), ...opt);
      expect(r.code, opt[0]).toBe(2);
      expect(r.err).toContain(`${opt[0]}: applies to scenarios only`);
    }
    // An --out that cannot hold results fails before any work, naming --out (no hang under /proc, no stack).
    writeFileSync(join(dir, 'a-file'), 'x');
    for (const [out, why] of [['', /--out: is empty/], [join(dir, 'a-file'), /is not a directory/], [join(dir, 'a-file', 'sub'), /is not a directory/],
      ['/proc/lamina-cannot-exist/run', /--out: cannot create .*ENOENT/], ['/sys/lamina-cannot-exist', /--out: cannot create .*EPERM/]] as [string, RegExp][]) {
      const r = lamina('run', join(dir, 'good.json'), '--out', out);
      expect(r.code, out).toBe(2);
      expect(r.err, out).toMatch(why);
      expect(r.err).not.toContain('internal error');
    }
    expect(lamina('run', 'constructor').err).toContain('"constructor" is neither a scenario');
    const adapter = lamina('info', '--adapter', 'no-such-adapter');
    expect(adapter.code).toBe(2);
    expect(adapter.err).toMatch(/no adapter matches "no-such-adapter" \(available: /);
  });

  it('a buffer larger than the adapter allows exits 2 and names what is too large', () => {
    const huge = { dt: 1, steps: 1, populations: [{ name: 'a', size: 1_000_000, tau: 5, activation: 'tanh' }] };
    const r = lamina('run', specFile('huge.json', huge), '--batch', '600', '--out', join(dir, 'huge'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('populations');
    expect(r.err).toMatch(/MiB/);
  });
});
