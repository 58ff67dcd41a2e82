#!/usr/bin/env bash
# The dense rate step and COBA timed with two builds of Lamina in one process: BASE (default 960f967,
# the last commit before the one-engine refactor) and the working tree, sample by sample in alternation
# (bench/before-after/paired.mjs), so that the machine's drift cancels out of the after/before ratios.
#   bash bench/before-after.sh [BASE] [options of paired.mjs: --rate 1024x1,... --pairs 15 --coba-pairs 5 --coba-steps 2000]
# Prints one line per benchmark and writes bench/results/before-after-DATE.json.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-960f967}; [ $# -gt 0 ] && shift
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
source bench/before-after/two-builds.sh
two_builds "$base" bench/before-after/paired.mjs dist/before-after/paired.mjs
node dist/before-after/paired.mjs --json "bench/results/before-after-$(date +%F).json" "$@" 2> >(grep -v '^Warning: max' >&2)
