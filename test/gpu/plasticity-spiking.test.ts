/**
 * Spiking plasticity (STDP additive and multiplicative, gated STDP, three-factor with eligibility traces)
 * on the GPU against its CPU twin, bit for bit; determinism run to run and across batch sizes; weight
 * snapshots and save/load; the STDP window against its closed form; errors for bad specs.
 */
import { describe, expect, it } from 'vitest';
import { GOLDEN } from '../golden-digests.ts';
import { createHash } from 'node:crypto';
import { SpecError } from '../../engine/errors.ts';
import { MemorySink } from '../../engine/record/recorders.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import { SpikingReference } from '../../engine/reference/spiking.ts';
import { SpikingSimulation } from '../../engine/run/spiking-simulation.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';
import { withoutValidationErrors } from '../gpu-helpers.ts';
import { runToDirectory } from '../../scenarios/run.ts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy } from '../../engine/node/npy-files.ts';
import { plasticSpec } from '../spiking-specs.ts';

interface Run { spikes: string[]; weights: Record<string, Float32Array>; elig?: Float32Array; sink: MemorySink; sim: SpikingSimulation }

/** Runs in two halves (a host modulator changes between them, as between trials). */
async function gpuRun(spec: SpikingSpec, steps: number, chunkSteps = 37): Promise<Run> {
  return withoutValidationErrors(async () => {
    const sim = await SpikingSimulation.create(spec, { chunkSteps });
    const spikes: string[] = [];
    const halves = [new MemorySink(), new MemorySink()];
    const onSpikes = (rec: string, s: Uint32Array, b: Uint32Array, n: Uint32Array) => { for (let k = 0; k < s.length; k++) spikes.push(`${rec}:${s[k]}:${b[k]}:${n[k]}`); };
    await sim.run(steps / 2, { sink: halves[0], onSpikes });
    sim.setModulator('da', Array.from({ length: sim.plan.batch }, (_, b) => -1.25 + b));
    await sim.run(steps / 2, { sink: halves[1], onSpikes });
    // Recordings of both halves, concatenated.
    const sink = new MemorySink();
    for (const [name, d] of halves[0].data) {
      const e = halves[1].data.get(name)!;
      const values = new Float32Array(d.values.length + e.values.length);
      values.set(d.values);
      values.set(e.values, d.values.length);
      sink.data.set(name, { ...d, rows: d.rows + e.rows, values });
    }
    const weights: Record<string, Float32Array> = {};
    for (const p of sim.plan.plastic) weights[p.name] = await sim.readWeights(p.name);
    const tf = sim.plan.plastic.find((p) => p.threeFactor);
    const elig = tf ? await sim.readWeights(tf.name, 'eligibility') : undefined;
    sim.destroy();
    return { spikes, weights, elig, sink, sim };
  });
}

function referenceRun(sim: SpikingSimulation, steps: number) {
  const ref = new SpikingReference(sim.plan);
  const names = ['sE', 'sI'];
  const spikes: string[] = [];
  const snapshots: Float32Array[] = [];
  const S = sim.plan.plastic[0].synapses, B = sim.plan.batch;
  for (let t = 0; t < steps; t++) {
    if (t === steps / 2) ref.setModulator('da', Array.from({ length: B }, (_, b) => -1.25 + b));
    for (const sp of ref.advance()) spikes.push(`${names[sp.pop]}:${sp.step}:${sp.instance}:${sp.neuron}`);
    if ((t + 1) % 40 === 0) snapshots.push(ref.plastic[0].wel.slice(0, B * S));
  }
  return { ref, spikes, snapshots };
}

