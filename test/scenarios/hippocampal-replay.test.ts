/**
 * Hippocampal replay at half size (100 place cells on a 100 cm track, dt 0.5 ms): STDP during two laps
 * strengthens forward connections more than backward ones; a cue at the start of the track replays the
 * run forward and a cue at the end replays it in reverse, both decoded (Bayesian, Poisson place fields)
 * with |r| >= 0.8 and at least 5x faster than running.
 */
import { describe, expect, it } from 'vitest';
import { placeInput, replayParams } from '../../scenarios/hippocampal-replay.ts';
import { expectFiles, runPassing } from './helpers.ts';

describe('hippocampal-replay scenario', () => {
  it('theta sequences: cells fire in order of their field within a cycle (phase precession)', () => {
    const p = replayParams({ scale: 0.5 });
    const { times, neurons } = placeInput(p, 1);
    expect(times.length).toBeGreaterThan(500);
    // Within each theta cycle, spike time increases with the field centre.
    let agree = 0, pairs = 0;
    for (let k = 0; k < times.length; k++) {
      for (let q = k + 1; q < times.length && q < k + 40; q++) {
        if (Math.floor(times[k] / p.thetaMs) !== Math.floor(times[q] / p.thetaMs) || Math.abs(neurons[k] - neurons[q]) < 3) continue;
        pairs++;
        if ((times[q] - times[k]) * (neurons[q] - neurons[k]) > 0) agree++;
      }
    }
    expect(agree / pairs).toBeGreaterThan(0.95);
    expect(() => replayParams({ scale: 10 })).toThrow(/scale in \[0.25, 4\]/);
  });

  it('replays the track forward and in reverse, compressed, after learning by STDP', async () => {
    const { out, summary } = await runPassing('lamina-replay-', { target: 'hippocampal-replay', scale: 0.5, dt: 0.5, seed: 1 });
    const s = summary as { forward_weight_pA: number; backward_weight_pA: number; replay: { cue: string; r: number; compression: number; decoded_bins: number; order_spearman: number }[] };
    expect(s.forward_weight_pA).toBeGreaterThan(1.1 * s.backward_weight_pA);
    const [fwd, rev] = s.replay;
    expect(fwd.r).toBeGreaterThanOrEqual(0.8);
    expect(rev.r).toBeLessThanOrEqual(-0.8);
    expect(fwd.compression).toBeGreaterThanOrEqual(5);
    expect(rev.compression).toBeGreaterThanOrEqual(5);
    expect(fwd.decoded_bins).toBeGreaterThan(10);
    // The field order, recovered from each replay's lagged cross-covariance (issue 12).
    expect(fwd.order_spearman).toBeGreaterThanOrEqual(0.9);
    expect(rev.order_spearman).toBeLessThanOrEqual(-0.9);
    expectFiles(out, ['spikes_E.npy', 'weights_EE.npy', 'synapses_EE.npy', 'replay.svg', 'weights.svg', 'raster_rest.svg', 'summary.json']);
  }, 300_000);
});
