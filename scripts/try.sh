#!/usr/bin/env bash
# Bundles and runs a TypeScript file (for quick experiments): scripts/try.sh FILE.ts [args]
set -e
f=$1; shift
out=$(mktemp /tmp/lamina-try-XXXX.mjs)
npx esbuild "$f" --bundle --platform=node --format=esm --external:webgpu --external:wgsl_reflect --loader:.wgsl=text --outfile="$out" --log-level=warning
cp "$out" ./.try.mjs
node ./.try.mjs "$@"; rc=$?
rm -f ./.try.mjs "$out"
exit $rc
