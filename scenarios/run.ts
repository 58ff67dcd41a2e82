/**
 * Runs a scenario or a JSON spec to an output directory: recorder arrays as .npy (streamed),
 * meta.json (spec, seed, adapter, versions, timings), summary.json and figures; for rate networks with
 * plastic projections, the final weights of each as weights_NAME.npy (batch x post x pre).
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { SpecError } from '../engine/errors.ts';
import { isSpikingSpec } from '../engine/spec/kind.ts';
import { stepCount } from '../engine/spec/checks.ts';
import { adapterReport } from '../engine/gpu/device.ts';
import type { NetworkSpec } from '../engine/spec/rate.ts';
import { validateSpec } from '../engine/spec/validate-rate.ts';
import { NpySink, writeNpy } from '../engine/node/npy-files.ts';
import { MemorySink, TeeSink, type RecordSink } from '../engine/record/recorders.ts';
import { RateSimulation } from '../engine/run/rate-simulation.ts';
import { SCENARIOS } from './index.ts';
import { runSpikingToDirectory } from './run-spiking.ts';
import type { ScenarioOptions, ScenarioRun } from './scenario.ts';

export interface RunRequest extends ScenarioOptions {
  /** Scenario name or path to a spec .json file. */
  target: string;
  out: string;
  backend?: string;
  adapter?: string;
  progress?: (msg: string) => void;
}

import { VERSION } from '../engine/version.ts';

