/**
 * The plasticity kernel of a plastic rate projection: shaders/plasticity.wgsl with the projection's
 * constants and its learning rule's compiled code (engine/models/rate-rule.ts) spliced in, preceded by
 * the loads of the names it reads (rule.ts's wgslName: p_ parameters, r_M, v_ post variables and rates,
 * s_w / s_e) and followed by the stores of what it assigns.
 */
import bindings from '../../shaders/lib/bindings.wgsl';
import plasticity from '../../shaders/plasticity.wgsl';
import type { NetworkPlan, ProjPlan } from '../plan/rate.ts';
import { GROUP1 } from '../gpu/layouts.ts';
import { STEP_INFO_WGSL } from '../gpu/step-info.ts';
import { constantsBlock, declareBindings, splice, u32Literal } from './wgsl.ts';

const u = u32Literal;

export function ratePlasticityWgsl(plan: NetworkPlan, proj: ProjPlan): string {
  const p = proj.plastic!, rule = p.compiled, B = plan.batch, post = proj.post.size;
  const row = [...rule.paramNames, ...rule.derivedNames];
  const reads = new Set([...rule.update.reads, ...(rule.postUpdate?.reads ?? [])]);
  const postVar = (k: number, parity: string) => `eligibility[${u(p.postBase[k])} + ${parity} * ${u(B * post)} + b * ${u(post)} + i]`;
  const e = rule.update.reads.has('e') || rule.update.assigns.has('e');
  const lines = [
    ...row.flatMap((n, k) => (reads.has(n) ? [`let p_${n} = rule_params[b * ${u(row.length)} + ${u(k)}];`] : [])),
    ...(reads.has('M') ? [`let r_M = ${p.modulator >= 0 ? `modulators[b * MOD_K + ${u(p.modulator)}]` : '1.0'};`] : []),
    ...rule.post.map((v, k) => `var v_${v.name} = ${postVar(k, 'parity')};`),
    ...(e ? ['var s_e = eligibility[flat];'] : []),
    rule.update.wgsl,
    ...(rule.update.assigns.has('e') ? ['eligibility[flat] = s_e;'] : []),
    ...(rule.postUpdate ? [
      'if (j == 0u) {',
      `  ${rule.postUpdate.wgsl.split('\n').join('\n  ')}`,
      ...rule.post.map((v, k) => `  ${postVar(k, '(1u - parity)')} = v_${v.name};`),
      '}',
    ] : []),
  ];
  const consts = constantsBlock({
    BATCH: B, POST_N: post, PRE_N: proj.pre.size, POST_BASE: proj.post.base, PRE_BASE: proj.pre.base, MOD_K: plan.modK,
    DT: Math.fround(plan.dt), HAS_WMIN: p.wMin !== undefined, HAS_WMAX: p.wMax !== undefined, W_MIN: p.wMin ?? 0, W_MAX: p.wMax ?? 0,
  }, { DT: 'f32', W_MIN: 'f32', W_MAX: 'f32' });
  return splice('plasticity', plasticity, { constants: `${consts}\n${declareBindings(1, GROUP1.plasticity)}`, lib: `${STEP_INFO_WGSL}\n${bindings}`, update: lines.join('\n  ') });
}