const same = (a: Float32Array, b: Float32Array) => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('spiking plasticity: GPU vs CPU twin, bit for bit', () => {
  for (const threeFactor of [false, true]) {
    for (const batch of [1, 3]) {
      it(`${threeFactor ? 'three-factor' : 'additive + gated multiplicative STDP'}, batch ${batch}`, async () => {
        const steps = 400;
        const g = await gpuRun(plasticSpec({ threeFactor, batch }), steps);
        const c = referenceRun(g.sim, steps);
        expect(g.spikes.length).toBeGreaterThan(100 * batch);
        expect([...g.spikes].sort()).toEqual([...c.spikes].sort());
        const B = batch;
        for (const [k, p] of g.sim.plan.plastic.entries()) {
          const ref = c.ref.plastic[k].wel.slice(0, B * p.synapses);
          expect(same(g.weights[p.name], ref), `weights of ${p.name}`).toBe(true);
          // Learning happened: weights moved away from the initial ones in every instance.
          for (let b = 0; b < B; b++) {
            let moved = 0;
            for (let s = 0; s < p.synapses; s++) if (g.weights[p.name][b * p.synapses + s] !== p.w0[s]) moved++;
            expect(moved, `${p.name} instance ${b}`).toBeGreaterThan(p.synapses / 10);
          }
        }
        if (threeFactor) expect(same(g.elig!, c.ref.eligibility(1))).toBe(true);
        // Weight snapshots every 40 steps equal the twin's weights after those steps.
        const rec = g.sink.data.get('wEE')!;
        expect(rec.rows).toBe(steps / 40);
        c.snapshots.forEach((snap, r) => expect(same(rec.values.subarray(r * snap.length, (r + 1) * snap.length), snap), `snapshot ${r}`).toBe(true));
        // The modulator recorder shows the schedule: baseline 0.25, 1.75 during the pulse (steps 50..169).
        const m = g.sink.data.get('mgate')!;
        expect(m.rows).toBe(steps / 10);
        expect(m.values[4 * B]).toBe(0.25);
        expect(m.values[5 * B]).toBe(1.75);
        expect(m.values[16 * B]).toBe(1.75);
        expect(m.values[17 * B]).toBe(0.25);
      });
    }
  }

  it('is deterministic run to run, for any chunk size, and an instance does not depend on the batch', async () => {
    const a = await gpuRun(plasticSpec({ threeFactor: true, batch: 3 }), 300, 37);
    const b = await gpuRun(plasticSpec({ threeFactor: true, batch: 3 }), 300, 150);
    for (const name of ['EE', 'EI']) expect(same(a.weights[name], b.weights[name])).toBe(true);
    // A batch of 4 (the same per-instance seeds, learning rates and modulator values for instances 0..2).
    const four = await gpuRun(plasticSpec({ threeFactor: true, batch: 4 }), 300, 64);
    for (const name of ['EE', 'EI']) {
      const S = a.sim.plan.plastic.find((p) => p.name === name)!.synapses;
      expect(same(four.weights[name].slice(0, 3 * S), a.weights[name]), name).toBe(true);
      expect(same(four.weights[name].slice(3 * S), a.weights[name].slice(2 * S)), name).toBe(false);
    }
  });

  it('two three-factor projections with different modulators: merged passes, one eligibility pass per modulator, GPU = twin', async () => {
    const spec = plasticSpec({ threeFactor: true, batch: 2 });
    spec.projections![0].plasticity = { rule: 'three-factor', aPlus: 3, aMinus: 3.3, wMax: 160, tauEligibility: 20, modulator: 'gate' };
    const steps = 200;
    const g = await gpuRun(spec, steps);
    expect(g.sim.kernelLabels.filter((l) => l.startsWith('plastic-'))).toEqual(['plastic-trace', 'plastic-pre', 'plastic-post', 'plastic-eligibility', 'plastic-eligibility']
      .map((k) => `${k} plastic (2 projections: EE, EI)`));
    const c = referenceRun(g.sim, steps);
    expect([...g.spikes].sort()).toEqual([...c.spikes].sort());
    for (const [k, p] of g.sim.plan.plastic.entries()) {
      expect(same(g.weights[p.name], c.ref.plastic[k].wel.slice(0, 2 * p.synapses)), p.name).toBe(true);
      expect(g.weights[p.name].some((w, s) => w !== p.w0[s % p.synapses]), `${p.name} learned`).toBe(true);
    }
    expect(same(g.elig!, c.ref.eligibility(0))).toBe(true);
  });
});

describe('spiking plasticity: golden digests', () => {
  // SHA-256 (first 16 hex digits) of every plastic weight after 300 steps, batch 3, computed on lavapipe
  // (since every instance's draws are keyed by its own seed, issue 10);
  // every device must give the same bits (bench/device-check.ts prints them on a lent GPU).
  for (const [threeFactor, digest] of [[false, GOLDEN.weights.stdp], [true, GOLDEN.weights.threeFactor]] as const) {
    it(`${threeFactor ? 'three-factor' : 'stdp'}: weight digest`, async () => {
      const sim = await SpikingSimulation.create(plasticSpec({ threeFactor, batch: 3 }), { chunkSteps: 50 });
      await sim.run(300);
      const hash = createHash('sha256');
      for (const p of sim.plan.plastic) {
        const w = await sim.readWeights(p.name);
        hash.update(Buffer.from(w.buffer, w.byteOffset, w.byteLength));
      }
      sim.destroy();
      expect(hash.digest('hex').slice(0, 16)).toBe(digest);
    });
  }
});

