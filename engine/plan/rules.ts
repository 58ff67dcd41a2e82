/**
 * Learning rules named by spiking projections: a spec's own (`rules: { NAME: RuleSpec }`, checked here
 * field by field before its code is compiled) or a built-in one (engine/models/builtin-rules.ts), which
 * a spec's rule of the same name shadows, as with neuron models. Each rule is compiled once per spec.
 */
import { BUILTIN_RULES } from '../models/builtin-rules.ts';
import { compileRule, RULE_BLOCKS, type CompiledRule } from '../models/rule.ts';
import { object, oneOf, str } from '../spec/checks.ts';
import { checkRuleCommon, keysOf, ruleTableOf, type RuleTableOf } from '../spec/rule-table.ts';

/** Checks the shape of a spec's rule (types and field names) before its code is compiled. */
export function checkRuleShape(v: unknown, field: string): void {
  const o = object(v, field, ['description', 'params', 'derived', 'traces', 'eligibility', ...RULE_BLOCKS]);
  checkRuleCommon(o, field, 'a rule declares at least wMin and wMax', 'e.g. "ms", "mV", "w" for the weight\'s units, "1" for none');
  if (o.traces !== undefined) {
    for (const name of keysOf(o.traces, `${field}.traces`)) {
      const f = `${field}.traces.${name}`;
      const t = object((o.traces as Record<string, unknown>)[name], f, ['side', 'tau', 'onSpike']);
      oneOf(t.side, `${f}.side`, ['pre', 'post'] as const);
      str(t.tau, `${f}.tau`);
      if (t.onSpike !== undefined) str(t.onSpike, `${f}.onSpike`);
    }
  }
  if (o.eligibility !== undefined) str(object(o.eligibility, `${field}.eligibility`, ['tau']).tau, `${field}.eligibility.tau`);
  for (const b of RULE_BLOCKS) if (o[b] !== undefined) str(o[b], `${field}.${b}`);
}

export type RuleTable = RuleTableOf<CompiledRule>;

/** The rules a spiking spec can name: its `rules` (raw, validated here) and the built-in ones. */
export function ruleTable(raw: unknown): RuleTable {
  return ruleTableOf(raw, BUILTIN_RULES, checkRuleShape, compileRule);
}
