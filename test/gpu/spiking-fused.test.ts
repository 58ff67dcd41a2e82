/**
 * The fused spiking path (one dispatch per chunk, one workgroup per instance) against the multi-dispatch
 * path and the CPU twin, bit for bit: spikes, state variables and refractory counters after N steps, and
 * the path each option and network gets.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GOLDEN } from '../golden-digests.ts';
import { SpikingSimulation, type SpikingOptions } from '../../engine/run/spiking-simulation.ts';
import { SpikingReference } from '../../engine/reference/spiking.ts';
import { MemorySink } from '../../engine/record/recorders.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import { SpecError } from '../../engine/errors.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';
import { plasticSpec, proceduralSpiking, twoPopulationSpiking } from '../spiking-specs.ts';
import { withoutValidationErrors } from '../gpu-helpers.ts';
import { privateLayout } from '../../engine/codegen/spiking-fused.ts';

/** A run's spikes, final state, and rows of every row recorder (state, rate, ...) by name. */
interface Run { spikes: string[]; state: Float32Array; refrac: Uint32Array; path: string; labels: string[]; rows: MemorySink['data'] }

const spikeList = (spikes: string[]) => (rec: string, s: Uint32Array, b: Uint32Array, n: Uint32Array) => { for (let k = 0; k < s.length; k++) spikes.push(`${rec}:${s[k]}:${b[k]}:${n[k]}`); };

async function gpuRun(spec: SpikingSpec, steps: number, opts: SpikingOptions): Promise<Run> {
  return withoutValidationErrors(async () => {
    const sim = await SpikingSimulation.create(spec, opts);
    const spikes: string[] = [];
    const sink = new MemorySink();
    await sim.run(steps, { sink, onSpikes: spikeList(spikes) });
    const { state, refrac } = await sim.read();
    sim.destroy();
    return { spikes: spikes.sort(), state, refrac, path: sim.path.kind, labels: sim.kernelLabels, rows: sink.data };
  });
}

async function twinRun(spec: SpikingSpec, steps: number, batch?: number): Promise<Run> {
  const { plan } = compileSpiking(spec, batch ? { batch } : {});
  const ref = new SpikingReference(plan, spec);
  const spikes: string[] = [];
  const sink = new MemorySink();
  await ref.run(steps, { sink, onSpikes: spikeList(spikes) });
  return { spikes: spikes.sort(), state: ref.state, refrac: Uint32Array.from(ref.refrac), path: 'twin', labels: [], rows: sink.data };
}

/** The row recorders' rows of two runs, bit for bit. */
function expectSameRows(a: Run, b: Run): void {
  expect([...a.rows.keys()]).toEqual([...b.rows.keys()]);
  for (const [name, d] of a.rows) {
    const e = b.rows.get(name)!;
    expect({ name, rows: d.rows, width: d.width, batch: d.batch }).toEqual({ name, rows: e.rows, width: e.width, batch: e.batch });
    expect(Buffer.from(d.values.buffer).equals(Buffer.from(e.values.buffer)), `recorder "${name}"`).toBe(true);
  }
}

/** Fused == multi-dispatch == twin, bit for bit; returns the fused run. */
async function expectSame(spec: SpikingSpec, steps: number, opts: SpikingOptions = {}, minSpikes = 20): Promise<Run> {
  const fused = await gpuRun(spec, steps, { chunkSteps: 37, ...opts, fused: 'on' });
  const multi = await gpuRun(spec, steps, { chunkSteps: 37, ...opts, fused: 'off' });
  const twin = await twinRun(spec, steps, opts.batch);
  expect(fused.path).toBe('fused');
  expect(fused.labels).toHaveLength(1);
  expect(multi.path).toBe('multi-dispatch');
  expect(fused.spikes.length).toBeGreaterThan(minSpikes);
  expect(fused.spikes).toEqual(twin.spikes);
  expect(multi.spikes).toEqual(twin.spikes);
  for (const r of [fused, multi]) {
    expect(Buffer.from(r.state.buffer).equals(Buffer.from(twin.state.buffer))).toBe(true);
    expect(r.refrac).toEqual(twin.refrac);
    expectSameRows(r, twin);
  }
  return fused;
}

/** The two-population network (every stored connectivity kind, delays up to 25 steps, Poisson and DC) with spike recorders only. */
function spikesOnly(model = 'lif_coba'): SpikingSpec {
  const spec = twoPopulationSpiking(model);
  spec.record = spec.record!.filter((r) => r.what === 'spikes');
  return spec;
}

