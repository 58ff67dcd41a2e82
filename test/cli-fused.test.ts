/** `lamina run --fused`: meta.json records the spiking path taken and why; 'on' with a feature the fused kernel does not cover exits 2 naming it. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'lamina-fused-'));
const lamina = (args: string[]) => spawnSync(process.execPath, ['bin/lamina.js', ...args], { encoding: 'utf8', timeout: 120_000 });

function spec(record: object[], plasticity?: object): string {
  const file = join(dir, `spec-${record.length}${plasticity ? '-plastic' : ''}.json`);
  writeFileSync(file, JSON.stringify({
    dt: 0.1, steps: 60, seed: 2, populations: [{ name: 'E', size: 50, model: 'lif_psc_exp', init: { V: { uniform: [-65, -50] } } }],
    projections: [{ name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity: { type: 'fixed-indegree', k: 5 }, weight: 30, delay: 1.2, plasticity }],
    inputs: [{ name: 'bg', target: 'E', type: 'poisson', rate: 16000, weight: 87.8, port: 'exc' }],
    record,
  }));
  return file;
}

describe('lamina run --fused', () => {
  it('meta.json: the path and its reason; both paths write the same spikes', () => {
    const file = spec([{ name: 'sE', population: 'E', what: 'spikes' }]);
    const out = (m: string) => join(dir, `out-${m}`);
    for (const m of ['on', 'off']) expect(lamina(['run', file, '--out', out(m), '--fused', m, '--quiet']).status).toBe(0);
    const meta = (m: string) => JSON.parse(readFileSync(join(out(m), 'meta.json'), 'utf8'));
    expect(meta('on').path).toEqual({ kind: 'fused', reason: "option fused: 'on'" });
    expect(meta('on').kernels).toHaveLength(1);
    expect(meta('off').path).toEqual({ kind: 'multi-dispatch', reason: "option fused: 'off'" });
    const spikes = (m: string) => readFileSync(join(out(m), 'sE.npy'));
    expect(spikes('on').length).toBeGreaterThan(200);
    expect(spikes('on').equals(spikes('off'))).toBe(true);
  });

  it("'on' with a plastic projection exits 2 naming what the fused path does not cover; a bad mode exits 2", () => {
    const file = spec([{ name: 'sE', population: 'E', what: 'spikes' }], { rule: 'stdp', aPlus: 1, aMinus: 1.1, wMax: 60 });
    const r = lamina(['run', file, '--out', join(dir, 'refused'), '--fused', 'on', '--quiet']);
    expect(r.status).toBe(2);
    // One line besides Dawn's adapter warnings.
    expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('Warning:'))).toHaveLength(1);
    expect(r.stderr).toMatch(/fused: 'on', but the fused path does not cover plastic projections/);
    const bad = lamina(['run', file, '--out', join(dir, 'bad'), '--fused', 'maybe', '--quiet']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/fused: expected 'auto', 'on' or 'off', got "maybe"/);
  });
});
