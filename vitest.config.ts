import { defineConfig } from 'vitest/config';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  plugins: [
    {
      // Same contract as esbuild's text loader: `import src from './x.wgsl'` gives the file's text.
      name: 'wgsl-text',
      enforce: 'pre',
      load(id: string) {
        if (id.endsWith('.wgsl')) return `export default ${JSON.stringify(readFileSync(id, 'utf8'))};`;
        return null;
      },
    },
  ],
  resolve: {
    // wgsl_reflect's "main" is a CommonJS file inside a "type": "module" package; use its ES module build.
    alias: { wgsl_reflect: fileURLToPath(new URL('./node_modules/wgsl_reflect/wgsl_reflect.module.js', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // One process: Dawn's instance must stay alive for the whole run, and lavapipe uses all cores anyway.
    pool: 'forks',
    fileParallelism: false,
  },
});