describe('fused spiking path: bit for bit with the multi-dispatch path and the CPU twin', () => {
  it('one population driven by Poisson input, no synapses', async () => {
    const spec: SpikingSpec = {
      dt: 0.1, seed: 5,
      populations: [{ name: 'P', size: 150, model: 'lif_psc_exp', init: { V: { uniform: [-65, -50] } } }],
      inputs: [{ name: 'bg', target: 'P', type: 'poisson', rate: 15000, weight: 87.8, port: 'exc' }],
      record: [{ name: 'sP', population: 'P', what: 'spikes' }],
    };
    await expectSame(spec, 120);
  });

  it('Poisson inputs with one rate swept per instance (one table load per instance) and one rate per neuron, a batch of 2', async () => {
    const spec: SpikingSpec = {
      dt: 0.1, seed: 6,
      populations: [{ name: 'P', size: 150, model: 'lif_psc_exp', init: { V: { uniform: [-65, -50] } } }],
      inputs: [
        { name: 'bg', target: 'P', type: 'poisson', rate: 15000, weight: 87.8, port: 'exc' },
        { name: 'each', target: 'P', type: 'poisson', rate: Array.from({ length: 150 }, (_, i) => 100 * i), weight: -40, port: 'inh' },
      ],
      record: [{ name: 'sP', population: 'P', what: 'spikes' }],
      batch: { size: 2, params: { 'inputs.bg.rate': [15000, 9000] }, seeds: [6, 6] },
    };
    const r = await expectSame(spec, 120);
    // The swept rate changes instance 1's run.
    const [a, b] = [0, 1].map((k) => r.spikes.filter((s) => s.split(':')[2] === `${k}`).map((s) => s.split(':').filter((_, j) => j !== 2).join(':')));
    expect(a).not.toEqual(b);
  });

  it('E/I with stored synapses of every kind, delays of 1 to 25 steps, Poisson and DC (lif_coba and adlif_psc_exp)', async () => {
    const a = await expectSame(spikesOnly('lif_coba'), 200);
    expect(a.spikes.some((s) => s.startsWith('sE:')) && a.spikes.some((s) => s.startsWith('sI:'))).toBe(true);
    await expectSame(spikesOnly('adlif_psc_exp'), 150);
  });

  it('DC input alone drives synchronous volleys (more spikes in a step than the kernel delivers at once) through a delayed projection', async () => {
    const spec: SpikingSpec = {
      dt: 0.1, seed: 9,
      populations: [
        { name: 'D', size: 40, model: 'lif_psc_exp', init: { V: -60 } },
        { name: 'T', size: 30, model: 'lif_psc_exp' },
      ],
      projections: [{ name: 'DT', from: 'D', to: 'T', port: 'exc', connectivity: { type: 'fixed-indegree', k: 10 }, weight: 1500, delay: 1.7 }],
      inputs: [{ name: 'dc', target: 'D', type: 'dc', amplitude: 600 }],
      record: [{ name: 'sD', population: 'D', what: 'spikes' }, { name: 'sT', population: 'T', what: 'spikes' }],
    };
    const r = await expectSame(spec, 300);
    expect(r.spikes.some((s) => s.startsWith('sT:'))).toBe(true);
    // All 40 of D fire in the same steps: more than WG / SPIKE_LANES (engine/codegen/spiking-fused.ts) spikes to deliver at once.
    const perStep = new Map<string, number>();
    for (const x of r.spikes.filter((s) => s.startsWith('sD:'))) perStep.set(x.split(':')[1], (perStep.get(x.split(':')[1]) ?? 0) + 1);
    expect(Math.max(...perStep.values())).toBe(40);
  });

  it('a batch of 3 with per-instance neuron parameters and weights; one population recorded', async () => {
    const spec = spikesOnly('lif_coba');
    spec.record = spec.record!.filter((r) => r.name === 'sI');
    spec.batch = { size: 3, params: { 'populations.E.tau_m': [20, 15, 25], 'projections.EI.weight': [0.6, 0.2, 1.5], 'projections.EE.weightScale': [1, 0.5, 2] }, seeds: [3, 4, 5] };
    const r = await expectSame(spec, 150);
    expect(new Set(r.spikes.map((s) => s.split(':')[2])).size).toBe(3);
    expect(r.spikes.every((s) => s.startsWith('sI:'))).toBe(true);
  });

  it('chunks that do not divide the steps: any chunk size gives the same run', async () => {
    const one = await expectSame(spikesOnly(), 100, { chunkSteps: 13, batch: 2 });
    const whole = await gpuRun(spikesOnly(), 100, { chunkSteps: 100, batch: 2, fused: 'on' });
    expect(whole.spikes).toEqual(one.spikes);
    expect(Buffer.from(whole.state.buffer).equals(Buffer.from(one.state.buffer))).toBe(true);
  });
});

