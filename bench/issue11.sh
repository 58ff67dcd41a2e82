#!/usr/bin/env bash
# Issue 11's lavapipe rows before and after, with the peers, in one run (bench/issue11/paired.ts): BASE
# (default 9bd8c2c, the last commit before issue 11's work) and the working tree, built into one
# process, sample by sample in rotation with Brian2 (cython) and numpy (torch CPU too if importable).
#   bash bench/issue11.sh [BASE] [options of paired.ts: --only coba,small,rate,batch,plasticity --rounds 7
#     --seconds 1 --small-steps 10000 --rate-ms 200 --batch-steps 1000 --plasticity-neurons 100000 --plasticity-steps 200]
# Writes bench/results/issue11-DATE.json and .md and prints the markdown table (bench/RESULTS.md's format).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-9bd8c2c}; [ $# -gt 0 ] && shift
/usr/bin/python3 -c 'import brian2, numpy' 2>/dev/null || { echo "issue11.sh: Brian2 and numpy are needed for /usr/bin/python3 (apt-get install -y python3-brian)" >&2; exit 1; }
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
head="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine scenarios bench || echo ' + changes')"
source bench/before-after/two-builds.sh
two_builds "$base" bench/issue11/paired.ts dist/issue11/paired.mjs
stamp=$(date +%F-%H%M)
node dist/issue11/paired.mjs --json "bench/results/issue11-$stamp.json" --md "bench/results/issue11-$stamp.md" \
  --base "$base" --head "$head" --command "bash bench/issue11.sh $base $*" "$@" 2> >(grep -v '^Warning: max' >&2)
