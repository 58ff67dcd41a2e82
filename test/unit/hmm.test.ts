/**
 * Hidden Markov model helpers (engine/analysis/hmm.ts): the forward filter against brute-force
 * enumeration of every state path of a short sequence, and the sampler's transition frequencies against
 * the transition matrix (binomial standard errors).
 */
import { describe, expect, it } from 'vitest';
import { forwardFilter, HmmError, sampleChain, stickyTransitions } from '../../engine/analysis/hmm.ts';
import { PhiloxStream } from '../../engine/util/philox.ts';

/** A random row-stochastic K x K matrix and initial distribution. */
function randomModel(seed: number, k: number) {
  const rng = new PhiloxStream(seed, 0, 0);
  const row = () => {
    const v = Array.from({ length: k }, () => rng.uniform() + 0.05);
    const s = v.reduce((a, b) => a + b);
    return v.map((x) => x / s);
  };
  return { trans: Float64Array.from(Array.from({ length: k }, row).flat()), initial: Float64Array.from(row()), rng };
}

describe('HMM forward filter', () => {
  it('equals brute-force enumeration of all paths (K = 3, 6 observations)', () => {
    const K = 3, n = 6;
    const { trans, initial, rng } = randomModel(21, K);
    const logLik = Float64Array.from({ length: n * K }, () => 3 * rng.normal());
    const { belief, logEvidence } = forwardFilter(trans, initial, K, logLik);
    for (let t = 0; t < n; t++) {
      // P(s_t = s, o_0..o_t) summed over every path s_0..s_t.
      const joint = new Float64Array(K);
      for (let code = 0; code < K ** (t + 1); code++) {
        const path = Array.from({ length: t + 1 }, (_, u) => Math.floor(code / K ** u) % K);
        let pr = initial[path[0]] * Math.exp(logLik[path[0]]);
        for (let u = 1; u <= t; u++) pr *= trans[path[u - 1] * K + path[u]] * Math.exp(logLik[u * K + path[u]]);
        joint[path[t]] += pr;
      }
      const z = joint.reduce((a, b) => a + b);
      for (let s = 0; s < K; s++) expect(belief[t * K + s]).toBeCloseTo(joint[s] / z, 12);
      if (t === n - 1) expect(logEvidence).toBeCloseTo(Math.log(z), 10);
    }
  });

  it('does not underflow with sharply peaked likelihoods', () => {
    const trans = stickyTransitions(3, 0.9);
    const logLik = Float64Array.of(-2000, -1000, -3000, -5000, -5100, -4000);
    const { belief } = forwardFilter(trans, [1 / 3, 1 / 3, 1 / 3], 3, logLik);
    for (const b of belief) expect(Number.isFinite(b)).toBe(true);
    expect(belief[1]).toBeCloseTo(1, 12);
    expect(belief[5]).toBeCloseTo(1, 12);
  });

  it('rejects models that are not stochastic', () => {
    expect(() => forwardFilter([0.5, 0.4, 0.5, 0.5], [0.5, 0.5], 2, [0, 0])).toThrow(HmmError);
    expect(() => forwardFilter([1, 0, 0, 1], [0.5, 0.5], 2, [0, 0, 0])).toThrow(/multiple of K/);
    expect(() => stickyTransitions(3, 1.5)).toThrow(/stay/);
  });
});

describe('Markov chain sampler', () => {
  it('reproduces the transition matrix within 5 binomial standard errors', () => {
    const K = 3, n = 200_000;
    const { trans, initial } = randomModel(22, K);
    const rng = new PhiloxStream(23, 0, 0);
    const s = sampleChain(trans, initial, K, n, () => rng.uniform());
    const counts = new Float64Array(K * K), from = new Float64Array(K);
    for (let t = 1; t < n; t++) { counts[s[t - 1] * K + s[t]]++; from[s[t - 1]]++; }
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        const p = trans[i * K + j];
        const se = Math.sqrt((p * (1 - p)) / from[i]);
        expect(Math.abs(counts[i * K + j] / from[i] - p)).toBeLessThan(5 * se);
      }
    }
  });

  it('is deterministic for a seed, and a sticky chain stays', () => {
    const trans = stickyTransitions(3, 0.98);
    const draw = () => { const r = new PhiloxStream(5, 0, 0); return sampleChain(trans, [1, 0, 0], 3, 5000, () => r.uniform()); };
    const a = draw();
    expect(Array.from(draw())).toEqual(Array.from(a));
    expect(a[0]).toBe(0);
    let switches = 0;
    for (let t = 1; t < a.length; t++) if (a[t] !== a[t - 1]) switches++;
    // Expected 0.02 * 4999 ~ 100 switches, SD ~ 10.
    expect(switches).toBeGreaterThan(50);
    expect(switches).toBeLessThan(150);
  });
});
