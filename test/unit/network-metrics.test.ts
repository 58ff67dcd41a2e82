/** Sweep metrics against values computed by hand (engine/analysis/network-metrics.ts). */
import { describe, expect, it } from 'vitest';
import { binnedCounts, cvIsi, fanoFactor, meanRateHz, seriesStats, synchronyChi2 } from '../../engine/analysis/network-metrics.ts';

// Two neurons over steps [0, 50) of 0.1 ms: neuron 0 fires at 0, 10, 20, 40; neuron 1 at 5 (and at 60, outside).
const trains = [[0, 10, 20, 40], [5, 60]];
const w = { from: 0, to: 50 };

describe('network metrics', () => {
  it('rate: 5 spikes / 2 neurons / 5 ms = 500 Hz', () => {
    expect(meanRateHz(trains, w, 0.1)).toBeCloseTo(500, 10);
    expect(meanRateHz(trains, { from: 0, to: 100 }, 0.1)).toBeCloseTo(6 / 2 / 0.01, 10);
  });

  it('CV of ISI: neuron 0 has ISIs 10, 10, 20 (s.d. / mean = 1 / (2 sqrt 2)); neuron 1 has none in the window', () => {
    expect(cvIsi(trains, w)).toBeCloseTo(1 / (2 * Math.SQRT2), 12);
    // Over [0, 100) neuron 1 has one ISI only (two spikes): still left out.
    expect(cvIsi(trains, { from: 0, to: 100 })).toBeCloseTo(1 / (2 * Math.SQRT2), 12);
    expect(cvIsi([[1, 2], []], w)).toBeNaN();
  });

  it('Fano factor over 25-step windows: counts (3, 1) and (1, 0) give var/mean 1/2 and 0.25/0.5', () => {
    expect(binnedCounts(trains, w, 25).map((c) => [...c])).toEqual([[3, 1], [1, 0]]);
    expect(fanoFactor(trains, w, 25)).toBeCloseTo(0.5, 12);
    // A regular train has Fano factor 0; one window only is undefined.
    expect(fanoFactor([[0, 10, 20, 30, 40]], w, 10)).toBe(0);
    expect(fanoFactor(trains, w, 50)).toBeNaN();
  });

  it("synchrony chi^2: A = (2, 0.5), var 0.5625, over mean single variance (1 + 0.25) / 2 = 0.9; identical trains give 1", () => {
    expect(synchronyChi2(trains, w, 25)).toBeCloseTo(0.9, 12);
    expect(synchronyChi2([[0, 30], [0, 30], [0, 30]], w, 10)).toBeCloseTo(1, 12);
    // Two neurons firing alternately: A is constant, chi^2 = 0.
    expect(synchronyChi2([[0, 20], [10, 30]], { from: 0, to: 40 }, 10)).toBe(0);
  });

  it('series mean and variance pool one instance over its rows and units', () => {
    // 3 rows x 2 instances x 2 units; instance 1, rows [1, 3): values 7, 8, 11, 12.
    const rows = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const s = seriesStats(rows, 2, 2, 1, 1, 3);
    expect(s.mean).toBeCloseTo(9.5, 12);
    expect(s.variance).toBeCloseTo((2.5 ** 2 + 1.5 ** 2 + 1.5 ** 2 + 2.5 ** 2) / 4, 12);
  });
});
