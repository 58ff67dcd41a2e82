// `npm run build`: bundles with esbuild into dist/, WGSL files inlined as text.
//  - dist/lamina.mjs (the CLI, run by bin/lamina.js) and the benchmarks: Node programs.
//  - the library: dist/index.js (engine/index.ts, the main entry; platform neutral, no Node module of its
//    own), dist/node.js (engine/node.ts, .npy files) and dist/scenarios.js (scenarios/public.ts, the
//    built-in scenarios and runToDirectory), ES modules sharing chunks (one copy of
//    each class and of the device cache), `webgpu` external; type declarations dist/index.d.ts and
//    dist/node.d.ts (tsc with tsconfig.build.json into dist/types/, imports pointed at .js files).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const common = { bundle: true, format: 'esm', loader: { '.wgsl': 'text' }, logLevel: 'warning' };

await build({
  ...common,
  entryPoints: { lamina: 'bin/cli.ts', bench: 'bench/rate-bench.ts', 'device-check': 'bench/device-check.ts', 'spiking-bench': 'bench/spiking-bench.ts', 'plasticity-bench': 'bench/plasticity-bench.ts', 'fault-bench': 'bench/fault-bench.ts', 'sweep-bench': 'bench/sweep-bench.ts', 'fused-bench': 'bench/fused-bench.ts', 'rate-fused-bench': 'bench/rate-fused-bench.ts', 'matvec-micro': 'bench/matvec-micro.ts', 'rate-step-ab': 'bench/rate-step-ab.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  platform: 'node',
  target: 'node20',
  // h5wasm (NWB export) is loaded on demand from node_modules: its WebAssembly build is 4 MB.
  external: ['webgpu', 'h5wasm', 'h5wasm/*', 'better-sqlite3', 'hyparquet-writer'],
  sourcemap: true,
});

rmSync('dist/chunks', { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { index: 'engine/index.ts', node: 'engine/node.ts', scenarios: 'scenarios/public.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Neutral: no Node shims or builtins resolved; Node modules (used by the node entry) stay imports.
  platform: 'neutral',
  target: 'es2022',
  external: ['webgpu', 'h5wasm', 'h5wasm/*', 'better-sqlite3', 'hyparquet-writer', 'node:*'],
  sourcemap: true,
});

// Declarations. The sources import each other with .ts extensions; a consumer's tsc (module nodenext)
// resolves ESM declaration imports by their .js names, so the emitted specifiers are rewritten.
rmSync('dist/types', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
const relativeTs = /((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']*?)\.ts(["'])/g;
for (const entry of readdirSync('dist/types', { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const file = join(entry.parentPath ?? entry.path, entry.name);
  const text = readFileSync(file, 'utf8');
  const out = text.replace(relativeTs, '$1$2.js$3');
  if (out !== text) writeFileSync(file, out);
}
// The public types use WebGPU's (GPUDevice, GPUBuffer, ...): @webgpu/types, a dependency of the package.
for (const [name, source] of [['index', 'engine/index'], ['node', 'engine/node'], ['scenarios', 'scenarios/public']]) {
  writeFileSync(`dist/${name}.d.ts`, `/// <reference types="@webgpu/types" />\nexport * from './types/${source}.js';\n`);
}
