/**
 * The rule language without a GPU: built-in rules compile from their definitions, the twin rounds every
 * operation, the generated WGSL reads a spiking neuron's own traces before its spike and the other
 * side's after, and a spec's rule that is malformed fails with a SpecError naming the field; the same for
 * rate rules.
 */
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../engine/errors.ts';
import { BUILTIN_RATE_RULES, BUILTIN_RULES } from '../../engine/models/builtin-rules.ts';
import { compileRule, type RuleSpec } from '../../engine/models/rule.ts';
import { plasticWgsl } from '../../engine/codegen/spiking.ts';
import { plasticGroups } from '../../engine/plan/plastic-groups.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import type { PlasticitySpec, SpikingSpec } from '../../engine/spec/spiking.ts';
import { plasticSpec } from '../spiking-specs.ts';
import { compileRateRule } from '../../engine/models/rate-rule.ts';
import { compile } from '../../engine/plan/rate.ts';
import { validateSpec } from '../../engine/spec/validate-rate.ts';

const TRIPLET: RuleSpec = {
  params: {
    A2plus: { value: 5e-10, unit: 'w' }, A3plus: { value: 6.2e-3, unit: 'w' }, A2minus: { value: 7e-3, unit: 'w' },
    tauPlus: { value: 16.8, unit: 'ms' }, tauMinus: { value: 33.7, unit: 'ms' }, tauY: { value: 125, unit: 'ms' },
    wMin: { value: 0, unit: 'w' }, wMax: { value: 5, unit: 'w' },
  },
  traces: { r1: { side: 'pre', tau: 'tauPlus' }, o1: { side: 'post', tau: 'tauMinus' }, o2: { side: 'post', tau: 'tauY' } },
  onPre: 'w = w - A2minus * o1;',
  onPost: 'w = w + r1 * (A2plus + A3plus * o2);',
};

/** Two populations and one plastic projection with the spec's rule "r" (a copy of `rule`). */
function spec(rule: unknown = TRIPLET, plasticity: Record<string, unknown> = { rule: 'r' }): SpikingSpec {
  return {
    dt: 0.1,
    rules: { r: structuredClone(rule) as RuleSpec },
    populations: [{ name: 'A', size: 2, model: 'lif_psc_exp' }, { name: 'B', size: 3, model: 'lif_psc_exp' }],
    projections: [{ name: 'AB', from: 'A', to: 'B', port: 'exc', connectivity: { type: 'explicit', pre: [0, 1, 1], post: [0, 1, 2] }, weight: 1, plasticity: plasticity as PlasticitySpec }],
  };
}

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof SpecError) return `${e.field} | ${e.message.slice(e.field.length + 2)}`;
    throw e;
  }
  throw new Error('no SpecError');
}

