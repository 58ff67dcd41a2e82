/**
 * Assembles rate-fused (shaders/rate-fused.wgsl): every step of a chunk of one instance per workgroup,
 * for a network of one population with dense static projections. It splices the same rate unit
 * (lib/rate-unit.wgsl with the population's unit code, inputs and noise) as rate-update and the
 * projections' epilogues; only this_step and put_rate (the step loop's) differ.
 */
import bindingsWgsl from '../../shaders/lib/bindings.wgsl';
import philox from '../../shaders/lib/philox.wgsl';
import fused from '../../shaders/rate-fused.wgsl';
import { rateFusedGroup1 } from '../gpu/layouts.ts';
import { STEP_INFO_WGSL } from '../gpu/step-info.ts';
import type { NetworkPlan, PopPlan, ProjPlan } from '../plan/rate.ts';
import { externalInput, rateUnitLib, unitConstants } from './rate.ts';
import { constantsBlock, declareBindings, splice } from './wgsl.ts';

/**
 * Invocations per workgroup. CPU adapters: 32 (lavapipe, N = 128 and 512, B = 1, interleaved: 32 ran
 * 1.3-2.3x faster than 256 and 2x faster than 8; every invocation pays for each barrier). GPUs: 256, a
 * placeholder, not measured.
 */
export function rateFusedWorkgroup(software: boolean): number {
  return software ? 32 : 256;
}

/**
 * Projection k's term for unit i of instance b: gain_b * sum over W's row of vec4 dots with r(n) (the
 * instance's rates, copied to workgroup memory `r_now` at the start of the step), in the order of the
 * multi-dispatch kernel at one thread per row (lib/dense-row.wgsl), padding columns read 0.
 */
function projectionTerm(proj: ProjPlan, k: number): string {
  const pre = proj.pre.size, pre4 = Math.ceil(pre / 4);
  const r = (d: number) => (pre % 4 ? `select(0.0, r_now[min(4u * m + ${d}u, ${pre - 1}u)], 4u * m + ${d}u < ${pre}u)` : `r_now[4u * m + ${d}u]`);
  return [
    `// projection "${proj.name}" (${proj.pre.name} -> ${proj.post.name})`,
    `fn projection_${k}(b: u32, i: u32) -> f32 {`,
    '  var acc = 0.0;',
    `  for (var m = 0u; m < ${pre4}u; m++) {`,
    `    acc += dot(weights_${k}[i * ${pre4}u + m], vec4<f32>(${[0, 1, 2, 3].map(r).join(', ')}));`,
    '  }',
    `  return inst_table[b * INST_K + ${proj.gainParam}u] * acc;`,
    '}',
  ].join('\n');
}

/** rate-fused for a network of one population `pop` (its incoming projections dense and static), `workgroup` invocations per instance. */
export function rateFusedWgsl(plan: NetworkPlan, pop: PopPlan, faults: boolean, workgroup: number): string {
  const projections = pop.incoming;
  const group0 = bindingsWgsl.replace('var<storage, read> rate_in', 'var<storage, read_write> rate_in');
  const terms = projections.map((p, k) => `projection_${k}(b, i)`);
  // Summed in the multi-dispatch path's order: syn = term 0, then syn + term k.
  const synaptic = `fn synaptic(b: u32, i: u32) -> f32 {\n  var v = ${terms[0] ?? '0.0'};\n${terms.slice(1).map((t) => `  v = v + ${t};`).join('\n')}\n  return v;\n}`;
  const consts = constantsBlock({ ...unitConstants(plan, pop), WG: workgroup });
  const lib = [philox, rateUnitLib(pop, faults, ''), externalInput(pop), ...projections.map(projectionTerm), synaptic];
  return splice('rate-fused', fused, { constants: [consts, STEP_INFO_WGSL, group0, declareBindings(1, rateFusedGroup1(projections.length))].join('\n'), lib: lib.join('\n') });
}
