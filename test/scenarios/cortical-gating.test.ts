/**
 * cortical-gating: the hand-built LSTM cell's closed forms (retention f per step; a closed input gate
 * lets sigmoid(bias) of an item in), the E/I loop's predicted lifetime, and the run's checks (input gate,
 * distractors, forget gate against the prediction, output gate).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../engine/util/npy.ts';
import { GATING_DEFAULTS, gatingTrials, lstmName, lstmTrial, predictedLifetime } from '../../scenarios/cortical-gating.ts';
import { expectFiles, runPassing } from './helpers.ts';

describe('cortical-gating scenario', () => {
  const p = GATING_DEFAULTS;

  it('has the closed forms it claims: LSTM retention f per step, the loop lifetime tau_M / (1 - w_E) without inhibition', () => {
    const { c } = lstmTrial(p, { cue: 1, gate: true, distractors: false, wI: 0 }, 5);
    const f = 1 / (1 + Math.exp(-5)), K = p.K;
    for (let s = p.cueMs[1] + 1; s < p.trialMs; s += 97) expect(c[s * K + 1] / c[(s - 1) * K + 1]).toBeCloseTo(f, 12);
    const closed = lstmTrial(p, { cue: 1, gate: false, distractors: false, wI: 0 }, 5);
    const stored = closed.c[(p.cueMs[1] - 1) * K + 1], open = c[(p.cueMs[1] - 1) * K + 1];
    expect(stored / open).toBeCloseTo(1 / (1 + Math.exp(6)) / (1 / (1 + Math.exp(-6))), 6);
    // Without inhibition the slowest mode is the memory unit's own: tau_M / (1 - w_E).
    expect(predictedLifetime(p, 0)).toBeCloseTo(p.tauM / (1 - p.wE), 9);
    expect(predictedLifetime(p, 0.3)).toBeLessThan(predictedLifetime(p, 0.1));
  });

  it('gates the cue in with VIP, ignores distractors, forgets at the E/I loop\'s rate and reports only when the output gate opens', async () => {
    const { out, summary } = await runPassing('lamina-gating-', { target: 'cortical-gating', seed: 1 });
    const s = summary as { accuracy: Record<string, number>; circuit_lifetimes_ms: { measured: number; predicted: number }[] };
    expect(s.accuracy).toEqual({ circuit_gate_on: 1, circuit_gate_off: 0, lstm_gate_on: 1, lstm_gate_off: 0 });
    for (const l of s.circuit_lifetimes_ms) expect(Math.abs(l.measured - l.predicted) / l.predicted).toBeLessThan(0.1);
    expectFiles(out, ['rM.npy', 'rR.npy', 'lifetimes.npy', 'gating.svg', 'summary.json']);
    // Lamina's LSTM population is the host cell one step later (X delivers the previous step's input):
    // recorded row r (the state after step 5 (r + 1) - 1) against the host's step 5 (r + 1) - 2.
    const trials = gatingTrials(p), b = trials.findIndex((t) => !t.distractors);
    const c = readNpy(readFileSync(join(out, `c_${lstmName(5)}.npy`)));
    const host = lstmTrial(p, trials[b], 5).c;
    const [rows, B, K] = c.shape;
    let worst = 0, scale = 0;
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < K; k++) {
        const h = host[(5 * (r + 1) - 2) * K + k];
        worst = Math.max(worst, Math.abs((c.data[(r * B + b) * K + k] as number) - h));
        scale = Math.max(scale, Math.abs(h));
      }
    }
    expect(worst / scale).toBeLessThan(1e-5);
  }, 300_000);
});
