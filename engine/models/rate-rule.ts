/**
 * Learning rules of rate projections as data: rate rules act on rates every step rather than on spikes,
 * so a rule is one block of code, `update`, run for every synapse (b, i, j) after the step's rate update,
 * with optional per-synapse eligibility and per-postsynaptic-unit variables (e.g. a running average of
 * the postsynaptic rate, or BCM's sliding threshold) updated once per unit and step by `postUpdate`.
 * Parameters (with units, per instance), derived parameters (float64 on the host) and the code language
 * are those of spiking rules (rule.ts, expr.ts); one AST compiles to the WGSL spliced into
 * shaders/plasticity.wgsl (engine/codegen/rate-plasticity.ts) and to the float32 twin
 * (engine/reference/rate-plasticity.ts). Built-in rules: builtin-rules.ts.
 *
 * Names `update` reads: parameters, derived parameters, `dt` [ms], `r_pre` and `r_post` (the presynaptic
 * and postsynaptic rates r(x) at the end of the step), `w`, `e` (when the rule has an eligibility; it
 * starts at 0), `M` (the projection's modulator this step, 1 without one) and the post variables (their
 * value at the start of the step); it assigns w and e. `postUpdate` reads the same but w, e and r_pre, and
 * assigns post variables; it runs after every synapse of the unit has read them. Weight bounds are the
 * projection's (wMin, wMax, optional): the engine clips w after `update`.
 */
import { parseProgram } from './expr.ts';
import { ModelError } from './check.ts';
import { compileCode, compileParams, parse, type RuleBlock, type RuleParams, type RuleSpec } from './rule.ts';

export interface RateRuleSpec {
  /** What the rule does (not used by the engine). */
  description?: string;
  /** Parameters: a default value (omit it to make the parameter required), a unit, optionally a smallest value. */
  params: RuleSpec['params'];
  /** Derived parameters: expressions in params and dt, evaluated on the host in float64 per instance. */
  derived?: Record<string, string>;
  /** Whether the rule keeps an eligibility e per synapse (from 0). */
  eligibility?: boolean;
  /** Per-postsynaptic-unit variables: initial value and unit. */
  post?: Record<string, {
    /** Initial value, in `unit`. */
    init: number;
    /** Unit, e.g. "ms", "mV", "1" for none. */
    unit: string;
  }>;
  /** Statements run once per postsynaptic unit and step: assign the post variables. */
  postUpdate?: string;
  /** Statements run every step for every synapse: assign w (and e). */
  update: string;
  /** The rule needs a modulator (a three-factor rule): a projection without one is an error. */
  needsModulator?: boolean;
}

export interface CompiledRateRule extends RuleParams {
  name: string;
  eligibility: boolean;
  post: { name: string; init: number }[];
  needsModulator: boolean;
  /** Whether update or postUpdate reads M. */
  readsModulator: boolean;
  update: RuleBlock;
  postUpdate?: RuleBlock;
}

/** Names of the engine's; wMin, wMax, rule and modulator are keys of a projection's plasticity. */
const RESERVED = ['dt', 'w', 'e', 'M', 'r_pre', 'r_post', 'wMin', 'wMax', 'rule', 'modulator'];

export function compileRateRule(name: string, spec: RateRuleSpec, field = `rules.${name}`): CompiledRateRule {
  const postNames = Object.keys(spec.post ?? {});
  const params = compileParams(spec, field, [...postNames, ...RESERVED]);
  const names = { paramNames: params.paramNames, derivedNames: params.derivedNames };
  if (postNames.length > 0 && spec.postUpdate === undefined) throw new ModelError(`${field}.postUpdate`, 'post variables need a postUpdate (what changes them)');
  if (postNames.length === 0 && spec.postUpdate !== undefined) throw new ModelError(`${field}.post`, 'a postUpdate needs post variables to assign');
  const common = [...params.paramNames, ...params.derivedNames, 'dt', 'M', 'r_post', ...postNames];
  const synapse = new Set(['w', ...(spec.eligibility ? ['e'] : [])]);
  const update = compileCode(parse(`${field}.update`, () => parseProgram(spec.update)), `${field}.update`,
    new Set([...common, 'r_pre', ...synapse]), synapse, names, new Set(), false);
  if (!update.assigns.has('w')) throw new ModelError(`${field}.update`, 'must assign w');
  const postUpdate = spec.postUpdate === undefined ? undefined
    : compileCode(parse(`${field}.postUpdate`, () => parseProgram(spec.postUpdate!)), `${field}.postUpdate`, new Set(common), new Set(postNames), names, new Set(), false);
  return {
    name, ...params, eligibility: spec.eligibility === true,
    post: Object.entries(spec.post ?? {}).map(([n, v]) => ({ name: n, init: v.init })),
    needsModulator: spec.needsModulator === true,
    readsModulator: update.reads.has('M') || postUpdate?.reads.has('M') === true,
    update, postUpdate,
  };
}
