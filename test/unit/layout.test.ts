/**
 * Host and WGSL cannot drift apart: every assembled kernel is reflected with wgsl_reflect and its
 * bindings are checked against the layouts declared in engine/gpu/layouts.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ResourceType, WgslReflect } from 'wgsl_reflect';
import { denseRowsBlock } from '../../engine/codegen/dense-rows.ts';
import { assemble, modulatorsCode, unitConstants, type AssembledKernel, type Constants } from '../../engine/codegen/rate.ts';
import { ratePlasticityWgsl } from '../../engine/codegen/rate-plasticity.ts';
import { GROUP0, GROUP1, type KernelName, type BindingKind } from '../../engine/gpu/layouts.ts';
import { compile } from '../../engine/plan/rate.ts';
import { validateSpec } from '../../engine/spec/validate-rate.ts';
import { plasticTwoPopulationSpec, randomTwoPopulationSpec } from '../specs.ts';
import { ANALYSIS_GROUP0, BUILD_GROUP0, SPIKING_GROUP0, SPIKING_GROUP1 } from '../../engine/gpu/layouts.ts';
import { buildWgsl } from '../../engine/codegen/build.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import { neuronUpdateWgsl, plasticWgsl, recordRateWgsl, recordStateWgsl, spikeSourceWgsl, synapseProceduralWgsl, synapseSpikeWgsl } from '../../engine/codegen/spiking.ts';
import { spikingFusedWgsl } from '../../engine/codegen/spiking-fused.ts';
import { proceduralSpiking, twoPopulationSpiking } from '../spiking-specs.ts';
import { plasticGroups } from '../../engine/plan/plastic-groups.ts';

function kindOf(v: { resourceType: number; access: string }, dynamic = true): BindingKind {
  if (v.resourceType === ResourceType.Uniform) return dynamic ? 'step-uniform' : 'uniform';
  return v.access === 'read' ? 'read-only-storage' : 'storage';
}

describe('kernel bindings match the declared layouts', () => {
  const plan = compile(validateSpec(randomTwoPopulationSpec(1, 16, 8)), { batch: 2 });
  const pop = plan.pops[0];
  const common: Constants = { ...unitConstants(plan, pop), POST_N: 16, PRE_N: 16, PRE_BASE: 0, GAIN_PARAM: 0, PRE4: 4, PADDED: false, ROW0: 0, PART_ROWS: 16 };
  const kernels: [AssembledKernel, Constants, boolean][] = [
    ['rate-update', { ...unitConstants(plan, pop), HAS_SYN: true }, true],
    ['synapse-dense', { ...common, WG: 256, TPR: 32, ROWS: 8, ITERS: 1 }, true],
    ['synapse-dense-subgroup', { ...common, WG: 256, TPR: 32, ROWS: 8, ITERS: 1 }, true],
    ['synapse-dense-rows', { ...common, WG: 32, RPI: 4, STAGE: true, STAGE_LEN: 8 }, true],
    ['synapse-dense-tiled', { ...common, K_SLICE: 16, SPLIT: 2, TILE_K: 16 }, true],
    ['synapse-dense-gemm', { ...common, K_SLICE: 16, SPLIT: 2, TX: 16, TY: 8, RT: 8, IT: 8, TK: 8 }, true],
    ['synapse-reduce', { ...common, K_SLICE: 16, SPLIT: 2, TILE_K: 16 }, true],
    ['synapse-csr', common, true],
    ['record-gather', { UNIT_N: 16, UNIT_BASE: 0, BATCH: 2, M: 3, REC: 0, RECORD_STATE: false }, false],
    ['record-mean', { UNIT_N: 16, UNIT_BASE: 0, BATCH: 2, M: 3, REC: 1, RECORD_STATE: true }, false],
  ];
  for (const [name, consts, lib] of kernels) {
    it(name, () => {
      // With the numerical fault check (engine/codegen/faults.ts): it adds code, never a binding.
      const code = assemble(name, consts, lib ? { pop, epilogue: name === 'rate-update' ? undefined : 'finish-after-syn', faults: true } : undefined,
        name === 'synapse-dense-rows' ? denseRowsBlock(4, 2) : undefined);
      const reflect = new WgslReflect(code);
      let checked = 0;
      const groups = reflect.getBindGroups();
      for (const [g, declared] of [[0, GROUP0], [1, GROUP1[name]]] as const) {
        for (const [binding, v] of (groups[g] ?? []).entries()) {
          if (!v) continue;
          const d = declared[binding];
          expect(d, `${name}: group ${g} binding ${binding} (${v.name}) is not declared`).toBeDefined();
          expect(v.name).toBe(d.name);
          expect(kindOf(v as never)).toBe(d.kind);
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(3);
      expect(reflect.entry.compute.map((e) => e.name)).toEqual(['main']);
    });
  }
});

describe('plasticity and modulator kernel bindings match the declared layouts', () => {
  const spec = plasticTwoPopulationSpec(2, 16, 8);
  spec.modulators = [
    { name: 'da', type: 'schedule', time: { type: 'pulse', start: 1, duration: 2 } },
    { name: 'act', type: 'activity', population: 'I', tauBaseline: 20 },
  ];
  spec.projections![0].plasticity = { rule: 'three-factor', eta: 0.1, tauEligibility: 50, modulator: 'da', wMin: -1 };
  spec.projections![0].gainModulator = 'act';
  const plan = compile(validateSpec(spec), { batch: 2 });
  const proj = plan.projections[0];
  const pop = proj.post;
  const cases: [KernelName, string][] = [
    ['synapse-dense-plastic', assemble('synapse-dense-plastic', { ...unitConstants(plan, pop), POST_N: 16, PRE_N: 16, PRE_BASE: 0, GAIN_PARAM: 0, WG: 64, TPR: 1, ROWS: 64 }, { pop, epilogue: 'finish', gainModulator: 1 })],
    ['plasticity', ratePlasticityWgsl(plan, proj)],
    ['modulators', assemble('modulators', { BATCH: 2, INST_K: plan.instK, MOD_K: 2 }, undefined, modulatorsCode(plan))],
    ['record-weights', assemble('record-weights', { TOTAL: 512, REC: 0 })],
    ['record-modulator', assemble('record-modulator', { BATCH: 2, MOD_K: 2, MOD: 1, REC: 2 })],
  ];
  for (const [name, code] of cases) {
    it(name, () => {
      const reflect = new WgslReflect(code);
      const groups = reflect.getBindGroups();
      let checked = 0;
      for (const [g, declared] of [[0, GROUP0], [1, GROUP1[name]]] as const) {
        for (const [binding, v] of (groups[g] ?? []).entries()) {
          if (!v) continue;
          expect(declared[binding], `${name}: group ${g} binding ${binding} (${v.name}) is not declared`).toBeDefined();
          expect(v.name).toBe(declared[binding].name);
          expect(kindOf(v as never)).toBe(declared[binding].kind);
          checked++;
        }
      }
      // Every group-1 binding the host declares is in the shader; group 0 declares the modulator buffer.
      expect((groups[1] ?? []).filter(Boolean).length).toBe(GROUP1[name].length);
      expect(groups[0]?.[9]?.name).toBe('modulators');
      expect(checked).toBeGreaterThanOrEqual(3);
    });
  }
});

describe('spiking kernel bindings match the declared layouts', () => {
  const { plan } = compileSpiking(twoPopulationSpiking(), { batch: 2 });
  const procedural = compileSpiking(proceduralSpiking(), { batch: 2 }).plan;
  // A three-factor projection with a gain: every plastic kernel's code paths.
  const plasticSpec = twoPopulationSpiking();
  plasticSpec.modulators = [{ name: 'da', type: 'schedule', time: { type: 'constant' } }];
  plasticSpec.projections![0].plasticity = { rule: 'three-factor', aPlus: 1, aMinus: 1, wMax: 200, tauEligibility: 20, modulator: 'da' };
  plasticSpec.projections![0].gainModulator = 'da';
  const plastic = compileSpiking(plasticSpec, { batch: 2 });
  const ruled = compileSpiking(JSON.parse(readFileSync(new URL('../../examples/plasticity-rules.json', import.meta.url), 'utf8')), { batch: 2 });
  const cases: [keyof typeof SPIKING_GROUP1, string][] = [
    ['neuron-update', neuronUpdateWgsl(plan, plan.pops, [{ pop: 0, rec: 0, bitsBase: 0 }])],
    ['neuron-update', neuronUpdateWgsl(plan, [plan.pops[1]], [])],
    ['neuron-update', neuronUpdateWgsl(plan, plan.pops, [], true)],
    ['synapse-spike', synapseSpikeWgsl(plan, [{ pop: plan.pops[0], rowBase: 0 }, { pop: plan.pops[1], rowBase: plan.pops[0].size }], 0, 157)],
    ['spiking-fused', spikingFusedWgsl(plan, [{ pop: 1, rec: 0, bitsBase: 0 }], [{ pop: plan.pops[0], rowBase: 0 }, { pop: plan.pops[1], rowBase: plan.pops[0].size }], true)],
    ['spiking-fused', spikingFusedWgsl(plan, [], [])],
    // Procedural projections (their words in `tables`) and a state and a rate recorder (in rec_rings).
    ['spiking-fused', spikingFusedWgsl(procedural, [], [], false, [{ pop: procedural.pops[0], variable: 0, units: 3, every: 5, unitsBase: 0, ringBase: 0 }], [], { rows: 3, info: 400 }, [{ pop: 1, ringBase: 100 }])],
    ['record-gather', recordStateWgsl(plan, plan.pops[0], 0, 3, 2)],
    ['record-rate', recordRateWgsl(plan, plan.pops[0], 3)],
    ['synapse-procedural', synapseProceduralWgsl(plan, compileSpiking(proceduralSpiking()).plan.procedural)],
    ['spike-source', spikeSourceWgsl(plan, compileSpiking({
      dt: 0.1, populations: [{ name: 'n', size: 3, model: 'lif_psc_exp' }],
      inputs: [{ name: 's', target: 'n', type: 'spikes', times: [0.5], neurons: [1], weight: 10, port: 'exc' }],
    }).plan.sources[0])],
    ...(['plastic-trace', 'plastic-pre', 'plastic-post', 'plastic-eligibility'] as const).map((k): [keyof typeof SPIKING_GROUP1, string] => [k, plasticWgsl(plastic.plan, plasticGroups(plastic.plan.plastic, 2, Infinity)[0].members, k)]),
    // Rules written in a spec (examples/plasticity-rules.json): triplet STDP, and a rule that reads the
    // postsynaptic neuron's state.
    ...(['plastic-trace', 'plastic-pre', 'plastic-post'] as const).map((k): [keyof typeof SPIKING_GROUP1, string] => [k, plasticWgsl(ruled.plan, plasticGroups(ruled.plan.plastic, 2, Infinity)[0].members, k)]),
  ];
  for (const [name, code] of cases) {
    it(name, () => {
      const groups = new WgslReflect(code).getBindGroups();
      let checked = 0;
      for (const [g, declared] of [[0, SPIKING_GROUP0], [1, SPIKING_GROUP1[name]]] as const) {
        for (const [binding, v] of (groups[g] ?? []).entries()) {
          if (!v) continue;
          expect(declared[binding], `${name}: group ${g} binding ${binding} (${v.name})`).toBeDefined();
          expect(v.name).toBe(declared[binding].name);
          expect(kindOf(v as never)).toBe(declared[binding].kind);
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(name === 'record-rate' ? 2 : 3);
    });
  }
});

describe('synapse builder kernel bindings match the declared layouts', () => {
  const cases: [keyof typeof BUILD_GROUP0, string][] = [
    ['build-count', buildWgsl('build-count', { GEN: 0, N_SYN: 100, PRE_ROW_BASE: 0 })],
    ['build-place', buildWgsl('build-place', { GEN: 0, N_SYN: 100, ROW0: 0, ROW1: 10, PRE_ROW_BASE: 0, TARGET_BASE: 0, POST_POP: 1 })],
  ];
  for (const [name, code] of cases) {
    it(name, () => {
      const reflect = new WgslReflect(code);
      const group = reflect.getBindGroups()[0].filter(Boolean);
      expect(group.map((v) => v.name)).toEqual(BUILD_GROUP0[name].map((b) => b.name));
      group.forEach((v, i) => expect(kindOf(v as never, false), v.name).toBe(BUILD_GROUP0[name][i].kind));
      expect(reflect.entry.compute.map((e) => e.name)).toEqual(['main']);
    });
  }
});

describe('analysis kernel bindings match the declared layouts', () => {
  it('lagged-covariance', () => {
    const code = readFileSync(new URL('../../shaders/lagged-covariance.wgsl', import.meta.url), 'utf8');
    const reflect = new WgslReflect(code);
    const group = reflect.getBindGroups()[0].filter(Boolean);
    const declared = ANALYSIS_GROUP0['lagged-covariance'];
    expect(group.map((v) => v.name)).toEqual(declared.map((b) => b.name));
    group.forEach((v, i) => expect(kindOf(v as never, false), v.name).toBe(declared[i].kind));
  });
});
