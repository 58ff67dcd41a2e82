# Sourced by bench/before-after.sh and bench/issue11.sh (from the repository root):
#   two_builds BASE ENTRY OUTFILE
# checks BASE out into a temporary worktree (removed when the shell exits) and bundles ENTRY into OUTFILE
# with @before/rate, @before/spiking and @before/coba aliased to BASE's modules (before the one-engine
# refactor of issue 8: engine/schedule and engine/spiking; from it on: engine/run) and @after/* to this
# tree's. The bundle lives in dist/ so that it resolves this tree's node_modules (webgpu stays external).
two_builds() {
  local base=$1 entry=$2 outfile=$3
  work=$(mktemp -d /tmp/lamina-two-builds.XXXX)
  trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
  git worktree add -q --detach "$work/base" "$base"
  ln -s "$PWD/node_modules" "$work/base/node_modules"
  mkdir -p "$(dirname "$outfile")" bench/results
  node -e '
    const fs = require("fs");
    const [base, here, entry, out] = process.argv.slice(1);
    const first = (...paths) => paths.find((p) => fs.existsSync(p)) ?? paths[0];
    const tree = (root) => ({
      rate: first(`${root}/engine/run/rate-simulation.ts`, `${root}/engine/schedule/simulation.ts`),
      spiking: first(`${root}/engine/run/spiking-simulation.ts`, `${root}/engine/spiking/simulation.ts`),
      coba: `${root}/scenarios/coba.ts`,
    });
    const alias = {};
    for (const [side, root] of [["before", base], ["after", here]]) for (const [k, v] of Object.entries(tree(root))) alias[`@${side}/${k}`] = v;
    require("esbuild").buildSync({ entryPoints: [entry], bundle: true, platform: "node", format: "esm",
      target: "node20", external: ["webgpu"], loader: { ".wgsl": "text" }, outfile: out, logLevel: "warning",
      logOverride: { "import-is-undefined": "silent" }, alias });
  ' "$work/base" "$PWD" "$entry" "$outfile"
}
