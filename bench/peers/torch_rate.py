#!/usr/bin/env python3
"""PyTorch peer baseline for Lamina's dense rate-network step.

Measures, in float32 (TF32 disabled, matmul precision 'highest'):

    x <- x + (dt/tau) * (-x + W @ tanh(x) + I),   dt = 0.1, tau = 10

for N in --sizes and B in --batches (B independent instances). x is stored as
(N, B) so W @ tanh(x) is one GEMM (B > 1) or one GEMV (B == 1, x is (N,)).
W is (N, N) randn/sqrt(N); I is a constant drive. The step is three in-place
kernels, no allocation: r = tanh(x) (out=r); x = (1-a) x + a W r (addmm_/addmv_);
x += a I, with a = dt/tau.

Modes: 'eager' (Python loop of K steps) and 'graph' (one CUDA graph capturing K
steps, replayed; CUDA only). Each repeat runs K steps and is timed to GPU
completion (CUDA events + synchronize; perf_counter on CPU); warm-up excluded.
Reports us/step median, min, max, IQR over R repeats, GFLOP/s (2*N*N*B per step)
and weight-streaming GB/s (4*N*N bytes per step), both from the median.

Run on a CUDA machine (from the repository root):
    python3 bench/peers/torch_rate.py --json bench/peers/torch_rate.json
    python3 bench/peers/torch_rate.py --check
Quick CPU smoke test:
    python3 bench/peers/torch_rate.py --device cpu --sizes 256,512 --batches 1,4 \
        --repeats 3 --steps-per-repeat 10 --json /tmp/t.json
"""
import argparse
import datetime
import json
import platform
import statistics
import sys
import time

import torch

DT, TAU = 0.1, 10.0
A = DT / TAU


def make_state(n, b, device, dtype, seed=0):
    g = torch.Generator(device="cpu").manual_seed(seed)
    w = (torch.randn(n, n, generator=g, dtype=torch.float64) / n ** 0.5)
    shape = (n,) if b == 1 else (n, b)
    x = torch.randn(*shape, generator=g, dtype=torch.float64) * 0.5
    i = torch.full(shape, 0.1, dtype=torch.float64)
    to = dict(device=device, dtype=dtype)
    return w.to(**to).contiguous(), x.to(**to).contiguous(), (A * i).to(**to).contiguous()


def make_step(w, x, a_i):
    """Return a closure doing one in-place step on x (buffers preallocated)."""
    r = torch.empty_like(x)
    if x.dim() == 1:
        def step():
            torch.tanh(x, out=r)
            x.addmv_(w, r, beta=1.0 - A, alpha=A)   # (1-a) x + a W r
            x.add_(a_i)                             # + a I
    else:
        def step():
            torch.tanh(x, out=r)
            x.addmm_(w, r, beta=1.0 - A, alpha=A)
            x.add_(a_i)
    return step


def reference_steps(w, x, i_drive, steps):
    """Plain out-of-place formula, for --check."""
    x = x.clone()
    for _ in range(steps):
        x = x + (DT / TAU) * (-x + w @ torch.tanh(x) + i_drive)
    return x


def check(device):
    n, b, steps = 256, 3, 10
    w64, x64, ai64 = make_state(n, b, device, torch.float64)
    w32, x32, ai32 = make_state(n, b, device, torch.float32)
    ref = reference_steps(w64, x64, ai64 / A, steps)
    for _ in range(steps):
        make_step(w64, x64, ai64)()
    s32 = make_step(w32, x32, ai32)
    for _ in range(steps):
        s32()
    d_impl = (x64 - ref).abs().max().item()
    d_prec = (x32.double() - x64).abs().max().item()
    print(f"check on {device}: N={n} B={b} steps={steps}  "
          f"|fused64 - reference64|={d_impl:.3e}  |fp32 - fp64|={d_prec:.3e}")
    ok = d_impl < 1e-10 and d_prec < 1e-4
    print("CHECK PASSED" if ok else "CHECK FAILED")
    return ok


