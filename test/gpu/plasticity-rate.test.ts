/**
 * Plasticity and neuromodulation of rate networks: every learning rule, modulator kind and the gain
 * modulation against the CPU float32 twin on seeded random networks over a few hundred steps; bit-identical
 * weights run to run; an instance's result independent of the batch; weight and modulator recorders;
 * writeWeights / readWeights. Oja's principal component and the files of a run: plasticity-rate-files.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { RateSimulation } from '../../engine/run/rate-simulation.ts';
import type { KernelTuning } from '../../engine/run/rate-context.ts';
import { ReferenceSimulation } from '../../engine/reference/rate.ts';
import { MemorySink, type RecorderInfo } from '../../engine/record/recorders.ts';
import type { NetworkSpec, PlasticitySpec } from '../../engine/spec/rate.ts';
import { compile } from '../../engine/plan/rate.ts';
import { validateSpec } from '../../engine/spec/validate-rate.ts';
import { SpecError } from '../../engine/errors.ts';
import { PhiloxStream } from '../../engine/util/philox.ts';
import { plasticTwoPopulationSpec } from '../specs.ts';
import { maxRelDiff, sameBits, weightDiff, withoutValidationErrors } from '../gpu-helpers.ts';
import { TOLERANCE } from '../tolerances.ts';


/** Keeps every row of every run() (a MemorySink starts over at each run). */
class AppendSink extends MemorySink {
  override begin(rec: RecorderInfo, totalRows: number): void {
    const old = this.data.get(rec.name);
    super.begin(rec, totalRows + (old?.rows ?? 0));
    if (!old) return;
    const d = this.data.get(rec.name)!;
    d.values.set(old.values.subarray(0, old.rows * old.batch * old.width));
    d.rows = old.rows;
  }
}

interface Phase { steps: number; before?: (sim: RateSimulation, ref: ReferenceSimulation) => void }

/** Runs the spec on the GPU and on the twin through the same phases; returns both ends. */
async function runBoth(spec: NetworkSpec, phases: Phase[], chunkSteps = 64, tuning?: KernelTuning) {
  return withoutValidationErrors(async () => {
    const sim = await RateSimulation.create(spec, { chunkSteps, tuning });
    const ref = new ReferenceSimulation(sim.plan, sim.spec.record);
    const gpuRec = new AppendSink(), refRec = new AppendSink();
    for (const phase of phases) {
      phase.before?.(sim, ref);
      await sim.run(phase.steps, { sink: gpuRec });
      await ref.run(phase.steps, { sink: refRec });
    }
    const plastic = sim.plan.projections.filter((p) => p.plastic).map((p) => p.name);
    const gpuWeights = new Map<string, Float32Array>();
    for (const name of plastic) gpuWeights.set(name, await sim.readWeights(name));
    const { state, rate } = await sim.read();
    const modulators = await sim.readModulators();
    const initial = new Map(sim.plan.projections.filter((p) => p.plastic).map((p) => [p.name, p.dense!]));
    sim.destroy();
    return { sim, ref, state, rate, modulators, gpuWeights, gpuRec, refRec, initial };
  });
}

type Both = Awaited<ReturnType<typeof runBoth>>;

/** GPU and twin agree on rates, states and every plastic weight, and the weights really moved. */
function expectAgreement(r: Both, minChange = 0.05) {
  expect(maxRelDiff(r.state, r.ref.state)).toBeLessThan(TOLERANCE.state_rel);
  expect(maxRelDiff(r.rate, r.ref.rate)).toBeLessThan(TOLERANCE.state_rel);
  const mods = r.sim.plan.modulators;
  const twinMods = Float32Array.from({ length: r.sim.plan.batch * mods.length }, (_, k) => r.ref.plastic.modulator(Math.floor(k / mods.length), k % mods.length));
  expect(maxRelDiff(r.modulators, twinMods)).toBeLessThan(TOLERANCE.record_rel);
  for (const [name, w] of r.gpuWeights) {
    const twin = r.ref.weightsNow(name);
    expect(weightDiff(w, twin), `weights of ${name}`).toBeLessThan(TOLERANCE.weight_rel);
    // Not vacuous: every instance's weights changed by a good fraction of the weight scale.
    const init = r.initial.get(name)!;
    const n = init.length;
    for (let b = 0; b < twin.length / n; b++) {
      expect(weightDiff(init, twin.subarray(b * n, (b + 1) * n)), `change of ${name}, instance ${b}`).toBeGreaterThan(minChange);
    }
  }
}

