/**
 * Checkpoint and resume (Simulation.saveState / loadState): 2N steps in one go against N steps, a saved
 * state, a fresh simulation that loads it, and N more steps. Every recording (concatenated) and the final
 * state are equal bit for bit, on the GPU and on the CPU twin, for a spiking network (delays,
 * refractoriness, Poisson input, STDP and a three-factor rule with eligibility, a schedule and a host
 * modulator; spike, state, rate, weight and modulator recorders) split inside a rate bin with spikes in
 * flight, and for a rate network (three-factor rule with post variables, an activity modulator with a
 * running prediction, a host gain modulator, noise). Every part of a state matters (put back the fresh
 * value of any one and the run differs: a state that left it out would fail the tests above). A run
 * stopped by its AbortSignal is saved and continued the same way. A state is refused, naming why, by
 * another network, batch, seed, kind, engine or format, or with a buffer missing or of the wrong size.
 */
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../engine/errors.ts';
import { MemorySink } from '../../engine/record/recorders.ts';
import { createReference, createSimulation } from '../../engine/run/simulation.ts';
import type { Simulation, SimulationState } from '../../engine/simulation.ts';
import type { NetworkSpec } from '../../engine/spec/rate.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';
import { withoutValidationErrors } from '../gpu-helpers.ts';
import { plasticTwoPopulationSpec } from '../specs.ts';
import { plasticSpec } from '../spiking-specs.ts';

/** The spiking network: plastic E->E (STDP) and E->I (three-factor, host modulator "da"), every recorder kind. */
function spikingSpec(batch = 2): SpikingSpec {
  const spec = plasticSpec({ threeFactor: true, batch });
  spec.record!.push(
    { name: 'V', population: 'E', what: 'V', units: [0, 7, 119], every: 3 },
    { name: 'rI', population: 'I', what: 'rate', every: 10 },
    { name: 'rE', population: 'E', what: 'rate', every: 4 },
    { name: 'mda', modulator: 'da', what: 'modulator', every: 7 },
    { name: 'wEI', projection: 'EI', what: 'weights', every: 25 },
  );
  return spec;
}

/** The rate network: three-factor E->E with a centred post rate, driven by an activity modulator; a host gain on I->E. */
function rateSpec(): NetworkSpec {
  const spec = plasticTwoPopulationSpec(4, 24, 12);
  spec.projections![0].plasticity = { rule: 'three-factor', eta: 0.01, tauEligibility: 10, tauPostBaseline: 7, modulator: 'rpe', wMin: -0.6, wMax: 0.6 };
  spec.projections![2].gainModulator = 'arousal';
  spec.modulators = [
    { name: 'rpe', type: 'activity', population: 'I', tauBaseline: 15, scale: 3, offset: 0.05 },
    { name: 'arousal', type: 'host', init: 1 },
  ];
  spec.batch = { size: 2 };
  spec.record = [
    { name: 'rE', population: 'E', units: [0, 3, 23], every: 2 },
    { name: 'xI', population: 'I', what: 'state', every: 3 },
    { name: 'meanE', population: 'E', reduce: 'mean' },
    { name: 'wEE', projection: 'EE', what: 'weights', every: 5 },
    { name: 'mrpe', modulator: 'rpe', what: 'modulator' },
  ];
  return spec;
}

type Make = (chunkSteps: number) => Promise<Simulation>;

/** Everything delivered by the runs it is passed to, in order per recorder (a MemorySink appends across runs). */
class Recording {
  readonly sink = new MemorySink();
  /** Per spike recorder: "step:instance:neuron" in delivery order. */
  readonly spikes = new Map<string, string[]>();
  readonly opts = {
    sink: this.sink,
    onSpikes: (rec: string, s: Uint32Array, b: Uint32Array, n: Uint32Array) => {
      const list = this.spikes.get(rec) ?? [];
      for (let k = 0; k < s.length; k++) list.push(`${s[k]}:${b[k]}:${n[k]}`);
      this.spikes.set(rec, list);
    },
  };
  get spikeCount(): number { return [...this.spikes.values()].reduce((a, l) => a + l.length, 0); }
}

/** The host modulator of each network, set once before the first step (a resumed simulation gets it from the state). */
function setHost(sim: Simulation): void {
  if (sim.kind === 'spiking') sim.setModulator('da', [1.5, -0.25]);
  else sim.setModulator('arousal', [0.6, 1.4]);
}

async function straight(make: Make, steps: number) {
  const sim = await make(33);
  setHost(sim);
  const rec = new Recording();
  await sim.run(steps, rec.opts);
  const state = await sim.saveState();
  sim.destroy();
  return { rec, state };
}

/**
 * N steps, save, destroy; a fresh simulation (another chunk size) loads the state (edited by `edit`) and
 * runs N more. With `stopAt`, the first run is of 2N steps and stopped by its AbortSignal once `stopAt`
 * steps are submitted (as on SIGINT); the second runs the rest.
 */
