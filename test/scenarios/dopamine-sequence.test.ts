/**
 * Dopamine-gated sequence learning at reduced length (48 trials instead of 64): three-factor STDP with a
 * reward-prediction-error pulse learns the rewarded sequence A (the probe reward rises by >= 0.4), and
 * dopamine acting as a gain on the learned recurrence gives rank-one trial variability (PC1 >= 70 % of
 * the residual variance, cosine with the mean sequence >= 0.8, loading against dopamine r >= 0.9).
 */
import { describe, expect, it } from 'vitest';
import { DOPAMINE_DEFAULTS, dopamineParams, rewardErrors, trialKinds } from '../../scenarios/dopamine-sequence.ts';
import { expectFiles, runPassing } from './helpers.ts';

describe('dopamine-sequence scenario', () => {
  it('schedules learning trials, probes and reward prediction errors', () => {
    const p = dopamineParams({});
    const kinds = trialKinds(p, 1);
    expect(kinds.filter((k) => k === 'probe').length).toBe(p.trials / p.probeEvery);
    expect(kinds.filter((k) => k === 'A').length).toBeGreaterThan(15);
    expect(kinds.filter((k) => k === 'B').length).toBeGreaterThan(15);
    const rpe = rewardErrors(kinds, p);
    // Rewarded trials give positive errors, unrewarded ones negative, probes none.
    kinds.forEach((k, t) => expect(Math.sign(rpe[t])).toBe(k === 'A' ? 1 : k === 'B' ? -1 : 0));
    expect(() => dopamineParams({ batch: 2 })).toThrow(/--batch/);
    expect(() => dopamineParams({ scale: 0.5 })).toThrow(/--scale/);
    expect(dopamineParams({ steps: 48 * (DOPAMINE_DEFAULTS.trialMs / DOPAMINE_DEFAULTS.dt) }).trials).toBe(48);
  });

  it('learns the rewarded sequence; dopamine as gain gives rank-one variability', async () => {
    const { out, summary } = await runPassing('lamina-dopamine-', { target: 'dopamine-sequence', steps: 48 * 800, seed: 1 });
    const s = summary as { learning_curve: { trial: number; probe_reward: number }[]; pc1_variance_explained: number; pc1_shape_cosine: number; pc1_loading_vs_dopamine_r: number };
    const curve = s.learning_curve;
    expect(curve.length).toBe(6);
    expect(curve[curve.length - 1].probe_reward - curve[0].probe_reward).toBeGreaterThanOrEqual(0.4);
    expect(s.pc1_variance_explained).toBeGreaterThanOrEqual(0.7);
    expect(s.pc1_shape_cosine).toBeGreaterThanOrEqual(0.8);
    expect(s.pc1_loading_vs_dopamine_r).toBeGreaterThanOrEqual(0.9);
    // The learned order, recovered from the test trials' lagged cross-correlation (issue 12).
    const order = (summary as { sequence_order: { group_positions: number[]; cell_spearman: number } }).sequence_order;
    expect(order.cell_spearman).toBeGreaterThanOrEqual(0.9);
    expect(order.group_positions).toEqual([0, 1, 2, 3, 4]);
    expectFiles(out, ['learning-curve.svg', 'test-pc1.svg', 'pc1-vs-dopamine.svg', 'test_trajectories.npy', 'summary.json', 'meta.json']);
  }, 300_000);
});
