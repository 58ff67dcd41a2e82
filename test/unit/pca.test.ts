/** Leading principal component: a planted rank-one structure in noise, and an exact 2 x 2 case. */
import { describe, expect, it } from 'vitest';
import { topPrincipalComponent } from '../../engine/analysis/pca.ts';
import { PhiloxStream } from '../../engine/util/philox.ts';

describe('topPrincipalComponent', () => {
  it('finds a planted rank-one component and its scores', () => {
    const rng = new PhiloxStream(3, 0, 0, 5);
    const T = 40, F = 60;
    const shape = Float64Array.from({ length: F }, (_, f) => Math.sin(f / 5));
    const norm = Math.sqrt(shape.reduce((a, v) => a + v * v, 0));
    const amp = Array.from({ length: T }, () => rng.normal());
    const x = new Float64Array(T * F);
    for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) x[t * F + f] = amp[t] * shape[f] + 0.05 * rng.normal();
    // Centre the columns.
    for (let f = 0; f < F; f++) { let m = 0; for (let t = 0; t < T; t++) m += x[t * F + f] / T; for (let t = 0; t < T; t++) x[t * F + f] -= m; }
    const pc = topPrincipalComponent(x, T, F);
    let cos = 0;
    for (let f = 0; f < F; f++) cos += pc.component[f] * shape[f] / norm;
    expect(Math.abs(cos)).toBeGreaterThan(0.99);
    expect(pc.varianceExplained).toBeGreaterThan(0.9);
    const meanAmp = amp.reduce((a, b) => a + b, 0) / T;
    const sign = Math.sign(cos);
    pc.scores.forEach((s, t) => expect(sign * s).toBeCloseTo((amp[t] - meanAmp) * norm, 0));
  });

  it('is exact on a diagonal 2 x 2 covariance', () => {
    // Rows (3, 0), (-3, 0), (0, 1), (0, -1): variances 18 and 2 along the axes.
    const pc = topPrincipalComponent([3, 0, -3, 0, 0, 1, 0, -1], 4, 2);
    expect(Math.abs(pc.component[0])).toBeCloseTo(1, 10);
    expect(pc.varianceExplained).toBeCloseTo(18 / 20, 10);
  });
});