describe('fused spiking path: state recorders', () => {
  it('state variables of chosen units every k steps, rows across chunk boundaries, a batch of 3: the same rows as record-gather and the twin', async () => {
    const spec = twoPopulationSpiking('lif_coba'); // V of E units 0, 5, 119 every 5 steps
    spec.record!.push(
      { name: 'VI', population: 'I', what: 'V' }, // every unit, every step
      { name: 'gE', population: 'E', what: 'g_exc', units: [3, 1, 3, 118], every: 7 },
    );
    spec.batch = { size: 3, params: { 'populations.E.tau_m': [20, 15, 25] }, seeds: [3, 4, 5] };
    // Chunks of 37 steps: every 5 and every 7 fire across chunk boundaries, and a chunk starts mid-interval.
    const r = await expectSame(spec, 150);
    expect(r.labels).toHaveLength(1);
    expect([...r.rows.keys()]).toEqual(['V', 'VI', 'gE']);
    expect([r.rows.get('V')!.rows, r.rows.get('VI')!.rows, r.rows.get('gE')!.rows]).toEqual([30, 150, 21]);
    // Instances differ (not one instance's row copied to all).
    const v = r.rows.get('V')!.values;
    expect(v[3 * 29] === v[3 * 29 + 3] && v[3 * 29] === v[3 * 29 + 6]).toBe(false);
  });

  it('a state recorder alone (no spike recorders), one chunk for the whole run', async () => {
    const spec = spikesOnly('adlif_psc_exp');
    spec.record = [{ name: 'w', population: 'E', what: 'w', units: [7, 2], every: 3 }];
    const fused = await gpuRun(spec, 90, { chunkSteps: 90, fused: 'on' });
    const twin = await twinRun(spec, 90);
    expect(fused.path).toBe('fused');
    expect(fused.rows.get('w')!.rows).toBe(30);
    expectSameRows(fused, twin);
  });
});

describe('fused spiking path: rate recorders and modulators', () => {
  it('population rates over bins across chunk boundaries, a batch of 3, beside state recorders: the same rows as record-rate and the twin', async () => {
    const spec = twoPopulationSpiking('lif_coba'); // with V of E units 0, 5, 119 every 5 steps
    spec.record!.push({ name: 'rE', population: 'E', what: 'rate', every: 10 }, { name: 'rI', population: 'I', what: 'rate', every: 1 });
    spec.batch = { size: 3, params: { 'populations.E.tau_m': [20, 15, 25] }, seeds: [3, 4, 5] };
    // Chunks of 37 steps: bins of 10 steps span chunk boundaries.
    const r = await expectSame(spec, 150);
    expect([r.rows.get('rE')!.rows, r.rows.get('rI')!.rows]).toEqual([15, 150]);
    const rates = r.rows.get('rE')!.values;
    expect(rates.some((x) => x > 0)).toBe(true);
    // Instances differ (each its own counts, not one instance's copied to all).
    expect(new Set([0, 1, 2].map((b) => rates.filter((_, k) => k % 3 === b).join())).size).toBe(3);
  });

  it('modulators and modulator recorders without plastic projections (host values): fused, the same rows', async () => {
    const spec = spikesOnly('lif_psc_exp');
    spec.modulators = [
      { name: 'gate', type: 'schedule', time: { type: 'pulse', start: 5, duration: 12 }, baseline: 0.25, amplitude: 1.5 },
      { name: 'da', type: 'host', init: 0.5 },
    ];
    spec.record!.push({ name: 'mgate', modulator: 'gate', what: 'modulator', every: 10 }, { name: 'mda', modulator: 'da', what: 'modulator', every: 25 });
    spec.batch = { size: 2, params: { 'modulators.gate.amplitude': [1.5, 3] }, seeds: [3, 4] };
    const r = await expectSame(spec, 150);
    expect([r.rows.get('mgate')!.rows, r.rows.get('mda')!.rows]).toEqual([15, 6]);
  });
});

