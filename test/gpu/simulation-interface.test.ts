/**
 * One Simulation interface for every network and backend: createSimulation (GPU) and createReference
 * (CPU twin) take the same spec and are driven the same way. A spiking network with every recorder kind
 * (spikes, state, population rate, weights, modulator) and a host modulator set between runs gives the
 * same spikes and the same rows bit for bit (the runs end inside recorder bins: 64 + 86 steps, rates
 * binned every 10); a rate network gives the same rows to the rate tolerance. A run that fails before
 * any step leaves the step counter where it was.
 */
import { describe, expect, it } from 'vitest';
import { MemorySink } from '../../engine/record/recorders.ts';
import { createReference, createSimulation } from '../../engine/run/simulation.ts';
import type { Simulation } from '../../engine/simulation.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';
import { withoutValidationErrors } from '../gpu-helpers.ts';
import { randomTwoPopulationSpec } from '../specs.ts';
import { plasticSpec } from '../spiking-specs.ts';
import { TOLERANCE } from '../tolerances.ts';

/** Two runs with a host modulator change between them; everything recorded, in delivery order. */
async function drive(sim: Simulation, steps: number[]) {
  const spikes: string[] = [];
  const sink = new MemorySink();
  const rows = new Map<string, Float32Array[]>();
  const collect = { begin: sink.begin.bind(sink), write: (r: Parameters<MemorySink['write']>[0], v: Float32Array, n: number) => {
    rows.set(r.name, [...(rows.get(r.name) ?? []), v.slice(0, n * r.batch * r.width)]);
  } };
  for (const [k, n] of steps.entries()) {
    if (sim.kind === 'spiking') sim.setModulator('da', k === 0 ? 0.5 : [1.5, -0.25]);
    await sim.run(n, { sink: collect, onSpikes: (rec, s, b, i) => { for (let j = 0; j < s.length; j++) spikes.push(`${rec}:${s[j]}:${b[j]}:${i[j]}`); } });
  }
  const flat = new Map([...rows].map(([name, parts]) => [name, Float32Array.from(parts.flatMap((p) => [...p]))]));
  return { spikes: spikes.sort(), rows: flat, step: sim.step };
}

describe('the Simulation interface: GPU and CPU twin driven the same way', () => {
  it('spiking: identical spikes and recorder rows, every recorder kind, host modulator set between runs', async () => {
    const spec: SpikingSpec = plasticSpec({ threeFactor: true, batch: 2 });
    spec.record = [
      ...(spec.record ?? []),
      { name: 'V', population: 'E', what: 'V', units: [0, 7, 119], every: 3 },
      { name: 'rI', population: 'I', what: 'rate', every: 10 },
      { name: 'mda', modulator: 'da', what: 'modulator', every: 7 },
      { name: 'wEI', projection: 'EI', what: 'weights', every: 25 },
    ];
    const gpu = await withoutValidationErrors(async () => {
      const sim = await createSimulation(spec, { chunkSteps: 33 });
      expect(sim.kind).toBe('spiking');
      const out = await drive(sim, [64, 86]);
      const w = await sim.readWeights('EI');
      sim.destroy();
      return { ...out, w, recorders: sim.recorders.map((r) => r.name) };
    });
    const twin = createReference(spec);
    expect(twin.recorders.map((r) => r.name)).toEqual(gpu.recorders);
    const ref = await drive(twin, [64, 86]);
    expect(gpu.step).toBe(150);
    expect(ref.step).toBe(150);
    expect(gpu.spikes.length).toBeGreaterThan(100);
    expect(gpu.spikes).toEqual(ref.spikes);
    expect([...gpu.rows.keys()].sort()).toEqual(['V', 'mda', 'mgate', 'rI', 'wEE', 'wEI']);
    for (const [name, values] of gpu.rows) expect(values, name).toEqual(ref.rows.get(name));
    expect(gpu.rows.get('mda')!.slice(-2)).toEqual(Float32Array.of(1.5, -0.25));
    expect(gpu.w).toEqual(await twin.readWeights('EI'));
  });

  it('rate: the same rows to the rate tolerance', async () => {
    const spec = randomTwoPopulationSpec(5, 40, 24);
    spec.record = [{ name: 'rE', population: 'E', units: [0, 3, 39] }, { name: 'xI', population: 'I', what: 'state', every: 4 }];
    const gpu = await withoutValidationErrors(async () => {
      const sim = await createSimulation(spec, { batch: 3, chunkSteps: 11 });
      expect(sim.kind).toBe('rate');
      const out = await drive(sim, [20, 17]);
      sim.destroy();
      return out;
    });
    const ref = await drive(createReference(spec, { batch: 3 }), [20, 17]);
    expect(gpu.step).toBe(37);
    for (const [name, values] of gpu.rows) {
      const twin = ref.rows.get(name)!;
      expect(values.length, name).toBe(twin.length);
      let worst = 0;
      values.forEach((v, k) => { worst = Math.max(worst, Math.abs(v - twin[k]) / Math.max(1, Math.abs(twin[k]))); });
      expect(worst, name).toBeLessThan(TOLERANCE.record_rel);
    }
  });

  it('a run that fails before submitting a step does not advance the step counter', async () => {
    await withoutValidationErrors(async () => {
      const rate = randomTwoPopulationSpec(5, 8, 4);
      rate.record = [{ name: 'rE', population: 'E' }];
      for (const spec of [plasticSpec(), rate]) {
        const sim = await createSimulation(spec as SpikingSpec, { chunkSteps: 7 });
        await sim.run(10);
        const failing = { begin: () => { throw new Error('sink refused'); }, write: () => undefined };
        await expect(sim.run(20, { sink: failing })).rejects.toThrow('sink refused');
        expect(sim.step).toBe(10);
        sim.destroy();
      }
    });
  });
});

