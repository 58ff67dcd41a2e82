/**
 * The footprint (engine/run/*footprint.ts) lists every buffer a simulation creates, with its size: the
 * list is compared with the buffers create() actually makes (device.createBuffer watched while it runs),
 * for rate specs (dense, sparse, plastic, split into row blocks, the GEMM with split-K) and spiking specs
 * (host-built, GPU-generated and procedural synapses, given spike trains, plasticity, every recorder kind).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RateSimulation } from '../../engine/run/rate-simulation.ts';
import { SpikingSimulation } from '../../engine/run/spiking-simulation.ts';
import type { Footprint } from '../../engine/run/footprint.ts';
import { rateFootprint } from '../../engine/run/rate-footprint.ts';
import { spikingFootprint } from '../../engine/run/spiking-footprint.ts';
import { validateSpec } from '../../engine/spec/validate-rate.ts';
import type { NetworkSpec } from '../../engine/spec/rate.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';
import { gpu } from '../gpu-helpers.ts';
import { plasticTwoPopulationSpec, randomTwoPopulationSpec } from '../specs.ts';
import { plasticSpec, proceduralSpiking, twoPopulationSpiking } from '../spiking-specs.ts';

let restore: (() => void) | undefined;
afterEach(() => restore?.());

/** Runs `make` while recording every buffer the device creates: label and size. */
async function created<T>(make: () => Promise<T>): Promise<{ value: T; buffers: { label: string; bytes: number }[] }> {
  const { device } = await gpu();
  const buffers: { label: string; bytes: number }[] = [];
  const original = device.createBuffer.bind(device);
  device.createBuffer = (d: GPUBufferDescriptor) => { buffers.push({ label: d.label ?? '', bytes: d.size }); return original(d); };
  restore = () => { device.createBuffer = original; restore = undefined; };
  try {
    return { value: await make(), buffers };
  } finally {
    restore();
  }
}

/**
 * The footprint's buffers against those created, by label (row ranges of split synapse arrays summed):
 * the same labels, the same sizes, except where the footprint flags an estimate (random connectivity,
 * drawn delays, the split into parts), which must be within `tolerance`.
 */
function compare(fp: Footprint, made: { label: string; bytes: number }[], tolerance = 0) {
  const group = (xs: { label: string; bytes: number; estimate?: boolean }[]) => {
    const m = new Map<string, { bytes: number; estimate: boolean }>();
    for (const x of xs) {
      const key = x.label.replace(/rows \d+\.\.\d+/, 'rows *');
      const g = m.get(key) ?? { bytes: 0, estimate: false };
      m.set(key, { bytes: g.bytes + x.bytes, estimate: g.estimate || x.estimate === true });
    }
    return m;
  };
  const want = group(fp.gpu.filter((b) => b.usage !== 'staging' || b.label.startsWith('readback:')));
  const got = group(made);
  expect([...want.keys()].sort()).toEqual([...got.keys()].sort());
  for (const [label, w] of want) {
    const g = got.get(label)!.bytes;
    if (w.estimate) expect(Math.abs(w.bytes - g) / g, `${label}: estimated ${w.bytes}, made ${g}`).toBeLessThanOrEqual(tolerance);
    else expect(w.bytes, label).toBe(g);
  }
  return { estimated: [...want.values()].filter((w) => w.estimate).length };
}

describe('rate footprint = the buffers RateSimulation.create makes', () => {
  const cases: [string, NetworkSpec, { batch: number; maxBindingBytes?: number; chunkSteps?: number }][] = [
    ['two populations: gaussian, dense, CSR, fixed in-degree, array input, recorders', randomTwoPopulationSpec(3, 37, 11), { batch: 3, chunkSteps: 7 }],
    ['dense weights split into row blocks', randomTwoPopulationSpec(4, 40, 9), { batch: 2, maxBindingBytes: 1200, chunkSteps: 7 }],
    ['batch 12: the GEMM (instance tile 16) with split-K partial sums', randomTwoPopulationSpec(5, 64, 16), { batch: 12 }],
    ['batch 20: the GEMM (instance tile 32) with split-K partial sums', randomTwoPopulationSpec(7, 300, 16), { batch: 20 }],
  ];
  const plastic = plasticTwoPopulationSpec(6, 20, 8);
  plastic.modulators = [{ name: 'da', type: 'schedule', time: { type: 'array', dt: 1, values: [0, 1, -0.5] } }, { name: 'h', type: 'host' }, { name: 'act', type: 'activity', population: 'I' }];
  plastic.projections![0].plasticity = { rule: 'three-factor', eta: 0.001, tauEligibility: 20, modulator: 'da' };
  plastic.projections![1].plasticity = { rule: 'oja', eta: 0.002 };
  plastic.record = [{ name: 'wEE', projection: 'EE', what: 'weights', every: 5 }, { name: 'da', modulator: 'da', what: 'modulator' }];
  cases.push(['plastic projections (three-factor, Oja), modulators, weight and modulator recorders', plastic, { batch: 2 }]);

  for (const [name, spec, opts] of cases) {
    it(name, async () => {
      const { device } = await gpu();
      const { value: sim, buffers } = await created(() => RateSimulation.create(spec, opts));
      const bindingLimit = Math.min(device.limits.maxStorageBufferBindingSize, opts.maxBindingBytes ?? Infinity);
      const fp = rateFootprint(validateSpec(spec), { ...opts, bindingLimit });
      expect(compare(fp, buffers).estimated).toBe(0);
      sim.destroy();
    });
  }
});

