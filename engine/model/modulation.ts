/**
 * The plasticity and neuromodulation part of a NetworkPlan: modulators (index, kind, parameters) and
 * the rule of each plastic projection. Float parameters are computed once on the host in float64 and
 * rounded once to float32; the GPU reads them from buffers and the CPU twin reads the same values.
 */
import type { PopPlan, TimePlan } from './compile.ts';
import type { PlasticityRule, PlasticitySpec } from './spec.ts';

/** Words of `modParams` per modulator: schedule [baseline, 0, 0, 0]; activity [offset, scale, alpha, 0]. */
export const MOD_WORDS = 4;

export const RULE_CODE: Record<PlasticityRule, number> = { hebbian: 0, oja: 1, 'three-factor': 2 };

export type ModulatorPlan = { name: string; index: number } & (
  /** value = baseline + amplitude_b * course(step); baseline in modParams. */
  | { kind: 'schedule'; ampParam: number; time: TimePlan }
  /** value = offset + scale * (R - b), b += alpha (R - b), R = sum_i profile_i r_i (rates at the start of the step). */
  | { kind: 'activity'; pop: PopPlan; profileOffset: number }
  /** value written by the host (Simulation.setModulator); init until then. */
  | { kind: 'host'; init: number });

export interface PlasticPlan {
  rule: PlasticityRule;
  /** Instance-table column of eta. */
  etaParam: number;
  /** Index of the gating modulator, or -1 (m = 1). */
  modulator: number;
  /** The rule_params buffer (float32): dt, decay, exp(-dt / tauEligibility), wMin, wMax, 1 - exp(-dt / tauPostBaseline). */
  params: Float32Array;
  /** Three-factor with tauPostBaseline: the coincidence uses r_i minus its running average. */
  centerPost: boolean;
  hasWMin: boolean;
  hasWMax: boolean;
}

export function plasticPlan(p: PlasticitySpec, dt: number, etaParam: number, modulator: number): PlasticPlan {
  const eligibilityDecay = p.tauEligibility === undefined ? 0 : Math.exp(-dt / p.tauEligibility);
  return {
    rule: p.rule, etaParam, modulator,
    params: Float32Array.of(dt, p.decay ?? 0, eligibilityDecay, p.wMin ?? 0, p.wMax ?? 0, p.tauPostBaseline === undefined ? 0 : 1 - Math.exp(-dt / p.tauPostBaseline)),
    centerPost: p.tauPostBaseline !== undefined,
    hasWMin: p.wMin !== undefined, hasWMax: p.wMax !== undefined,
  };
}