describe('fused spiking path: spike-train inputs', () => {
  it('given spike times delivered at their step (at chunk boundaries, several per step and neuron), a batch of 3', async () => {
    const spec = spikesOnly('lif_psc_exp');
    // Steps 0, 36, 37 (a chunk of 37 ends and the next begins), 74, 120: volleys into E and I.
    const times = [0, 3.6, 3.6, 3.7, 7.4, 12, 12, 12];
    spec.inputs!.push(
      { name: 'trainE', target: 'E', type: 'spikes', times, neurons: [0, 5, 5, 119, 60, 1, 2, 3], weight: 900, port: 'exc' },
      { name: 'trainI', target: 'I', type: 'spikes', times: [0.5, 3.7, 12], neurons: [36, 0, 0], weight: -400, port: 'inh' },
    );
    spec.batch = { size: 3, params: { 'populations.E.tau_m': [20, 15, 25] }, seeds: [3, 4, 5] };
    await expectSame(spec, 150);
    // The trains change the run: without them, different spikes.
    const without = spikesOnly('lif_psc_exp');
    without.batch = spec.batch;
    const a = await gpuRun(spec, 150, { chunkSteps: 37, fused: 'on' });
    const b = await gpuRun(without, 150, { chunkSteps: 37, fused: 'on' });
    expect(a.spikes).not.toEqual(b.spikes);
  });
});

describe('fused spiking path: procedural connectivity', () => {
  it('procedural projections (drawn weights and delays, signs) beside stored ones, regenerated at each spike', async () => {
    const spec = proceduralSpiking();
    spec.record = spec.record!.filter((r) => r.what === 'spikes');
    const r = await expectSame(spec, 150);
    expect(r.spikes.some((s) => s.startsWith('sE:')) && r.spikes.some((s) => s.startsWith('sI:'))).toBe(true);
  });

  it('a batch of 3 with a connectivity seed and a weight per instance: each instance its own synapses', async () => {
    const spec = proceduralSpiking();
    spec.record = spec.record!.filter((r) => r.what === 'spikes');
    spec.batch = { size: 3, params: { 'projections.EE.seed': [11, 12, 13], 'projections.IE.seed': [7, 7, 8], 'projections.EI.weight': [87.8, 40, 130] }, seeds: [3, 3, 3] };
    const r = await expectSame(spec, 150);
    // Same seeds of the inputs and the state: the instances differ by their synapses alone.
    const of = (b: number) => r.spikes.filter((s) => s.split(':')[2] === String(b)).map((s) => s.replace(/:\d+:(\d+)$/, ':$1')).join();
    expect(new Set([of(0), of(1), of(2)]).size).toBe(3);
  });
});

describe('fused spiking path: golden digests', () => {
  // The golden spike-train digests of test/gpu/spiking-vs-reference.test.ts (batch 2, 200 steps, chunks
  // of 50), which run fused by default (with V recorded): the same spikes with spike recorders only.
  for (const [model, digest] of [['lif_psc_exp', GOLDEN.spikes.lif_psc_exp], ['coba', GOLDEN.spikes.coba]]) {
    it(`${model}: the golden digest`, async () => {
      const r = await gpuRun(spikesOnly(model), 200, { batch: 2, chunkSteps: 50, fused: 'on' });
      expect(r.path).toBe('fused');
      expect(createHash('sha256').update(r.spikes.join(',')).digest('hex').slice(0, 16)).toBe(digest);
    });
  }
});

describe('fused spiking path: saved state', () => {
  it('a state saved on the fused path continues on the multi-dispatch path (and back) as one uninterrupted run', async () => {
    const spec = spikesOnly();
    const whole = await gpuRun(spec, 120, { chunkSteps: 40, batch: 2, fused: 'on' });
    const spikes: string[] = [];
    const onSpikes = (rec: string, s: Uint32Array, b: Uint32Array, n: Uint32Array) => { for (let k = 0; k < s.length; k++) spikes.push(`${rec}:${s[k]}:${b[k]}:${n[k]}`); };
    const first = await SpikingSimulation.create(spec, { chunkSteps: 40, batch: 2, fused: 'on' });
    await first.run(50, { onSpikes });
    const mid = await first.saveState();
    const second = await SpikingSimulation.create(spec, { chunkSteps: 40, batch: 2, fused: 'off' });
    second.loadState(mid);
    await second.run(40, { onSpikes });
    const third = await SpikingSimulation.create(spec, { chunkSteps: 40, batch: 2, fused: 'on' });
    third.loadState(await second.saveState());
    await third.run(30, { onSpikes });
    const { state } = await third.read();
    for (const sim of [first, second, third]) sim.destroy();
    expect(spikes.sort()).toEqual(whole.spikes);
    expect(Buffer.from(state.buffer).equals(Buffer.from(whole.state.buffer))).toBe(true);
  });
});