describe('rules as data', () => {
  it('every built-in rule compiles; three-factor rules keep an eligibility and a modulated part', () => {
    for (const [name, r] of Object.entries(BUILTIN_RULES)) {
      const c = compileRule(name, r);
      expect(c.traces.map((t) => `${t.side}:${t.name}`)).toEqual(['pre:x', 'post:y']);
      expect(c.blocks.modulated !== undefined).toBe(name.startsWith('three-factor'));
      expect(c.eligibilityTau !== undefined).toBe(name.startsWith('three-factor'));
    }
  });

  it('the twin rounds every operation in float32 and clips w to the bounds', () => {
    const c = compileRule('triplet', TRIPLET);
    const f = Math.fround;
    const p = { A2plus: f(5e-10), A3plus: f(6.2e-3), A2minus: f(7e-3), wMin: 0, wMax: 5, dt: f(0.1) };
    const v = { w: f(1.3), r1: f(0.7), o1: f(1.9), o2: f(2.6), M: 1 };
    c.blocks.onPost!.js(v, p);
    expect(v.w).toBe(f(f(1.3) + f(f(0.7) * f(p.A2plus + f(p.A3plus * f(2.6))))));
    v.w = f(0.001);
    c.blocks.onPre!.js(v, p);
    expect(v.w).toBe(0);
    expect(c.traces[0].js(f(0.25), p)).toBe(1.25);
  });

  it('derived parameters are float64 host values; the built-in STDP gives eta * aPlus', () => {
    const c = compileRule('stdp', BUILTIN_RULES.stdp);
    expect(c.derive({ eta: 0.3, aPlus: 0.7, aMinus: 0.1 }, 0.1).cPlus).toBe(0.3 * 0.7);
  });

  it('spike code reads the spiking neuron\'s own traces before its spike and the other side\'s with it', () => {
    const { plan } = compileSpiking(spec());
    const post = plasticWgsl(plan, plasticGroups(plan.plastic, 1, Infinity)[0].members, 'plastic-post');
    expect(post).toMatch(/let t_o2 = trace_before\(/);
    expect(post).toMatch(/let t_r1 = trace_at\(/);
    expect(post).not.toMatch(/t_o1/);
    const pre = plasticWgsl(plan, plasticGroups(plan.plastic, 1, Infinity)[0].members, 'plastic-pre');
    expect(pre).toMatch(/let t_o1 = trace_at\(/);
    // Products that feed a sum are kept from FMA contraction; assignments to w are clipped.
    expect(pre).toMatch(/s_w = clamp\(\(s_w - keep\(\(p_A2minus \* t_o1\)\)\), p_wMin, p_wMax\);/);
    expect(plan.plastic[0].traceWords).toBe(3 * (2 + 3 + 3));
  });

  it('parameters: the spec\'s values, the rule\'s defaults, per instance where not shared', () => {
    const s = spec(TRIPLET, { rule: 'r', A3plus: 0.01 });
    s.batch = { size: 2, params: { 'projections.AB.A2minus': [0.5, 0.25] } };
    const p = compileSpiking(s).plan.plastic[0];
    const width = 8;
    expect(p.params[1]).toBe(Math.fround(0.01));
    expect([p.params[2], p.params[width + 2]]).toEqual([0.5, 0.25]);
    expect(p.traceTables.map((t) => t[1])).toEqual([16.8, 33.7, 125].map((tau) => Math.fround(Math.exp(-0.1 / tau))));
  });
});

describe('rule errors name the field', () => {
  const cases: [string, () => SpikingSpec, string, RegExp][] = [
    ['an unknown rule', () => spec(TRIPLET, { rule: 'bcm' }), 'projections[0].plasticity.rule', /unknown rule "bcm" \(built in: stdp/],
    ['an unknown name in code', () => spec({ ...TRIPLET, onPre: 'w = w - A2minus * o3;' }), 'rules.r.onPre', /unknown name "o3"/],
    ['a syntax error', () => spec({ ...TRIPLET, onPost: 'w = w + ;' }), 'rules.r.onPost', /unexpected/],
    ['a parameter without a unit', () => spec({ ...TRIPLET, params: { ...TRIPLET.params, A3plus: { value: 1 } } }), 'rules.r.params.A3plus.unit', /is required/],
    ['a unit that is not a string', () => spec({ ...TRIPLET, params: { ...TRIPLET.params, A3plus: { value: 1, unit: 3 } } }), 'rules.r.params.A3plus.unit', /expected a non-empty string/],
    ['a value that is not a number', () => spec({ ...TRIPLET, params: { ...TRIPLET.params, A3plus: { value: '1', unit: 'w' } } }), 'rules.r.params.A3plus.value', /finite number/],
    ['a time constant not in ms', () => spec({ ...TRIPLET, params: { ...TRIPLET.params, tauY: { value: 125, unit: 's' } } }), 'rules.r.traces.o2.tau', /unit must be "ms"/],
    ['a trace whose tau is not a parameter', () => spec({ ...TRIPLET, traces: { ...TRIPLET.traces, o2: { side: 'post', tau: 'tau_y' } } }), 'rules.r.traces.o2.tau', /"tau_y" is not a parameter/],
    ['a trace side', () => spec({ ...TRIPLET, traces: { ...TRIPLET.traces, o2: { side: 'soma', tau: 'tauY' } } }), 'rules.r.traces.o2.side', /pre \| post/],
    ['an unknown field of a rule', () => spec({ ...TRIPLET, onSpike: 'w = 1;' }), 'rules.r.onSpike', /unknown field/],
    ['a rule without bounds', () => spec({ ...TRIPLET, params: Object.fromEntries(Object.entries(TRIPLET.params).filter(([k]) => k !== 'wMax')) }), 'rules.r.params', /wMin and wMax/],
    ['an assignment to a trace', () => spec({ ...TRIPLET, onPre: 'o1 = 0;' }), 'rules.r.onPre', /cannot assign "o1"/],
    ['a let that shadows', () => spec({ ...TRIPLET, onPre: 'let w = 1;' }), 'rules.r.onPre', /shadows/],
    ['e without an eligibility', () => spec({ ...TRIPLET, onPre: 'w = w + e;' }), 'rules.r.onPre', /unknown name "e"/],
    ['a modulated part without an eligibility', () => spec({ ...TRIPLET, modulated: 'w = w * M;' }), 'rules.r.eligibility', /needs an eligibility/],
    ['an eligibility without a modulated part', () => spec({ ...TRIPLET, eligibility: { tau: 'tauY' } }), 'rules.r.modulated', /needs a modulated part/],
    ['a trace read by the modulated part', () => spec({ ...TRIPLET, eligibility: { tau: 'tauY' }, modulated: 'w = w + M * e * r1;' }), 'rules.r.modulated', /unknown name "r1"/],
    ['a state variable the model lacks', () => spec({ ...TRIPLET, onPre: 'w = w - A2minus * o1 * post_U;' }), 'projections[0].plasticity.rule', /reads post_U, but model lif_psc_exp .* has no state variable "U"/],
    ['a required parameter left out', () => spec({ ...TRIPLET, params: { ...TRIPLET.params, wMax: { unit: 'w' } } }), 'projections[0].plasticity.wMax', /is required/],
    ['an unknown parameter', () => spec(TRIPLET, { rule: 'r', A4plus: 1 }), 'projections[0].plasticity.A4plus', /unknown field \(allowed: rule, variant, modulator, A2plus/],
    ['a parameter of the wrong type', () => spec(TRIPLET, { rule: 'r', A3plus: 'big' }), 'projections[0].plasticity.A3plus', /finite number/],
    ['a variant of a rule of the spec', () => spec(TRIPLET, { rule: 'r', variant: 'multiplicative' }), 'projections[0].plasticity.variant', /only for the built-in rules/],
    ['a modulator for a rule that does not read M', () => ({ ...spec(), modulators: [{ name: 'da', type: 'host' }], projections: [{ ...spec().projections![0], plasticity: { rule: 'r', modulator: 'da' } }] }), 'projections[0].plasticity.modulator', /does not read M/],
    ['a shared parameter per instance', () => ({ ...spec(), batch: { size: 2, params: { 'projections.AB.tauY': [100, 125] } } }), 'batch.params.projections.AB.tauY', /shared by all instances/],
    ['rules that are not an object', () => ({ ...spec(), rules: [] as unknown as SpikingSpec['rules'] }), 'rules', /expected an object/],
    ['a derived parameter that is not finite', () => spec({ ...TRIPLET, derived: { k: 'A3plus / (tauY - 125)' } }), 'projections[0].plasticity (rules.r.derived.k)', /evaluates to Infinity/],
  ];
  for (const [name, make, field, message] of cases) {
    it(`rejects ${name}`, () => {
      const got = fieldOf(() => compileSpiking(make()));
      expect(got.split(' | ')[0]).toBe(field);
      expect(got).toMatch(message);
    });
  }

  it('the legacy syntax keeps its messages', () => {
    const s = plasticSpec();
    s.projections![1].plasticity = { rule: 'stdp', variant: 'multiplicative', aPlus: 0.05, aMinus: 0.06, wMin: 10, wMax: 200, tauEligibility: 3 };
    expect(fieldOf(() => compileSpiking(s))).toMatch(/^projections\[1\]\.plasticity\.tauEligibility \| unknown field/);
    s.projections![1].plasticity = { rule: 'stdp', aPlus: 0.05, aMinus: 0.06, wMax: 200, tauPlus: -1 };
    expect(fieldOf(() => compileSpiking(s))).toMatch(/^projections\[1\]\.plasticity\.tauPlus \| must be > 0/);
    s.projections![1].plasticity = { rule: 'stdp', variant: 'soft' as 'additive', aPlus: 0.05, aMinus: 0.06, wMax: 200 };
    expect(fieldOf(() => compileSpiking(s))).toMatch(/^projections\[1\]\.plasticity\.variant \| expected one of additive \| multiplicative/);
  });
});

describe('rate rules as data', () => {
  const BCM = {
    params: { eta: { unit: '1/ms' }, tauTheta: { value: 20, unit: 'ms', min: 0 } },
    derived: { kTheta: '1 - exp(-dt / tauTheta)' },
    post: { theta: { init: 0.05, unit: '1' } },
    update: 'w = w + dt * (eta * M * (r_post * (r_post - theta) * r_pre));',
    postUpdate: 'theta = theta + kTheta * (r_post * r_post - theta);',
  };
  const rateSpec = (rule: unknown = BCM, plasticity: Record<string, unknown> = { rule: 'bcm', eta: 0.1 }) => ({
    dt: 0.5,
    rules: { bcm: structuredClone(rule) },
    populations: [{ name: 'E', size: 4, tau: 10, activation: 'tanh' }],
    modulators: [{ name: 'da', type: 'host' }],
    projections: [{ name: 'EE', from: 'E', to: 'E', weights: { type: 'dense', values: Array(16).fill(0.1) }, plasticity }],
  });
  const rateField = (s: unknown) => fieldOf(() => compile(validateSpec(s)));

  it('built-in rules compute what the hand-written twins did (same operations, same order)', () => {
    const f = Math.fround;
    const hebb = compileRateRule('hebbian', BUILTIN_RATE_RULES.hebbian);
    const p = { eta: f(0.01), decay: f(0.005), dt: f(0.5) }, v = { w: f(0.3), r_pre: f(0.7), r_post: f(-0.2), M: f(1.5) };
    const a = f(p.eta * v.M);
    const expected = f(v.w + f(p.dt * f(f(a * f(v.r_post * v.r_pre)) - f(p.decay * v.w))));
    hebb.update.js(v, p);
    expect(v.w).toBe(expected);
    const centered = compileRateRule('three-factor-centered', BUILTIN_RATE_RULES['three-factor-centered']);
    expect(centered.post.map((x) => x.name)).toEqual(['rbar']);
    expect(centered.needsModulator).toBe(true);
  });

  it('plans per-instance parameters, derived values and post variables from their initial value', () => {
    const s = rateSpec();
    (s as Record<string, unknown>).batch = { size: 2, params: { 'projections.EE.tauTheta': [10, 40] } };
    const p = compile(validateSpec(s)).projections[0].plastic!;
    expect(p.rule).toBe('bcm');
    expect(Array.from(p.params)).toEqual([0.1, 10, 1 - Math.exp(-0.5 / 10), 0.1, 40, 1 - Math.exp(-0.5 / 40)].map(Math.fround));
    expect(p.postBase).toEqual([0]);
    expect(Array.from(p.state)).toEqual(Array(16).fill(Math.fround(0.05)));
    // The legacy three-factor with tauPostBaseline resolves to the centred rule.
    const t = rateSpec(BCM, { rule: 'three-factor', eta: 0.1, tauEligibility: 20, tauPostBaseline: 5, modulator: 'da' });
    expect(compile(validateSpec(t)).projections[0].plastic!.rule).toBe('three-factor-centered');
  });

  const cases: [string, () => unknown, string, RegExp][] = [
    ['an unknown rule', () => rateSpec(BCM, { rule: 'stdp', eta: 1 }), 'projections[0].plasticity.rule', /unknown rule "stdp" \(built in: hebbian, oja/],
    ['an update that leaves w alone', () => rateSpec({ ...BCM, update: 'let x = r_pre;' }), 'rules.bcm.update', /must assign w/],
    ['post variables without a postUpdate', () => rateSpec({ ...BCM, postUpdate: undefined }), 'rules.bcm.postUpdate', /need a postUpdate/],
    ['a postUpdate reading the presynaptic rate', () => rateSpec({ ...BCM, postUpdate: 'theta = r_pre;' }), 'rules.bcm.postUpdate', /unknown name "r_pre"/],
    ['a parameter named like a plasticity key', () => rateSpec({ ...BCM, params: { ...BCM.params, wMax: { unit: '1' } } }), 'rules.bcm', /"wMax" is defined twice/],
    ['a rule without update', () => rateSpec({ ...BCM, update: undefined }), 'rules.bcm.update', /is required/],
    ['an eligibility that is not a boolean', () => rateSpec({ ...BCM, eligibility: 'yes' }), 'rules.bcm.eligibility', /true or false/],
    ['a post variable without an initial value', () => rateSpec({ ...BCM, post: { theta: { unit: '1' } } }), 'rules.bcm.post.theta.init', /finite number/],
    ['a value below its min', () => rateSpec(BCM, { rule: 'bcm', eta: 0.1, tauTheta: -1 }), 'projections[0].plasticity.tauTheta', /must be >= 0/],
    ['a required parameter left out', () => rateSpec(BCM, { rule: 'bcm' }), 'projections[0].plasticity.eta', /required for rule "bcm"/],
    ['a parameter of another rule', () => rateSpec(BCM, { rule: 'bcm', eta: 0.1, decay: 0.1 }), 'projections[0].plasticity.decay', /unknown field/],
    ['tauPostBaseline with a rule of the spec', () => rateSpec(BCM, { rule: 'bcm', eta: 0.1, tauPostBaseline: 5 }), 'projections[0].plasticity.tauPostBaseline', /unknown field/],
    ['a modulator for a rule that does not read M', () => rateSpec({ ...BCM, update: 'w = w + dt * eta * r_pre;' }, { rule: 'bcm', eta: 0.1, modulator: 'da' }), 'projections[0].plasticity.modulator', /does not read M/],
    ['an unused rule that does not compile', () => ({ ...rateSpec(), rules: { bcm: BCM, broken: { ...BCM, update: 'w = w +' } } }), 'rules.broken.update', /unexpected end/],
    ['a per-instance value of a parameter the rule lacks', () => ({ ...rateSpec(), batch: { size: 2, params: { 'projections.EE.decay': [1, 2] } } }), 'batch.params.projections.EE.decay', /unknown field/],
  ];
  for (const [name, make, field, message] of cases) {
    it(`rejects ${name}`, () => {
      const got = rateField(make());
      expect(got.split(' | ')[0]).toBe(field);
      expect(got).toMatch(message);
    });
  }
});
