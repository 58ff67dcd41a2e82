#!/usr/bin/env bash
# Spiking checks and benchmarks on a lent GPU machine, in one command (see bench/RESULTS.md). Prepare with
#   ../shared/device/prepare.sh bench/device-check.ts bench/spiking-bench.ts
# and run on the device machine from the repository root with OUT set to a results folder. Brian2 is not
# on that machine, so the COBA comparison runs Lamina only (--no-brian2).
set -uo pipefail
source .gpu-carry/enter.sh
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
export LAMINA_BACKEND=vulkan
timeout 200 node .gpu-carry/dist/device-check.js --out /tmp/ring 2>&1 | grep -v '^Warning' | tee "$OUT/device-check.log"
timeout 480 node .gpu-carry/dist/spiking-bench.js --no-brian2 --scaling 4000,16000,64000,256000,1000000 \
  --procedural-from 256000 --microcircuit 1 --record-seconds 10 --json "$OUT/spiking-bench.json" "$@" 2>&1 | grep -v '^Warning' | tee "$OUT/spiking-bench.log"
