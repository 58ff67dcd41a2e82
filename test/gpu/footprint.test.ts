/**
 * The footprint (engine/run/*footprint.ts) lists every buffer a simulation creates, with its size: the
 * list is compared with the buffers create() actually makes (device.createBuffer watched while it runs),
 * for rate specs (dense, sparse, plastic, split into row blocks, the GEMM with split-K) and spiking specs
 * (host-built, GPU-generated and procedural synapses, given spike trains, plasticity, every recorder kind).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isSoftwareAdapter } from '../../engine/gpu/device.ts';
import { RateSimulation } from '../../engine/run/rate-simulation.ts';
import { SpikingSimulation } from '../../engine/run/spiking-simulation.ts';
import type { Footprint } from '../../engine/run/footprint.ts';
import { rateFootprint } from '../../engine/run/rate-footprint.ts';
import { validateSpec } from '../../engine/spec/validate-rate.ts';
import type { NetworkSpec } from '../../engine/spec/rate.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';
import { gpu } from '../gpu-helpers.ts';
import { plasticTwoPopulationSpec, randomTwoPopulationSpec } from '../specs.ts';

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

const listed = (fp: Footprint) => fp.gpu.filter((b) => b.usage !== 'staging' || b.label.startsWith('readback:')).map((b) => ({ label: b.label, bytes: b.bytes }));
const byLabel = (xs: { label: string; bytes: number }[]) => [...xs].sort((a, b) => a.label.localeCompare(b.label));

describe('rate footprint = the buffers RateSimulation.create makes', () => {
  const cases: [string, NetworkSpec, { batch: number; maxBindingBytes?: number; chunkSteps?: number }][] = [
    ['two populations: gaussian, dense, CSR, fixed in-degree, array input, recorders', randomTwoPopulationSpec(3, 37, 11), { batch: 3, chunkSteps: 7 }],
    ['dense weights split into row blocks', randomTwoPopulationSpec(4, 40, 9), { batch: 2, maxBindingBytes: 1200, chunkSteps: 7 }],
    ['batch 12: the tiled GEMM with split-K partial sums', randomTwoPopulationSpec(5, 64, 16), { batch: 12 }],
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
      expect(byLabel(listed(fp))).toEqual(byLabel(buffers));
      sim.destroy();
    });
  }
});
