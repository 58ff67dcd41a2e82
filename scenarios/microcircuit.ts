/**
 * Potjans & Diesmann (2014) cortical microcircuit from scenarios/data/potjans2014.json (a copy of
 * ../shared/models/potjans2014.json): 8 populations of iaf_psc_exp neurons, 77,169 neurons and about
 * 0.3 billion synapses at full scale, fixed-total-number connectivity, normal weights and delays,
 * Poisson or DC background.
 *
 * --scale s (0.05 to 1) scales neuron numbers and in-degrees by s (synapse counts by s^2) with the usual
 * compensation (as NEST's microcircuit example): weights / sqrt(s), external in-degrees * s, and a DC
 * input per population that restores the mean input the full-scale network would receive at its
 * reference rates: I_DC = tau_syn 1e-3 (1 - sqrt(s)) (sum_src w K rate + w_ext K_ext bg_rate) [pA].
 * --procedural regenerates the synapses at every spike instead of storing them (needed at full scale
 * where the largest projections exceed a storage binding); weights and delays then follow the bounded
 * approximately-normal law of procedural projections (engine/spec/spiking.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import model from './data/potjans2014.json';
import { readNpy } from '../engine/node/npy-files.ts';
import { spikeStatistics } from '../engine/analysis/spikes.ts';
import { rasterSvg } from '../engine/plot/raster.ts';
import type { SpikingSpec, SpikingProjectionSpec, SpikingInputSpec } from '../engine/spec/spiking.ts';
import type { Check, ScenarioOptions, ScenarioResult, SpikingScenario, SpikingScenarioRun } from './scenario.ts';
import { SpecError } from '../engine/errors.ts';

/**
 * Reference rates of the full-scale model with Poisson background [Hz], from NEST's PyNEST microcircuit
 * example (network_params.py, 'full_mean_rates'), used for the scaling compensation and for comparison.
 */
export const REFERENCE_RATES_HZ = [0.971, 2.868, 4.746, 5.396, 8.142, 9.078, 0.991, 7.523];

function build(opts: ScenarioOptions): SpikingScenarioRun {
  const scale = opts.scale ?? 0.05;
  if (!(scale >= 0.05 && scale <= 1)) throw new SpecError('--scale', `must be in [0.05, 1], got ${scale}`);
  const background = opts.background ?? 'poisson';
  const dt = opts.dt ?? model.dt_ms;
  const steps = opts.steps ?? Math.round(1200 / dt);
  const names = model.populations;
  const Nfull = model.num_neurons;
  const N = Nfull.map((n) => Math.max(1, Math.round(n * scale)));
  const w0 = model.weights.psc_e_pA;
  const tauSyn = model.neuron.tau_syn_ms;
  const sqrtK = Math.sqrt(scale);
  const isExc = (k: number) => names[k].endsWith('E');
  // Full-scale synapse counts and in-degrees.
  const Ktotal = model.conn_probs.map((row, t) => row.map((p, s) => (p > 0 ? Math.round(Math.log(1 - p) / Math.log(1 - 1 / (Nfull[s] * Nfull[t]))) : 0)));
  const meanW = (t: number, s: number) => (isExc(s) ? w0 * (names[s] === 'L4E' && names[t] === 'L23E' ? model.weights.L4E_to_L23E_factor : 1) : model.weights.g * w0);
  const projections: SpikingProjectionSpec[] = [];
  names.forEach((target, t) => names.forEach((source, s) => {
    const n = Math.round(Ktotal[t][s] * scale * scale);
    if (n === 0) return;
    const w = meanW(t, s) / sqrtK;
    const exc = isExc(s);
    const dMean = exc ? model.delays.excitatory_mean_ms : model.delays.inhibitory_mean_ms;
    projections.push({
      name: `${source}->${target}`, from: source, to: target, port: exc ? 'exc' : 'inh',
      connectivity: { type: 'fixed-total', n, procedural: opts.procedural === true },
      weight: { normal: [w, Math.abs(w) * model.weights.relative_sd] }, sign: exc ? 'excitatory' : 'inhibitory',
      delay: { normal: [dMean, dMean * model.delays.relative_sd] },
    });
  }));
  const inputs: SpikingInputSpec[] = [];
  names.forEach((name, t) => {
    const kExt = model.k_ext[t];
    let recurrent = 0;
    names.forEach((_, s) => { recurrent += meanW(t, s) * (Ktotal[t][s] / Nfull[t]) * REFERENCE_RATES_HZ[s]; });
    const external = w0 * kExt * model.bg_rate_hz;
    let dc = 1e-3 * tauSyn * (1 - sqrtK) * (recurrent + (background === 'poisson' ? external : 0));
    if (background === 'poisson') {
      inputs.push({ name: `bg_${name}`, target: name, type: 'poisson', rate: kExt * scale * model.bg_rate_hz, weight: w0 / sqrtK, port: 'exc' });
    } else {
      dc += 1e-3 * tauSyn * external;
    }
    if (dc !== 0) inputs.push({ name: `dc_${name}`, target: name, type: 'dc', amplitude: dc });
  });
  const nm = model.neuron;
  const spec: SpikingSpec = {
    dt, seed: opts.seed ?? 1,
    populations: names.map((name, k) => ({
      name, size: N[k], model: 'lif_psc_exp',
      params: { C_m: nm.C_m_pF, tau_m: nm.tau_m_ms, tau_syn_exc: tauSyn, tau_syn_inh: tauSyn, t_ref: nm.t_ref_ms, E_L: nm.E_L_mV, V_th: nm.V_th_mV, V_reset: nm.V_reset_mV },
      init: { V: { normal: [model.initial_V_mV.mean[k], model.initial_V_mV.sd[k]] } },
    })),
    projections, inputs,
    record: names.map((name) => ({ name: `spikes_${name}`, population: name, what: 'spikes' })),
  };
  return { spec, steps, batch: opts.batch ?? 1, params: { scale, background, procedural: opts.procedural === true, neurons: N, transientMs: 200 } };
}