async function resumed(make: Make, n: number, opts: { edit?: (s: SimulationState) => SimulationState; stopAt?: number } = {}) {
  const first = await make(33);
  setHost(first);
  const rec = new Recording();
  const stop = new AbortController();
  const onProgress = (done: number) => { if (done >= opts.stopAt!) stop.abort(); };
  const run = await first.run(opts.stopAt ? 2 * n : n, { ...rec.opts, ...(opts.stopAt ? { signal: stop.signal, onProgress } : {}) });
  const mid = await first.saveState();
  expect(mid.step).toBe(run.steps);
  first.destroy();
  const second = await make(40);
  second.loadState(opts.edit ? opts.edit(mid) : mid);
  expect(second.step).toBe(mid.step);
  await second.run(2 * n - mid.step, rec.opts);
  const state = await second.saveState();
  second.destroy();
  return { rec, state, mid, run };
}

const bytesEqual = (a: ArrayBufferView, b: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Whether two runs gave the same spikes, recordings and final state, bit for bit; the first difference, or ''. */
function difference(a: { rec: Recording; state: SimulationState }, b: { rec: Recording; state: SimulationState }): string {
  for (const name of new Set([...a.rec.spikes.keys(), ...b.rec.spikes.keys()])) if (a.rec.spikes.get(name)?.join() !== b.rec.spikes.get(name)?.join()) return `spikes ${name}`;
  for (const [name, d] of a.rec.sink.data) {
    const e = b.rec.sink.data.get(name);
    if (!e || e.rows !== d.rows || !bytesEqual(d.values, e.values)) return `recorder ${name}`;
  }
  if (a.state.step !== b.state.step || JSON.stringify(a.state.fingerprint) !== JSON.stringify(b.state.fingerprint)) return 'step or fingerprint';
  for (const [name, bytes] of Object.entries(a.state.buffers)) if (!bytesEqual(bytes, b.state.buffers[name])) return `buffer ${name}`;
  for (const [name, v] of Object.entries(a.state.values)) if (v.join() !== b.state.values[name].join()) return `value ${name}`;
  return '';
}

const nonzero = (bytes: Uint8Array) => bytes.some((x) => x !== 0);

/** Checks the split state really is mid-flight: input in the rings, refractory neurons, live traces, a partial rate bin. */
function expectSpikingMidFlight(mid: SimulationState): void {
  expect(nonzero(mid.buffers.ring), 'delayed input in the rings').toBe(true);
  expect(nonzero(mid.buffers.refrac), 'refractory neurons').toBe(true);
  expect(Object.keys(mid.buffers).filter((k) => k.startsWith('plastic "EI"') && nonzero(mid.buffers[k])).length).toBeGreaterThanOrEqual(3);
  expect(mid.values['recorder "rI" spike counts'].some((c) => c > 0), 'partial rate bin').toBe(true);
  expect(mid.values['modulator "da"']).toEqual([1.5, -0.25]);
}

const N = 75; // rate bins of 10 and 4 steps, recorders every 3, 7 and 25, chunks of 33 and 40: the split is inside all of them

describe('checkpoint and resume: bit-identical continuation', () => {
  it('spiking, GPU: 2N steps = N steps, save, fresh simulation, load, N steps', async () => {
    await withoutValidationErrors(async () => {
      const make: Make = (chunkSteps) => createSimulation(spikingSpec(), { chunkSteps });
      const a = await straight(make, 2 * N);
      const b = await resumed(make, N);
      expectSpikingMidFlight(b.mid);
      expect(b.mid.engine).toBe('gpu');
      expect(a.rec.spikeCount).toBeGreaterThan(200);
      expect([...a.rec.sink.data.keys()].sort()).toEqual(['V', 'mda', 'mgate', 'rE', 'rI', 'wEE', 'wEI']);
      expect(difference(a, b)).toBe('');
      // A run stopped by its AbortSignal (chunks in flight finish) is saved and continued just the same.
      const c = await resumed(make, N, { stopAt: 40 });
      expect(c.run.interrupted).toBe(true);
      expect(c.mid.step).toBeGreaterThanOrEqual(66);
      expect(c.mid.step).toBeLessThan(2 * N);
      expect(difference(a, c)).toBe('');
    });
  });

  it('spiking, CPU twin: the same', async () => {
    const make: Make = async () => createReference(spikingSpec());
    const a = await straight(make, 2 * N);
    const b = await resumed(make, N);
    expectSpikingMidFlight(b.mid);
    expect(b.mid.engine).toBe('reference');
    expect(a.rec.spikeCount).toBeGreaterThan(200);
    expect(difference(a, b)).toBe('');
  });

  it('rate, GPU and CPU twin: the same, with plasticity, modulators and noise', async () => {
    await withoutValidationErrors(async () => {
      for (const make of [(c: number) => createSimulation(rateSpec(), { chunkSteps: c }), async () => createReference(rateSpec())] as Make[]) {
        const a = await straight(make, 2 * N);
        const b = await resumed(make, N);
        expect(b.mid.values).toEqual({});
        expect(nonzero(b.mid.buffers['plastic "EE" rule state'])).toBe(true);
        expect(difference(a, b), b.mid.engine).toBe('');
        // The run learnt: the weights at the end are not those at the split.
        expect(bytesEqual(a.state.buffers['plastic "EE" weights'], b.mid.buffers['plastic "EE" weights'])).toBe(false);
        // Split at an even step too (the GPU's rates alternate between two buffers by step parity).
        const c = await resumed(make, N, { stopAt: 40 });
        expect(c.mid.step % 2).toBe(0);
        expect(difference(a, c), c.mid.engine).toBe('');
      }
    });
  });

  it('every part of a state matters: with the fresh value of any one, the continuation differs', async () => {
    const n = 25; // still inside rate bins of 10 and 4 steps
    await withoutValidationErrors(async () => {
      const cases: [string, Make, number][] = [
        ['spiking GPU', (c) => createSimulation(spikingSpec(), { chunkSteps: c || 16 }), 11],
        ['spiking twin', async () => createReference(spikingSpec()), 13],
        ['rate GPU', (c) => createSimulation(rateSpec(), { chunkSteps: c || 16 }), 5],
        ['rate twin', async () => createReference(rateSpec()), 5],
      ];
      for (const [what, make, count] of cases) {
        const a = await straight(make, 2 * n);
        const fresh = await make(0);
        const initial = await fresh.saveState();
        fresh.destroy();
        const { mid } = await resumed(make, n);
        const parts = [...Object.keys(mid.buffers).map((k) => ['buffers', k] as const), ...Object.keys(mid.values).map((k) => ['values', k] as const)];
        expect(parts.length, what).toBe(count);
        for (const [where, name] of parts) {
          const edit = (s: SimulationState): SimulationState => ({ ...s, [where]: { ...s[where], [name]: initial[where][name] } });
          const b = await resumed(make, n, { edit });
          expect(difference(a, b), `${what}: ${where} ${name}`).not.toBe('');
        }
      }
    });
  });
});

describe('checkpoint and resume: a state is refused where it does not belong', () => {
  const refused = (sim: Simulation, state: SimulationState, pattern: RegExp) => {
    let error: unknown;
    try { sim.loadState(state); } catch (e) { error = e; }
    expect(error, String(pattern)).toBeInstanceOf(SpecError);
    expect((error as Error).message).toMatch(pattern);
    expect(sim.step).toBe(0);
  };

  it('another network, batch, seed, kind, engine or format; a missing or short buffer; nothing changed', async () => {
    const twin = createReference(spikingSpec());
    await twin.run(20);
    const state = await twin.saveState();
    const other = spikingSpec();
    other.populations[1].params = { tau_m: 9 };
    refused(createReference(other), state, /^state\.fingerprint\.network: .*different network.*paramTable/);
    const bigger = spikingSpec();
    bigger.populations[1].size = 38;
    refused(createReference(bigger), state, /^state\.fingerprint\.network: .*pops/);
    refused(createReference(spikingSpec(3)), state, /^state\.fingerprint\.batch: .*batch 2; this simulation has batch 3/);
    const reseeded = spikingSpec();
    reseeded.batch!.params!.seed = [3, 5];
    refused(createReference(reseeded), state, /^state\.fingerprint\.seeds: /);
    const rate = createReference(rateSpec());
    refused(rate, state, /^state\.kind: the state is of a "spiking" network; this simulation is "rate"/);
    refused(rate, await createReference(rateSpec()).saveState().then((s) => ({ ...s, format: 2 as 1 })), /^state\.format: expected format 1, got 2/);
    const { ring: _, ...noRing } = state.buffers;
    const target = createReference(spikingSpec());
    refused(target, { ...state, buffers: noRing }, /^state\.buffers\["ring"\]: missing/);
    refused(target, { ...state, buffers: { ...state.buffers, ring: state.buffers.ring.subarray(4) } }, /^state\.buffers\["ring"\]: expected \d+ bytes, got \d+/);
    refused(target, { ...state, values: { ...state.values, 'modulator "da"': [1, Number.NaN] } }, /^state\.values\["modulator \\"da\\""\]\[1\]: expected a finite number/);
    // A refused state left the simulation as it was: it runs as a fresh one does.
    await target.run(20);
    const again = createReference(spikingSpec());
    await again.run(20);
    expect(difference({ rec: new Recording(), state: await target.saveState() }, { rec: new Recording(), state: await again.saveState() })).toBe('');
    await withoutValidationErrors(async () => {
      const gpu = await createSimulation(spikingSpec(), { chunkSteps: 16 });
      refused(gpu, state, /^state\.engine: the state was saved by "reference"; this simulation is "gpu"/);
      // Not while a run is in progress.
      const running = gpu.run(32);
      await expect(gpu.saveState()).rejects.toThrow(/a run is in progress/);
      await running;
      expect((await gpu.saveState()).step).toBe(32);
      gpu.destroy();
    });
  });
});
