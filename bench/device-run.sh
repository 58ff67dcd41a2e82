#!/usr/bin/env bash
# A whole GPU-machine session in one command (see bench/RESULTS.md): correctness on the device
# (device-check), then one benchmark on the same card:
#   rate        Lamina's dense-step benchmark and the PyTorch peer, side by side;
#   spiking     COBA (Lamina only: Brian2 is not on that machine, hence --no-brian2), scaling to 1M
#               neurons, the full-scale microcircuit and the 10 s recording run;
#   plasticity  the plasticity cost (device-check also prints the plastic weight digests, which must
#               equal lavapipe's, test/gpu/plasticity-spiking.test.ts).
#   sweep       batch efficiency of COBA for B = 1, 4, 16, 64, 256 (bench/sweep-bench.ts --only batch: the
#               throughput part runs `lamina sweep`, whose SQLite module the carry does not hold).
# Prepare on the development machine with
#   ../shared/device/prepare.sh bench/device-check.ts bench/<benchmark>-bench.ts
# and run on the device machine from the repository root with OUT set to a results folder:
#   bash bench/device-run.sh rate|spiking|plasticity [more options for the benchmark]
set -uo pipefail
bench=${1:-}
case "$bench" in
  rate | spiking | plasticity | sweep) shift ;;
  *) echo "usage: bash bench/device-run.sh rate|spiking|plasticity|sweep [benchmark options]" >&2; exit 2 ;;
esac
source .gpu-carry/enter.sh
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
export LAMINA_BACKEND=vulkan
# run SECONDS LOG PROGRAM ARGS...: one step under a time limit, Dawn's limit warnings dropped, logged to $OUT.
run() {
  local limit=$1 log=$2; shift 2
  timeout "$limit" node "$@" 2>&1 | grep -v '^Warning' | tee "$OUT/$log"
}
# Time limits as the earlier one-per-benchmark scripts had them (the rate session also runs the PyTorch peer).
if [ "$bench" = rate ]; then check_s=150; else check_s=200; fi
run "$check_s" device-check.log .gpu-carry/dist/device-check.js --out /tmp/ring
cp /tmp/ring/summary.json "$OUT/ring-summary.json" 2>/dev/null
case "$bench" in
  rate)
    run 330 bench.log .gpu-carry/dist/rate-bench.js --json "$OUT/lamina-bench.json" "$@"
    PYTHONUNBUFFERED=1 timeout 150 python3 bench/peers/torch_rate.py --json "$OUT/torch-bench.json" 2>&1 | tee "$OUT/torch.log" ;;
  spiking)
    run 480 spiking-bench.log .gpu-carry/dist/spiking-bench.js --no-brian2 --scaling 4000,16000,64000,256000,1000000 \
      --procedural-from 256000 --microcircuit 1 --record-seconds 10 --json "$OUT/spiking-bench.json" "$@" ;;
  plasticity)
    run 300 plasticity-bench.log .gpu-carry/dist/plasticity-bench.js --steps 2000 --repeats 5 --json "$OUT/plasticity-bench.json" "$@" ;;
  sweep)
    run 300 sweep-bench.log .gpu-carry/dist/sweep-bench.js --only batch --batches 1,4,16,64,256 --duration-ms 1000 --json "$OUT/sweep-bench.json" "$@" ;;
esac
