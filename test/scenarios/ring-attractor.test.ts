/**
 * The ring attractor's drift velocity follows the analytic relation (scenarios/ring-attractor.ts):
 * linear in gamma with R^2 >= 0.99, slope within 5% of the prediction, sign following gamma, and
 * |v| at gamma = 0 indistinguishable from zero. Runs the full default scenario (7 gammas, 1200 steps).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../engine/node/npy-files.ts';
import { predictedVelocity, RING_DEFAULTS } from '../../scenarios/ring-attractor.ts';
import { countInFigure, expectFiles, runPassing } from './helpers.ts';

describe('ring-attractor scenario', () => {
  it('time-discrete prediction: linear for small gamma, the continuum limit for small dt', () => {
    const { J1, tau } = RING_DEFAULTS;
    const small = predictedVelocity(0.01, J1, tau, 0.5, 'exponential');
    expect(small / 0.01).toBeCloseTo((1 - Math.exp(-0.05)) / (0.5 * J1), 8);
    expect(predictedVelocity(4, J1, tau, 1e-4, 'exponential')).toBeCloseTo(4 / (tau * J1), 6);
    expect(predictedVelocity(-4, J1, tau, 0.5, 'euler')).toBeCloseTo(-predictedVelocity(4, J1, tau, 0.5, 'euler'), 12);
  });

  it('writes its outputs and the measured velocities follow the analytic relation', async () => {
    const { out, summary, checks } = await runPassing('lamina-ring-', { target: 'ring-attractor' });
    const names = checks.map((c) => c.name).join('\n');
    for (const must of ['R^2', 'time-discrete prediction', 'continuum', 'sign', 'gamma = 0']) expect(names).toContain(must);

    const fit = summary.fit as { slope: number; r2: number };
    const pred = summary.prediction as { slope_time_discrete: number };
    expect(fit.r2).toBeGreaterThanOrEqual(0.99);
    expect(Math.abs(fit.slope / pred.slope_time_discrete - 1)).toBeLessThanOrEqual(0.05);
    const rows = summary.velocities as { gamma: number; velocity_rad_per_ms: number }[];
    expect(rows.length).toBeGreaterThanOrEqual(7);
    expect(rows.some((r) => r.gamma < 0) && rows.some((r) => r.gamma > 0) && rows.some((r) => r.gamma === 0)).toBe(true);

    expectFiles(out, ['rates.npy', 'phase.npy', 'time_ms.npy', 'gamma.npy', 'meta.json', 'summary.json', 'kymograph.svg']);
    const rates = readNpy(readFileSync(join(out, 'rates.npy')));
    expect(rates.dtype).toBe('<f4');
    expect(rates.shape).toEqual([600, 7, 128]);
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    expect(meta.spec.populations[0].size).toBe(128);
    expect(meta.webgpu).toMatch(/^\d+\.\d+\.\d+/);
    expect(meta.adapter.description.length + meta.adapter.device.length).toBeGreaterThan(0);
    expect(meta.timings.run_wall_s).toBeGreaterThan(0);
    expect(countInFigure(out, 'kymograph.svg', 'image')).toBe(7);
  });
});
