#!/usr/bin/env python3
"""Brian2 peer of Lamina's 1,000-neuron benchmark network (bench/networks.ts, smallNetwork): the same model,
in-degree and drive, spikes recorded.

1000 current-based LIF neurons as Lamina's lif_psc_exp (NEST's iaf_psc_exp: C_m 250 pF, tau_m 10 ms,
exponential synaptic currents with tau 0.5 ms, t_ref 2 ms, E_L = V_reset = -65 mV, V_th = -50 mV,
integrated exactly), initial V uniform in [-65, -50] mV; recurrent excitation with fixed in-degree 100
(each neuron draws 100 presynaptic partners uniformly, multapses allowed), 10 pA, delay 1.5 ms; an
independent 15 kHz Poisson train of 87.8 pA into every neuron (as 1,500 trains of 10 Hz: see build). dt = 0.1 ms, cython target. The synapses
are drawn here (numpy, --seed), not read from Lamina: the same statistics, not the same draws.

  /usr/bin/python3 bench/peers/brian2_small.py [--steps 10000] [--target cython] [--json out.json]
  /usr/bin/python3 bench/peers/brian2_small.py --serve     (lines "STEPS" on stdin, bench/peers/serve.py)
"""
import argparse
import json
import sys
import time

import numpy as np
import brian2 as b2
from brian2 import ms, mV, pA, pF, Hz

N, K = 1000, 100


def build(target, seed):
    b2.start_scope()
    b2.prefs.codegen.target = target
    b2.defaultclock.dt = 0.1 * ms
    b2.seed(seed)
    ns = dict(C_m=250 * pF, tau_m=10 * ms, tau_syn=0.5 * ms, E_L=-65 * mV, V_th=-50 * mV, V_reset=-65 * mV)
    eqs = '''
    dV/dt = -(V - E_L) / tau_m + (I_exc + I_inh) / C_m : volt (unless refractory)
    dI_exc/dt = -I_exc / tau_syn : amp
    dI_inh/dt = -I_inh / tau_syn : amp
    '''
    P = b2.NeuronGroup(N, eqs, threshold='V >= V_th', reset='V = V_reset', refractory=2 * ms, method='exact', namespace=ns)
    rng = np.random.default_rng(seed)
    P.V = rng.uniform(-65, -50, N) * mV
    S = b2.Synapses(P, P, on_pre='I_exc += 10*pA', delay=1.5 * ms)
    S.connect(i=rng.integers(0, N, N * K), j=np.repeat(np.arange(N), K))
    # 15 kHz as 1500 trains of 10 Hz: PoissonInput draws a binomial count per step (n = 1500, p = 0.001,
    # mean 1.5, variance 1.4985), where one train of 15 kHz (p = rate x dt = 1.5) could give at most one.
    bg = b2.PoissonInput(P, 'I_exc', 1500, 10 * Hz, weight=87.8 * pA)
    mon = b2.SpikeMonitor(P)
    net = b2.Network(P, S, bg, mon)
    net.run(10 * ms)  # compiles and caches the code; not timed
    return net, mon


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--steps', type=int, default=10000)
    ap.add_argument('--target', default='cython', choices=['cython', 'numpy'])
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--json')
    ap.add_argument('--serve', action='store_true')
    a = ap.parse_args()
    net, mon = build(a.target, a.seed)

    def steps(n):
        before = mon.num_spikes
        net.run(n * b2.defaultclock.dt)
        return dict(spikes=int(mon.num_spikes - before))
    if a.serve:
        from serve import serve
        serve(dict(peer='brian2', brian2_version=b2.__version__, target=a.target, neurons=N, in_degree=K), steps)
        return
    t0 = time.perf_counter()
    s = steps(a.steps)
    wall = time.perf_counter() - t0
    out = dict(peer='brian2', brian2_version=b2.__version__, target=a.target, steps=a.steps, wall_s=wall,
               steps_per_s=a.steps / wall, mean_rate_hz=s['spikes'] / N / (a.steps * 1e-4), command=' '.join(sys.argv))
    print(json.dumps(out, indent=1))
    if a.json:
        with open(a.json, 'w') as f:
            json.dump(out, f, indent=1)


if __name__ == '__main__':
    main()
