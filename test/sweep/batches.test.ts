/** How a sweep is cut into batches: per-instance and structure axes, the footprint bound (no GPU). */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpecError } from '../../engine/errors.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import type { Gpu } from '../../engine/gpu/device.ts';
import { batchSpec, metricRecorders, resolveBase } from '../../scenarios/sweep/base.ts';
import { validateSweep } from '../../scenarios/sweep/format.ts';
import { enumerateRuns } from '../../scenarios/sweep/points.ts';
import { fitBatch, planBatches } from '../../scenarios/sweep/runner.ts';

const dir = mkdtempSync(join(tmpdir(), 'lamina-sweep-batches-'));
writeFileSync(join(dir, 'rate.json'), JSON.stringify({
  dt: 1, populations: [{ name: 'a', size: 100, tau: 5, activation: 'tanh' }], inputs: [{ name: 'd', target: 'a', amplitude: 0.3 }],
}));
const file = join(dir, 'sweep.json');
// Spiking: a stored projection and a procedural one.
writeFileSync(join(dir, 'spiking.json'), JSON.stringify({
  dt: 0.1, populations: [{ name: 'E', size: 20, model: 'lif_psc_exp' }],
  projections: [
    { name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity: { type: 'fixed-probability', p: 0.2 }, weight: 50 },
    { name: 'P', from: 'E', to: 'E', port: 'inh', connectivity: { type: 'fixed-total', n: 40, procedural: true }, weight: -20 },
  ],
}));

/** An adapter whose storage bindings hold `binding` bytes. */
const adapter = (binding: number) => ({ device: { limits: { maxStorageBufferBindingSize: binding, maxBufferSize: 2 ** 40 } }, info: { architecture: 'test' } }) as unknown as Gpu;

function setup() {
  const sweep = validateSweep({
    base: 'rate.json', steps: 10,
    axes: [{ path: 'dt', values: [1, 0.5] }, { path: 'inputs.d.amplitude', range: { from: 0, to: 1, steps: 20 } }],
    metrics: [{ metric: 'mean', population: 'a', units: [0] }],
  });
  const runs = enumerateRuns(sweep);
  const base = resolveBase(sweep, file, runs[0].point.params);
  return { sweep, runs, base, recorders: metricRecorders(base.kind, sweep.metrics) };
}

describe('sweep batches', () => {
  it('a batch.params key varies per instance; another path is a structure axis, one build per value', () => {
    const { base, runs, recorders } = setup();
    expect([...base.perInstance]).toEqual([['inputs.d.amplitude', 'inputs.d.amplitude']]);
    expect(base.structure).toEqual(['dt']);
    const batches = planBatches(base, runs, () => 64);
    expect(batches.map((b) => b.runs.length)).toEqual([20, 20]);
    const spec = batchSpec(base, batches[1].runs, recorders) as { dt: number; batch: { size: number; params: Record<string, number[]> } };
    expect(spec.dt).toBe(0.5);
    expect(spec.batch.size).toBe(20);
    expect(spec.batch.params['inputs.d.amplitude']).toEqual(batches[1].runs.map((r) => r.point.params['inputs.d.amplitude']));
    expect(spec.batch.params.seed).toEqual(batches[1].runs.map((r) => r.seed));
  });

  it('the batch is halved until its footprint fits the adapter; a point that cannot fit at all is refused', () => {
    const { base, runs, recorders } = setup();
    const group = runs.slice(0, 20);
    expect(fitBatch(base, group, recorders, 64, adapter(2 ** 30))).toBe(20);
    expect(fitBatch(base, group, recorders, 8, adapter(2 ** 30))).toBe(8);
    // The largest buffer is the recorder's ring, which grows with the batch: 20 instances overflow 12000
    // bytes, 10 fit.
    expect(fitBatch(base, group, recorders, 64, adapter(12000))).toBe(10);
    expect(planBatches(base, runs, (g) => fitBatch(base, g, recorders, 64, adapter(12000))).map((b) => b.runs.length)).toEqual([10, 10, 10, 10]);
    expect(() => fitBatch(base, group, recorders, 64, adapter(300))).toThrow(SpecError);
    expect(() => fitBatch(base, group, recorders, 64, adapter(300))).toThrow(/even one point does not fit: .*maxStorageBufferBindingSize/);
  });

  it('spiking: a static weight axis and a procedural seed axis are per instance, a stored seed axis a structure axis', () => {
    const sweep = validateSweep({
      base: 'spiking.json', steps: 10,
      axes: [{ path: 'projections.EE.weight', values: [40, 60, 80] }, { path: 'projections.P.seed', values: [1, 2] }, { path: 'projections.EE.seed', values: [3, 4] }],
      metrics: [{ metric: 'rate', population: 'E' }],
    });
    const runs = enumerateRuns(sweep);
    const base = resolveBase(sweep, file, runs[0].point.params);
    expect([...base.perInstance.keys()].sort()).toEqual(['projections.EE.weight', 'projections.P.seed']);
    expect(base.structure).toEqual(['projections.EE.seed']);
    const batches = planBatches(base, runs, () => 64);
    expect(batches.map((b) => b.runs.length)).toEqual([6, 6]);
    // The batch's spec compiles, with EE's weight per instance.
    const { plan } = compileSpiking(batchSpec(base, batches[0].runs, metricRecorders(base.kind, sweep.metrics)));
    expect(plan.batch).toBe(6);
    expect(plan.weightSlots.map((s) => [s.projection, s.mode])).toEqual([['EE', 0]]);
    expect([...plan.procedural[0].seeds!]).toEqual(batches[0].runs.map((r) => r.point.params['projections.P.seed']));
  });
});
