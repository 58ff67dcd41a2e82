/**
 * The rules a spec can name, of either network kind: its own (`rules`, shape-checked, then compiled on
 * first use) and the built-in ones. Every rule the spec defines is compiled, used or not, so an error in
 * one is reported whether a projection names it or not; compile errors become SpecErrors naming the field.
 */
import { SpecError } from '../errors.ts';
import { ModelError } from '../models/check.ts';
import { finite, isObj, object, str } from './checks.ts';

export interface RuleTableOf<C> {
  /** The compiled rule called `name` (field: where the name was given, for errors). */
  get(name: string, field: string): C;
  /** Whether `name` is one of the spec's own rules. */
  isUser(name: string): boolean;
}

export function ruleTableOf<S, C>(raw: unknown, builtins: Record<string, S>, checkShape: (v: unknown, field: string) => void,
  compile: (name: string, def: S, field: string) => C): RuleTableOf<C> {
  if (raw !== undefined && !isObj(raw)) throw new SpecError('rules', 'expected an object of rule definitions');
  const user = (raw ?? {}) as Record<string, unknown>;
  const compiled = new Map<string, C>();
  const table: RuleTableOf<C> = {
    isUser: (name) => Object.hasOwn(user, name),
    get(name, field) {
      const known = compiled.get(name);
      if (known) return known;
      const own = Object.hasOwn(user, name);
      if (own) checkShape(user[name], `rules.${name}`);
      const def = (own ? user[name] : Object.hasOwn(builtins, name) ? builtins[name] : undefined) as S | undefined;
      if (!def) throw new SpecError(field, `unknown rule "${name}" (built in: ${Object.keys(builtins).join(', ')}${Object.keys(user).length ? `; defined: ${Object.keys(user).join(', ')}` : ''})`);
      try {
        const rule = compile(name, def, own ? `rules.${name}` : `rule ${name}`);
        compiled.set(name, rule);
        return rule;
      } catch (e) {
        if (e instanceof ModelError) throw new SpecError(e.field, e.message);
        throw e;
      }
    },
  };
  for (const name of Object.keys(user)) table.get(name, `rules.${name}`);
  return table;
}

/** The keys of a raw object (a SpecError naming `f` when it is not one). */
export const keysOf = (x: unknown, f: string): string[] => Object.keys(object(x, f, isObj(x) ? Object.keys(x) : []));

/**
 * The parts every rule declares the same way, whatever its kind: an optional description, its params
 * ({ value?, unit, min? } each; `paramsHint` says what an empty or missing list means) and its derived
 * parameters (expressions as strings). `o` is the rule's raw object, `field` where it is.
 */
export function checkRuleCommon(o: Record<string, unknown>, field: string, paramsHint: string, unitHint: string): void {
  if (o.description !== undefined) str(o.description, `${field}.description`);
  if (o.params === undefined) throw new SpecError(`${field}.params`, `is required (${paramsHint})`);
  for (const name of keysOf(o.params, `${field}.params`)) {
    const f = `${field}.params.${name}`;
    const p = object((o.params as Record<string, unknown>)[name], f, ['value', 'unit', 'min']);
    if (p.value !== undefined) finite(p.value, `${f}.value`);
    if (p.min !== undefined) finite(p.min, `${f}.min`);
    if (p.unit === undefined) throw new SpecError(`${f}.unit`, `is required (${unitHint})`);
    str(p.unit, `${f}.unit`);
  }
  if (o.derived !== undefined) for (const name of keysOf(o.derived, `${field}.derived`)) str((o.derived as Record<string, unknown>)[name], `${field}.derived.${name}`);
}

