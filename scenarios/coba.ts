/**
 * Brette et al. (2007) benchmark 1 (COBA), as Brian2 runs it (bench/peers/brian2_coba.py): 4000 LIF
 * neurons (3200 excitatory, 800 inhibitory), connection probability 0.02, conductance-based exponential
 * synapses in units of the leak conductance (w_e = 0.6, w_i = 6.7), tau_m 20 ms, tau_e 5 ms, tau_i 10 ms,
 * E_e 0 mV, E_i -80 mV, E_L -60 mV, V_t -50 mV, V_r -60 mV, 5 ms refractory period, a constant 20 mV drive,
 * initial V uniform in [V_r, V_t], forward Euler at dt = 0.1 ms.
 *
 * The neuron model is written in the spec (models as data) to mirror Brian2's Euler step exactly:
 * a spike raises the target's conductance before the next update (Brian2's on_pre with no delay is our
 * one-step delay), then V, g_e and g_i advance together from the old values.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../engine/node/npy-files.ts';
import { spikeStatistics } from '../engine/analysis/spikes.ts';
import { rasterSvg } from '../engine/plot/raster.ts';
import type { SpikingSpec } from '../engine/spec/spiking.ts';
import type { SpikingPlan } from '../engine/plan/spiking.ts';
import type { NeuronModelSpec } from '../engine/models/neuron.ts';
import type { Check, ScenarioOptions, ScenarioResult, SpikingScenario, SpikingScenarioRun } from './scenario.ts';

export const COBA_MODEL: NeuronModelSpec = {
  params: {
    tau_m: { value: 20, unit: 'ms' }, tau_e: { value: 5, unit: 'ms' }, tau_i: { value: 10, unit: 'ms' },
    E_L: { value: -60, unit: 'mV' }, E_e: { value: 0, unit: 'mV' }, E_i: { value: -80, unit: 'mV' },
    // Brian2 clamps V for 49 steps after a spike when refractory = 5 ms at dt = 0.1 ms (it counts the
    // spike step); Lamina clamps for t_ref / dt steps (rounded up) after it (as NEST), hence 4.9 ms here.
    V_t: { value: -50, unit: 'mV' }, V_r: { value: -60, unit: 'mV' }, t_ref: { value: 4.9, unit: 'ms' },
    I_drive: { value: 20, unit: 'mV' },
  },
  derived: { h: 'dt / tau_m', h_e: 'dt / tau_e', h_i: 'dt / tau_i' },
  state: { V: { init: 'V_r', unit: 'mV' }, g_e: { init: 0, unit: '1' }, g_i: { init: 0, unit: '1' } },
  ports: ['exc', 'inh'],
  update: `
    let ge = g_e + in_exc;
    let gi = g_i + in_inh;
    V = refractory ? V : V + h * (ge * (E_e - V) + gi * (E_i - V) - (V - E_L) + I_drive);
    g_e = ge - h_e * ge;
    g_i = gi - h_i * gi;`,
  threshold: 'V > V_t',
  reset: 'V = V_r;',
  refractory: 't_ref',
};

export const COBA_DEFAULTS = { nExc: 3200, nInh: 800, p: 0.02, we: 0.6, wi: 6.7, durationMs: 1000, warmupMs: 10, dt: 0.1 };

function build(opts: ScenarioOptions): SpikingScenarioRun {
  const d = COBA_DEFAULTS;
  const dt = opts.dt ?? d.dt;
  const warmup = Math.round(d.warmupMs / dt);
  const steps = opts.steps ?? warmup + Math.round(d.durationMs / dt);
  const init = { V: { uniform: [-60, -50] as [number, number] } };
  const conn = { type: 'fixed-probability' as const, p: d.p };
  const spec: SpikingSpec = {
    dt, seed: opts.seed ?? 1,
    models: { coba: COBA_MODEL },
    populations: [{ name: 'E', size: d.nExc, model: 'coba', init }, { name: 'I', size: d.nInh, model: 'coba', init }],
    projections: [
      { name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity: conn, weight: d.we, delay: dt },
      { name: 'EI', from: 'E', to: 'I', port: 'exc', connectivity: conn, weight: d.we, delay: dt },
      { name: 'IE', from: 'I', to: 'E', port: 'inh', connectivity: conn, weight: d.wi, delay: dt },
      { name: 'II', from: 'I', to: 'I', port: 'inh', connectivity: conn, weight: d.wi, delay: dt },
    ],
    record: [{ name: 'spikes_E', population: 'E', what: 'spikes' }, { name: 'spikes_I', population: 'I', what: 'spikes' }],
  };
  return { spec, steps, batch: opts.batch ?? 1, params: { ...d, dt, steps, warmupSteps: warmup } };
}

/** The network as Brian2 can load it (bench/peers/brian2_coba.py --network): synapse lists and initial V. */
export function exportNetwork(plan: SpikingPlan): ScenarioResult['arrays'] {
  const pairs = (names: string[]) => {
    const rows: number[] = [];
    for (const proj of plan.projections.filter((p) => names.includes(p.name))) {
      const preOffset = proj.pre.name === 'E' ? 0 : COBA_DEFAULTS.nExc;
      const postOffset = proj.post.name === 'E' ? 0 : COBA_DEFAULTS.nExc;
      for (let j = 0; j < proj.pre.size; j++) {
        for (let k = proj.rowPtr[j]; k < proj.rowPtr[j + 1]; k++) rows.push(preOffset + j, postOffset + proj.postIdx[k]);
      }
    }
    return { data: Int32Array.from(rows), shape: [rows.length / 2, 2] };
  };
  // Initial V (state variable 0) of every instance: rows = instances, columns = neurons (E then I).
  const N = COBA_DEFAULTS.nExc + COBA_DEFAULTS.nInh, B = plan.batch;
  const v0 = new Float32Array(B * N);
  for (let b = 0; b < B; b++) {
    let n = 0;
    for (const pop of plan.pops) for (let i = 0; i < pop.size; i++) v0[b * N + n++] = plan.stateInit[pop.stateBase + b * pop.size + i];
  }
  return { synapses_exc: pairs(['EE', 'EI']), synapses_inh: pairs(['IE', 'II']), v0: { data: v0, shape: [B, N] } };
}

