/**
 * Learning rules named by plastic rate projections: a spec's own (`rules: { NAME: RateRuleSpec }`,
 * checked here field by field before its code is compiled) or a built-in one
 * (engine/models/builtin-rules.ts), which a spec's rule of the same name shadows. Also the plasticity of
 * a projection: `{ rule, modulator?, wMin?, wMax?, ...values of the rule's parameters }`.
 */
import { SpecError } from '../errors.ts';
import { BUILTIN_RATE_RULES } from '../models/builtin-rules.ts';
import { compileRateRule, type CompiledRateRule } from '../models/rate-rule.ts';
import { finite, object, str } from './checks.ts';
import { checkRuleCommon, keysOf, ruleTableOf, type RuleTableOf } from './rule-table.ts';
import type { PlasticitySpec } from './rate.ts';

export type RateRuleTable = RuleTableOf<CompiledRateRule>;

/** Checks the shape of a spec's rate rule (types and field names) before its code is compiled. */
function checkShape(v: unknown, field: string): void {
  const o = object(v, field, ['description', 'params', 'derived', 'eligibility', 'post', 'postUpdate', 'update', 'needsModulator']);
  checkRuleCommon(o, field, '{} for a rule without parameters', 'e.g. "ms", "1/ms", "1" for none');
  if (o.post !== undefined) {
    for (const name of keysOf(o.post, `${field}.post`)) {
      const p = object((o.post as Record<string, unknown>)[name], `${field}.post.${name}`, ['init', 'unit']);
      finite(p.init, `${field}.post.${name}.init`);
      str(p.unit, `${field}.post.${name}.unit`);
    }
  }
  for (const k of ['eligibility', 'needsModulator']) if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new SpecError(`${field}.${k}`, 'expected true or false');
  if (o.update === undefined) throw new SpecError(`${field}.update`, 'is required (the code that changes w)');
  str(o.update, `${field}.update`);
  if (o.postUpdate !== undefined) str(o.postUpdate, `${field}.postUpdate`);
}

/** The rules a rate spec can name: its `rules` (raw, validated here) and the built-in ones. */
export function rateRuleTable(raw: unknown): RateRuleTable {
  return ruleTableOf(raw, BUILTIN_RATE_RULES, checkShape, compileRateRule);
}

/**
 * Validates a projection's plasticity against its rule: the rule's name (with tauPostBaseline the
 * built-in three-factor becomes three-factor-centered), its parameters (required ones, types, lower
 * bounds), whether it needs or reads a modulator, and the weight bounds. Returns the normalized spec
 * (the modulator's name is checked by the caller).
 */
export function validPlasticity(q: Record<string, unknown>, pf: string, rules: RateRuleTable, isUser: (n: string) => boolean): PlasticitySpec {
  let name = str(q.rule, `${pf}.rule`);
  if (q.tauPostBaseline !== undefined && !isUser(name)) {
    if (name !== 'three-factor') throw new SpecError(`${pf}.tauPostBaseline`, `applies to rule "three-factor" only, not "${name}"`);
    name = 'three-factor-centered';
  }
  const rule = rules.get(name, `${pf}.rule`);
  object(q, pf, ['rule', 'modulator', 'wMin', 'wMax', ...rule.paramNames]);
  const out: PlasticitySpec = { rule: name };
  for (const p of rule.paramNames) {
    if (q[p] === undefined) {
      if (rule.defaults[p] === undefined) throw new SpecError(`${pf}.${p}`, `required for rule "${name}"`);
      continue;
    }
    const v = finite(q[p], `${pf}.${p}`);
    if (rule.mins[p] !== undefined && v < rule.mins[p]) throw new SpecError(`${pf}.${p}`, `must be >= ${rule.mins[p]}, got ${v}`);
    out[p] = v;
  }
  if (rule.needsModulator && q.modulator === undefined) throw new SpecError(`${pf}.modulator`, `required for rule "${name}" (the third factor)`);
  if (q.modulator !== undefined && !rule.readsModulator) throw new SpecError(`${pf}.modulator`, `rule "${name}" does not read M`);
  if (q.wMin !== undefined) out.wMin = finite(q.wMin, `${pf}.wMin`);
  if (q.wMax !== undefined) out.wMax = finite(q.wMax, `${pf}.wMax`);
  if (out.wMin !== undefined && out.wMax !== undefined && !(out.wMin <= out.wMax)) {
    throw new SpecError(`${pf}.wMax`, `must be >= wMin (${out.wMin}), got ${out.wMax}`);
  }
  return out;
}