describe('spiking footprint = the buffers SpikingSimulation.create makes', () => {
  // Every size fixed by the spec: all connectivity kinds with exact counts, constant or uniform delays.
  const exact = twoPopulationSpiking();
  exact.projections![0].connectivity = { type: 'fixed-probability', p: 1, allowAutapses: false };
  exact.projections![0].delay = 1.5;
  exact.inputs!.push({ name: 'kick', target: 'I', type: 'spikes', times: [0.5, 0.5, 3.2], neurons: [0, 4, 2], port: 'exc', weight: 50 });
  exact.record!.push({ name: 'rateI', population: 'I', what: 'rate', every: 10 });
  const split = twoPopulationSpiking();
  split.projections = split.projections!.slice(1, 3);
  // EI's weight per instance: the spike train into I's exc port follows its scale per instance.
  const perInstance: SpikingSpec = { ...structuredClone(exact), batch: { size: 2, params: { 'projections.IE.weight': [-351, -200], 'projections.EE.weightScale': [1, 2], 'projections.EI.weight': [80, 90] } } };
  const cases: [string, SpikingSpec, { batch: number; chunkSteps?: number; maxBindingBytes?: number; fused?: 'off' }, number][] = [
    ['host-built, GPU-generated and explicit synapses, spike trains, state and rate recorders: exact', exact, { batch: 2, chunkSteps: 40 }, 0],
    ['the same on the multi-dispatch path: exact', exact, { batch: 2, chunkSteps: 40, fused: 'off' }, 0],
    ['static weights per instance (scales and weight slots in the input table): exact', perInstance, { batch: 2, chunkSteps: 40 }, 0],
    ['fixed-probability and drawn delays: expected sizes within 10 %', twoPopulationSpiking(), { batch: 1 }, 0.1],
    ['the fused path with a batch of 2: fault words per instance', twoPopulationSpiking(), { batch: 2 }, 0.1],
    ['procedural projections', proceduralSpiking(), { batch: 2 }, 0.1],
    ['procedural projections on the multi-dispatch path', proceduralSpiking(), { batch: 2, fused: 'off' }, 0.1],
    ['procedural projections, a connectivity seed and a weight per instance', { ...proceduralSpiking(), batch: { size: 2, params: { 'projections.EE.seed': [1, 2], 'projections.EI.weight': [80, 90] } } }, { batch: 2 }, 0.1],
    ['plastic projections (STDP, three-factor), weight and modulator recorders', plasticSpec({ threeFactor: true, batch: 2 }), { batch: 2, chunkSteps: 50 }, 0.1],
    ['a gain modulator per instance (the port\'s scale per instance)', { ...plasticSpec(), batch: { size: 2, params: { 'modulators.gate.amplitude': [1, 3] } } }, { batch: 2 }, 0.1],
    ['generated synapses split into parts of one binding each', split, { batch: 1, maxBindingBytes: 4096 }, 0.1],
  ];
  for (const [name, spec, opts, tolerance] of cases) {
    it(name, async () => {
      const { device } = await gpu();
      const { value: sim, buffers } = await created(() => SpikingSimulation.create(structuredClone(spec), opts));
      const bindingLimit = Math.min(device.limits.maxStorageBufferBindingSize, opts.maxBindingBytes ?? Infinity);
      const fp = spikingFootprint(structuredClone(spec), { ...opts, bindingLimit })!;
      const { estimated } = compare(fp, buffers, tolerance);
      if (tolerance === 0) expect(estimated).toBe(0);
      sim.destroy();
    });
  }
});