def time_repeats(run_k, device, repeats, warmup=3):
    for _ in range(warmup):
        run_k()
    cuda = device.type == "cuda"
    if cuda:
        torch.cuda.synchronize()
    out = []
    for _ in range(repeats):
        if cuda:
            e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            e0.record()
            run_k()
            e1.record()
            torch.cuda.synchronize()
            out.append(e0.elapsed_time(e1) * 1e3)  # ms -> us
        else:
            t0 = time.perf_counter()
            run_k()
            out.append((time.perf_counter() - t0) * 1e6)
    return out


def bench_one(mode, n, b, k, repeats, device):
    w, x, a_i = make_state(n, b, device, torch.float32)
    step = make_step(w, x, a_i)
    if mode == "eager":
        def run_k():
            for _ in range(k):
                step()
    else:
        s = torch.cuda.Stream()
        s.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(s):
            for _ in range(3):
                step()
        torch.cuda.current_stream().wait_stream(s)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            for _ in range(k):
                step()
        run_k = graph.replay
    per_step = sorted(t / k for t in time_repeats(run_k, device, repeats))
    med = statistics.median(per_step)
    if len(per_step) >= 2:
        q = statistics.quantiles(per_step, n=4, method="inclusive")
        iqr = q[2] - q[0]
    else:
        iqr = 0.0
    if not torch.isfinite(x).all():
        raise RuntimeError(f"non-finite state in {mode} N={n} B={b}")
    return {"mode": mode, "N": n, "B": b, "us_per_step_median": med,
            "us_per_step_min": per_step[0], "us_per_step_max": per_step[-1],
            "us_per_step_iqr": iqr, "gflops": 2.0 * n * n * b / med / 1e3,
            "weight_GBps": 4.0 * n * n / med / 1e3,
            "steps_per_repeat": k, "repeats": repeats}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="1024,4096,8192")
    p.add_argument("--batches", default="1,64")
    p.add_argument("--steps-per-repeat", type=int, default=100)
    p.add_argument("--repeats", type=int, default=15)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--modes", default="eager,graph")
    p.add_argument("--json", metavar="PATH")
    p.add_argument("--check", action="store_true", help="fp32 vs fp64 sanity check, then exit")
    args = p.parse_args()

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    torch.set_grad_enabled(False)
    device = torch.device(args.device)

    if args.check:
        sys.exit(0 if check(device) else 1)

    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if device.type != "cuda" and "graph" in modes:
        print("note: 'graph' mode needs CUDA; skipped on", device.type)
        modes = [m for m in modes if m != "graph"]
    sizes = [int(s) for s in args.sizes.split(",")]
    batches = [int(s) for s in args.batches.split(",")]
    dev_name = (torch.cuda.get_device_name(device) if device.type == "cuda"
                else platform.processor() or platform.machine())
    print(f"pytorch {torch.__version__} on {dev_name}  K={args.steps_per_repeat} R={args.repeats}")
    hdr = f"{'mode':>6} {'N':>6} {'B':>4} {'med us':>10} {'min':>10} {'max':>10} {'IQR':>9} {'GFLOP/s':>9} {'W GB/s':>9}"
    print(hdr)
    print("-" * len(hdr))
    results = []
    for mode in modes:
        for n in sizes:
            for b in batches:
                r = bench_one(mode, n, b, args.steps_per_repeat, args.repeats, device)
                results.append(r)
                print(f"{mode:>6} {n:>6} {b:>4} {r['us_per_step_median']:>10.2f} "
                      f"{r['us_per_step_min']:>10.2f} {r['us_per_step_max']:>10.2f} "
                      f"{r['us_per_step_iqr']:>9.2f} {r['gflops']:>9.1f} {r['weight_GBps']:>9.1f}",
                      flush=True)
    if args.json:
        doc = {"peer": "pytorch", "torch_version": torch.__version__, "device_name": dev_name,
               "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
               "command": " ".join(sys.argv), "results": results}
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=2)
        print("wrote", args.json)


if __name__ == "__main__":
    main()
