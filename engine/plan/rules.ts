/**
 * Learning rules named by spiking projections: a spec's own (`rules: { NAME: RuleSpec }`, checked here
 * field by field before its code is compiled) or a built-in one (engine/models/builtin-rules.ts), which
 * a spec's rule of the same name shadows, as with neuron models. Each rule is compiled once per spec.
 */
import { SpecError } from '../errors.ts';
import { BUILTIN_RULES } from '../models/builtin-rules.ts';
import { compileRule, RULE_BLOCKS, type CompiledRule } from '../models/rule.ts';
import { finite, isObj, object, oneOf, str } from '../spec/checks.ts';
import { ruleTableOf, type RuleTableOf } from '../spec/rule-table.ts';

/** Checks the shape of a spec's rule (types and field names) before its code is compiled. */
export function checkRuleShape(v: unknown, field: string): void {
  const o = object(v, field, ['description', 'params', 'derived', 'traces', 'eligibility', ...RULE_BLOCKS]);
  if (o.description !== undefined) str(o.description, `${field}.description`);
  if (o.params === undefined) throw new SpecError(`${field}.params`, 'is required (a rule declares at least wMin and wMax)');
  const keys = (x: unknown, f: string) => Object.keys(object(x, f, isObj(x) ? Object.keys(x) : []));
  for (const name of keys(o.params, `${field}.params`)) {
    const f = `${field}.params.${name}`;
    const p = object((o.params as Record<string, unknown>)[name], f, ['value', 'unit', 'min']);
    if (p.value !== undefined) finite(p.value, `${f}.value`);
    if (p.min !== undefined) finite(p.min, `${f}.min`);
    if (p.unit === undefined) throw new SpecError(`${f}.unit`, 'is required (e.g. "ms", "mV", "w" for the weight\'s units, "1" for none)');
    str(p.unit, `${f}.unit`);
  }
  if (o.derived !== undefined) for (const name of keys(o.derived, `${field}.derived`)) str((o.derived as Record<string, unknown>)[name], `${field}.derived.${name}`);
  if (o.traces !== undefined) {
    for (const name of keys(o.traces, `${field}.traces`)) {
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
