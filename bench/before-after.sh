#!/usr/bin/env bash
# The rate step and COBA timed with two builds of Lamina in one run, alternating, on this machine:
# BASE (default 960f967, the last commit before the one-engine refactor) and the working tree.
#   bash bench/before-after.sh [BASE] [ROUNDS=3] [timing options, see bench/before-after/timing.mjs]
# Prints a markdown table (median of the rounds' medians, after/before ratio) and writes
# bench/results/before-after-DATE.json.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-960f967}; rounds=${2:-3}; shift $(( $# > 2 ? 2 : $# )) || true
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
work=$(mktemp -d /tmp/lamina-before-after.XXXX)
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add -q --detach "$work/base" "$base"
ln -s "$PWD/node_modules" "$work/base/node_modules"
bundle() { # tree rate-module spiking-module out
  node -e '
    const [tree, rate, spiking, out] = process.argv.slice(1);
    require("esbuild").buildSync({ entryPoints: ["bench/before-after/timing.mjs"], bundle: true, platform: "node", format: "esm",
      target: "node20", external: ["webgpu"], loader: { ".wgsl": "text" }, outfile: out, logLevel: "warning", logOverride: { "import-is-undefined": "silent" },
      alias: { "@lamina/rate": `${tree}/${rate}`, "@lamina/spiking": `${tree}/${spiking}`, "@lamina/coba": `${tree}/scenarios/coba.ts` } });
  ' "$1" "$2" "$3" "$4"
}
# The bundles live in dist/ so that they resolve this tree's node_modules (webgpu stays external).
mkdir -p dist/before-after
bundle "$work/base" engine/schedule/simulation.ts engine/spiking/simulation.ts dist/before-after/before.mjs
bundle "$PWD" engine/run/rate-simulation.ts engine/run/spiking-simulation.ts dist/before-after/after.mjs
for r in $(seq 1 "$rounds"); do
  for which in before after; do
    echo "round $r: $which" >&2
    node "dist/before-after/$which.mjs" --json "$work/$which-$r.json" "$@"
  done
done
mkdir -p bench/results
node -e '
  const fs = require("fs");
  const [dir, rounds, base, out] = process.argv.slice(1);
  const load = (w) => Array.from({ length: +rounds }, (_, r) => JSON.parse(fs.readFileSync(`${dir}/${w}-${r + 1}.json`, "utf8")));
  const before = load("before"), after = load("after");
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const span = (xs) => `${Math.min(...xs).toPrecision(4)} - ${Math.max(...xs).toPrecision(4)}`;
  const rows = [];
  console.log(`| benchmark | before (${base}) median [range of round medians] | after (working tree) | after / before |`);
  console.log("|---|---|---|---|");
  before[0].rate.forEach((row, k) => {
    const b = before.map((x) => x.rate[k].median), a = after.map((x) => x.rate[k].median);
    rows.push({ what: `rate N=${row.N} B=${row.B} us/step`, before: b, after: a, ratio: med(a) / med(b) });
  });
  if (before[0].coba) {
    const b = before.map((x) => x.coba.median), a = after.map((x) => x.coba.median);
    rows.push({ what: "COBA s per biological second", before: b, after: a, ratio: med(a) / med(b) });
  }
  for (const r of rows) console.log(`| ${r.what} | ${med(r.before).toPrecision(4)} [${span(r.before)}] | ${med(r.after).toPrecision(4)} [${span(r.after)}] | ${r.ratio.toFixed(3)} |`);
  fs.writeFileSync(out, JSON.stringify({ base, rounds: +rounds, date: new Date().toISOString(), rows, before, after }, null, 1));
' "$work" "$rounds" "$base" "bench/results/before-after-$(date +%F).json"
