/**
 * The Brunel scenario's neuron (scenarios/brunel-network.ts, NEST's iaf_psc_delta with g on the
 * inhibitory port) against a float64 closed form of NEST's update (models/iaf_psc_delta.h, E_L = 0):
 * per step V <- V e^{-dt/tau_m} + (sum of arriving excitatory weights) - g (sum of inhibitory ones) when
 * not refractory; V >= V_th fires and sets V = V_reset; for t_ref / dt steps after a spike V stays at
 * V_reset and arriving input is dropped (refractory_input = false). Given spikes drive three neurons:
 * a free decay, jumps on both ports, and a spike with input arriving during and just after the
 * refractory period. The GPU run also equals the CPU twin bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { SpikingSimulation } from '../../engine/run/spiking-simulation.ts';
import { SpikingReference } from '../../engine/reference/spiking.ts';
import { MemorySink } from '../../engine/record/recorders.ts';
import type { SpikingSpec } from '../../engine/spec/spiking.ts';
import { IAF_PSC_DELTA_G } from '../../scenarios/brunel-network.ts';
import { TOLERANCE } from '../tolerances.ts';
import { withoutValidationErrors } from '../gpu-helpers.ts';

const dt = 0.1, tau = 20, Vth = 20, Vr = 10, g = 4.5, steps = 60;
// [step, neuron, weight] on each port: neuron 1 gets jumps up and down; neuron 2 a jump to threshold at
// step 10 (spike, V = V_r, refractory for steps 11..30), input at 15 and 30 (dropped) and at 31 (kept).
const exc: [number, number, number][] = [[5, 1, 0.5], [12, 1, 0.5], [12, 1, 0.25], [10, 2, 25], [15, 2, 3], [30, 2, 3], [31, 2, 2]];
const inh: [number, number, number][] = [[20, 1, 0.5], [20, 2, 1], [40, 1, 0.25]];

function spec(): SpikingSpec {
  const train = (name: string, port: string, list: [number, number, number][], weight: number) => ({
    name, target: 'N', type: 'spikes' as const, port, weight,
    times: list.filter((x) => x[2] === weight).map((x) => x[0] * dt), neurons: list.filter((x) => x[2] === weight).map((x) => x[1]),
  });
  const weights = (list: [number, number, number][]) => [...new Set(list.map((x) => x[2]))];
  return {
    dt, seed: 3,
    models: { delta: IAF_PSC_DELTA_G },
    populations: [{ name: 'N', size: 3, model: 'delta', params: { g }, init: { V: 15 } }],
    inputs: [
      ...weights(exc).map((w, k) => train(`exc${k}`, 'exc', exc, w)),
      ...weights(inh).map((w, k) => train(`inh${k}`, 'inh', inh, w)),
    ],
    record: [{ name: 'V', population: 'N', what: 'V' }, { name: 'spikes', population: 'N', what: 'spikes' }],
  };
}

/** NEST's iaf_psc_delta update in float64: V after each step, and the spike steps. */
function closedForm(neuron: number): { V: number[]; spikes: number[] } {
  const P = Math.exp(-dt / tau), refSteps = Math.ceil(2 / dt - 1e-9);
  let V = 15, r = 0;
  const out: number[] = [], spikes: number[] = [];
  for (let s = 0; s < steps; s++) {
    const input = exc.filter((x) => x[0] === s && x[1] === neuron).reduce((a, x) => a + x[2], 0)
      - g * inh.filter((x) => x[0] === s && x[1] === neuron).reduce((a, x) => a + x[2], 0);
    if (r === 0) {
      V = V * P + input;
      if (V >= Vth) { V = Vr; r = refSteps; spikes.push(s); }
    } else {
      r--;
    }
    out.push(V);
  }
  return { V: out, spikes };
}

describe('iaf_psc_delta with g (Brunel model A neuron) against NEST\'s update', () => {
  it('free decay, jumps on both ports, refractory clamp and drop equal the closed form; GPU = CPU twin', async () => {
    const { sink, spikes, state, plan } = await withoutValidationErrors(async () => {
      const sim = await SpikingSimulation.create(spec());
      const sink = new MemorySink();
      const spikes: [number, number][] = [];
      await sim.run(steps, { sink, onSpikes: (_r, s, _b, n) => { for (let k = 0; k < s.length; k++) spikes.push([s[k], n[k]]); } });
      const { state } = await sim.read();
      sim.destroy();
      return { sink, spikes, state, plan: sim.plan };
    });
    const rows = sink.data.get('V')!;
    expect(rows.rows).toBe(steps);
    for (let n = 0; n < 3; n++) {
      const exact = closedForm(n);
      for (let s = 0; s < steps; s++) {
        const v = rows.values[s * 3 + n];
        expect(Math.abs(v - exact.V[s]) / (1 + Math.abs(exact.V[s])), `neuron ${n}, step ${s}: ${v} vs ${exact.V[s]}`).toBeLessThan(TOLERANCE.closed_form_rel);
      }
      expect(spikes.filter((x) => x[1] === n).map((x) => x[0]), `spikes of neuron ${n}`).toEqual(exact.spikes);
    }
    // The cases the closed form covers happened: neuron 2 fired once at step 10 and sat at V_r through step 30,
    // the inputs at 15 and 30 left no trace and the one at 31 was added to the decayed reset value.
    expect(spikes).toEqual([[10, 2]]);
    for (let s = 10; s <= 30; s++) expect(rows.values[s * 3 + 2]).toBe(Vr);
    expect(rows.values[31 * 3 + 2]).toBeCloseTo(Vr * Math.exp(-dt / tau) + 2, 5);
    // Neuron 1: the inhibitory jump at step 20 is -g x 0.5 = -2.25 mV.
    expect(rows.values[20 * 3 + 1] - rows.values[19 * 3 + 1] * Math.exp(-dt / tau)).toBeCloseTo(-g * 0.5, 5);
    const ref = new SpikingReference(plan);
    for (let s = 0; s < steps; s++) ref.advance();
    expect(Buffer.from(state.buffer).equals(Buffer.from(ref.state.buffer))).toBe(true);
  });
});
