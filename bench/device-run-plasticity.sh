#!/usr/bin/env bash
# Plasticity cost on a lent GPU machine (see bench/RESULTS.md, "Plasticity cost"). Prepare with
#   ../shared/device/prepare.sh bench/device-check.ts bench/plasticity-bench.ts
# and run on the device machine from the repository root with OUT set to a results folder. The device
# check also prints the plastic weight digests, which must equal lavapipe's (test/gpu/plasticity-spiking.test.ts).
set -uo pipefail
source .gpu-carry/enter.sh
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
export LAMINA_BACKEND=vulkan
timeout 200 node .gpu-carry/dist/device-check.js --out /tmp/ring 2>&1 | grep -v '^Warning' | tee "$OUT/device-check.log"
timeout 300 node .gpu-carry/dist/plasticity-bench.js --steps 2000 --repeats 5 --json "$OUT/plasticity-bench.json" "$@" 2>&1 | grep -v '^Warning' | tee "$OUT/plasticity-bench.log"
