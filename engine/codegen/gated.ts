/**
 * Assembles shaders/gated-update.wgsl for a gated population (engine/plan/gated.ts): its constants and
 * the generated gate_sums, one block per incoming projection, summed in the order the CPU twin
 * (engine/reference/gated.ts) sums them.
 */
import type { NetworkPlan, PopPlan } from '../plan/rate.ts';
import { assemble, unitConstants, type Constants } from './rate.ts';

function gateSums(pop: PopPlan): string {
  const gp = pop.gated!;
  const blocks = gp.inputs.map((p) => {
    const into = p.recurrent ? 's.hh[k]' : 's.ih[k]';
    const n = p.pre.size;
    return [
      `    {  // projection "${p.name}" (${p.pre.name} -> ${pop.name})`,
      '      var acc = 0.0;',
      `      let row = ${p.offset}u + (k * UNIT_N + i) * ${n}u;`,
      `      let pre = ${p.pre.base}u + b * ${n}u;`,
      `      for (var j = 0u; j < ${n}u; j++) { acc = acc + gated_weights[row + j] * rate_in[pre + j]; }`,
      `      ${into} = ${into} + acc;`,
      '    }',
    ].join('\n');
  });
  return [
    'struct GateSums { ih: array<f32, 4>, hh: array<f32, 4> }',
    'fn gate_sums(b: u32, i: u32) -> GateSums {',
    '  var s: GateSums;',
    '  for (var k = 0u; k < GATES; k++) {',
    '    s.ih[k] = gated_weights[BIAS_IH + k * UNIT_N + i];',
    '    s.hh[k] = gated_weights[BIAS_HH + k * UNIT_N + i];',
    ...blocks,
    '  }',
    '  return s;',
    '}',
  ].join('\n');
}

/** The WGSL of the gated-update kernel of `pop`. */
export function gatedUpdateCode(plan: NetworkPlan, pop: PopPlan): string {
  const gp = pop.gated!;
  const consts: Constants = {
    ...unitConstants(plan, pop), GATES: gp.gates, GATE_BASE: gp.gateBase, BIAS_IH: gp.biasIh, BIAS_HH: gp.biasHh, IS_LSTM: gp.kind === 'lstm',
  };
  return assemble('gated-update', consts, undefined, gateSums(pop));
}