describe('spiking plasticity: STDP window', () => {
  /** One pre and one post neuron forced to fire by given spike trains; the synapse is too weak to matter. */
  function pairSpec(preTimes: number[], postTimes: number[], variant: 'additive' | 'multiplicative'): SpikingSpec {
    return {
      dt: 0.1, seed: 1,
      populations: [{ name: 'A', size: 1, model: 'lif_psc_exp' }, { name: 'B', size: 1, model: 'lif_psc_exp' }],
      projections: [{
        name: 'AB', from: 'A', to: 'B', port: 'exc', connectivity: { type: 'explicit', pre: [0], post: [0] }, weight: 1,
        plasticity: { rule: 'stdp', variant, aPlus: 0.1, aMinus: 0.12, tauPlus: 15, tauMinus: 30, wMin: 0, wMax: 2 },
      }],
      inputs: [
        { name: 'kickA', target: 'A', type: 'spikes', times: preTimes, neurons: preTimes.map(() => 0), weight: 1e5, port: 'exc' },
        { name: 'kickB', target: 'B', type: 'spikes', times: postTimes, neurons: postTimes.map(() => 0), weight: 1e5, port: 'exc' },
      ],
      record: [{ name: 'sA', population: 'A', what: 'spikes' }, { name: 'sB', population: 'B', what: 'spikes' }],
    };
  }

  /** Final weight from the spike times in float64: all-to-all pairs, zero-lag pairs both ways, clipped after each event. */
  function closedForm(pre: number[], post: number[], variant: 'additive' | 'multiplicative', dt: number): number {
    let w = 1;
    const steps = [...new Set([...pre, ...post])].sort((a, b) => a - b);
    const trace = (times: number[], t: number, tau: number) => times.filter((s) => s <= t).reduce((a, s) => a + Math.exp((-(t - s) * dt) / tau), 0);
    for (const t of steps) {
      if (pre.includes(t)) w = Math.min(Math.max(w - 0.12 * trace(post, t, 30) * (variant === 'additive' ? 1 : w), 0), 2);
      if (post.includes(t)) w = Math.min(Math.max(w + 0.1 * trace(pre, t, 15) * (variant === 'additive' ? 1 : 2 - w), 0), 2);
    }
    return w;
  }

  for (const variant of ['additive', 'multiplicative'] as const) {
    for (const lag of [5, -5, 12, 0]) {
      it(`${variant}, post - pre = ${lag} ms`, async () => {
        const pre = [10, 60, 110, 160], post = pre.map((t) => t + lag + 20);
        const spikes: Record<string, number[]> = { sA: [], sB: [] };
        const sim = await SpikingSimulation.create(pairSpec(pre.map((t) => t + 20), post, variant), { chunkSteps: 500 });
        await sim.run(2200, { onSpikes: (rec, s) => { spikes[rec].push(...s); } });
        const w = (await sim.readWeights('AB'))[0];
        sim.destroy();
        expect(spikes.sA.length).toBe(4);
        expect(spikes.sB.length).toBe(4);
        // The forced spikes keep the lag (to the step).
        expect(spikes.sB[0] - spikes.sA[0]).toBe(Math.round(lag / 0.1));
        const expected = closedForm(spikes.sA, spikes.sB, variant, 0.1);
        expect(Math.abs(w - expected)).toBeLessThan(2e-6);
        // Causal pairs potentiate, anti-causal ones depress.
        if (lag === 5) expect(w).toBeGreaterThan(1.1);
        if (lag === -5) expect(w).toBeLessThan(0.9);
      });
    }
  }
});

