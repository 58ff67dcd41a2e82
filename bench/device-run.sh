#!/usr/bin/env bash
# A whole GPU-machine session in one command (see bench/RESULTS.md): correctness on the device
# (device-check), then one benchmark on the same card:
#   rate        Lamina's dense-step benchmark and the PyTorch peer, side by side (GEMM shapes side by side:
#               --sizes 4096,8192 --batches 64 --gemm-tunings '[{"gemmKernel":"tiled"},{"gemmTileK":16},...]');
#   spiking     COBA (Lamina only: Brian2 is not on that machine, hence --no-brian2), scaling to 1M
#               neurons, the full-scale microcircuit and the 10 s recording run;
#   plasticity  the plasticity cost (device-check also prints the plastic weight digests, which must
#               equal lavapipe's, test/gpu/plasticity-spiking.test.ts).
#   sweep       batch efficiency of COBA for B = 1, 4, 16, 64, 256 (bench/sweep-bench.ts --only batch: the
#               throughput part runs `lamina sweep`, whose SQLite module the carry does not hold).
#   issue11     every GPU row of issue 11 in one session, sized for about 5 minutes of commands (8 of device
#               time with the machine's start): the golden digests (device-check), the 1,000-neuron
#               network's steps/s, COBA's real-time factor and the full microcircuit's (build time apart;
#               spiking-bench), COBA B = 256 against B = 1 (sweep-bench), the rate step N = 1024 B = 1 and
#               N = 4096, 8192 B = 64 with PyTorch's CUDA graph (at B = 64 both GEMM kernels side by side:
#               the tiled synapse-dense-tiled and the register-tiled synapse-dense-gemm, one row each),
#               STDP against static (plasticity-bench).
#               Every step runs even when one fails; the last line says PASSED or names each failed step,
#               and the exit status is 1 if any failed.
# Prepare on the development machine with
#   ../shared/device/prepare.sh bench/device-check.ts bench/<benchmark>-bench.ts
# (issue11: bench/device-check.ts bench/spiking-bench.ts bench/sweep-bench.ts bench/rate-bench.ts
# bench/plasticity-bench.ts) and run on the device machine from the repository root with OUT set to a
# results folder:
#   bash bench/device-run.sh rate|spiking|plasticity|sweep|issue11 [more options for the benchmark]
set -uo pipefail
bench=${1:-}
case "$bench" in
  rate | spiking | plasticity | sweep | issue11) shift ;;
  *) echo "usage: bash bench/device-run.sh rate|spiking|plasticity|sweep|issue11 [benchmark options]" >&2; exit 2 ;;
esac
source .gpu-carry/enter.sh
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
export LAMINA_BACKEND=vulkan
# run SECONDS LOG PROGRAM ARGS...: one step under a time limit, Dawn's limit warnings dropped, logged to
# $OUT; a step that fails or runs out of time is named in $failed (issue11 reports them at the end).
# issue11 writes more files than come back from $OUT (8): its steps write to a folder that is packed into
# $OUT/issue11.tar.gz after each step, so that a step out of time still leaves the earlier ones' files.
failed=""
if [ "$bench" = issue11 ]; then packed=$OUT; OUT=$(mktemp -d /tmp/issue11-out.XXXX); fi
run() {
  local limit=$1 log=$2; shift 2
  timeout "$limit" node "$@" 2>&1 | grep -v '^Warning' | tee "$OUT/$log"
  local rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ]; then failed="$failed ${log%.log}(exit $rc)"; echo "STEP FAILED: ${log%.log}, exit $rc$([ "$rc" = 124 ] && echo ", out of time after $limit s")" >&2; fi
  if [ -n "${packed:-}" ]; then tar czf "$packed/issue11.tar.gz" -C "$OUT" .; fi
  return 0
}
# Time limits as the earlier one-per-benchmark scripts had them (the rate session also runs the PyTorch peer).
case "$bench" in rate) check_s=150 ;; issue11) check_s=100 ;; *) check_s=200 ;; esac
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
  issue11)
    # Time limits: each step's expected time (unmeasured on this card: the lavapipe times scaled) x 2-3;
    # together at most 590 s, inside one 600-s device command.
    run 110 spiking-bench.log .gpu-carry/dist/spiking-bench.js --no-brian2 --repeats 3 --scaling 4000 --scaling-steps 1000 \
      --microcircuit 1 --json "$OUT/spiking-bench.json"
    run 90 sweep-bench.log .gpu-carry/dist/sweep-bench.js --only batch --batches 1,256 --duration-ms 500 --repeats 3 --json "$OUT/sweep-bench.json"
    run 120 rate-bench.log .gpu-carry/dist/rate-bench.js --sizes 1024,4096,8192 --batches 1,64 --repeats 9 \
      --gemm-kernel tiled,register --json "$OUT/lamina-bench.json"
    PYTHONUNBUFFERED=1 timeout 80 python3 bench/peers/torch_rate.py --sizes 1024,4096,8192 --batches 1,64 --repeats 9 \
      --json "$OUT/torch-bench.json" 2>&1 | tee "$OUT/torch.log"
    rc=${PIPESTATUS[0]}; [ "$rc" -eq 0 ] || { failed="$failed torch(exit $rc)"; echo "STEP FAILED: torch, exit $rc" >&2; }
    cp /tmp/ring/summary.json "$OUT/ring-summary.json" 2>/dev/null
    run 90 plasticity-bench.log .gpu-carry/dist/plasticity-bench.js --steps 1000 --repeats 3 --json "$OUT/plasticity-bench.json"
    tar czf "$packed/issue11.tar.gz" -C "$OUT" .
    if [ -n "$failed" ]; then echo "ISSUE 11 DEVICE RUN FAILED:$failed" >&2; exit 1; fi
    echo "ISSUE 11 DEVICE RUN PASSED (every step ran; compare the digests and the rows with bench/RESULTS.md)" ;;
esac
