/**
 * COBA against Brian2 on the same network: Lamina runs 4 instances (different initial V) of the
 * scenario for 2 biological seconds; Brian2 (bench/peers/brian2_coba.py) loads Lamina's synapses and
 * initial potentials and runs the same 4. Mean rates must agree within 5 % and mean CVs of inter-spike
 * intervals within 0.05. Runs where Brian2 is installed; in CI (which installs it) a missing Brian2 fails.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectFiles, runPassing } from './helpers.ts';

function haveBrian2(): boolean {
  try { execFileSync('/usr/bin/python3', ['-c', 'import brian2'], { stdio: 'ignore' }); return true; } catch { return false; }
}

describe('COBA scenario', () => {
  const brian = haveBrian2();
  if (!brian && process.env.CI) {
    it('needs Brian2 in CI', () => { throw new Error('Brian2 is missing: .ci/run installs python3-brian'); });
    return;
  }

  it.runIf(brian)('agrees with Brian2 on the same network: rate within 5 %, CV of ISI within 0.05', async () => {
    const { out, summary } = await runPassing('lamina-coba-', { target: 'coba', batch: 4, steps: 20100, seed: 11 });
    expectFiles(out, ['spikes_E.npy', 'spikes_I.npy', 'synapses_exc.npy', 'synapses_inh.npy', 'v0.npy', 'raster.svg', 'summary.json', 'meta.json']);
    const lam = summary.instances as { mean_rate_hz: number; mean_cv_isi: number }[];
    const rate = lam.reduce((a, s) => a + s.mean_rate_hz, 0) / lam.length;
    const cv = lam.reduce((a, s) => a + s.mean_cv_isi, 0) / lam.length;
    const r = spawnSync('/usr/bin/python3', ['bench/peers/brian2_coba.py', '--network', out, '--duration', '2', '--instances', '4', '--json', join(out, 'brian2.json')], { encoding: 'utf8', timeout: 600_000 });
    expect(r.status, r.stderr).toBe(0);
    const b = JSON.parse(readFileSync(join(out, 'brian2.json'), 'utf8'));
    // The same network: Brian2 loaded every synapse Lamina built.
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    expect(b.instances[0].synapses).toBe(meta.synapses.reduce((a: number, s: { count: number }) => a + s.count, 0));
    expect(Math.abs(rate / b.mean_rate_hz - 1), `Lamina ${rate.toFixed(3)} Hz vs Brian2 ${b.mean_rate_hz.toFixed(3)} Hz`).toBeLessThanOrEqual(0.05);
    expect(Math.abs(cv - b.mean_cv_isi), `Lamina CV ${cv.toFixed(4)} vs Brian2 ${b.mean_cv_isi.toFixed(4)}`).toBeLessThanOrEqual(0.05);
    expect(rate).toBeGreaterThan(5);
  });
});
