#!/usr/bin/env python3
"""The PyTorch side of test/gpu/gated.test.ts: a seeded torch.nn.LSTM or torch.nn.GRU (CPU, float32),
its weights exported by scripts/torch-export.py, and its outputs on a seeded input sequence.

    python3 test/peers/torch_gated.py lstm|gru OUTDIR --input 3 --hidden 5 --steps 200 --batch 8 --seed 1

Writes to OUTDIR: weight_ih.npy, weight_hh.npy, bias_ih.npy, bias_hh.npy (the export), x.npy (steps,
batch, input: the input sequence, x[0] = 0: Lamina's input population starts at rate 0 and delivers
input sample t at step t + 1), h.npy (steps, batch, hidden: torch's output h_t), c.npy (steps, batch,
hidden: the LSTM's cell state c_t, from torch.nn.LSTM run one step at a time).
"""
import argparse
import importlib.util
import os

import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('torch_export', os.path.join(here, '..', '..', 'scripts', 'torch-export.py'))
torch_export = importlib.util.module_from_spec(spec)
spec.loader.exec_module(torch_export)

ap = argparse.ArgumentParser()
ap.add_argument('kind', choices=['lstm', 'gru'])
ap.add_argument('outdir')
ap.add_argument('--input', type=int, default=3)
ap.add_argument('--hidden', type=int, default=5)
ap.add_argument('--steps', type=int, default=200)
ap.add_argument('--batch', type=int, default=8)
ap.add_argument('--seed', type=int, default=1)
a = ap.parse_args()

torch.manual_seed(a.seed)
torch.set_num_threads(1)
cls = torch.nn.LSTM if a.kind == 'lstm' else torch.nn.GRU
net = cls(a.input, a.hidden)  # float32, torch's default U(-1/sqrt(H), 1/sqrt(H)) weights
with torch.no_grad():
    for p in net.parameters():  # wider weights than the default, so that the gates leave their linear range
        p.mul_(3.0)
torch_export.export_state_dict(net.state_dict(), a.outdir)
x = torch.randn(a.steps, a.batch, a.input, dtype=torch.float32)
x[0] = 0
with torch.no_grad():
    h, _ = net(x)
    cs = []
    if a.kind == 'lstm':
        state = None
        for t in range(a.steps):
            _, state = net(x[t:t + 1], state)
            cs.append(state[1][0])
np.save(os.path.join(a.outdir, 'x.npy'), x.numpy())
np.save(os.path.join(a.outdir, 'h.npy'), h.numpy())
if cs:
    np.save(os.path.join(a.outdir, 'c.npy'), torch.stack(cs).numpy())
