#!/usr/bin/env python3
"""Exports the layer-0 weights of a torch.nn.LSTM or torch.nn.GRU to .npy files a Lamina spec loads.

    python3 scripts/torch-export.py MODEL.pt OUTDIR [--prefix rnn.] [--layer 0]

MODEL.pt is a saved state_dict (torch.save(module.state_dict(), path)) or a saved module; --prefix
selects the keys of one submodule inside a larger state_dict ("rnn." for model.rnn), --layer one layer
of a stacked module (default 0). Writes, as float32 arrays in torch's layout (gate rows in torch's
order: LSTM i, f, g, o; GRU r, z, n):

    OUTDIR/weight_ih.npy  (G*H, input_size)   -> the projection from the input population: weights.file
    OUTDIR/weight_hh.npy  (G*H, H)            -> the recurrent projection (population onto itself)
    OUTDIR/bias_ih.npy    (G*H,)              -> bias.file of the input projection
    OUTDIR/bias_hh.npy    (G*H,)              -> bias.file of the recurrent projection

(README, "Gated units", shows the spec.) One layer of a unidirectional module: the script refuses a
bidirectional one (its *_reverse weights) and a projection (proj_size), rather than dropping them.
"""
import argparse
import os
import sys

import numpy as np
import torch

NAMES = ('weight_ih', 'weight_hh', 'bias_ih', 'bias_hh')


def export_state_dict(state, outdir, prefix='', layer=0):
    """Writes the four arrays of `layer` of `state` (a state_dict) under `prefix` to outdir; returns their paths."""
    unsupported = [k for k in state if k.startswith(prefix) and ('_reverse' in k or 'weight_hr' in k)]
    if unsupported:
        raise SystemExit(f'torch-export: only unidirectional LSTM/GRU layers without proj_size are supported; found {unsupported}')
    os.makedirs(outdir, exist_ok=True)
    paths = {}
    for name in NAMES:
        key = f'{prefix}{name}_l{layer}'
        if key not in state:
            raise SystemExit(f'torch-export: no "{key}" in the state_dict (keys: {list(state)})')
        paths[name] = os.path.join(outdir, f'{name}.npy')
        np.save(paths[name], state[key].detach().cpu().to(torch.float32).numpy())
    return paths


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('model', help='saved state_dict or module (.pt)')
    ap.add_argument('outdir')
    ap.add_argument('--prefix', default='', help='key prefix of the LSTM/GRU inside the state_dict')
    ap.add_argument('--layer', type=int, default=0, help='layer of a stacked LSTM/GRU (default 0)')
    a = ap.parse_args()
    obj = torch.load(a.model, map_location='cpu')
    state = obj.state_dict() if hasattr(obj, 'state_dict') else obj
    for name, path in export_state_dict(state, a.outdir, a.prefix, a.layer).items():
        print(f'{name}: {path}', file=sys.stderr)


if __name__ == '__main__':
    main()
