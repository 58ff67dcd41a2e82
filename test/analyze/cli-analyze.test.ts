/**
 * `lamina analyze DIR` on run directories with known answers (synthetic recordings written as a run
 * writes them): a planted sequence (cross-covariance order, PSTH peaks), rotational dynamics (jPCA),
 * refractory neurons (GLM); the files, summary.json and meta.json it writes; exit 2 on bad input.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededUniform } from '../../engine/analysis/random.ts';
import { spearman } from '../../engine/analysis/xcov.ts';
import { encodeNpy, readNpy } from '../../engine/util/npy.ts';
import { analyzeDirectory } from '../../scenarios/analyze/command.ts';

const root = mkdtempSync(join(tmpdir(), 'lamina-analyze-'));

function lamina(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/lamina.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, err: r.stderr };
}

/** A run directory as `lamina run` leaves it: meta.json, summary.json and the recordings. */
function runDir(name: string, dtMs: number, steps: number, batch: number, record: object[], files: Record<string, { data: Int32Array | Float32Array; shape: number[] }>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [f, a] of Object.entries(files)) writeFileSync(join(dir, `${f}.npy`), encodeNpy(a.data, a.shape));
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ scenario: 'test' }));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({
    status: 'complete', dt_ms: dtMs, steps, steps_completed: steps, batch,
    spec: { populations: [{ name: 'E', size: 20 }], record }, files: [...Object.keys(files).map((f) => `${f}.npy`), 'summary.json'],
  }));
  return dir;
}

/** 20 neurons firing in a shuffled order (2 ms apart, jitter) from 50 ms in each of 8 instances, over Poisson background. */
function sequenceRun(name = 'sequence'): { dir: string; order: number[] } {
  const u = seededUniform(3);
  const order = Array.from({ length: 20 }, (_, i) => i).sort(() => u() - 0.5);
  const rows: number[] = [];
  const dt = 0.5, steps = 800; // 400 ms
  for (let b = 0; b < 8; b++) {
    for (let rep = 0; rep < 6; rep++) {
      order.forEach((n, k) => rows.push(Math.round((50 + rep * 60 + 2 * k + (u() - 0.5)) / dt), b, n));
    }
    for (let n = 0; n < 20; n++) for (let s = 0; s < steps; s++) if (u() < 0.002) rows.push(s, b, n);
  }
  const triples = Array.from({ length: rows.length / 3 }, (_, k) => rows.slice(3 * k, 3 * k + 3)).sort((p, q) => p[0] - q[0]);
  const dir = runDir(name, dt, steps, 8, [{ name: 'spikes_E', population: 'E', what: 'spikes' }],
    { spikes_E: { data: Int32Array.from(triples.flat()), shape: [triples.length, 3] } });
  return { dir, order };
}