/** Synchrony: variance / mean of the population spike count in 3 ms bins (Potjans & Diesmann 2014). */
function synchrony(spikes: Int32Array, b: number, fromStep: number, toStep: number, binSteps: number): number {
  const bins = new Float64Array(Math.floor((toStep - fromStep) / binSteps));
  for (let k = 0; k < spikes.length; k += 3) {
    if (spikes[k + 1] !== b) continue;
    const bin = Math.floor((spikes[k] - fromStep) / binSteps);
    if (bin >= 0 && bin < bins.length) bins[bin]++;
  }
  const mean = bins.reduce((a, x) => a + x, 0) / bins.length;
  const variance = bins.reduce((a, x) => a + (x - mean) ** 2, 0) / bins.length;
  return mean > 0 ? variance / mean : NaN;
}

function analyze(run: SpikingScenarioRun, dir: string): ScenarioResult {
  const dt = run.spec.dt;
  const from = Math.min(Math.round((run.params.transientMs as number) / dt), Math.floor(run.steps / 2));
  const names = model.populations;
  const sizes = run.params.neurons as number[];
  const spikes = names.map((n) => readNpy(readFileSync(join(dir, `spikes_${n}.npy`))).data as Int32Array);
  const rows = names.map((name, k) => {
    const st = spikeStatistics([{ spikes: spikes[k], size: sizes[k], offset: 0 }], 0, from, run.steps, dt);
    return {
      population: name, neurons: sizes[k], mean_rate_hz: st.meanRateHz, reference_rate_hz: REFERENCE_RATES_HZ[k],
      rate_ratio: st.meanRateHz / REFERENCE_RATES_HZ[k], mean_cv_isi: st.meanCv, neurons_with_cv: st.neuronsWithCv,
      synchrony: synchrony(spikes[k], 0, from, run.steps, Math.round(3 / dt)),
    };
  });
  const checks: Check[] = [
    { name: 'every population fires', pass: rows.every((r) => r.mean_rate_hz > 0), detail: rows.map((r) => `${r.population} ${r.mean_rate_hz.toFixed(2)} Hz`).join(', ') },
    {
      name: 'every rate within a factor of 2 of the full-scale reference', pass: rows.every((r) => r.rate_ratio >= 0.5 && r.rate_ratio <= 2),
      detail: rows.map((r) => `${r.population} x${r.rate_ratio.toFixed(2)}`).join(', '),
    },
  ];
  const colours = ['#1f5fa8', '#c0392b'];
  return {
    summary: { scenario: 'microcircuit', scale: run.params.scale, background: run.params.background, window_ms: [from * dt, run.steps * dt], populations_stats: rows, checks, pass: checks.every((c) => c.pass) },
    arrays: {},
    figures: {
      'raster.svg': rasterSvg(names.map((n, k) => ({ name: n, spikes: spikes[k], size: sizes[k], colour: colours[k % 2] })), 0, dt,
        { fromStep: from, steps: Math.min(run.steps - from, Math.round(100 / dt)), neurons: Math.min(2000, sizes.reduce((a, x) => a + x, 0)) },
        `Potjans & Diesmann (2014) microcircuit, scale ${run.params.scale}`),
    },
  };
}

export const microcircuit: SpikingScenario = {
  kind: 'spiking',
  name: 'microcircuit',
  description: 'Potjans & Diesmann (2014) cortical microcircuit (--scale 0.05 to 1, --background poisson|dc): rates, CV of ISI, synchrony, raster.',
  build,
  analyze,
};
