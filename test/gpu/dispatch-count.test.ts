/**
 * Dispatch accounting: the counts a simulation states (meta.json, inspect) equal what the runner encodes,
 * counted by a wrapper around every compute pass's dispatchWorkgroups, and the numbers the program implies.
 */
import { describe, expect, it } from 'vitest';
import { footprintOf, inspect } from '../../engine/run/inspect.ts';
import { RateSimulation } from '../../engine/run/rate-simulation.ts';
import { SpikingSimulation } from '../../engine/run/spiking-simulation.ts';
import { randomTwoPopulationSpec } from '../specs.ts';
import { plasticSpec, proceduralSpiking } from '../spiking-specs.ts';

/** Counts the dispatches and compute passes encoded on `device` from now on. */
function countingEncoder(device: GPUDevice) {
  const counted = { dispatches: 0, passes: 0 };
  const create = device.createCommandEncoder.bind(device);
  device.createCommandEncoder = (desc?: GPUCommandEncoderDescriptor) => {
    const enc = create(desc);
    const begin = enc.beginComputePass.bind(enc);
    enc.beginComputePass = (d?: GPUComputePassDescriptor) => {
      const pass = begin(d);
      counted.passes++;
      const dispatch = pass.dispatchWorkgroups.bind(pass);
      pass.dispatchWorkgroups = (x: number, y?: number, z?: number) => { counted.dispatches++; dispatch(x, y, z); };
      return pass;
    };
    return enc;
  };
  return { counted, restore: () => { device.createCommandEncoder = create; } };
}