describe('lamina analyze', () => {
  it('recovers a planted sequence\'s order and its PSTH, writing arrays, figures, summary.json and meta.json', () => {
    const { dir, order } = sequenceRun();
    const r = lamina('analyze', dir, '--psth', '--xcov', '--bin', '1', '--max-lag', '10', '--bootstrap', '50');
    expect(r.code, r.err).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.scenario).toBe('test'); // kept
    const x = summary.analysis.xcov.spikes_E;
    const truth = new Float64Array(20), found = new Float64Array(20);
    order.forEach((n, k) => { truth[n] = k; });
    (x.order as number[]).forEach((n, k) => { found[n] = k; });
    expect(spearman(found, truth)).toBeGreaterThan(0.9);
    const p = summary.analysis.psth.spikes_E;
    expect(p.trials).toBe(8);
    // Every 60 ms from 50 ms, 20 neurons fire once within 40 ms: the peak lies in a sequence.
    expect(((p.peak_time_ms - 50) % 60 + 60) % 60).toBeLessThan(40);
    const pop = readNpy(readFileSync(join(dir, 'analysis', 'psth_spikes_E_population.npy')));
    expect(pop.shape).toEqual([4, 400]);
    const asym = readNpy(readFileSync(join(dir, 'analysis', 'xcov_spikes_E_asymmetry.npy')));
    expect(asym.shape).toEqual([20, 20]);
    for (const f of ['psth_spikes_E.svg', 'xcov_spikes_E.svg']) expect(readFileSync(join(dir, 'analysis', f), 'utf8')).toMatch(/^<svg[^]*<\/svg>\s*$/);
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
    expect(meta.files).toContain('analysis/xcov_spikes_E_order.npy');
    expect(meta.files).toContain('spikes_E.npy');
    expect(meta.dt_ms).toBe(0.5);
  });

  it('computes the cross-covariance on the GPU (--xcov-on gpu) as on the CPU', async () => {
    const { dir } = sequenceRun('gpu-xcov');
    const gpuRun = await analyzeDirectory(dir, { tools: ['xcov'], bin: 1, maxLag: 10, xcovDevice: 'gpu' });
    const gpuA = readNpy(readFileSync(join(dir, 'analysis', 'xcov_spikes_E_asymmetry.npy'))).data as Float32Array;
    const cpuRun = await analyzeDirectory(dir, { tools: ['xcov'], bin: 1, maxLag: 10, xcovDevice: 'cpu' });
    const cpuA = readNpy(readFileSync(join(dir, 'analysis', 'xcov_spikes_E_asymmetry.npy'))).data as Float32Array;
    const x = (r: typeof gpuRun) => (r.summary.xcov as Record<string, { computed_on: string; order: number[] }>).spikes_E;
    expect(x(gpuRun).computed_on).toBe('gpu');
    expect(x(cpuRun).computed_on).toBe('cpu');
    expect(x(gpuRun).order).toEqual(x(cpuRun).order);
    let worst = 0;
    cpuA.forEach((v, k) => { worst = Math.max(worst, Math.abs(v - gpuA[k]) / (1e-3 + Math.abs(v))); });
    expect(worst).toBeLessThan(1e-4);
  });

  it('finds rotation in a series recording with jPCA (and none in a symmetric control) through the library call', async () => {
    const make = (name: string, rotate: boolean) => {
      const u = seededUniform(rotate ? 4 : 5);
      const T = 100, B = 8, N = 12, dt = 1;
      const embed = Array.from({ length: 4 }, () => Array.from({ length: N }, () => u() - 0.5));
      const data = new Float32Array(T * B * N);
      for (let b = 0; b < B; b++) {
        const a = (2 * Math.PI * b) / B;
        let z = [Math.cos(a), Math.sin(a), 0.5 * Math.cos(2 * a), 0.5 * Math.sin(2 * a)];
        for (let t = 0; t < T; t++) {
          for (let i = 0; i < N; i++) data[(t * B + b) * N + i] = 10 + z.reduce((s, v, d) => s + v * embed[d][i], 0);
          const w = 0.06;
          z = rotate
            ? [z[0] * Math.cos(w) - z[1] * Math.sin(w), z[0] * Math.sin(w) + z[1] * Math.cos(w), z[2] * Math.cos(2 * w) - z[3] * Math.sin(2 * w), z[2] * Math.sin(2 * w) + z[3] * Math.cos(2 * w)]
            : [z[0] * 0.97, z[1] * 0.95, z[2] * 0.99, z[3] * 0.93];
        }
      }
      return runDir(name, dt, T, B, [{ name: 'r', population: 'E', what: 'r', every: 1 }], { r: { data, shape: [T, B, N] } });
    };
    const rot = await analyzeDirectory(make('rotation', true), { tools: ['jpca'], k: 4, softNorm: null });
    const ctl = await analyzeDirectory(make('control', false), { tools: ['jpca'], k: 4, softNorm: null });
    const ratio = (a: Awaited<typeof rot>) => ((a.summary.jpca as Record<string, { r2_ratio: number }>).r.r2_ratio);
    expect(ratio(rot)).toBeGreaterThan(0.9);
    expect(ratio(ctl)).toBeLessThan(0.3);
    expect(rot.files).toContain('analysis/jpca_r.svg');
  });

  it('fits the spike-history GLM: refractory neurons show a dip after each spike and beat the PSTH', async () => {
    // Poisson neurons at 60 Hz with a 5 ms absolute refractory period, 10 instances, 2 s.
    const u = seededUniform(6);
    const dt = 1, steps = 2000, rows: number[] = [];
    for (let b = 0; b < 10; b++) {
      for (let n = 0; n < 5; n++) {
        let last = -100;
        for (let s = 0; s < steps; s++) if (s - last > 5 && u() < 0.06) { rows.push(s, b, n); last = s; }
      }
    }
    const triples = Array.from({ length: rows.length / 3 }, (_, k) => rows.slice(3 * k, 3 * k + 3)).sort((p, q) => p[0] - q[0]);
    const dir = runDir('refractory', dt, steps, 10, [{ name: 'spikes_E', population: 'E', what: 'spikes' }],
      { spikes_E: { data: Int32Array.from(triples.flat()), shape: [triples.length, 3] } });
    const r = await analyzeDirectory(dir, { tools: ['glm'], history: 40, glmUnits: 5 });
    const g = (r.summary.glm as Record<string, { median_bits_per_spike: number; units: { min_gain: number; min_gain_lag_ms: number }[] }>).spikes_E;
    expect(g.median_bits_per_spike).toBeGreaterThan(0.05);
    for (const unit of g.units) {
      expect(unit.min_gain).toBeLessThan(0.2);
      expect(unit.min_gain_lag_ms).toBeLessThanOrEqual(5);
    }
  });

  it('exits 2 with one line on bad input', () => {
    const { dir } = sequenceRun('bad-input');
    expect(lamina('analyze', join(root, 'nowhere')).err).toMatch(/no meta.json/);
    expect(lamina('analyze', join(root, 'nowhere')).code).toBe(2);
    expect(lamina('analyze', dir, '--spikes', 'spikes_X').code).toBe(2);
    const bad = lamina('analyze', dir, '--bin', '0');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--bin: expected a positive number/);
    expect(lamina('analyze', dir, '--jpca', '--k', '40').code).toBe(2);
    expect(existsSync(join(dir, 'analysis'))).toBe(false);
  });
});