/** Version of the Dawn bindings (npm `webgpu`) in use, for meta.json. */
function webgpuVersion(): string {
  try {
    return (createRequire(import.meta.url)('webgpu/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function loadSpecFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SpecError(path, `cannot read spec file: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SpecError(path, `not valid JSON: ${(e as Error).message}`);
  }
}

/** Weights given as { type: 'npy', file } with a relative path are read relative to the spec file. */
/**
 * Every path a spec names is read relative to the spec file: rate weights { type: 'npy', file } and
 * spiking connectivity { file, weightsFile } (absolute paths are kept).
 */
export function resolveSpecPaths(raw: Record<string, unknown>, specPath: string): void {
  if (!Array.isArray(raw.projections)) return;
  const fix = (o: Record<string, unknown> | undefined, key: string) => {
    const v = o?.[key];
    if (typeof v === 'string' && v !== '' && !isAbsolute(v)) o![key] = resolve(dirname(specPath), v);
  };
  for (const p of raw.projections as { weights?: Record<string, unknown>; connectivity?: Record<string, unknown> }[]) {
    if (p?.weights?.type === 'npy') fix(p.weights, 'file');
    if (p?.connectivity && typeof p.connectivity === 'object') { fix(p.connectivity, 'file'); fix(p.connectivity, 'weightsFile'); }
  }
}

/** Writes the final weights of every plastic projection to DIR/weights_NAME.npy; returns what it wrote. */
async function writePlasticWeights(sim: RateSimulation, out: string): Promise<{ projection: string; file: string; shape: number[] }[]> {
  const written = [];
  for (const p of sim.plan.projections.filter((q) => q.plastic)) {
    const file = `weights_${p.name}.npy`;
    const shape = [sim.plan.batch, p.post.size, p.pre.size];
    writeNpy(join(out, file), await sim.readWeights(p.name), shape);
    written.push({ projection: p.name, file, shape });
  }
  return written;
}

function specRun(req: RunRequest): ScenarioRun {
  const raw = loadSpecFile(req.target) as Record<string, unknown>;
  if (typeof raw === 'object' && raw) resolveSpecPaths(raw, req.target);
  if (req.dt !== undefined && typeof raw === 'object' && raw) raw.dt = req.dt;
  const spec: NetworkSpec = validateSpec(raw);
  const steps = req.steps ?? spec.steps ?? 1000;
  return { spec, steps, params: { file: req.target } };
}

/**
 * Makes the output directory before any work, so that a run that cannot write its results fails at once,
 * naming --out: an empty name, a path through a file, and a directory that cannot be created or written
 * (permissions, a read-only or full filesystem, /proc) are SpecErrors. Directories are made one level at
 * a time: Node's recursive mkdir loops forever under /proc.
 */
export function prepareOut(out: string): void {
  if (out.trim() === '') throw new SpecError('--out', 'is empty');
  const dir = resolve(out);
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    let st;
    try { st = statSync(at); } catch { /* does not exist yet */ }
    if (st) {
      if (!st.isDirectory()) throw new SpecError('--out', `${at} is not a directory`);
      break;
    }
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  const fail = (what: string, e: unknown): never => { throw new SpecError('--out', `cannot ${what} ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); };
  for (const d of missing) {
    try { mkdirSync(d); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EEXIST') fail('create', e); }
  }
  const probe = join(dir, `.lamina-write-test-${process.pid}`);
  try { writeFileSync(probe, 'ok'); rmSync(probe); } catch (e) { fail('write in', e); }
}

export async function runToDirectory(req: RunRequest): Promise<{ summary: Record<string, unknown>; pass: boolean }> {
  const scenario = Object.hasOwn(SCENARIOS, req.target) ? SCENARIOS[req.target] : undefined;
  if (!scenario && !req.target.endsWith('.json')) {
    throw new SpecError('target', `"${req.target}" is neither a scenario (${Object.keys(SCENARIOS).join(', ')}) nor a .json spec file`);
  }
  if (!scenario) {
    // Options that shape a scenario's network mean nothing for a spec file: refuse them rather than ignore them.
    const ignored = ([['--scale', req.scale], ['--background', req.background], ['--procedural', req.procedural || undefined]] as const).find(([, v]) => v !== undefined);
    if (ignored) throw new SpecError(ignored[0], `applies to scenarios only (${Object.keys(SCENARIOS).join(', ')}); a spec file sets its network itself`);
  }
  if (req.steps !== undefined) stepCount(req.steps, '--steps');
  if (req.dt !== undefined && !(req.dt > 0)) throw new SpecError('--dt', `must be > 0, got ${req.dt}`);
  if (req.batch !== undefined && (!Number.isInteger(req.batch) || req.batch < 1)) throw new SpecError('--batch', `must be an integer >= 1, got ${req.batch}`);
  if (req.seed !== undefined && (!Number.isInteger(req.seed) || req.seed < 0 || req.seed > 0xffffffff)) throw new SpecError('--seed', `must be an integer in [0, 2^32), got ${req.seed}`);
  prepareOut(req.out);
  if (scenario?.kind === 'protocol') {
    const t0 = performance.now();
    const { result, meta } = await scenario.run({ ...req });
    for (const [name, a] of Object.entries(result.arrays)) writeNpy(join(req.out, `${name}.npy`), a.data, a.shape);
    for (const [name, svg] of Object.entries(result.figures)) writeFileSync(join(req.out, name), svg);
    writeFileSync(join(req.out, 'meta.json'), JSON.stringify({
      lamina: VERSION, node: process.version, webgpu: webgpuVersion(), date: new Date().toISOString(), command: process.argv.slice(1).join(' '),
      target: req.target, seed: req.seed, timings: { wall_s: (performance.now() - t0) / 1000 }, ...meta,
    }, null, 1));
    writeFileSync(join(req.out, 'summary.json'), JSON.stringify(result.summary, null, 1));
    return { summary: result.summary, pass: result.summary.checks.every((c) => c.pass) };
  }
  if (scenario?.kind === 'spiking') {
    const run = scenario.build(req);
    const { summary: base, sim } = await runSpikingToDirectory({
      spec: run.spec, out: req.out, steps: run.steps, batch: run.batch, seed: req.seed, backend: req.backend, adapter: req.adapter,
      progress: req.progress, meta: { lamina: VERSION, node: process.version, webgpu: webgpuVersion(), target: req.target, params: run.params },
    });
    const result = scenario.analyze(run, req.out, sim.plan);
    for (const [name, a] of Object.entries(result.arrays)) writeNpy(join(req.out, `${name}.npy`), a.data, a.shape);
    for (const [name, svg] of Object.entries(result.figures)) writeFileSync(join(req.out, name), svg);
    const summary = { ...base, ...result.summary };
    writeFileSync(join(req.out, 'summary.json'), JSON.stringify(summary, null, 1));
    return { summary, pass: result.summary.checks.every((c) => c.pass) };
  }
  if (!scenario) {
    const raw = loadSpecFile(req.target);
    if (isSpikingSpec(raw)) {
      resolveSpecPaths(raw as Record<string, unknown>, req.target);
      if (req.dt !== undefined) (raw as Record<string, unknown>).dt = req.dt;
        const steps = req.steps ?? (typeof (raw as { steps?: unknown }).steps === 'number' ? (raw as { steps: number }).steps : 1000);
      const { summary } = await runSpikingToDirectory({
        spec: raw, out: req.out, steps, batch: req.batch, seed: req.seed, backend: req.backend, adapter: req.adapter, progress: req.progress,
        meta: { lamina: VERSION, node: process.version, webgpu: webgpuVersion(), target: req.target },
      });
      return { summary, pass: true };
    }
  }
  const run = scenario ? scenario.build(req) : specRun(req);
  const sim = await RateSimulation.create(run.spec, {
    batch: scenario ? undefined : req.batch, seed: req.seed, backend: req.backend, adapter: req.adapter,
  });
  const memory = new MemorySink();
  const sink: RecordSink = scenario ? new TeeSink([new NpySink(req.out), memory]) : new NpySink(req.out);
  const log = req.progress ?? (() => undefined);
  log(`lamina: ${scenario ? scenario.name : req.target}: ${run.steps} steps of ${run.spec.dt} ms, batch ${sim.plan.batch}, on ${sim.gpu.info.description || sim.gpu.info.device}`);
  let lastReport = performance.now();
  const timing = await sim.run(run.steps, {
    sink,
    onProgress: (done, total) => {
      if (performance.now() - lastReport > 2000 || done === total) {
        lastReport = performance.now();
        log(`lamina: step ${done}/${total} (${((100 * done) / total).toFixed(0)}%)`);
      }
    },
  });
  const plasticWeights = await writePlasticWeights(sim, req.out);
  let summary: Record<string, unknown> & { pass?: boolean };
  if (scenario) {
    const result = scenario.analyze(run, memory);
    for (const [name, a] of Object.entries(result.arrays)) writeNpy(join(req.out, `${name}.npy`), a.data, a.shape);
    for (const [name, svg] of Object.entries(result.figures)) writeFileSync(join(req.out, name), svg);
    summary = result.summary;
  } else {
    summary = {
      spec: req.target, steps: run.steps,
      recorders: sim.recorders.map((r) => ({ name: r.name, file: `${r.name}.npy`, shape: [Math.floor(run.steps / r.every), r.batch, ...(r.shape ?? [r.width])] })),
      ...(plasticWeights.length ? { weights: plasticWeights } : {}),
    };
  }
  const meta = {
    lamina: VERSION, node: process.version, webgpu: webgpuVersion(), date: new Date().toISOString(),
    command: process.argv.slice(1).join(' '),
    target: req.target, seed: req.seed ?? run.spec.seed ?? 0, instance_seeds: [...sim.plan.seeds], batch: sim.plan.batch, steps: run.steps, dt_ms: run.spec.dt,
    adapter: adapterReport(sim.gpu),
    timings: {
      build_s: sim.buildSeconds, run_wall_s: timing.wallSeconds,
      steps_per_s: run.steps / timing.wallSeconds,
      realtime_factor: timing.wallSeconds / ((run.steps * run.spec.dt) / 1000),
    },
    kernels: sim.kernelNames.map((k) => k.label),
    ...(plasticWeights.length ? { plastic_weights: plasticWeights } : {}),
    params: run.params,
    spec: run.spec,
  };
  writeFileSync(join(req.out, 'meta.json'), JSON.stringify(meta, null, 1));
  writeFileSync(join(req.out, 'summary.json'), JSON.stringify(summary, null, 1));
  sim.destroy();
  return { summary, pass: summary.pass !== false };
}
