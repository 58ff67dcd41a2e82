/** Spike-history GLM: closed-form maxima, basis properties, recovery of a known history filter, bits per spike. */
import { describe, expect, it } from 'vitest';
import { bitsPerSpike, fitGlm, poissonLogLikelihood, predictGlm, psthBaseline, raisedCosineBasis, type GlmTrial } from '../../../engine/analysis/glm.ts';
import { poissonSample, seededUniform } from '../../../engine/analysis/random.ts';

describe('raised-cosine basis', () => {
  it('peaks at the given lags on a log scale and sums flat (2) from the second to the second-to-last peak', () => {
    const b = raisedCosineBasis({ n: 5, firstPeak: 0, lastPeak: 40, stretch: 2 }, 0);
    const D = (Math.log(42) - Math.log(2)) / 4;
    for (let j = 0; j < 5; j++) {
      const peak = Math.exp(Math.log(2) + j * D) - 2; // lag of function j's maximum (continuous)
      const r = Math.round(peak);
      if (Math.abs(r - peak) < 1e-9) expect(b.values[r * 5 + j]).toBeCloseTo(1, 12);
    }
    for (let lag = Math.ceil(Math.exp(Math.log(2) + D) - 2); lag <= Math.exp(Math.log(2) + 3 * D) - 2; lag++) {
      let s = 0;
      for (let j = 0; j < 5; j++) s += b.values[lag * 5 + j];
      expect(s).toBeCloseTo(2, 12);
    }
    expect(b.lags).toBe(Math.ceil(Math.exp(Math.log(42) + 2 * D) - 2) + 1);
  });
});

describe('fitGlm', () => {
  it('reaches the closed-form maximum: intercept = log mean count; a binary covariate = log ratio of means', () => {
    const u = seededUniform(1);
    const trials: GlmTrial[] = Array.from({ length: 20 }, () => {
      const cov = Float64Array.from({ length: 100 }, (_, t) => (t % 3 === 0 ? 1 : 0));
      return { counts: Float64Array.from(cov, (c) => poissonSample(c ? 0.6 : 0.2, u)), covariates: [cov] };
    });
    let on = 0, nOn = 0, off = 0, nOff = 0;
    for (const t of trials) (t.counts as Float64Array).forEach((y, k) => { if (t.covariates![0][k]) { on += y; nOn++; } else { off += y; nOff++; } });
    const fit = fitGlm(trials, { history: null, ridge: 0 });
    expect(fit.beta[0]).toBeCloseTo(Math.log(off / nOff), 9);
    expect(fit.beta[1]).toBeCloseTo(Math.log(on / nOn) - Math.log(off / nOff), 9);
    const flat = fitGlm(trials.map((t) => ({ counts: t.counts })), { history: null });
    expect(flat.beta[0]).toBeCloseTo(Math.log((on + off) / (nOn + nOff)), 9);
  });

  it('recovers a refractory, adapting history filter from simulated spikes and beats the PSTH on held-out trials', () => {
    const spec = { n: 6, firstPeak: 1, lastPeak: 60, stretch: 2 };
    const hist = raisedCosineBasis(spec, 1);
    const trueW = [-6, -2.5, -0.8, -0.5, -0.3, -0.1];
    const h = Float64Array.from({ length: hist.lags }, (_, r) => trueW.reduce((s, w, j) => s + w * hist.values[r * 6 + j], 0));
    const u = seededUniform(7);
    const T = 400;
    const drive = Float64Array.from({ length: T }, (_, t) => Math.log(0.08) + 1.2 * Math.sin((2 * Math.PI * t) / 200));
    const simulate = () => {
      const y = new Float64Array(T);
      for (let t = 0; t < T; t++) {
        let eta = drive[t];
        for (let r = 0; r < hist.lags && t - 1 - r >= 0; r++) eta += h[r] * y[t - 1 - r];
        y[t] = poissonSample(Math.exp(eta), u);
      }
      return y;
    };
    // The stimulus enters as a covariate (its log rate), so the fit must find weight 1 and the history filter.
    const trial = () => ({ counts: simulate(), covariates: [drive] });
    const train = Array.from({ length: 150 }, trial), test = Array.from({ length: 50 }, trial);
    const fit = fitGlm(train, { history: spec, ridge: 1e-3 });
    const wHist = fit.beta.subarray(1, 7);
    expect(fit.beta[7]).toBeCloseTo(1, 1);
    // The refractory dip and the slower adaptation: the filter within 0.35 (log gain) at each lag up to 40.
    for (let r = 0; r < 40; r++) expect(Math.abs(fit.historyFilter[r] - h[r])).toBeLessThan(0.35 + 0.1 * Math.abs(h[r]));
    expect(wHist[0]).toBeLessThan(-3);
    const y = new Float64Array(test.flatMap((t) => [...t.counts]));
    const base = psthBaseline(train);
    const baseAll = new Float64Array(test.length * T);
    test.forEach((_, k) => baseAll.set(base, k * T));
    const bits = bitsPerSpike(y, predictGlm(fit, test), baseAll);
    expect(bits).toBeGreaterThan(0.1);
    // A model without history does no better than the PSTH.
    const noHist = fitGlm(train, { history: null });
    expect(bitsPerSpike(y, predictGlm(noHist, test), baseAll)).toBeLessThan(bits - 0.1);
  });

  it('computes the Poisson log-likelihood with the log y! term', () => {
    expect(poissonLogLikelihood([0, 2], [0.5, 1.5])).toBeCloseTo(-0.5 + 2 * Math.log(1.5) - 1.5 - Math.log(2), 14);
  });
});
