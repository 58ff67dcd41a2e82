/**
 * NWB export. A small spiking run (`lamina run --nwb`) and a small rate run (`lamina export DIR --nwb`)
 * give files that validate and hold the .npy data exactly, as test/export/nwb_check.py judges them: with
 * pynwb and nwbinspector where they are installed (no CRITICAL message), else with hdmf's validator
 * against the vendored NWB schema plus nwbinspector's CRITICAL checks by hand (PyPI is out of reach here
 * and in CI; Debian has hdmf and h5py). The checker fails a file that lacks a required field; the
 * exporter refuses what it cannot describe and warns where nwbinspector's orientation check will fire.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpecError } from '../../engine/errors.ts';
import { writeNpy } from '../../engine/node/npy-files.ts';
import type { Dataset } from 'h5wasm';
import { exportNwb } from '../../engine/node/nwb.ts';
import { h5wasm } from '../../engine/node/nwb-h5.ts';
import { runToDirectory } from '../../scenarios/run.ts';
import { plasticSpec } from '../spiking-specs.ts';

const SCHEMA = 'engine/node/nwb-schema/specifications.json';
/** Where .ci/run installs pynwb and nwbinspector when PyPI can be reached. */
const PY_ENV = { ...process.env, ...(existsSync('.pynwb') ? { PYTHONPATH: '.pynwb' } : {}) };
const work = mkdtempSync(join(tmpdir(), 'lamina-nwb-'));

function lamina(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/lamina.js', ...args], { encoding: 'utf8', timeout: 240_000, env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR || '/tmp' } });
  return { code: r.status, err: r.stderr };
}

/** Debian's python with h5py and hdmf (what .ci/run installs), or with pynwb and nwbinspector. */
function havePython(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import h5py, numpy\ntry:\n import pynwb, nwbinspector\nexcept ImportError:\n import hdmf'], { stdio: 'ignore', env: PY_ENV });
    return true;
  } catch { return false; }
}

function check(nwb: string, run: string): { code: number | null; report: { validator: string; errors: string[]; checked: number } } {
  const r = spawnSync('/usr/bin/python3', ['test/export/nwb_check.py', nwb, run, SCHEMA], { encoding: 'utf8', timeout: 300_000, env: PY_ENV });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let report;
  try { report = JSON.parse(line); } catch { throw new Error(`nwb_check.py printed no report (exit ${r.status}):\n${r.stdout}\n${r.stderr}`); }
  return { code: r.status, report };
}

/** A run directory written by hand (no GPU): meta.json with `spec`, and the arrays given. */
function handmade(name: string, spec: Record<string, unknown>, arrays: Record<string, [Float32Array | Int32Array, number[]]>, meta: Record<string, unknown> = {}): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ lamina: '0', date: '2024-01-02T03:04:05.000Z', status: 'complete', steps: 20, steps_completed: 20, batch: 1, spec, ...meta }));
  for (const [file, [data, shape]] of Object.entries(arrays)) writeNpy(join(dir, `${file}.npy`), data, shape);
  return dir;
}

