/**
 * Rate plasticity beyond the twin: a physics check (Oja's rule finds the principal component of its
 * input) and what a run writes (initial weights from .npy, final weights and recorder files).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runToDirectory } from '../../scenarios/run.ts';
import { readNpy, writeNpy } from '../../engine/node/npy-files.ts';
import { RateSimulation } from '../../engine/run/rate-simulation.ts';
import { MemorySink } from '../../engine/record/recorders.ts';
import type { NetworkSpec } from '../../engine/spec/rate.ts';
import { PhiloxStream } from '../../engine/util/philox.ts';
import { sameBits, weightDiff } from '../gpu-helpers.ts';

describe("physics: Oja's rule extracts the principal component", () => {
  /** n orthonormal vectors (Gram-Schmidt of seeded Gaussian vectors). */
  function orthonormal(n: number, seed: number): number[][] {
    const rng = new PhiloxStream(seed, 7, 0);
    const basis: number[][] = [];
    for (let c = 0; c < n; c++) {
      let v = Array.from({ length: n }, () => rng.normal());
      for (const u of basis) { const d = u.reduce((s, x, k) => s + x * v[k], 0); v = v.map((x, k) => x - d * u[k]); }
      const norm = Math.hypot(...v);
      basis.push(v.map((x) => x / norm));
    }
    return basis;
  }

  /*
   * A: 4 independent OU processes (linear units, tau_A = 10 ms, noise 1: stationary variance 1, one-step
   * autocorrelation rho = exp(-dt / tau_A)). B = M A (linear, tau -> 0: x_B(n+1) = M r_A(n)), with
   * M = V diag(s), so B is zero-mean with covariance C = V diag(s^2) V^T: principal eigenvector v1 = V[:,0].
   * y = w . B (linear, tau -> 0), w plastic under Oja's rule. Step order: y(n+1) = w . B(n) while the rule
   * sees B(n+1), so <y B> = rho C w and <y^2> = w^T C w: the fixed point is w = +-sqrt(rho) v1, i.e. the
   * principal eigenvector with |w|^2 = rho (unit norm as rho -> 1, for inputs slow against dt).
   */
  it('converges to +-sqrt(rho) v1 of the input covariance (|cos| > 0.99, |w|^2 within 3 % of rho)', async () => {
    const n = 4, s = [2, 1, 0.7, 0.5], dt = 1, tauA = 10, eta = 0.0005, steps = 10000;
    const V = orthonormal(n, 3);
    const M = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => V[j][i] * s[j]));
    // Start mostly along the second eigenvector (|cos| with v1 about 0.16).
    const w0 = V[1].map((x, k) => 0.3 * x + 0.05 * V[0][k]);
    const spec: NetworkSpec = {
      dt, seed: 11,
      populations: [
        { name: 'A', size: n, tau: tauA, activation: 'linear', noise: 1 },
        { name: 'B', size: n, tau: 1e-3, activation: 'linear' },
        { name: 'y', size: 1, tau: 1e-3, activation: 'linear' },
      ],
      projections: [
        { name: 'mix', from: 'A', to: 'B', weights: { type: 'dense', values: M } },
        { name: 'w', from: 'B', to: 'y', weights: { type: 'dense', values: [w0] }, plasticity: { rule: 'oja', eta } },
      ],
      record: [{ name: 'w', projection: 'w', what: 'weights', every: 10 }],
    };
    const sim = await RateSimulation.create(spec, { chunkSteps: 500 });
    const rec = new MemorySink();
    await sim.run(steps, { sink: rec });
    sim.destroy();
    const rows = rec.data.get('w')!;
    const cos = (w: ArrayLike<number>) => Math.abs(V[0].reduce((a, x, k) => a + x * w[k], 0)) / Math.hypot(...Array.from(w));
    // Average over the second half: the mean direction, and the mean squared norm.
    const mean = new Float64Array(n);
    let norm2 = 0, count = 0;
    for (let t = rows.rows / 2; t < rows.rows; t++) {
      const w = rows.values.subarray(t * n, (t + 1) * n);
      w.forEach((x, k) => { mean[k] += x; });
      norm2 += w.reduce((a, x) => a + x * x, 0);
      count++;
    }
    const rho = Math.exp(-dt / tauA);
    expect(cos(w0)).toBeLessThan(0.2);
    expect(cos(mean)).toBeGreaterThan(0.99);
    expect(Math.abs(norm2 / count - rho) / rho).toBeLessThan(0.03);
    // The second eigenvector is not what it found.
    expect(Math.abs(V[1].reduce((a, x, k) => a + x * mean[k], 0)) / Math.hypot(...mean)).toBeLessThan(0.1);
  });
});

describe('rate plasticity: files', () => {
  it('lamina run: npy initial weights (relative to the spec), weights_NAME.npy and recorder files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lamina-plastic-'));
    const rng = new PhiloxStream(9, 2, 0);
    const w0 = Float64Array.from({ length: 6 * 8 }, () => 0.2 * rng.normal());
    writeNpy(join(dir, 'w0.npy'), w0, [6, 8]);
    const spec = {
      dt: 0.5, steps: 60, seed: 3,
      populations: [
        { name: 'in', size: 8, tau: 5, activation: 'tanh', noise: 0.5 },
        { name: 'out', size: 6, tau: 5, activation: 'relu', bias: 0.1 },
      ],
      modulators: [{ name: 'da', type: 'schedule', time: { type: 'pulse', start: 5, duration: 10 } }],
      projections: [{ name: 'ff', from: 'in', to: 'out', weights: { type: 'npy', file: 'w0.npy' }, plasticity: { rule: 'hebbian', eta: 0.05, modulator: 'da' } }],
      record: [{ name: 'wff', projection: 'ff', what: 'weights', every: 20 }, { name: 'da', modulator: 'da', what: 'modulator', every: 2 }],
      batch: { size: 2, params: { 'projections.ff.eta': [0.05, 0.1] } },
    };
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    const out = join(dir, 'out');
    await runToDirectory({ target: join(dir, 'spec.json'), out });
    const final = readNpy(readFileSync(join(out, 'weights_ff.npy')));
    expect(final.shape).toEqual([2, 6, 8]);
    const wff = readNpy(readFileSync(join(out, 'wff.npy')));
    expect(wff.shape).toEqual([3, 2, 6, 8]);
    expect(sameBits(wff.data.subarray(2 * 96) as Float32Array, final.data as Float32Array)).toBe(true);
    expect(readNpy(readFileSync(join(out, 'da.npy'))).shape).toEqual([30, 2]);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).weights).toEqual([{ projection: 'ff', file: 'weights_ff.npy', shape: [2, 6, 8] }]);
    // The run started from w0 (read as float64, rounded once) and learned.
    const sim = await RateSimulation.create({ ...spec, projections: [{ ...spec.projections[0], weights: { type: 'dense', values: Array.from(w0) } }] } as NetworkSpec, {});
    await sim.run(60);
    expect(sameBits(await sim.readWeights('ff'), final.data as Float32Array)).toBe(true);
    sim.destroy();
    expect(weightDiff(final.data.subarray(0, 48) as Float32Array, Float32Array.from(w0))).toBeGreaterThan(0.01);
  });
});