function analyze(run: SpikingScenarioRun, dir: string, plan: SpikingPlan): ScenarioResult {
  const warm = run.params.warmupSteps as number;
  const dt = run.spec.dt;
  const windowSteps = run.steps - warm;
  const E = readNpy(readFileSync(join(dir, 'spikes_E.npy'))).data as Int32Array;
  const I = readNpy(readFileSync(join(dir, 'spikes_I.npy'))).data as Int32Array;
  const nE = COBA_DEFAULTS.nExc, nI = COBA_DEFAULTS.nInh;
  const perInstance = [];
  for (let b = 0; b < run.batch; b++) {
    const st = spikeStatistics([{ spikes: E, size: nE, offset: 0 }, { spikes: I, size: nI, offset: nE }], b, warm, run.steps, dt);
    perInstance.push(st);
  }
  const all = perInstance[0];
  const checks: Check[] = [
    { name: 'network is active', pass: all.meanRateHz > 1, detail: `mean rate ${all.meanRateHz.toFixed(2)} Hz` },
    { name: 'enough neurons for the CV of ISIs', pass: all.neuronsWithCv > 1000, detail: `${all.neuronsWithCv} neurons with >= 3 spikes` },
  ];
  return {
    summary: {
      scenario: 'coba', window_ms: [warm * dt, run.steps * dt],
      instances: perInstance.map((s) => ({ mean_rate_hz: s.meanRateHz, mean_cv_isi: s.meanCv, neurons_with_cv: s.neuronsWithCv, spikes: s.spikes })),
      mean_rate_hz: all.meanRateHz, mean_cv_isi: all.meanCv, checks, pass: checks.every((c) => c.pass),
    },
    arrays: exportNetwork(plan),
    figures: { 'raster.svg': rasterSvg([{ name: 'E', spikes: E, size: nE, colour: '#1f5fa8' }, { name: 'I', spikes: I, size: nI, colour: '#c0392b' }], 0, dt, { fromStep: warm, steps: Math.min(windowSteps, Math.round(300 / dt)), neurons: 400 }, 'COBA (Brette et al. 2007, benchmark 1)') },
  };
}

export const coba: SpikingScenario = {
  kind: 'spiking',
  name: 'coba',
  description: 'Brette et al. (2007) COBA benchmark: 4000 conductance-based LIF neurons; rates and CV of ISIs (compare with bench/peers/brian2_coba.py).',
  build,
  analyze,
};
