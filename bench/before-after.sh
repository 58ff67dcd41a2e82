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
work=$(mktemp -d /tmp/lamina-before-after.XXXX)
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add -q --detach "$work/base" "$base"
ln -s "$PWD/node_modules" "$work/base/node_modules"
# The bundle lives in dist/ so that it resolves this tree's node_modules (webgpu stays external). The
# rate simulation class was called Simulation before the refactor; paired.mjs takes either name.
mkdir -p dist/before-after bench/results
node -e '
  const [base, here, out] = process.argv.slice(1);
  require("esbuild").buildSync({ entryPoints: ["bench/before-after/paired.mjs"], bundle: true, platform: "node", format: "esm",
    target: "node20", external: ["webgpu"], loader: { ".wgsl": "text" }, outfile: out, logLevel: "warning",
    logOverride: { "import-is-undefined": "silent" },
    alias: {
      "@before/rate": `${base}/engine/schedule/simulation.ts`, "@before/spiking": `${base}/engine/spiking/simulation.ts`, "@before/coba": `${base}/scenarios/coba.ts`,
      "@after/rate": `${here}/engine/run/rate-simulation.ts`, "@after/spiking": `${here}/engine/run/spiking-simulation.ts`, "@after/coba": `${here}/scenarios/coba.ts`,
    } });
' "$work/base" "$PWD" dist/before-after/paired.mjs
node dist/before-after/paired.mjs --json "bench/results/before-after-$(date +%F).json" "$@" 2> >(grep -v '^Warning: max' >&2)