describe('NWB export', () => {
  const python = havePython();
  if (!python && process.env.CI) {
    it('needs h5py and hdmf (or pynwb) in CI', () => { throw new Error('python3-h5py / python3-hdmf missing: .ci/run installs them'); });
    return;
  }

  it.runIf(python)('lamina run --nwb: a spiking run with plasticity and a batch of 2 validates and holds its spikes, states, rates and weights', async () => {
    const spec = plasticSpec({ batch: 2 }) as unknown as Record<string, unknown> & { record: unknown[] };
    spec.record = [...spec.record.filter((r) => (r as { what: string }).what !== 'weights'),
      { name: 'V', population: 'E', what: 'V', units: [0, 5, 119], every: 5 }, { name: 'rE', population: 'E', what: 'rate', every: 10 }];
    spec.steps = 200;
    writeFileSync(join(work, 'plastic.json'), JSON.stringify(spec));
    const out = join(work, 'spiking');
    const r = lamina('run', join(work, 'plastic.json'), '--out', out, '--nwb', '--quiet');
    expect(r.code, r.err).toBe(0);
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    expect(meta.files).toContain('plastic.nwb');
    const { code, report } = check(join(out, 'plastic.nwb'), out);
    console.log(`NWB check (spiking): ${report.validator}, ${report.checked} checks`);
    expect(report.errors).toEqual([]);
    expect(code).toBe(0);
    expect(report.checked).toBeGreaterThan(50);
    // Units from the model definitions: V in mV, population rates in Hz, spiking weights in pA.
    const h5 = await h5wasm();
    const f = new h5.File(join(out, 'plastic.nwb'), 'r');
    const attr = (path: string, name: string) => (f.get(path) as Dataset).attrs[name].value;
    expect([attr('acquisition/V/data', 'unit'), attr('acquisition/V/data', 'conversion')]).toEqual(['volts', 0.001]);
    expect([attr('acquisition/rE/data', 'unit'), attr('acquisition/rE/data', 'conversion')]).toEqual(['hertz', 1]);
    expect(attr('processing/network/weights_EE/weight', 'description')).toMatch(/amperes x 1e-12/);
    expect(attr('units/spike_times', 'resolution')).toBe(0.0001);
    f.close();
  });

  it.runIf(python)('the checker fails a file without its identifier or with a VectorIndex that lost its target', () => {
    const out = join(work, 'spiking');
    const broken = join(work, 'broken.nwb');
    copyFileSync(join(out, 'plastic.nwb'), broken);
    execFileSync('/usr/bin/python3', ['-c', `import h5py\nf = h5py.File('${broken}', 'a')\ndel f['identifier']\ndel f['units/spike_times_index'].attrs['target']\nf.close()`]);
    const { code, report } = check(broken, out);
    expect(code).toBe(1);
    expect(report.errors.join('\n')).toMatch(/identifier/);
    expect(report.errors.join('\n')).toMatch(/target/);
  });

  it.runIf(python)('lamina export DIR --nwb: a rate run with a plastic projection, a state, a mean and a modulator validates', async () => {
    const out = join(work, 'rate');
    await runToDirectory({
      out, target: {
        dt: 0.5, steps: 120, seed: 7,
        populations: [{ name: 'E', size: 12, tau: 20, activation: 'tanh', noise: 0.05 }, { name: 'I', size: 5, tau: 10, activation: 'relu', bias: 0.1 }],
        modulators: [{ name: 'reward', type: 'schedule', time: { type: 'pulse', start: 10, duration: 20 }, amplitude: 1 }],
        projections: [
          { name: 'EE', from: 'E', to: 'E', weights: { type: 'gaussian', g: 1.2, seed: 1 }, plasticity: { rule: 'hebbian', eta: 0.001, modulator: 'reward' } },
          { name: 'EI', from: 'E', to: 'I', weights: { type: 'fixed-indegree', k: 4, weight: 0.05 } },
          { name: 'IE', from: 'I', to: 'E', gain: -1, weights: { type: 'fixed-indegree', k: 3, weight: 0.1 } },
        ],
        inputs: [{ name: 'stim', target: 'E', amplitude: 0.5, profile: { type: 'cosine', center: 0 }, time: { type: 'pulse', start: 5, duration: 20 } }],
        record: [{ name: 'rE', population: 'E', every: 4 }, { name: 'xI', population: 'I', what: 'state', units: [0, 2] }, { name: 'meanI', population: 'I', reduce: 'mean' },
          { name: 'wEE', projection: 'EE', what: 'weights', every: 10 }, { name: 'mr', modulator: 'reward', what: 'modulator' }],
        batch: { size: 2, params: { 'inputs.stim.amplitude': [0, 0.5] } },
      },
    });
    const r = lamina('export', out, '--nwb');
    expect(r.code, r.err).toBe(0);
    // A spec given as an object has no file name: the file is named after the directory.
    const nwb = join(out, 'rate.nwb');
    expect(r.err).toContain(nwb);
    expect(JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')).files).toContain('rate.nwb');
    const { code, report } = check(nwb, out);
    console.log(`NWB check (rate): ${report.validator}, ${report.checked} checks`);
    expect(report.errors).toEqual([]);
    expect(code).toBe(0);
  });

  it.runIf(python)('a recording with fewer samples than columns is written, with the warning nwbinspector\'s CRITICAL orientation check will match', async () => {
    const dir = handmade('short', { dt: 1, populations: [{ name: 'a', size: 12, activation: 'tanh' }], record: [{ name: 'ra', population: 'a', every: 10 }] },
      { ra: [Float32Array.from({ length: 24 }, (_, i) => i / 24), [2, 1, 12]] });
    const x = await exportNwb(dir);
    expect(x.warnings).toHaveLength(1);
    expect(x.warnings[0]).toMatch(/^ra: 2 samples but 12 .*check_data_orientation/);
    const { report } = check(x.path, dir);
    expect(report.errors.length).toBeGreaterThan(0);
    expect(report.errors.every((e) => /check_data_orientation/.test(e) && /ra/.test(e))).toBe(true);
  });

  it.runIf(python)('a recording larger than one write slice (40 MB) is written in slices and reads back equal; an empty spike table gives empty trains', async () => {
    const V = new Float32Array(100_000 * 100);
    for (let i = 0; i < V.length; i++) V[i] = -65 + Math.sin(i) * 10;
    const dir = handmade('large', { dt: 0.1, populations: [{ name: 'E', size: 100, model: 'lif_psc_exp' }], record: [{ name: 'sE', population: 'E', what: 'spikes' }, { name: 'V', population: 'E', what: 'V' }] },
      { sE: [new Int32Array(0), [0, 3]], V: [V, [100_000, 1, 100]] }, { steps: 100_000, steps_completed: 100_000 });
    const x = await exportNwb(dir);
    expect(x.warnings).toEqual([]);
    const { code, report } = check(x.path, dir);
    expect(report.errors).toEqual([]);
    expect(code).toBe(0);
  });

  it('refuses a spike table that does not fit the spec, a directory without a spec, and a run still running', async () => {
    const spiking = { dt: 0.1, populations: [{ name: 'E', size: 4, model: 'lif_psc_exp' }], record: [{ name: 'sE', population: 'E', what: 'spikes' }] };
    const bad = handmade('bad-spikes', spiking, { sE: [Int32Array.of(3, 0, 1, 5, 0, 4), [2, 3]] });
    await expect(exportNwb(bad)).rejects.toThrow(SpecError);
    await expect(exportNwb(bad)).rejects.toThrow(/sE\.npy: row 1 \(5, 0, 4\) is outside 20 steps x 1 instances x 4 neurons/);
    const protocol = handmade('protocol', undefined as unknown as Record<string, unknown>, {});
    await expect(exportNwb(protocol)).rejects.toThrow(/records no network spec/);
    const running = handmade('running', spiking, { sE: [Int32Array.of(3, 0, 1), [1, 3]] }, { status: 'running' });
    await expect(exportNwb(running)).rejects.toThrow(/is running: its outputs are incomplete/);
    const r = lamina('export', protocol, '--nwb');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^lamina: error: meta\.json: .*records no network spec/);
  });

  it('--nwb is refused up front for a protocol scenario, and export wants --nwb and a run directory', () => {
    let r = lamina('run', 'dopamine-sequence', '--nwb', '--out', join(work, 'dopamine'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--nwb: dopamine-sequence .* protocol scenario/);
    expect(existsSync(join(work, 'dopamine', 'meta.json'))).toBe(false);
    r = lamina('export', join(work, 'rate'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--nwb/);
    r = lamina('export', join(work, 'nowhere'), '--nwb');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/holds no run/);
  });
});
