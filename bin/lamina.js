#!/usr/bin/env node
// Entry point: runs the bundle built by `npm run build` (done automatically by npm install / npm ci).
import { existsSync } from 'node:fs';
const bundle = new URL('../dist/lamina.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('lamina: dist/lamina.mjs is missing; run `npm run build` (npm install does it)\n');
  process.exit(1);
}
await import(bundle.href);
