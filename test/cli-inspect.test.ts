/**
 * `lamina inspect` and the size refusals of `lamina run` as a user meets them: exit 2 with one line that
 * names the structure, its size and the limit, at once, nothing written; inspect's numbers are the plan's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../engine/plan/rate.ts';
import { validateSpec } from '../engine/spec/validate-rate.ts';

const dir = mkdtempSync(join(tmpdir(), 'lamina-inspect-'));

function lamina(...args: string[]) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/lamina.js', ...args], { encoding: 'utf8', timeout: 240_000 });
  // Dawn's own warnings about limits come first on stderr; the rest is Lamina's.
  const err = r.stderr.split('\n').filter((l) => !l.startsWith('Warning: ')).join('\n');
  return { code: r.status, signal: r.signal, out: r.stdout, err, seconds: (performance.now() - t0) / 1000 };
}

function specFile(name: string, spec: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(spec));
  return p;
}

const small = {
  dt: 0.5, steps: 40,
  populations: [{ name: 'E', size: 48, tau: 10, activation: 'tanh' }, { name: 'I', size: 12, tau: 5, activation: 'relu' }],
  projections: [
    { name: 'EE', from: 'E', to: 'E', weights: { type: 'gaussian', g: 1, seed: 2 } },
    { name: 'EI', from: 'E', to: 'I', weights: { type: 'fixed-indegree', k: 5, weight: 0.1 } },
  ],
  record: [{ name: 'rE', population: 'E', every: 4 }, { name: 'mI', population: 'I', reduce: 'mean' }],
};

describe('lamina inspect', () => {
  it('prints the dry run of a small spec: the plan\'s numbers, exit 0', () => {
    const file = specFile('small.json', small);
    const r = lamina('inspect', file, '--batch', '3', '--steps', '100', '--out', join(dir, 'out-small'), '--json');
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out);
    const plan = compile(validateSpec(small), { batch: 3 });
    expect(report.neurons).toBe(plan.stateLength);
    expect(report.synapses).toBe(48 * 48 + 5 * 12);
    expect(report.projections.map((p: { synapses: number }) => p.synapses)).toEqual([plan.projections[0].dense!.length, plan.projections[1].csr!.colIdx.length]);
    // 25 rows of 3 x 48 floats, 100 rows of 3 means.
    expect(report.recording.recorders).toEqual([{ name: 'rE', rows: 25, bytes: 25 * 3 * 48 * 4 }, { name: 'mI', rows: 100, bytes: 100 * 3 * 4 }]);
    expect(report.gpu.buffers.find((b: { label: string }) => b.label === 'state').bytes).toBe(plan.stateLength * 4);
    expect(report.refusals).toEqual([]);
    expect(report.time.seconds).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'out-small'))).toBe(false);
    const text = lamina('inspect', file, '--batch', '3', '--steps', '100');
    expect(text.code).toBe(0);
    for (const line of [/neurons: 180 /, /synapses: 2,364/, /GPU buffers: .* limits: .* per storage binding/, /host memory: about .* available/,
      /dispatches per step: 3\.25; per chunk of 256 steps: 832\n/, /recording for 100 steps: 15\.2 KiB/, /estimated wall time: .*\n {2}based on: measured here: rate networks of 128-unit/, /fits: lamina run would build and run it/]) {
      expect(text.out).toMatch(line);
    }
  });

  it('reports an oversize spec with the refusal lamina run would give, exit 2', () => {
    const r = lamina('inspect', specFile('wide.json', { dt: 1, populations: [{ name: 'E', size: 200000, tau: 10, activation: 'tanh' }], projections: [{ name: 'EE', from: 'E', to: 'E', weights: { type: 'gaussian', g: 1 } }] }));
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/synapses: 40,000,000,000/);
    expect(r.out).toMatch(/would be refused \(lamina run exits 2\): projections\[0\]\.weights: .*149\.0 GiB/);
  });
});

describe('lamina run refuses what cannot fit, at once, with exit 2', () => {
  const cases: [string, unknown, RegExp][] = [
    ['a 200k x 200k rate projection', { dt: 1, populations: [{ name: 'E', size: 200000, tau: 10, activation: 'tanh' }], projections: [{ name: 'EE', from: 'E', to: 'E', weights: { type: 'gaussian', g: 1 } }] },
      /^lamina: error: projections\[0\]\.weights: .*projection "EE" \(E -> E\), 200000 x 200000 float32, 149\.0 GiB\); .* GiB is available/],
    ['a 200k x 200k spiking projection', { dt: 0.1, populations: [{ name: 'E', size: 200000, model: 'lif_psc_exp' }], projections: [{ name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity: { type: 'fixed-probability', p: 0.1 }, weight: 1 }] },
      /^lamina: error: projections\[0\]: .*4000000000 synapses of projection "EE"/],
    ['a rate population of 1e9', { dt: 1, populations: [{ name: 'E', size: 1e9, tau: 10, activation: 'tanh' }] }, /^lamina: error: populations .*(rates\[0\] needs 3\.73 GiB|GiB of host memory)/m],
    ['a spiking population of 1e9', { dt: 0.1, populations: [{ name: 'E', size: 1e9, model: 'lif_psc_exp' }] }, /^lamina: error: populations .*(state needs 11\.2 GiB|GiB of host memory)/m],
  ];
  for (const [name, spec, message] of cases) {
    it(name, () => {
      const out = join(dir, `out-${name.replace(/\W+/g, '-')}`);
      const r = lamina('run', specFile(`${name.replace(/\W+/g, '-')}.json`, spec), '--steps', '10', '--out', out);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toContain('internal error');
      expect(r.seconds).toBeLessThan(30);
    });
  }

  it('--steps 4e9 with a recorder: refused before writing, naming the recording volume and the free disk', () => {
    const out = join(dir, 'out-long');
    const r = lamina('run', specFile('long.json', small), '--steps', '4000000000', '--batch', '64', '--out', out);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(/^lamina: error: record: the recordings need 12\.1 TiB in .*out-long \("rE" 1000000000 rows, 11\.2 TiB; "mI" 4000000000 rows, 953\.7 GiB\); its file system has .* free \(statfs\)/m);
    expect(readdirSync(out).filter((f) => f.endsWith('.npy'))).toEqual([]);
  });
});
