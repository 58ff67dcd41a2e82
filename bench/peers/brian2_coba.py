#!/usr/bin/env python3
"""Brette et al. (2007) benchmark 1 (COBA) in Brian2, as Lamina's scenarios/coba.ts runs it.

4000 LIF neurons (3200 excitatory), connection probability 0.02, conductance-based exponential synapses
(conductances in units of the leak conductance), a constant 20 mV drive, forward Euler at dt = 0.1 ms,
5 ms refractory period, initial V uniform in [V_r, V_t]. Prints (and writes with --json) the mean rate,
the mean coefficient of variation of inter-spike intervals (neurons with >= 3 spikes) and wall times.

  /usr/bin/python3 bench/peers/brian2_coba.py [--duration 1.0] [--target cython|numpy] [--seed 1] [--json out.json]
      [--network DIR] [--drives 18,19.5,...]

With --network DIR the network is not drawn here but loaded from Lamina's COBA output
(`lamina run coba --out DIR`): synapses_exc.npy and synapses_inh.npy (rows: pre, post over neurons
0..3999, excitatory first) and v0.npy (initial V in mV, one row per Lamina instance), so both simulators
run the same network; --instances K runs the first K rows of v0 one after the other and reports each
and their mean.

With --drives a,b,... (mV) the script is a sweep loop, as a Brian2 user would write one: one point per
drive value (the constant drive I), each a new network (start_scope, connectivity drawn anew with seed
--seed + k) run for --duration, one after the other in this process; it reports each point's rate and the
loop's total wall time (network builds and runs, code generation cached after the first point).
"""
import argparse
import json
import platform
import sys
import time

import numpy as np
import brian2 as b2
from brian2 import ms, mV, second


