/**
 * Built-in learning rules of spiking projections, defined as data exactly as a user would
 * (engine/models/rule.ts). Weights are in the units of the target port ("w" below: pA for the current
 * ports of lif_psc_exp). Pair-based STDP with all-to-all pairing through exponential traces: x (of the
 * presynaptic neuron, tauPlus) and y (of the postsynaptic one, tauMinus), each jumping by 1 at its
 * neuron's spike. The spec's `plasticity: { rule: 'stdp', variant: 'multiplicative', ... }` resolves to
 * 'stdp-multiplicative' (engine/plan/rules.ts). A modulator given to an STDP rule gates it: M multiplies
 * every change (M = 1 without one).
 */
import type { RuleSpec } from './rule.ts';
import type { RateRuleSpec } from './rate-rule.ts';

const STDP_PARAMS: RuleSpec['params'] = {
  aPlus: { unit: 'w' },
  aMinus: { unit: 'w' },
  tauPlus: { value: 20, unit: 'ms' },
  tauMinus: { value: 20, unit: 'ms' },
  wMin: { value: 0, unit: 'w' },
  wMax: { unit: 'w' },
  eta: { value: 1, unit: '1' },
};

const STDP_TRACES: RuleSpec['traces'] = {
  x: { side: 'pre', tau: 'tauPlus', onSpike: 'x + 1' },
  y: { side: 'post', tau: 'tauMinus', onSpike: 'y + 1' },
};

const STDP_DERIVED = { cPlus: 'eta * aPlus', cMinus: 'eta * aMinus' };

/** Additive STDP (hard bounds): dw = -eta aMinus y at a presynaptic spike, +eta aPlus x at a postsynaptic one. */
export const STDP: RuleSpec = {
  params: STDP_PARAMS, derived: STDP_DERIVED, traces: STDP_TRACES,
  onPre: 'w = w - cMinus * y * M;',
  onPost: 'w = w + cPlus * x * M;',
};

/** Multiplicative STDP (soft bounds): the changes scale with the distance to the bound they approach (aPlus, aMinus dimensionless). */
export const STDP_MULTIPLICATIVE: RuleSpec = {
  params: { ...STDP_PARAMS, aPlus: { unit: '1' }, aMinus: { unit: '1' } }, derived: STDP_DERIVED, traces: STDP_TRACES,
  onPre: 'w = w - cMinus * y * (w - wMin) * M;',
  onPost: 'w = w + cPlus * x * (wMax - w) * M;',
};

/**
 * Three-factor STDP: the STDP changes go into an eligibility e per synapse (decaying with
 * tauEligibility) instead of w; in every step where the modulator D is not zero in some instance,
 * w += dt * eta * D * e.
 */
export const THREE_FACTOR: RuleSpec = {
  params: { ...STDP_PARAMS, tauEligibility: { unit: 'ms' } },
  derived: { ...STDP_DERIVED, kElig: 'dt * eta' },
  traces: STDP_TRACES,
  eligibility: { tau: 'tauEligibility' },
  onPre: 'e = e - cMinus * y;',
  onPost: 'e = e + cPlus * x;',
  modulated: 'w = w + kElig * M * e;',
};

/** Three-factor STDP with the multiplicative (soft-bound) changes. */
export const THREE_FACTOR_MULTIPLICATIVE: RuleSpec = {
  ...THREE_FACTOR,
  params: { ...THREE_FACTOR.params, aPlus: { unit: '1' }, aMinus: { unit: '1' } },
  onPre: 'e = e - cMinus * y * (w - wMin);',
  onPost: 'e = e + cPlus * x * (wMax - w);',
};

export const BUILTIN_RULES: Record<string, RuleSpec> = {
  stdp: STDP,
  'stdp-multiplicative': STDP_MULTIPLICATIVE,
  'three-factor': THREE_FACTOR,
  'three-factor-multiplicative': THREE_FACTOR_MULTIPLICATIVE,
};

/*
 * Built-in learning rules of rate projections (engine/models/rate-rule.ts), applied every step after the
 * rate update; eta is the learning rate [1/ms] and M the projection's modulator (1 without one). Weight
 * bounds (wMin, wMax) are the projection's. `plasticity: { rule: 'three-factor', tauPostBaseline, ... }`
 * resolves to 'three-factor-centered' (engine/spec/rate-rules.ts).
 */

/** Hebbian with passive decay: dw = dt * (eta * M * r_i * r_j - decay * w), the decay scaled by neither eta nor M. */
export const RATE_HEBBIAN: RateRuleSpec = {
  params: { eta: { unit: '1/ms' }, decay: { value: 0, unit: '1/ms', min: 0 } },
  update: 'w = w + dt * (eta * M * (r_post * r_pre) - decay * w);',
};

/** Oja's rule: dw = dt * eta * M * r_i * (r_j - r_i * w) (finds the principal component of the input). */
export const RATE_OJA: RateRuleSpec = {
  params: { eta: { unit: '1/ms' } },
  update: 'w = w + dt * (eta * M * (r_post * (r_pre - r_post * w)));',
};

/** Three-factor: e <- e * exp(-dt / tauEligibility) + dt * r_i * r_j;  dw = dt * eta * M * e. */
export const RATE_THREE_FACTOR: RateRuleSpec = {
  params: { eta: { unit: '1/ms' }, tauEligibility: { unit: 'ms', min: 0 } },
  derived: { eDecay: 'exp(-dt / tauEligibility)' },
  eligibility: true,
  needsModulator: true,
  update: 'e = eDecay * e + dt * (r_post * r_pre); w = w + dt * (eta * M * e);',
};

/**
 * Three-factor with a centred postsynaptic rate: the coincidence uses r_i - rbar_i, rbar_i a running
 * average of r_i (rbar <- rbar + (1 - exp(-dt / tauPostBaseline)) (r_i - rbar), from 0, after its use), so
 * that the eligibility follows fluctuations of the postsynaptic rate (node perturbation).
 */
export const RATE_THREE_FACTOR_CENTERED: RateRuleSpec = {
  params: { ...RATE_THREE_FACTOR.params, tauPostBaseline: { unit: 'ms', min: 0 } },
  derived: { ...RATE_THREE_FACTOR.derived, kMean: '1 - exp(-dt / tauPostBaseline)' },
  eligibility: true,
  needsModulator: true,
  post: { rbar: { init: 0, unit: '1' } },
  update: 'let c = r_post - rbar; e = eDecay * e + dt * (c * r_pre); w = w + dt * (eta * M * e);',
  postUpdate: 'rbar = rbar + kMean * (r_post - rbar);',
};

export const BUILTIN_RATE_RULES: Record<string, RateRuleSpec> = {
  hebbian: RATE_HEBBIAN,
  oja: RATE_OJA,
  'three-factor': RATE_THREE_FACTOR,
  'three-factor-centered': RATE_THREE_FACTOR_CENTERED,
};
