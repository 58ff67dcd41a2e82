/**
 * The package as a user gets it: dist/ built (as `prepare` does), `npm pack`, the tarball
 * installed into a fresh project, and there:
 *  - the README's plain-JavaScript snippet (`// readme: library-js`) runs as an ES module: a spiking
 *    network whose spikes equal its CPU twin's, and a rate network within float32 rounding of its twin;
 *  - the README's TypeScript snippet (`// readme: library-ts`) type-checks with the settings of
 *    `tsc --init` (module nodenext, strict, types []) against the package's declarations, then runs;
 *  - `npx lamina --version` and `npx lamina run ring-attractor` work from the installed package.
 * The install is offline-friendly (--prefer-offline): the only dependencies, webgpu, @webgpu/types,
 * h5wasm (NWB export) and better-sqlite3 (sweep tables), are in npm's cache after `npm ci`; better-sqlite3
 * compiles from source where no prebuilt binary can be fetched (about 2.5 minutes on 2 busy cores).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const env = { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR || '/tmp', npm_config_update_notifier: 'false' };

/** Runs a command; fails with its output unless it exits 0. */
function run(cmd: string, args: string[], cwd: string, timeout = 180_000): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The README code block whose first line is `// readme: TAG`. */
function readmeSnippet(tag: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```(?:js|ts)\n(\/\/ readme: (\S+)\n[\s\S]*?)```/g)].filter((m) => m[2] === tag);
  if (blocks.length !== 1) throw new Error(`README.md: expected one code block starting "// readme: ${tag}", found ${blocks.length}`);
  return blocks[0][1];
}

let work: string;
let app: string;
let packed: string[];
/** What the README's JavaScript snippet printed. */
let jsOut = '';

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lamina-pack-'));
  // What `prepare` does when npm packs; run here so that the pack's JSON report is all its output.
  run(process.execPath, ['scripts/build.mjs'], root);
  const [info] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], root)) as { filename: string; files: { path: string }[] }[];
  packed = info.files.map((f) => f.path);
  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'lamina-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2));
  run('npm', ['install', join(work, info.filename), '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app, 420_000);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe(`the packed package (${pkg.name}), installed into a fresh project`, () => {
  it('holds the library, its declarations, the CLI bundle, the spec\'s JSON Schema and the docs, and no sources or benchmarks', () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/node.js', 'dist/node.d.ts', 'dist/types/engine/index.d.ts', 'dist/lamina.mjs', 'bin/lamina.js', 'README.md', 'LICENSE', 'CHANGELOG.md', 'package.json', 'schema/lamina-spec.schema.json', 'schema/rate-spec.schema.json', 'schema/spiking-spec.schema.json']) {
      expect(packed, f).toContain(f);
    }
    expect(packed.filter((f) => /^(engine|scenarios|test|shaders|bench)\/|^dist\/(bench|device-check|spiking-bench|plasticity-bench)\./.test(f))).toEqual([]);
    const installed = join(app, 'node_modules', ...pkg.name.split('/'));
    expect(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version).toBe(pkg.version);
    // The WGSL is inlined: no .wgsl file is read at run time.
    expect(readdirSync(join(installed, 'dist', 'chunks')).some((f) => f.endsWith('.js'))).toBe(true);
    // The spec's JSON Schema, by its export paths.
    const schema = `console.log(require('${pkg.name}/spec.schema.json').title, '|', require('${pkg.name}/schema/spiking-spec.schema.json').title)`;
    expect(run(process.execPath, ['-e', schema], app).trim()).toBe('Lamina network spec | Lamina spiking network spec (SpikingSpec)');
  });

  it('plain JavaScript (the README snippet): a spiking network equal to its CPU twin, a rate network close to its twin', () => {
    writeFileSync(join(app, 'main.mjs'), readmeSnippet('library-js'));
    const out = (jsOut = run(process.execPath, ['main.mjs'], app));
    const spiking = /spiking: (\d+) spikes on the GPU, (\d+) in the CPU twin/.exec(out);
    expect(spiking, out).not.toBeNull();
    expect(Number(spiking![1])).toBeGreaterThan(0);
    expect(spiking![1]).toBe(spiking![2]);
    const rate = /largest difference from the CPU twin (\S+)/.exec(out);
    expect(rate, out).not.toBeNull();
    expect(Number(rate![1])).toBeLessThan(1e-4);
    // Deterministic: the same spikes again.
    expect(/spiking: \d+/.exec(run(process.execPath, ['main.mjs'], app))![0]).toBe(/spiking: \d+/.exec(out)![0]);
  });

  it('TypeScript (the README snippet): type-checks with tsc --init settings, then runs', () => {
    run(process.execPath, [tsc, '--init'], app);
    const config = readFileSync(join(app, 'tsconfig.json'), 'utf8');
    expect(config).toMatch(/"module":\s*"nodenext"/);
    // The declarations are real types, not `any`: a wrong spec must be an error.
    const check = `\nimport type { SpikingSpec as Checked } from '${pkg.name}';\n// @ts-expect-error dt is a number\nexport const wrong: Checked = { dt: '0.1', populations: [] };\n`;
    writeFileSync(join(app, 'main.ts'), readmeSnippet('library-ts') + check);
    run(process.execPath, [tsc, '--noEmit'], app);
    // Checked; now run it (types stripped by esbuild: quicker than a second tsc pass).
    writeFileSync(join(app, 'main.js'), transformSync(readFileSync(join(app, 'main.ts'), 'utf8'), { loader: 'ts', format: 'esm' }).code);
    const out = run(process.execPath, ['main.js'], app);
    const counts = /spikes per neuron: ([\d ]+)/.exec(out);
    expect(counts, out).not.toBeNull();
    const total = counts![1].trim().split(' ').reduce((a, n) => a + Number(n), 0);
    expect(total).toBeGreaterThan(0);
    // The same network as the JavaScript snippet: the same number of spikes.
    const js = /spiking: (\d+) spikes on the GPU/.exec(jsOut);
    expect(total).toBe(Number(js?.[1]));
    expect(out).toMatch(/rates: 30 rows/);
    const npy = readFileSync(join(app, 'rates.npy')).toString('latin1', 0, 128);
    expect(npy).toContain("'shape': (30, 4, 100)");
  });

  it('npx lamina --version prints the package version', () => {
    expect(run('npx', ['lamina', '--version'], app).trim()).toBe(pkg.version);
  });

  it('npx lamina run ring-attractor writes its results', () => {
    const out = join(work, 'ring');
    run('npx', ['lamina', 'run', 'ring-attractor', '--out', out, '--quiet'], app, 240_000);
    for (const f of ['rates.npy', 'summary.json', 'meta.json', 'kymograph.svg']) expect(existsSync(join(out, f)), f).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { checks: { pass: boolean }[] };
    expect(summary.checks.length).toBeGreaterThan(0);
    expect(summary.checks.every((c) => c.pass)).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')).lamina).toBe(pkg.version);
  });
});
