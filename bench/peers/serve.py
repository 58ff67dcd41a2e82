"""A peer's side of an interleaved benchmark (bench/issue11/paired.ts): the peer is built once, then
answers one JSON line per line read from stdin ("STEPS"): the wall seconds of that many more steps, and
what the caller checks against Lamina (spikes, the state's norm). Line one of stdout is {"ready": ...}."""
import json
import sys
import time


def serve(info, run_steps):
    """info: what the peer reports once (version, sizes); run_steps(n) advances n steps and returns a dict."""
    print(json.dumps(dict(ready=True, **info)), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        n = int(line)
        t0 = time.perf_counter()
        extra = run_steps(n)
        wall = time.perf_counter() - t0
        print(json.dumps(dict(steps=n, wall_s=wall, **extra)), flush=True)
