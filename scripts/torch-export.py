#!/usr/bin/env python3
"""Exports the layer-0 weights of a torch.nn.LSTM or torch.nn.GRU to .npy files a Lamina spec loads.

    python3 scripts/torch-export.py MODEL.pt OUTDIR [--prefix lstm.]

MODEL.pt is a saved state_dict (torch.save(module.state_dict(), path)) or a saved module; --prefix
selects the keys of one submodule inside a larger state_dict ("rnn." for model.rnn). Writes, as
float32 arrays in torch's layout (gate rows in torch's order: LSTM i, f, g, o; GRU r, z, n):

    OUTDIR/weight_ih.npy  (G*H, input_size)   -> the projection from the input population: weights.file
    OUTDIR/weight_hh.npy  (G*H, H)            -> the recurrent projection (population onto itself)
    OUTDIR/bias_ih.npy    (G*H,)              -> bias.file of the input projection
    OUTDIR/bias_hh.npy    (G*H,)              -> bias.file of the recurrent projection

(README, "Gated units", shows the spec.) Only layer 0 of a unidirectional module is exported; the
script refuses other layers and directions rather than dropping them silently.
"""
import argparse
import os
import sys

import numpy as np
import torch

KEYS = ('weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0')


def export_state_dict(state, outdir, prefix=''):
    """Writes the four layer-0 arrays of `state` (a state_dict) under `prefix` to outdir; returns their paths."""
    extra = [k for k in state if k.startswith(prefix) and k[len(prefix):] not in KEYS]
    if extra:
        raise SystemExit(f'torch-export: only layer 0 of a unidirectional LSTM/GRU is supported; also found {extra}')
    os.makedirs(outdir, exist_ok=True)
    paths = {}
    for key in KEYS:
        if prefix + key not in state:
            raise SystemExit(f'torch-export: no "{prefix + key}" in the state_dict (keys: {list(state)})')
        name = key[:-3]  # weight_ih_l0 -> weight_ih
        paths[name] = os.path.join(outdir, f'{name}.npy')
        np.save(paths[name], state[prefix + key].detach().cpu().to(torch.float32).numpy())
    return paths


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('model', help='saved state_dict or module (.pt)')
    ap.add_argument('outdir')
    ap.add_argument('--prefix', default='', help='key prefix of the LSTM/GRU inside the state_dict')
    a = ap.parse_args()
    obj = torch.load(a.model, map_location='cpu')
    state = obj.state_dict() if hasattr(obj, 'state_dict') else obj
    for name, path in export_state_dict(state, a.outdir, a.prefix).items():
        print(f'{name}: {path}', file=sys.stderr)


if __name__ == '__main__':
    main()
