/**
 * history-dependence: adaptive LIF neurons under a repeated frozen stimulus (reduced to 20 trials here).
 * The spike-history GLM beats the PSTH on held-out trials, its filter shows the refractory dip, and the
 * maximum-likelihood time constant of its slow history term is within 20 % of the model's tau_w.
 */
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../engine/errors.ts';
import { HISTORY_DEFAULTS, historyDependence, stimulusTrains } from '../../scenarios/history-dependence.ts';
import { expectFiles, expectRejects, runPassing } from './helpers.ts';

describe('history-dependence scenario', () => {
  it('draws a frozen stimulus per neuron at nu0 (1 + m sin(2 pi f t)), the same for the same seed', () => {
    const p = HISTORY_DEFAULTS;
    const a = stimulusTrains(p, 1), b = stimulusTrains(p, 1), c = stimulusTrains(p, 2);
    expect(a).toEqual(b);
    expect(a.times).not.toEqual(c.times);
    // Mean count per neuron: nu0 T (the sine integrates to zero over whole periods), within 3 % at ~4000 spikes.
    const expected = (p.stimRateHz * p.durationMs) / 1000;
    expect(Math.abs(a.times.length / p.neurons - expected) / expected).toBeLessThan(0.03);
    // The modulation: the rising half-period holds more spikes than the falling one by about the depth.
    const phase = (t: number) => ((t * p.stimFreqHz) / 1000) % 1;
    const up = a.times.filter((t) => phase(t) < 0.5).length, down = a.times.length - up;
    expect((up - down) / (up + down)).toBeCloseTo((2 * p.stimDepth) / Math.PI, 1);
  });

  it('rejects fewer than 4 trials', () => {
    expectRejects(historyDependence.build, [[{ batch: 2 }, SpecError]]);
  });

  it('the GLM beats the PSTH, shows the refractory dip and recovers tau_w within 20 % (20 trials)', async () => {
    const { out, summary } = await runPassing('lamina-history-', { target: 'history-dependence', seed: 1, batch: 20 });
    const s = summary as { median_bits_per_spike: number; refractory_gain: number; adaptation_tau_fit_ms: number; adaptation_tau_ms: number };
    expect(s.median_bits_per_spike).toBeGreaterThan(0);
    expect(s.refractory_gain).toBeLessThan(0.1);
    expect(Math.abs(s.adaptation_tau_fit_ms - s.adaptation_tau_ms) / s.adaptation_tau_ms).toBeLessThanOrEqual(0.2);
    expectFiles(out, ['spikes_N.npy', 'history_filter.npy', 'history-filter.svg', 'summary.json']);
  }, 300_000);
});
