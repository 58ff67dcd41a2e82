/**
 * Learning rules named by spiking projections: a spec's own (`rules: { NAME: RuleSpec }`, checked here
 * field by field before its code is compiled) or a built-in one (engine/models/builtin-rules.ts), which
 * a spec's rule of the same name shadows, as with neuron models. Each rule is compiled once per spec.
 */
import { SpecError } from '../errors.ts';
import { BUILTIN_RULES } from '../models/builtin-rules.ts';
import { ModelError } from '../models/neuron.ts';
import { compileRule, RULE_BLOCKS, type CompiledRule, type RuleSpec } from '../models/rule.ts';
import { finite, isObj, object, oneOf, str } from '../spec/checks.ts';

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

export interface RuleTable {
  /** The compiled rule called `name` (field: where the name was given, for errors). */
  get(name: string, field: string): CompiledRule;
  /** Whether `name` is one of the spec's own rules. */
  isUser(name: string): boolean;
}

/** The rules a spec can name: its `rules` (raw, validated here) and the built-in ones. */
export function ruleTable(raw: unknown): RuleTable {
  if (raw !== undefined && !isObj(raw)) throw new SpecError('rules', 'expected an object of rule definitions');
  const user = (raw ?? {}) as Record<string, unknown>;
  const compiled = new Map<string, CompiledRule>();
  const table: RuleTable = {
    isUser: (name) => Object.hasOwn(user, name),
    get(name, field) {
      const known = compiled.get(name);
      if (known) return known;
      const own = Object.hasOwn(user, name);
      if (own) checkRuleShape(user[name], `rules.${name}`);
      const def = (own ? user[name] : Object.hasOwn(BUILTIN_RULES, name) ? BUILTIN_RULES[name] : undefined) as RuleSpec | undefined;
      if (!def) {
        throw new SpecError(field, `unknown rule "${name}" (built in: ${Object.keys(BUILTIN_RULES).join(', ')}${Object.keys(user).length ? `; defined: ${Object.keys(user).join(', ')}` : ''})`);
      }
      try {
        const rule = compileRule(name, def, own ? `rules.${name}` : `rule ${name}`);
        compiled.set(name, rule);
        return rule;
      } catch (e) {
        if (e instanceof ModelError) throw new SpecError(e.field, e.message);
        throw e;
      }
    },
  };
  // Every rule of the spec is checked, used or not.
  for (const name of Object.keys(user)) table.get(name, `rules.${name}`);
  return table;
}
