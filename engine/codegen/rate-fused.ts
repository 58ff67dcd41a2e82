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

/** Invocations per workgroup: the population's size rounded up to a power of two, 32 to 256. */
export function rateFusedWorkgroup(units: number): number {
  return Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(units))));
}

/**
 * Projection k's term for unit i of instance b: gain_b * sum over W's row of vec4 dots with r(n), in the
 * order of the multi-dispatch kernel at one thread per row (lib/dense-row.wgsl), padding columns read 0.
 */
function projectionTerm(proj: ProjPlan, k: number): string {
  const pre = proj.pre.size, pre4 = Math.ceil(pre / 4);
  const r = (d: number) => (pre % 4 ? `select(0.0, rate_now(j + ${d}u), 4u * m + ${d}u < ${pre}u)` : `rate_now(j + ${d}u)`);
  return [
    `// projection "${proj.name}" (${proj.pre.name} -> ${proj.post.name})`,
    `fn projection_${k}(b: u32, i: u32) -> f32 {`,
    '  var acc = 0.0;',
    `  for (var m = 0u; m < ${pre4}u; m++) {`,
    `    let j = ${proj.pre.base}u + b * ${pre}u + 4u * m;`,
    `    acc += dot(weights_${k}[i * ${pre4}u + m], vec4<f32>(${[0, 1, 2, 3].map(r).join(', ')}));`,
    '  }',
    `  return inst_table[b * INST_K + ${proj.gainParam}u] * acc;`,
    '}',
  ].join('\n');
}

/** rate-fused for a network of one population `pop` (its incoming projections dense and static). */
export function rateFusedWgsl(plan: NetworkPlan, pop: PopPlan, faults: boolean): string {
  const projections = pop.incoming;
  const group0 = bindingsWgsl.replace('var<storage, read> rate_in', 'var<storage, read_write> rate_in');
  const terms = projections.map((p, k) => `projection_${k}(b, i)`);
  // Summed in the multi-dispatch path's order: syn = term 0, then syn + term k.
  const synaptic = `fn synaptic(b: u32, i: u32) -> f32 {\n  var v = ${terms[0] ?? '0.0'};\n${terms.slice(1).map((t) => `  v = v + ${t};`).join('\n')}\n  return v;\n}`;
  const consts = constantsBlock({ ...unitConstants(plan, pop), WG: rateFusedWorkgroup(pop.size) });
  const lib = [philox, rateUnitLib(pop, faults, ''), externalInput(pop), ...projections.map(projectionTerm), synaptic];
  return splice('rate-fused', fused, { constants: [consts, STEP_INFO_WGSL, group0, declareBindings(1, rateFusedGroup1(projections.length))].join('\n'), lib: lib.join('\n') });
}
