/**
 * User-defined rate units on the GPU: a rectified power-law unit (r = k [x]_+^n, the stabilized
 * supralinear network's unit) against its float32 twin (batch 1 and 3, per-unit and per-instance
 * parameters, noise through xi, next to a built-in unit), bit-exact where the code is + - * only, and
 * against closed forms: exponential relaxation, the steady state of a self-coupled unit, the fixed points
 * of the two-population SSN in examples/ssn.json, and a built-in unit's tau swept per instance.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RateSimulation } from '../../engine/run/rate-simulation.ts';
import { ReferenceSimulation } from '../../engine/reference/rate.ts';
import type { NetworkSpec, RateUnitSpec } from '../../engine/spec/rate.ts';
import { maxRelDiff, withoutValidationErrors } from '../gpu-helpers.ts';
import { TOLERANCE } from '../tolerances.ts';

const POWER_LAW: RateUnitSpec = {
  params: { tau: { unit: 'ms' }, k: { value: 0.04, unit: 'Hz/mV^2' }, n: { value: 2, unit: '1' }, sigma: { value: 0, unit: 'mV' } },
  derived: { decay: 'exp(-dt / tau)', gain: '-expm1(-dt / tau)', kick: 'sqrt(-expm1(-2 * dt / tau))' },
  update: 'x = decay * x + gain * (rec + I_ext) + kick * sigma * xi;',
  activation: 'k * pow(max(x, 0), n)',
};

async function run(spec: NetworkSpec, steps: number, batch?: number) {
  return withoutValidationErrors(async () => {
    const sim = await RateSimulation.create(spec, { batch, chunkSteps: 7 });
    await sim.run(steps);
    const { state, rate } = await sim.read();
    sim.destroy();
    const ref = new ReferenceSimulation(sim.plan);
    await ref.run(steps);
    return { state, rate, ref, plan: sim.plan };
  });
}

function network(B: number): NetworkSpec {
  const sweep = (f: (b: number) => number) => Array.from({ length: B }, (_, b) => f(b));
  return {
    dt: 0.5, seed: 11,
    units: { power_law: POWER_LAW },
    populations: [
      { name: 'E', size: 40, unit: 'power_law', tau: Array.from({ length: 40 }, (_, i) => 10 + i / 4), init: 1 },
      { name: 'I', size: 24, unit: 'power_law', params: { tau: 5, n: 3 }, init: 0.5 },
      { name: 'T', size: 16, activation: 'tanh', tau: 4, noise: 0.1 },
    ],
    projections: [
      { name: 'EE', from: 'E', to: 'E', weights: { type: 'gaussian', g: 0.3, seed: 1 } },
      { name: 'EI', from: 'I', to: 'E', gain: -0.2, weights: { type: 'fixed-indegree', k: 5, weight: 1 } },
      { name: 'IE', from: 'E', to: 'I', weights: { type: 'gaussian', g: 0.4, seed: 2 } },
      { name: 'TE', from: 'E', to: 'T', weights: { type: 'gaussian', g: 1, seed: 3 } },
    ],
    inputs: [{ name: 'h', target: 'E', amplitude: 3, profile: { type: 'cosine', center: 0, rectify: true } }, { name: 'hI', target: 'I', amplitude: 1 }],
    batch: { size: B, params: { 'populations.E.sigma': sweep((b) => 0.5 * b), 'populations.I.k': sweep((b) => 0.02 + 0.01 * b), seed: sweep((b) => b + 1) } },
  };
}

describe('a user-defined unit: GPU vs twin', () => {
  for (const B of [1, 3]) {
    it(`power-law and tanh units, per-unit tau, per-instance k and noise, batch ${B}`, async () => {
      const r = await run(network(B), 40);
      expect(maxRelDiff(r.state, r.ref.state)).toBeLessThan(TOLERANCE.state_rel);
      expect(maxRelDiff(r.rate, r.ref.rate)).toBeLessThan(TOLERANCE.state_rel);
      expect(r.plan.pops[0].unit.reads.xi).toBe(B > 1); // sigma is 0 in instance 0: folded only when B = 1
      // Not vacuous: the states moved away from their initial values, and noisy instances differ.
      expect(maxRelDiff(r.state.subarray(0, 40), new Float32Array(40).fill(1))).toBeGreaterThan(0.05);
      if (B > 1) expect([...r.state.subarray(0, 40)]).not.toEqual([...r.state.subarray(40, 80)]);
    });
  }

  it('without noise and recurrence the update (+ - * only) gives the twin\'s bits', async () => {
    const spec: NetworkSpec = {
      dt: 0.25, units: { power_law: POWER_LAW },
      populations: [{ name: 'u', size: 50, unit: 'power_law', tau: Array.from({ length: 50 }, (_, i) => 2 + i), init: Array.from({ length: 50 }, (_, i) => i / 10 - 2) }],
      inputs: [{ name: 'h', target: 'u', amplitude: 1.7 }],
    };
    const r = await run(spec, 60, 2);
    expect(Buffer.from(r.state.buffer).equals(Buffer.from(r.ref.state.buffer))).toBe(true);
    expect(maxRelDiff(r.rate, r.ref.rate)).toBeLessThan(TOLERANCE.state_rel); // pow: a few ulp
  });
});

describe('closed forms', () => {
  it('an isolated unit relaxes as x(t) = h + (x0 - h) exp(-t / tau), r = k x^n', async () => {
    const taus = [3, 10, 25, 40], x0 = [-2, 0, 4, 9], h = 6, steps = 160, dt = 0.5;
    const spec: NetworkSpec = {
      dt, units: { power_law: POWER_LAW },
      populations: [{ name: 'u', size: 4, unit: 'power_law', tau: taus, params: { k: 0.5, n: 1.5 }, init: x0 }],
      inputs: [{ name: 'h', target: 'u', amplitude: h }],
    };
    const { state, rate } = await run(spec, steps);
    const t = steps * dt;
    const x = taus.map((tau, i) => h + (x0[i] - h) * Math.exp(-t / tau));
    expect(maxRelDiff(state, Float32Array.from(x))).toBeLessThan(TOLERANCE.closed_form_rel);
    expect(maxRelDiff(rate, Float32Array.from(x, (v) => 0.5 * Math.max(v, 0) ** 1.5))).toBeLessThan(TOLERANCE.closed_form_rel);
    expect(x[3] - h).toBeGreaterThan(0.3); // tau = 40: still far from h, so the test sees the time course
  });

  it('a self-coupled unit settles at x* = (1 - sqrt(1 - 4 w k h)) / (2 w k) (n = 2)', async () => {
    const w = 1, k = 0.04, h = 5;
    const spec: NetworkSpec = {
      dt: 0.5, units: { power_law: POWER_LAW },
      populations: [{ name: 'u', size: 1, unit: 'power_law', tau: 10 }],
      projections: [{ name: 'self', from: 'u', to: 'u', weights: { type: 'dense', values: [[w]] } }],
      inputs: [{ name: 'h', target: 'u', amplitude: h }],
    };
    const { state, rate } = await run(spec, 1000);
    const xs = (1 - Math.sqrt(1 - 4 * w * k * h)) / (2 * w * k);
    expect(Math.abs(state[0] - xs) / xs).toBeLessThan(TOLERANCE.closed_form_rel);
    expect(Math.abs(rate[0] - k * xs * xs) / (k * xs * xs)).toBeLessThan(TOLERANCE.closed_form_rel);
  });

  it('examples/ssn.json: fixed points of the two-population SSN; E supralinear, then sublinear, I overtakes E', async () => {
    const spec = JSON.parse(readFileSync(new URL('../../examples/ssn.json', import.meta.url), 'utf8')) as NetworkSpec;
    const { rate } = await run(spec, spec.steps!);
    const hs = spec.batch!.params!['inputs.hE.amplitude'];
    const W = [[1.25, -0.65], [1.2, -0.5]], k = 0.04;
    hs.forEach((h, b) => {
      // The fixed point in float64: relax the ODE (exact exponential steps), then polish with Newton.
      let x = [0, 0];
      for (let s = 0; s < 40000; s++) {
        const r = x.map((v) => k * Math.max(v, 0) ** 2);
        x = [20, 10].map((tau, i) => x[i] + (W[i][0] * r[0] + W[i][1] * r[1] + h - x[i]) * -Math.expm1(-0.5 / tau));
      }
      for (let it = 0; it < 5; it++) {
        const r = x.map((v) => k * v * v), d = x.map((v) => 2 * k * v);
        const F = [0, 1].map((i) => -x[i] + W[i][0] * r[0] + W[i][1] * r[1] + h);
        const J = [0, 1].map((i) => [0, 1].map((j) => (i === j ? -1 : 0) + W[i][j] * d[j]));
        const det = J[0][0] * J[1][1] - J[0][1] * J[1][0];
        x = [x[0] - (J[1][1] * F[0] - J[0][1] * F[1]) / det, x[1] - (J[0][0] * F[1] - J[1][0] * F[0]) / det];
      }
      expect(Math.abs(rate[b] - k * x[0] ** 2) / (k * x[0] ** 2)).toBeLessThan(1e-3);
      expect(Math.abs(rate[5 + b] - k * x[1] ** 2) / (k * x[1] ** 2)).toBeLessThan(1e-3);
    });
    // state layout: E's 5 instances, then I's; inputs 2, 5, 10, 20, 40
    expect(rate[1] / rate[0]).toBeGreaterThan(5 / 2 * 2); // supralinear at weak input
    expect(rate[4] / rate[3]).toBeLessThan(40 / 20); // sublinear at strong input
    expect(rate[5 + 4]).toBeGreaterThan(1.5 * rate[4]);
  });

  it('a built-in unit with tau swept per instance decays as x0 exp(-t / tau_b)', async () => {
    const taus = [2, 5, 20];
    const spec: NetworkSpec = {
      dt: 0.5, populations: [{ name: 'leak', size: 3, activation: 'linear', init: 2 }],
      batch: { size: 3, params: { 'populations.leak.tau': taus } },
    };
    const { state, plan } = await run(spec, 30);
    expect(plan.instColumns).toContain('populations.leak.decay');
    const want = Float32Array.from({ length: 9 }, (_, g) => 2 * Math.exp(-15 / taus[Math.floor(g / 3)]));
    expect(maxRelDiff(state, want)).toBeLessThan(TOLERANCE.closed_form_rel);
  });
});