function withPlasticity(spec: NetworkSpec, projection: number, plasticity: PlasticitySpec): NetworkSpec {
  spec.projections![projection].plasticity = plasticity;
  return spec;
}

describe('rate plasticity: GPU vs CPU twin', () => {
  it('hebbian with decay and clipping, per-instance eta (batch 3), 300 steps', async () => {
    const spec = withPlasticity(plasticTwoPopulationSpec(1, 24, 12), 0, { rule: 'hebbian', eta: 0.01, decay: 0.005, wMin: -0.6, wMax: 0.6 });
    spec.batch = { size: 3, params: { 'projections.EE.eta': [0.004, 0.01, 0.02] } };
    const r = await runBoth(spec, [{ steps: 300 }]);
    expectAgreement(r);
    // The bounds bind: some weights sit at wMax, none beyond.
    const w = r.gpuWeights.get('EE')!;
    expect(Math.max(...w)).toBeCloseTo(0.6, 6);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(Math.fround(-0.6));
  });

  it("oja's rule on E -> I, gated by a pulse schedule modulator, 300 steps", async () => {
    const spec = withPlasticity(plasticTwoPopulationSpec(2, 24, 12), 1, { rule: 'oja', eta: 0.01, modulator: 'gate' });
    spec.modulators = [{ name: 'gate', type: 'schedule', time: { type: 'pulse', start: 20, duration: 100 }, amplitude: 2, baseline: 0.1 }];
    spec.record = [{ name: 'gate', modulator: 'gate', what: 'modulator', every: 10 }];
    spec.batch = { size: 2 };
    const r = await runBoth(spec, [{ steps: 300 }]);
    expectAgreement(r);
    const g = r.gpuRec.data.get('gate')!;
    // Rows after steps 10, 20, ...: the value of step n is baseline + 2 in [40, 240) (dt 0.5 ms), else baseline.
    for (let row = 0; row < g.rows; row++) {
      const n = 10 * row + 9;
      expect(r.gpuRec.at('gate', row, 1, 0)).toBeCloseTo(n >= 40 && n < 240 ? 2.1 : 0.1, 6);
    }
  });

  it('three-factor with a schedule modulator (sampled array, per-instance amplitude), 300 steps', async () => {
    const spec = withPlasticity(plasticTwoPopulationSpec(3, 24, 12), 0, { rule: 'three-factor', eta: 0.0005, tauEligibility: 20, modulator: 'reward', wMin: -0.6, wMax: 0.6 });
    spec.modulators = [{ name: 'reward', type: 'schedule', time: { type: 'array', dt: 10, values: [0, 1, -0.5, 0, 2, 0, -1, 0.5] } }];
    spec.batch = { size: 3, params: { 'modulators.reward.amplitude': [1, 0.5, -1] } };
    spec.record = [{ name: 'reward', modulator: 'reward', what: 'modulator' }];
    const r = await runBoth(spec, [{ steps: 300 }]);
    expectAgreement(r);
    expect(maxRelDiff(r.gpuRec.data.get('reward')!.values, r.refRec.data.get('reward')!.values)).toBe(0);
  });

  it('three-factor with an activity modulator with a running baseline (prediction error), 300 steps', async () => {
    const spec = withPlasticity(plasticTwoPopulationSpec(4, 24, 12), 0, { rule: 'three-factor', eta: 0.002, tauEligibility: 10, modulator: 'rpe' });
    const profile = Array.from({ length: 12 }, (_, i) => (i % 3) - 0.7);
    spec.modulators = [{ name: 'rpe', type: 'activity', population: 'I', profile, tauBaseline: 15, scale: 3, offset: 0.05 }];
    spec.record = [{ name: 'rpe', modulator: 'rpe', what: 'modulator', every: 3 }];
    spec.batch = { size: 2 };
    const r = await runBoth(spec, [{ steps: 300 }]);
    expectAgreement(r);
    const g = r.gpuRec.data.get('rpe')!, c = r.refRec.data.get('rpe')!;
    expect(maxRelDiff(g.values, c.values)).toBeLessThan(TOLERANCE.record_rel);
    // The prediction error is not constant: it changes sign over the run.
    expect(Math.max(...c.values)).toBeGreaterThan(0.05);
    expect(Math.min(...c.values)).toBeLessThan(0);
  });

  it('three-factor with a centred postsynaptic rate (tauPostBaseline), 300 steps', async () => {
    const spec = withPlasticity(plasticTwoPopulationSpec(4, 24, 12), 0, { rule: 'three-factor', eta: 0.01, tauEligibility: 10, tauPostBaseline: 7, modulator: 'rpe' });
    spec.modulators = [{ name: 'rpe', type: 'schedule', time: { type: 'array', dt: 5, values: [1, -1, 0.5, 2, -0.5] } }];
    spec.batch = { size: 2 };
    const r = await runBoth(spec, [{ steps: 160 }, { steps: 140 }]);
    expectAgreement(r);
    // Centring changes the result: the same run without it ends elsewhere.
    const plain = structuredClone(spec);
    delete plain.projections![0].plasticity!.tauPostBaseline;
    const q = await runBoth(plain, [{ steps: 300 }]);
    expect(maxRelDiff(q.gpuWeights.get(spec.projections![0].name)!, r.gpuWeights.get(spec.projections![0].name)!)).toBeGreaterThan(1e-3);
    const bad = structuredClone(spec);
    bad.projections![0].plasticity = { rule: 'hebbian', eta: 0.1, tauPostBaseline: 5 };
    expect(() => validateSpec(bad)).toThrow(/tauPostBaseline.*three-factor/);
  });

  it('gainModulator scales plastic, dense, sparse and fixed in-degree projections', async () => {
    const spec = withPlasticity(plasticTwoPopulationSpec(5, 24, 12), 0, { rule: 'hebbian', eta: 0.05, wMin: -0.4, wMax: 0.4 });
    spec.modulators = [
      { name: 'arousal', type: 'activity', population: 'E' },
      { name: 'ramp', type: 'schedule', time: { type: 'array', dt: 5, values: [0, 0.5, 1, 1.5, 2, 2.5, 3] }, baseline: 0.5 },
    ];
    spec.projections![0].gainModulator = 'ramp';
    spec.projections![1].gainModulator = 'arousal';
    spec.projections![2].gainModulator = 'ramp';
    spec.projections![3].gainModulator = 'ramp';
    spec.batch = { size: 2, params: { 'modulators.ramp.amplitude': [1, -0.5] } };
    const r = await runBoth(spec, [{ steps: 200 }]);
    expectAgreement(r);
    // Without the gain modulators the run differs: they act.
    const plain = structuredClone(spec);
    for (const p of plain.projections!) delete p.gainModulator;
    const ref = new ReferenceSimulation(compile(validateSpec(plain)));
    await ref.run(200);
    expect(maxRelDiff(ref.state, r.ref.state)).toBeGreaterThan(0.05);
  });

  it('plastic matrix-vector kernel with 32 threads per row (the GPU shape: tree reduction), 200 steps', async () => {
    const spec = withPlasticity(plasticTwoPopulationSpec(9, 40, 12), 0, { rule: 'oja', eta: 0.01, modulator: 'arousal' });
    spec.modulators = [{ name: 'arousal', type: 'activity', population: 'I', offset: 1 }];
    spec.projections![0].gainModulator = 'arousal';
    spec.batch = { size: 2 };
    const r = await runBoth(spec, [{ steps: 200 }], 64, { matvecThreadsPerRow: 32 });
    expectAgreement(r);
  });

  it('gain modulation in the GEMM (batch 9), 40 steps', async () => {
    const spec = withPlasticity(plasticTwoPopulationSpec(6, 24, 12), 0, { rule: 'oja', eta: 0.01 });
    spec.modulators = [{ name: 'arousal', type: 'activity', population: 'E', scale: 2, offset: 0.5 }];
    spec.projections![1].gainModulator = 'arousal';
    spec.batch = { size: 9, params: { 'projections.EE.eta': Array.from({ length: 9 }, (_, b) => 0.005 * b) } };
    const sim = await RateSimulation.create(spec, {});
    expect(sim.kernelNames.map((k) => k.name)).toContain('synapse-dense-gemm');
    sim.destroy();
    const r = await runBoth(spec, [{ steps: 40 }]);
    expect(maxRelDiff(r.state, r.ref.state)).toBeLessThan(TOLERANCE.state_rel);
    expect(weightDiff(r.gpuWeights.get('EE')!, r.ref.weightsNow('EE'))).toBeLessThan(TOLERANCE.weight_rel);
  });

  it('a host modulator set between runs gates three-factor learning', async () => {
    const spec = withPlasticity(plasticTwoPopulationSpec(7, 24, 12), 0, { rule: 'three-factor', eta: 0.001, tauEligibility: 30, modulator: 'rpe' });
    spec.modulators = [{ name: 'rpe', type: 'host' }];
    spec.record = [{ name: 'w', projection: 'EE', what: 'weights', every: 50 }, { name: 'rpe', modulator: 'rpe', what: 'modulator', every: 50 }];
    spec.batch = { size: 2 };
    const r = await runBoth(spec, [
      { steps: 100 },
      { steps: 100, before: (sim, ref) => { sim.setModulator('rpe', [1, -0.5]); ref.setModulator('rpe', [1, -0.5]); } },
      { steps: 100, before: (sim, ref) => { sim.setModulator('rpe', 0); ref.setModulator('rpe', 0); } },
    ]);
    expectAgreement(r);
    const w = r.gpuRec.data.get('w')!;
    const row = (t: number) => w.values.subarray(t * w.batch * w.width, (t + 1) * w.batch * w.width);
    // init 0: no learning in the first 100 steps; learning while set; frozen again at 0.
    expect(weightDiff(row(1), Float32Array.from([...r.initial.get('EE')!, ...r.initial.get('EE')!]))).toBe(0);
    expect(weightDiff(row(3), row(1))).toBeGreaterThan(0.05);
    expect(sameBits(row(5), row(3))).toBe(true);
    expect([...r.gpuRec.data.get('rpe')!.values]).toEqual([0, 0, 0, 0, 1, -0.5, 1, -0.5, 0, 0, 0, 0]);
  });
});

