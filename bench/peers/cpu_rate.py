#!/usr/bin/env python3
"""CPU peers of Lamina's dense rate step, float32: x <- x + dt/tau (-x + W tanh(x) + I), dt 0.1, tau 10,
W (N x N) Gaussian / sqrt(N), B instances (x is (N,) for B = 1, else (N, B)). numpy: tanh, one BLAS
matrix-vector (or matrix) product and three in-place vector operations, no allocation per step; torch
(CPU, if importable): the same step as bench/peers/torch_rate.py (tanh, addmv_/addmm_, add_).

  /usr/bin/python3 bench/peers/cpu_rate.py --lib numpy|torch --n 1024 --b 1 --serve
      (lines "STEPS" on stdin, bench/peers/serve.py; each answer carries the state's mean |x|)
  /usr/bin/python3 bench/peers/cpu_rate.py --lib numpy --check     (numpy float32 against a float64 formula)
"""
import argparse
import sys

import numpy as np

DT, TAU = 0.1, 10.0
A = DT / TAU


def numpy_peer(n, b, dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    shape = (n,) if b == 1 else (n, b)
    w = (rng.standard_normal((n, n)) / np.sqrt(n)).astype(dtype)
    x = (rng.standard_normal(shape) * 0.5).astype(dtype)
    i = np.full(shape, 0.1, dtype)
    r, y, a = np.empty_like(x), np.empty_like(x), dtype(A)

    def step():
        np.tanh(x, out=r)
        np.dot(w, r, out=y)
        np.subtract(y, x, out=y)
        np.add(y, i, out=y)
        np.multiply(y, a, out=y)
        np.add(x, y, out=x)
    return x, step, (w, i)


def torch_peer(n, b, seed=0):
    import torch
    torch.set_grad_enabled(False)
    g = torch.Generator().manual_seed(seed)
    shape = (n,) if b == 1 else (n, b)
    w = (torch.randn(n, n, generator=g) / n ** 0.5).contiguous()
    x = torch.randn(*shape, generator=g) * 0.5
    ai = torch.full(shape, A * 0.1)
    r = torch.empty_like(x)

    def step():
        torch.tanh(x, out=r)
        (x.addmv_ if b == 1 else x.addmm_)(w, r, beta=1.0 - A, alpha=A)
        x.add_(ai)
    return x, step, torch.__version__


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--lib', default='numpy', choices=['numpy', 'torch'])
    ap.add_argument('--n', type=int, default=1024)
    ap.add_argument('--b', type=int, default=1)
    ap.add_argument('--serve', action='store_true')
    ap.add_argument('--check', action='store_true')
    a = ap.parse_args()
    if a.check:
        x, step, (w, i) = numpy_peer(256, 3)
        ref = x.astype(np.float64)
        for _ in range(10):
            step()
            ref = ref + A * (-ref + w.astype(np.float64) @ np.tanh(ref) + i)
        d = float(np.abs(x - ref).max())
        print(f'numpy float32 against the float64 formula, 10 steps: max |diff| {d:.3e}')
        sys.exit(0 if d < 1e-4 else 1)
    if a.lib == 'numpy':
        x, step, _ = numpy_peer(a.n, a.b)
        info = dict(peer='numpy', version=np.__version__)
    else:
        x, step, version = torch_peer(a.n, a.b)
        info = dict(peer='torch-cpu', version=version)
    for _ in range(20):
        step()

    def steps(k):
        for _ in range(k):
            step()
        return dict(mean_abs_x=float(abs(x).mean()))
    from serve import serve
    serve(dict(info, N=a.n, B=a.b), steps)


if __name__ == '__main__':
    main()
