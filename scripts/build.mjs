// Bundles the CLI and the benchmark into dist/ with esbuild; WGSL files are inlined as text.
import { build } from 'esbuild';
await build({
  entryPoints: { lamina: 'bin/cli.ts', bench: 'bench/rate-bench.ts', 'device-check': 'bench/device-check.ts', 'spiking-bench': 'bench/spiking-bench.ts', 'plasticity-bench': 'bench/plasticity-bench.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['webgpu'],
  loader: { '.wgsl': 'text' },
  sourcemap: true,
  logLevel: 'warning',
});
