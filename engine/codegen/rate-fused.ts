/**
 * Assembles rate-fused (shaders/rate-fused.wgsl): every step of a chunk of one instance per workgroup,
 * for a network of one population with dense static projections (all of them read r(n) of that
 * population, so they share its vec4s in workgroup memory). It splices the same rate unit
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
import { dynamicBound, epilogues } from './dense-rows.ts';

/**
 * Invocations per workgroup. CPU adapters: 32 (lavapipe, N = 128 and 512, B = 1, interleaved: 32 ran
 * 1.3-2.3x faster than 256 and 2x faster than 8; every invocation pays for each barrier). GPUs: 256, a
 * placeholder, not measured.
 */
export function rateFusedWorkgroup(software: boolean): number {
  return software ? 32 : 256;
}

/**
 * Units per invocation and pass: on CPU adapters as many as keep 8 sums per invocation (8 / projections,
 * at least 1: one vec4 of r serves them all; shaders/synapse-dense-rows.wgsl says why), on GPUs 1.
 */
export function rateFusedRowsPerInvocation(software: boolean, projections: number): number {
  return software ? Math.max(1, Math.floor(8 / Math.max(projections, 1))) : 1;
}

/**
 * row_block(b, i0): units i0 .. i0 + rpi - 1 of instance b. Projection k's sum for unit i is gain_b times
 * the vec4 dots of W_k's row i with r(n) (`r_now`, zeros past the population) in column order, the order
 * of the multi-dispatch kernels; the projections are added in their order (syn = term 0, then syn + term
 * k); a unit past the population reads W's last row and is not updated. The rpi x projections sums are
 * unrolled so that they stay in registers; update_unit has one call site (dense-rows.ts: epilogues).
 */
function rowBlock(projections: ProjPlan[], rpi: number): string {
  const rows = Array.from({ length: rpi }, (_, q) => q);
  const pre4 = projections.map((p) => Math.ceil(p.pre.size / 4));
  const lines = ['fn row_block(b: u32, i0: u32) {'];
  if (projections.length > 0) {
    lines.push(...rows.map((q) => `  let u${q} = min(i0 + ${q}u, UNIT_N - 1u);`));
    lines.push(...rows.map((q) => `  ${projections.map((_, k) => `var p${k}_${q} = 0.0;`).join(' ')}`));
    lines.push(`  for (var m = 0u; m < ${dynamicBound(`${pre4[0]}u`)}; m++) {`, '    let r = r_now[m];');
    projections.forEach((proj, k) => {
      lines.push(`    // projection "${proj.name}" (${proj.pre.name} -> ${proj.post.name})`);
      lines.push(...rows.map((q) => `    p${k}_${q} += dot(weights_${k}[u${q} * ${pre4[k]}u + m], r);`));
    });
    lines.push('  }');
  }
  // Each unit's input: the projections in their order (syn = term 0, then syn + term k).
  const input = (q: number) => projections.map((p, k) => `inst_table[b * INST_K + ${p.gainParam}u] * p${k}_${q}`).reduce((a, t) => `(${a} + ${t})`);
  lines.push(...epilogues(rows.map((q) => [projections.length ? input(q) : '0.0']), 'i0', 'UNIT_N', (i, _c, v) => `update_unit(b, ${i}, ${v});`));
  lines.push('}');
  return lines.join('\n');
}

/** rate-fused for a network of one population `pop` (its incoming projections dense and static), `workgroup` invocations per instance, `rpi` units per invocation and pass. */
export function rateFusedWgsl(plan: NetworkPlan, pop: PopPlan, faults: boolean, workgroup: number, rpi: number): string {
  const projections = pop.incoming;
  const group0 = bindingsWgsl.replace('var<storage, read> rate_in', 'var<storage, read_write> rate_in');
  const consts = constantsBlock({ ...unitConstants(plan, pop), UNIT4: Math.ceil(pop.size / 4), WG: workgroup, RPI: rpi });
  const lib = [philox, rateUnitLib(pop, faults, ''), externalInput(pop), rowBlock(projections, rpi)];
  return splice('rate-fused', fused, { constants: [consts, STEP_INFO_WGSL, group0, declareBindings(1, rateFusedGroup1(projections.length))].join('\n'), lib: lib.join('\n') });
}