def run(duration_s, target, seed, warm, network=None, instance=0, drive_mv=None, serve_steps=False):
    b2.start_scope()
    b2.prefs.codegen.target = target
    b2.defaultclock.dt = 0.1 * ms
    b2.seed(seed)
    taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
    Vt, Vr, El = -50 * mV, -60 * mV, -60 * mV
    Erev_exc, Erev_inh = 0 * mV, -80 * mV
    I = 20 * mV
    we, wi = 0.6, 6.7
    eqs = '''
    dv/dt = (ge*(Erev_exc-v) + gi*(Erev_inh-v) - (v-El) + I)*(1./taum) : volt (unless refractory)
    dge/dt = -ge/taue : 1
    dgi/dt = -gi/taui : 1
    '''
    # A swept drive is a shared variable, not a constant: constants are compiled into the code, so each
    # new value would generate and compile it again.
    if drive_mv is not None:
        eqs += 'I : volt (shared, constant)\n'
    t0 = time.perf_counter()
    P = b2.NeuronGroup(4000, eqs, threshold='v>Vt', reset='v = Vr', refractory=5 * ms, method='euler',
                       namespace=dict(taum=taum, taue=taue, taui=taui, Vt=Vt, Vr=Vr, El=El,
                                      Erev_exc=Erev_exc, Erev_inh=Erev_inh, **({} if drive_mv is not None else dict(I=I))))
    if drive_mv is not None:
        P.I = drive_mv * mV
    P.ge = 0
    P.gi = 0
    Ce = b2.Synapses(P, P, on_pre='ge += we', namespace=dict(we=we))
    Ci = b2.Synapses(P, P, on_pre='gi += wi', namespace=dict(wi=wi))
    if network:
        exc = np.load(f'{network}/synapses_exc.npy')
        inh = np.load(f'{network}/synapses_inh.npy')
        Ce.connect(i=exc[:, 0], j=exc[:, 1])
        Ci.connect(i=inh[:, 0], j=inh[:, 1])
        P.v = np.atleast_2d(np.load(f'{network}/v0.npy'))[instance].astype(np.float64) * mV
    else:
        P.v = 'Vr + rand() * (Vt - Vr)'
        Ce.connect('i<3200', p=0.02)
        Ci.connect('i>=3200', p=0.02)
    mon = b2.SpikeMonitor(P)
    net = b2.Network(P, Ce, Ci, mon)
    build = time.perf_counter() - t0
    if serve_steps:
        net.run(10 * ms)

        def steps(n):
            before = mon.num_spikes
            net.run(n * b2.defaultclock.dt)
            return dict(spikes=int(mon.num_spikes - before))
        from serve import serve
        serve(dict(peer='brian2', brian2_version=b2.__version__, target=target, build_s=build, synapses=int(len(Ce) + len(Ci))), steps)
        return None
    if warm:
        net.run(10 * ms)  # compiles and caches the code; excluded from the timing below
        mon_count_before = mon.num_spikes
    else:
        mon_count_before = 0
    t1 = time.perf_counter()
    net.run(duration_s * second)
    wall = time.perf_counter() - t1
    t = np.asarray(mon.t / second)
    i = np.asarray(mon.i)
    t0_run = (0.01 if warm else 0.0)
    keep = t >= t0_run
    t, i = t[keep], i[keep]
    rate = len(t) / 4000 / duration_s
    cvs = []
    order = np.lexsort((t, i))
    t, i = t[order], i[order]
    bounds = np.searchsorted(i, np.arange(4001))
    for n in range(4000):
        s = t[bounds[n]:bounds[n + 1]]
        if len(s) >= 3:
            isi = np.diff(s)
            cvs.append(isi.std() / isi.mean())
    return dict(mean_rate_hz=rate, mean_cv_isi=float(np.mean(cvs)) if cvs else None, neurons_with_cv=len(cvs),
                spikes=int(len(t)), synapses=int(len(Ce) + len(Ci)), build_s=build, run_wall_s=wall,
                wall_s_per_bio_s=wall / duration_s, skipped_spikes_in_warmup=int(mon_count_before))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--duration', type=float, default=1.0, help='biological seconds (default 1)')
    ap.add_argument('--target', default='cython', choices=['cython', 'numpy'])
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--no-warm', action='store_true', help='do not run a short warm-up first')
    ap.add_argument('--json')
    ap.add_argument('--network', help="directory of Lamina's COBA output to take the network from")
    ap.add_argument('--instances', type=int, default=1, help='with --network: how many rows of v0.npy to run')
    ap.add_argument('--drives', help='comma-separated drives in mV: a sweep loop, one point per value')
    ap.add_argument('--serve', action='store_true', help='with --network: answer "STEPS" lines on stdin (bench/peers/serve.py)')
    a = ap.parse_args()
    if a.serve:
        if not a.network:
            sys.exit('--serve needs --network')
        run(0, a.target, a.seed, True, a.network, serve_steps=True)
        return
    if a.drives:
        t0 = time.perf_counter()
        drives = [float(x) for x in a.drives.split(',')]
        points = [dict(drive_mv=d, **run(a.duration, a.target, a.seed + k, False, drive_mv=d)) for k, d in enumerate(drives)]
        total = time.perf_counter() - t0
        out = dict(peer='brian2', brian2_version=b2.__version__, target=a.target, duration_s=a.duration, seed=a.seed,
                   points=len(drives), loop_wall_s=total, points_per_s=len(drives) / total,
                   mean_rate_hz=[p['mean_rate_hz'] for p in points], build_s=[p['build_s'] for p in points],
                   run_wall_s=[p['run_wall_s'] for p in points],
                   machine=platform.processor() or platform.machine(), date=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
                   command=' '.join(sys.argv))
        print(json.dumps(out, indent=1))
        if a.json:
            with open(a.json, 'w') as f:
                json.dump(out, f, indent=1)
        return
    runs = [run(a.duration, a.target, a.seed + k, not a.no_warm, a.network, k) for k in range(a.instances)]
    res = dict(runs[0])
    if a.instances > 1:
        res = dict(instances=runs, mean_rate_hz=float(np.mean([r['mean_rate_hz'] for r in runs])),
                   mean_cv_isi=float(np.mean([r['mean_cv_isi'] for r in runs])),
                   wall_s_per_bio_s=float(np.mean([r['wall_s_per_bio_s'] for r in runs])))
    out = dict(peer='brian2', brian2_version=b2.__version__, target=a.target, duration_s=a.duration, seed=a.seed, network=a.network,
               machine=platform.processor() or platform.machine(), date=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
               command=' '.join(sys.argv), **res)
    print(json.dumps(out, indent=1))
    if a.json:
        with open(a.json, 'w') as f:
            json.dump(out, f, indent=1)


if __name__ == '__main__':
    main()