describe('fused spiking path: workgroup size', () => {
  it('32 invocations on this CPU adapter by default; 64 and 256 (the GPUs\' default) give the same run bit for bit; other sizes are a SpecError', async () => {
    const r = await expectSame(spikesOnly(), 120, { batch: 2 });
    expect(r.labels[0]).toMatch(/; 2 workgroups of 32, state in private memory\)$/);
    for (const wg of [64, 256]) {
      const w = await gpuRun(spikesOnly(), 120, { chunkSteps: 37, batch: 2, fused: 'on', fusedWorkgroup: wg });
      expect(w.labels[0]).toMatch(new RegExp(`; 2 workgroups of ${wg}, state in private memory\\)$`));
      expect(w.spikes).toEqual(r.spikes);
      expect(Buffer.from(w.state.buffer).equals(Buffer.from(r.state.buffer))).toBe(true);
    }
    for (const bad of [16, 48, 1.5, 1 << 20]) {
      await expect(SpikingSimulation.create(spikesOnly(), { fusedWorkgroup: bad })).rejects.toThrow(/^fusedWorkgroup: expected a multiple of 32 from 32 to \d+/);
    }
  });
});

describe('fused spiking path: state in private memory', () => {
  // Bit for bit in both places: the tests above run spike-recorder-only networks with the state in
  // private memory (across chunk boundaries too) and the state-recorder networks with it in `state`.
  it('on this CPU adapter the state stays in private memory during a chunk, unless a state recorder reads it or it does not fit', async () => {
    const sim = await SpikingSimulation.create(spikesOnly(), { fused: 'on' });
    expect(sim.kernelLabels[0]).toMatch(/; 1 workgroup of 32, state in private memory\)$/);
    sim.destroy();
    const recorded = spikesOnly();
    recorded.record!.push({ name: 'V', population: 'E', what: 'V', units: [0], every: 1 });
    const other = await SpikingSimulation.create(recorded, { fused: 'on' });
    expect(other.kernelLabels[0]).toMatch(/; 1 workgroup of 32\)$/);
    other.destroy();
    const words = (n: number) => privateLayout(compileSpiking({ ...spikesOnly(), populations: [{ name: 'E', size: n, model: 'lif_coba' }], projections: [], inputs: [], record: [] }).plan, 32, true)?.words;
    expect([words(157), words(32 * 170), words(32 * 171)]).toEqual([15, 510, undefined]);
  });
});

describe('fused spiking path: which path runs', () => {
  it("'on' with a feature the fused kernel does not cover is a SpecError naming it; 'auto' falls back and says why", async () => {
    const spec = plasticSpec();
    await expect(SpikingSimulation.create(spec, { fused: 'on' })).rejects.toThrow(SpecError);
    await expect(SpikingSimulation.create(spec, { fused: 'on' })).rejects.toThrow(/fused.*plastic projections/);
    const sim = await SpikingSimulation.create(spec, { fused: 'auto' });
    expect(sim.path).toEqual({ kind: 'multi-dispatch', reason: 'the fused path does not cover plastic projections' });
    expect(sim.kernelLabels.length).toBeGreaterThan(1);
    sim.destroy();
    await expect(SpikingSimulation.create(spikesOnly(), { fused: 'yes' as never })).rejects.toThrow(/fused: expected 'auto', 'on' or 'off'/);
    // The default on this CPU adapter: fused (157 neurons per instance).
    const auto = await SpikingSimulation.create(spikesOnly());
    expect(auto.path).toEqual({ kind: 'fused', reason: 'auto: 157 neurons per instance <= 32000 (CPU adapter, measured limit)' });
    auto.destroy();
  });

  it("'auto' runs procedural projections, rate recorders and modulators fused (once multi-dispatch)", async () => {
    const spec = proceduralSpiking();
    spec.record!.push({ name: 'rE', population: 'E', what: 'rate', every: 10 }, { name: 'mgate', modulator: 'gate', what: 'modulator', every: 10 });
    spec.modulators = [{ name: 'gate', type: 'schedule', time: { type: 'constant' }, baseline: 1 }];
    const sim = await SpikingSimulation.create(spec, { batch: 2 });
    expect(sim.path).toEqual({ kind: 'fused', reason: 'auto: 157 neurons per instance <= 32000 (CPU adapter, measured limit)' });
    expect(sim.kernelLabels).toEqual(['spiking-fused ("E", "I"; 2 workgroups of 32)']);
    sim.destroy();
  });
});
