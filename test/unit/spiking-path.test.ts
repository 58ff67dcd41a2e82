/** Which path runs a spiking network (engine/plan/spiking-path.ts): the option, the features the fused kernel covers, the size rule per adapter class. */
import { describe, expect, it } from 'vitest';
import { chooseSpikingPath, fusedBlockers, FUSED_MAX_NEURONS } from '../../engine/plan/spiking-path.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import { SpecError } from '../../engine/errors.ts';
import { plasticSpec, proceduralSpiking, twoPopulationSpiking } from '../spiking-specs.ts';

const sized = (...sizes: number[]) => sizes.reduce((a, n) => a + n, 0);
const blockersOf = (spec: ReturnType<typeof twoPopulationSpiking>) => { const { plan } = compileSpiking(spec); return fusedBlockers({ plastic: plan.plastic.length, storedParts: 1, batch: plan.batch, maxWorkgroups: 65535 }); };

describe('spiking path', () => {
  it('auto: fused up to the adapter class\'s neurons per instance, summed over populations', () => {
    const { software, gpu } = FUSED_MAX_NEURONS;
    expect(chooseSpikingPath('auto', sized(software - 100, 100), [], true)).toEqual({ kind: 'fused', reason: `auto: ${software} neurons per instance <= ${software} (CPU adapter, measured limit)` });
    expect(chooseSpikingPath(undefined, sized(software, 1), [], true).kind).toBe('multi-dispatch');
    expect(chooseSpikingPath('auto', sized(gpu), [], false).kind).toBe('fused');
    expect(chooseSpikingPath('auto', sized(gpu + 1), [], false)).toEqual({ kind: 'multi-dispatch', reason: `auto: ${gpu + 1} neurons per instance > ${gpu} (GPU, unmeasured placeholder)` });
  });

  it('what the fused kernel does not cover: auto falls back and says why, on is a SpecError naming it, off never fuses', () => {
    const spikesOnly = twoPopulationSpiking();
    spikesOnly.record = spikesOnly.record!.filter((r) => r.what === 'spikes');
    expect(blockersOf(spikesOnly)).toEqual([]);
    expect(blockersOf(twoPopulationSpiking())).toEqual([]); // records V: the fused kernel writes state rows
    expect(blockersOf(proceduralSpiking())).toEqual([]); // the fused kernel regenerates procedural synapses
    expect(blockersOf(plasticSpec())).toEqual(['plastic projections']);
    const rate = twoPopulationSpiking();
    rate.record = [{ name: 'r', population: 'E', what: 'rate', every: 10 }];
    rate.inputs!.push({ name: 'train', target: 'E', type: 'spikes', times: [1], neurons: [0], weight: 10, port: 'exc' });
    expect(blockersOf(rate)).toEqual([]); // rate recorders and spike trains: the fused kernel records and delivers them
    const modulated = plasticSpec();
    modulated.projections!.forEach((p) => { delete p.plasticity; delete p.gainModulator; });
    modulated.record = modulated.record!.filter((r) => r.what !== 'weights');
    expect(blockersOf(modulated)).toEqual([]); // modulators and their recorders without plastic projections: host values only
    expect(fusedBlockers({ plastic: 0, storedParts: 3, batch: 2, maxWorkgroups: 65535 })).toEqual(['stored synapses in 3 parts (one storage binding each)']);
    expect(chooseSpikingPath('auto', sized(10), ['rate recorders'], true)).toEqual({ kind: 'multi-dispatch', reason: 'the fused path does not cover rate recorders' });
    expect(() => chooseSpikingPath('on', sized(10), ['rate recorders', 'modulators'], true)).toThrow(SpecError);
    expect(() => chooseSpikingPath('on', sized(10), ['rate recorders', 'modulators'], true)).toThrow("'on', but the fused path does not cover rate recorders, modulators");
    expect(chooseSpikingPath('on', sized(10 ** 6), [], false).kind).toBe('fused');
    expect(chooseSpikingPath('off', sized(10), [], true)).toEqual({ kind: 'multi-dispatch', reason: "option fused: 'off'" });
    expect(() => chooseSpikingPath('yes' as never, sized(10), [], true)).toThrow(/expected 'auto', 'on' or 'off', got "yes"/);
  });
});

describe('fused path: what the adapter allows', () => {
  it('an adapter with fewer storage buffers per stage than the fused kernel binds keeps the multi-dispatch path', async () => {
    const { fusedRuntimeBlockers } = await import('../../engine/run/spiking-fused.ts');
    const ctx = (stage: number, batch = 2) => ({ gpu: { device: { limits: { maxStorageBuffersPerShaderStage: stage, maxComputeWorkgroupsPerDimension: 65535 } } }, plan: { batch, plastic: [] } }) as unknown as Parameters<typeof fusedRuntimeBlockers>[0];
    expect(fusedRuntimeBlockers(ctx(16), undefined)).toEqual([]);
    const [blocker] = fusedRuntimeBlockers(ctx(8), undefined);
    expect(blocker).toMatch(/^\d+ storage buffers in one kernel \(the adapter allows 8 per shader stage\)$/);
    expect(Number(blocker.split(' ')[0])).toBeGreaterThan(8);
    expect(fusedRuntimeBlockers(ctx(16, 70000), undefined)).toEqual(['a batch of 70000 (more than 65535 workgroups)']);
  });
});
