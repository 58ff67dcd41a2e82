#!/usr/bin/env bash
# The whole GPU-machine session in one command (see bench/RESULTS.md): correctness on the device,
# Lamina's dense-step benchmark and the PyTorch peer, side by side on the same card. Prepare with
#   ../shared/device/prepare.sh bench/device-check.ts bench/rate-bench.ts
# and run on the device machine from the repository root with OUT set to a results folder.
set -uo pipefail
source .gpu-carry/enter.sh
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
export LAMINA_BACKEND=vulkan
timeout 150 node .gpu-carry/dist/device-check.js --out /tmp/ring 2>&1 | grep -v '^Warning' | tee "$OUT/device-check.log"
cp /tmp/ring/summary.json "$OUT/ring-summary.json" 2>/dev/null
timeout 330 node .gpu-carry/dist/rate-bench.js --json "$OUT/lamina-bench.json" "$@" 2>&1 | grep -v '^Warning' | tee "$OUT/bench.log"
PYTHONUNBUFFERED=1 timeout 150 python3 bench/peers/torch_rate.py --json "$OUT/torch-bench.json" 2>&1 | tee "$OUT/torch.log"