describe('spiking plasticity: weights API and errors', () => {
  it('writeWeights and readWeights round trip; zero weights silence the projection', async () => {
    const spec = plasticSpec();
    const sim = await SpikingSimulation.create(spec);
    const { pre, post } = sim.synapses('EE');
    const S = pre.length;
    expect(post.length).toBe(S);
    const w = Float32Array.from({ length: S }, (_, s) => (s % 7) * 3.25);
    sim.writeWeights('EE', w);
    expect(same(await sim.readWeights('EE'), w)).toBe(true);
    expect(() => sim.writeWeights('EE', new Float32Array(S + 1))).toThrow(SpecError);
    expect(() => sim.setModulator('gate', 1)).toThrow(/schedule/);
    expect(() => sim.setModulator('nope', 1)).toThrow(/no modulator/);
    await expect(sim.readWeights('EI', 'eligibility')).rejects.toThrow(/no eligibility/);
    sim.destroy();
  });

  it('a run saves learned weights as .npy, and a spec loads them back', async () => {
    const out = mkdtempSync(join(tmpdir(), 'lamina-plastic-'));
    const spec = plasticSpec({ batch: 2 });
    spec.batch!.params!['projections.EE.eta'] = [1, 3];
    await runToDirectory({ target: spec as unknown as Record<string, unknown>, out, steps: 200 });
    const w = readNpy(readFileSync(join(out, 'weights_EE.npy')));
    const table = readNpy(readFileSync(join(out, 'synapses_EE.npy')));
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.plastic.map((p: { projection: string }) => p.projection)).toEqual(['EE', 'EI']);
    const rec = readNpy(readFileSync(join(out, 'wEE.npy')));
    expect(rec.shape).toEqual([5, 2, table.shape[0]]);
    expect(w.shape).toEqual([2, table.shape[0]]);
    // The last snapshot (after step 200) is the saved final state.
    expect(Array.from(rec.data.subarray(4 * w.data.length))).toEqual(Array.from(w.data));
    // Load instance 1 back: same synapses, its learned weights as the initial ones.
    const again = plasticSpec();
    again.projections![0].connectivity = { type: 'explicit', file: join(out, 'synapses_EE.npy'), weightsFile: join(out, 'weights_EE.npy'), instance: 1 };
    const { plan } = compileSpiking(again);
    const p = plan.plastic.find((x) => x.name === 'EE')!;
    const S = table.shape[0];
    expect(p.synapses).toBe(S);
    const orig = compileSpiking(plasticSpec()).plan.plastic[0];
    expect(Array.from(p.preIdx)).toEqual(Array.from(orig.preIdx));
    expect(Array.from(p.postIdx)).toEqual(Array.from(orig.postIdx));
    expect(Array.from(p.delay)).toEqual(Array.from(orig.delay));
    expect(same(p.w0, (w.data as Float32Array).slice(S, 2 * S))).toBe(true);
    again.projections![0].connectivity = { type: 'explicit', file: join(out, 'synapses_EE.npy'), weightsFile: join(out, 'weights_EE.npy'), instance: 2 };
    expect(() => compileSpiking(again)).toThrow(/holds 2 instances/);
    again.projections![0].connectivity = { type: 'explicit', file: join(out, 'missing.npy') };
    expect(() => compileSpiking(again)).toThrow(/cannot read/);
  });

  const bad: [string, (s: SpikingSpec) => void, RegExp][] = [
    ['procedural', (s) => { s.projections![0].connectivity = { type: 'fixed-total', n: 100, procedural: true }; }, /procedural.*cannot be plastic/],
    ['three-factor without tauEligibility', (s) => { s.projections![0].plasticity = { rule: 'three-factor', aPlus: 1, aMinus: 1, wMax: 2, modulator: 'da' }; }, /tauEligibility.*required/],
    ['three-factor without modulator', (s) => { s.projections![0].plasticity = { rule: 'three-factor', aPlus: 1, aMinus: 1, wMax: 2, tauEligibility: 5 }; }, /modulator.*required/],
    ['unknown modulator', (s) => { s.projections![0].plasticity!.modulator = 'serotonin'; }, /no modulator named "serotonin"/],
    ['wMax <= wMin', (s) => { s.projections![0].plasticity!.wMin = 200; }, /wMax.*must be > wMin/],
    ['unknown field', (s) => { (s.projections![0].plasticity as unknown as Record<string, number>).tau = 3; }, /plasticity\.tau.*unknown field/],
    ['a gain on a static projection', (s) => { s.projections![2].gainModulator = 'gate'; }, /only plastic projections/],
    ['a gain from a host modulator', (s) => { s.projections![0].gainModulator = 'da'; }, /gain must follow a schedule/],
    ['weights of a static projection', (s) => { s.record!.push({ name: 'x', projection: 'IE', what: 'weights' }); }, /no plastic projection named "IE"/],
  ];
  for (const [name, edit, message] of bad) {
    it(`rejects ${name}`, async () => {
      const spec = plasticSpec();
      edit(spec);
      if (name.startsWith('weights')) await expect(SpikingSimulation.create(spec)).rejects.toThrow(message);
      else expect(() => compileSpiking(spec)).toThrow(message);
    });
  }
});