describe('rate plasticity: determinism, batching, weights in and out', () => {
  const threeFactor = (noise: number): NetworkSpec => {
    const spec = withPlasticity(plasticTwoPopulationSpec(8, 24, 12), 0, { rule: 'three-factor', eta: 0.002, tauEligibility: 15, modulator: 'rpe', wMin: -0.6 });
    spec.populations[0].noise = noise;
    spec.modulators = [{ name: 'rpe', type: 'activity', population: 'I', tauBaseline: 10, scale: 4 }];
    spec.projections![1].gainModulator = 'rpe';
    return spec;
  };

  it('same seed: bit-identical weights run to run and for any chunk size', async () => {
    const spec = threeFactor(0.3);
    spec.batch = { size: 3, params: { 'projections.EE.eta': [0.001, 0.002, 0.004] } };
    const runs: Float32Array[] = [];
    for (const chunkSteps of [64, 64, 7]) {
      const sim = await RateSimulation.create(spec, { chunkSteps });
      await sim.run(200);
      runs.push(await sim.readWeights('EE'));
      sim.destroy();
    }
    expect(weightDiff(runs[0].subarray(2 * 576), compile(validateSpec(spec)).projections[0].dense!)).toBeGreaterThan(0.01);
    expect(sameBits(runs[1], runs[0])).toBe(true);
    expect(sameBits(runs[2], runs[0])).toBe(true);
  });

  it("an instance's weights and states do not depend on the batch (bit-identical; no noise)", async () => {
    const etas = [0.001, 0.003, 0.006];
    const batched = threeFactor(0);
    batched.batch = { size: 3, params: { 'projections.EE.eta': etas } };
    const sim = await RateSimulation.create(batched, {});
    await sim.run(200);
    const w3 = await sim.readWeights('EE');
    const s3 = (await sim.read()).state;
    const plan3 = sim.plan;
    sim.destroy();
    const n = 24 * 24;
    for (const b of [0, 2]) {
      const alone = threeFactor(0);
      alone.batch = { size: 1, params: { 'projections.EE.eta': [etas[b]] } };
      const one = await RateSimulation.create(alone, {});
      await one.run(200);
      const w1 = await one.readWeights('EE');
      const s1 = (await one.read()).state;
      one.destroy();
      expect(sameBits(w1, w3.subarray(b * n, (b + 1) * n)), `weights of instance ${b}`).toBe(true);
      for (const pop of plan3.pops) {
        const solo = one.plan.pops[pop.index];
        expect(sameBits(s1.subarray(solo.base, solo.base + pop.size), s3.subarray(pop.base + b * pop.size, pop.base + (b + 1) * pop.size)), `state of ${pop.name}, instance ${b}`).toBe(true);
      }
    }
    // The instances really learned differently.
    expect(weightDiff(w3.subarray(0, n), w3.subarray(2 * n))).toBeGreaterThan(0.01);
  });

  it('weight recorder snapshots equal readWeights at those steps, and the twin', async () => {
    const spec = threeFactor(0.3);
    spec.batch = { size: 2 };
    spec.record = [{ name: 'wEE', projection: 'EE', what: 'weights', every: 25 }, { name: 'rpe', modulator: 'rpe', what: 'modulator', every: 5 }];
    const snapshots: Float32Array[] = [];
    const r = await runBoth(spec, [{ steps: 25 }, { steps: 50 }, { steps: 25 }], 16);
    expectAgreement(r, 0.001);
    // Re-run, reading the weights after steps 25, 75 and 100 (rows 0, 2 and 3 of the recorder).
    const sim = await RateSimulation.create(spec, { chunkSteps: 16 });
    const rec = new AppendSink();
    for (const steps of [25, 50, 25]) { await sim.run(steps, { sink: rec }); snapshots.push(await sim.readWeights('EE')); }
    sim.destroy();
    const d = rec.data.get('wEE')!;
    expect([d.rows, d.batch, d.width]).toEqual([4, 2, 576]);
    const row = (t: number) => d.values.subarray(t * 2 * 576, (t + 1) * 2 * 576);
    expect(sameBits(row(0), snapshots[0])).toBe(true);
    expect(sameBits(row(2), snapshots[1])).toBe(true);
    expect(sameBits(row(3), snapshots[2])).toBe(true);
    expect(sameBits(row(3), row(2))).toBe(false);
    // The same rows from the earlier run (same seed) and, within tolerance, from the twin.
    expect(sameBits(r.gpuRec.data.get('wEE')!.values, d.values)).toBe(true);
    expect(weightDiff(d.values, r.refRec.data.get('wEE')!.values)).toBeLessThan(TOLERANCE.weight_rel);
    expect(maxRelDiff(r.gpuRec.data.get('rpe')!.values, r.refRec.data.get('rpe')!.values)).toBeLessThan(TOLERANCE.record_rel);
  });

  it('writeWeights / readWeights round trip; written weights drive the dynamics; shapes are checked', async () => {
    const spec = threeFactor(0.3);
    spec.batch = { size: 2 };
    const n = 24 * 24;
    const rng = new PhiloxStream(5, 1, 0);
    const mine = Float32Array.from({ length: 2 * n }, () => 0.3 * rng.normal());
    const sim = await RateSimulation.create(spec, {});
    sim.writeWeights('EE', mine);
    expect(sameBits(await sim.readWeights('EE'), mine)).toBe(true);
    const one = mine.subarray(0, n);
    sim.writeWeights('EE', one);
    const back = await sim.readWeights('EE');
    expect(sameBits(back.subarray(0, n), one) && sameBits(back.subarray(n), one)).toBe(true);
    expect(() => sim.writeWeights('EE', new Float32Array(n + 1))).toThrow(SpecError);
    expect(() => sim.writeWeights('EE', new Float32Array(n + 1))).toThrow(/writeWeights\("EE"\)\.data: expected 1152 values/);
    expect(() => sim.writeWeights('IE', one)).toThrow(/no plastic projection named "IE" \(plastic: EE\)/);
    await expect(sim.readWeights('nope')).rejects.toThrow(SpecError);
    expect(() => sim.setModulator('rpe', [1, 2])).toThrow(/setModulator\("rpe"\): modulator "rpe" is of type "activity"/);
    sim.destroy();
    const r = await runBoth(spec, [{ steps: 100, before: (s, ref) => { s.writeWeights('EE', mine); ref.writeWeights('EE', mine); } }]);
    expect(weightDiff(r.gpuWeights.get('EE')!, r.ref.weightsNow('EE'))).toBeLessThan(TOLERANCE.weight_rel);
    expect(maxRelDiff(r.state, r.ref.state)).toBeLessThan(TOLERANCE.state_rel);
    // Not the run from the initial weights.
    const plain = await runBoth(spec, [{ steps: 100 }]);
    expect(maxRelDiff(plain.state, r.state)).toBeGreaterThan(0.05);
  });
});