describe('dispatches per step and per chunk', () => {
  it('rate: every kernel each step, the recorders at their rate; counted as encoded', async () => {
    const spec = randomTwoPopulationSpec(2, 30, 10);
    const C = 12;
    const sim = await RateSimulation.create(spec, { batch: 2, chunkSteps: C });
    const K = sim.kernelNames.length;
    const d = sim.dispatches;
    // Recorders rE every 2, xI every 3, meanE every step: per chunk of 12 steps 6 + 4 + 12 rows.
    expect(d).toEqual({ chunkSteps: C, everyStep: K, conditional: 0, perChunkSlots: 0, recorders: 1 / 2 + 1 / 3 + 1, perStep: K + 1 / 2 + 1 / 3 + 1, perChunk: K * C + 6 + 4 + 12, passesPerChunk: 1 });
    const { counted, restore } = countingEncoder(sim.gpu.device);
    const t = await sim.run(C);
    restore();
    expect(counted.dispatches).toBe(d.perChunk);
    expect(counted.passes).toBe(1);
    expect(t.dispatches).toBe(d.perChunk);
    const r = await inspect(spec, { batch: 2, chunkSteps: C, calibrate: false });
    expect(r.dispatchesPerStep).toBeCloseTo(d.perStep, 10);
    expect(r.dispatchesPerChunk).toBe(d.perChunk);
    sim.destroy();
  });

  it('spiking with plastic projections: conditional eligibility pass, weight copies between passes', async () => {
    const spec = plasticSpec({ threeFactor: true });
    const C = 20;
    const sim = await SpikingSimulation.create(structuredClone(spec), { chunkSteps: C });
    const d = sim.dispatches;
    // neuron-update (one model), synapse-spike (IE and II), then the plastic passes, one dispatch per pass
    // kind for both plastic projections: trace, pre, post; the eligibility pass (three-factor EI) only in
    // steps where "da" is not zero. No recorder kernels: spikes are set by neuron-update, the modulator
    // rows come from the host's table, the weights of EE (every 40 steps) are a buffer copy.
    expect(d).toEqual({ chunkSteps: C, everyStep: 5, conditional: 1, perChunkSlots: 0, recorders: 0, perStep: 6, perChunk: 6 * C, passesPerChunk: 1 });
    const { counted, restore } = countingEncoder(sim.gpu.device);
    // da = 0.5 (its initial value): the eligibility pass runs in every step.
    expect((await sim.run(C)).dispatches).toBe(6 * C);
    expect(counted.dispatches).toBe(6 * C);
    // da = 0: no eligibility pass. Steps 20..39: the weights are copied after step 39, which ends the pass.
    sim.setModulator('da', 0);
    expect((await sim.run(C)).dispatches).toBe(5 * C);
    expect(counted.dispatches).toBe(6 * C + 5 * C);
    expect(counted.passes).toBe(1 + 2);
    restore();
    const r = await inspect(structuredClone(spec), { chunkSteps: C, calibrate: false });
    expect(r.dispatchesPerStep).toBe(d.perStep);
    expect(r.dispatchesPerChunk).toBe(d.perChunk);
    sim.destroy();
  });

  it('spiking, fused path: one dispatch per chunk, and inspect chooses the path as the run does', async () => {
    const spec = proceduralSpiking(); // spikes and V every 5 steps: the fused kernel writes the V rows itself
    spec.inputs!.push({ name: 'train', target: 'E', type: 'spikes', times: [0.3, 1.2], neurons: [4, 9], weight: 500, port: 'exc' }); // and delivers spike trains
    spec.record!.push({ name: 'rE', population: 'E', what: 'rate', every: 10 }); // and procedural synapses, and counts rates
    const C = 10;
    for (const fused of ['auto', 'off'] as const) {
      const sim = await SpikingSimulation.create(structuredClone(spec), { chunkSteps: C, fused });
      expect(sim.path.kind).toBe(fused === 'auto' ? 'fused' : 'multi-dispatch');
      const d = sim.dispatches;
      if (fused === 'auto') expect(d).toMatchObject({ everyStep: 0, conditional: 0, perChunkSlots: 1, perStep: 1 / C, perChunk: 1 });
      const { counted, restore } = countingEncoder(sim.gpu.device);
      expect((await sim.run(2 * C)).dispatches).toBe(2 * d.perChunk);
      restore();
      expect(counted.dispatches).toBe(2 * d.perChunk);
      const r = await inspect(structuredClone(spec), { chunkSteps: C, calibrate: false, fused });
      expect(r.dispatchesPerChunk).toBe(d.perChunk);
      expect(r.dispatchesPerStep).toBeCloseTo(d.perStep, 12);
      expect(r.notes).toContain(`path: ${sim.path.kind} (${sim.path.reason})`);
      sim.destroy();
    }
    // 'on' with plastic projections: the run refuses it; the dry run counts the multi-dispatch path and says why.
    const r = await inspect(plasticSpec(), { chunkSteps: C, calibrate: false, fused: 'on' });
    expect(r.notes.find((n) => n.startsWith('path:'))).toMatch(/^path: multi-dispatch \(fused 'on' is refused: the fused path does not cover plastic projections\)$/);
  });

  it('plastic projections that do not fit one binding together: one group each, the same results bit for bit', async () => {
    const spec = plasticSpec({ threeFactor: true, batch: 2 });
    const merged = await SpikingSimulation.create(structuredClone(spec), { chunkSteps: 25 });
    // EE's weights (2 x ~1,400 floats) and EI's weights and eligibilities (2 x 2 x 740) do not fit 16 KiB together.
    const split = await SpikingSimulation.create(structuredClone(spec), { chunkSteps: 25, maxBindingBytes: 16384 });
    expect(merged.kernelLabels.filter((l) => l.startsWith('plastic-pre'))).toEqual(['plastic-pre plastic (2 projections: EE, EI)']);
    expect(split.kernelLabels.filter((l) => l.startsWith('plastic-pre'))).toEqual(['plastic-pre plastic group 1 (1 projection: EE)', 'plastic-pre plastic group 2 (1 projection: EI)']);
    // Split: trace, pre and post for each group, EI's eligibility pass.
    expect([merged.dispatches.everyStep, split.dispatches.everyStep, split.dispatches.conditional]).toEqual([5, 8, 1]);
    const spikes = () => {
      const all: number[] = [];
      return { all, onSpikes: (rec: string, steps: Uint32Array, inst: Uint32Array, neurons: Uint32Array) => { for (let k = 0; k < steps.length; k++) all.push(rec === 'sE' ? 0 : 1, steps[k], inst[k], neurons[k]); } };
    };
    const a = spikes(), b = spikes();
    await merged.run(100, { onSpikes: a.onSpikes });
    await split.run(100, { onSpikes: b.onSpikes });
    expect(a.all.length).toBeGreaterThan(0);
    expect(b.all).toEqual(a.all);
    for (const name of ['EE', 'EI']) {
      expect(await split.readWeights(name)).toEqual(await merged.readWeights(name));
      expect(await split.readWeights(name, name === 'EI' ? 'eligibility' : 'weights')).toEqual(await merged.readWeights(name, name === 'EI' ? 'eligibility' : 'weights'));
    }
    // The dry run's plan (lamina inspect) groups them the same way.
    const fp = footprintOf(structuredClone(spec), { chunkSteps: 25, bindingLimit: 16384 });
    expect(fp.dispatches.reduce((x, d) => x + d.perStep, 0)).toBe(split.dispatches.perStep + 1 / 40);
    merged.destroy();
    split.destroy();
  });
});
