/**
 * Runs a scenario or a spec (a JSON file or a spec object) into an output directory, one path for every
 * kind: recorder arrays as .npy (streamed, valid after every chunk), meta.json (status, request, spec,
 * seed, adapter, versions, timings, files), summary.json, and the scenario's figures. The directory is
 * owned by the run (scenarios/output-dir.ts: lock, no silent overwrite); an interrupted run (`signal`)
 * keeps its rows, writes a checkpoint and says so in meta.json; `lamina resume` continues it (resume.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { SpecError } from '../engine/errors.ts';
import { adapterReport, resolveBackend } from '../engine/gpu/device.ts';
import { stepCount } from '../engine/spec/checks.ts';
import type { FusedMode } from '../engine/plan/spiking-path.ts';
import { isSpikingSpec } from '../engine/spec/kind.ts';
import type { NetworkSpec } from '../engine/spec/rate.ts';
import { validateSpec } from '../engine/spec/validate-rate.ts';
import { writeReport } from '../engine/node/report.ts';
import { RateSimulation } from '../engine/run/rate-simulation.ts';
import { SpikingSimulation } from '../engine/run/spiking-simulation.ts';
import { dispatchMeta } from '../engine/run/dispatch-count.ts';
import { VERSION } from '../engine/version.ts';
import type { Checkpoint } from './checkpoint-files.ts';
import { drive } from './drive.ts';
import { writeNwb } from './export.ts';
import { SCENARIOS } from './index.ts';
import { OutputDir, type RunStatus } from './output-dir.ts';
import { rateOutputs, type RatePositions } from './run-rate.ts';
import { describeSpiking, spikingOutputs, type SpikingPositions } from './run-spiking.ts';
import type { ProtocolScenario, Scenario, ScenarioOptions, ScenarioRun, SpikingScenario, SpikingScenarioRun } from './scenario.ts';

export { prepareOut } from './output-dir.ts';

export interface RunRequest extends ScenarioOptions {
  /** Scenario name, path to a spec .json file, or a spec object. */
  target: string | Record<string, unknown>;
  out: string;
  backend?: string;
  adapter?: string;
  /** Replace the results of a previous run in `out`. */
  force?: boolean;
  /** Steps between checkpoints (a checkpoint is also written when the run is interrupted). */
  checkpointEvery?: number;
  /** Write DIR/NAME.nwb when the run completes (scenarios/export.ts). */
  nwb?: boolean;
  /** Stops the run after the chunks in flight; it then ends with status "interrupted". */
  signal?: AbortSignal;
  /** Stop at the first NaN or infinite state value (default true; RuntimeOptions.detectFaults). */
  detectFaults?: boolean;
  /** Spiking networks: the fused path, 'auto' (default), 'on' or 'off' (SpikingOptions.fused). */
  fused?: FusedMode;
  progress?: (msg: string) => void;
}

export interface RunOutcome {
  summary: Record<string, unknown>;
  /** Every scenario check passed (a spec run passes when it completes). */
  pass: boolean;
  status: RunStatus;
  steps: number;
  stepsCompleted: number;
}

/** What a request resolves to, before anything runs. */
export type Job =
  | { kind: 'protocol'; scenario: ProtocolScenario }
  | { kind: 'rate'; run: ScenarioRun; scenario?: Scenario }
  | { kind: 'spiking'; run: SpikingScenarioRun | { spec: unknown; steps: number; batch?: number; params: Record<string, unknown> }; scenario?: SpikingScenario };

/** Version of the Dawn bindings (npm `webgpu`) in use, for meta.json. */
export function webgpuVersion(): string {
  try {
    return (createRequire(import.meta.url)('webgpu/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function loadSpecFile(path: string): Record<string, unknown> {
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

/**
 * Every path a spec names is read relative to the spec file: rate weights { type: 'npy', file }, the
 * biases { file } of projections into gated populations, and spiking connectivity { file, weightsFile }
 * (absolute paths are kept).
 */
export function resolveSpecPaths(raw: Record<string, unknown>, specPath: string): void {
  if (!Array.isArray(raw.projections)) return;
  const fix = (o: Record<string, unknown> | undefined, key: string) => {
    const v = o?.[key];
    if (typeof v === 'string' && v !== '' && !isAbsolute(v)) o![key] = resolve(dirname(specPath), v);
  };
  for (const p of raw.projections as { weights?: Record<string, unknown>; bias?: Record<string, unknown>; connectivity?: Record<string, unknown> }[]) {
    if (p?.weights?.type === 'npy') fix(p.weights, 'file');
    if (p?.bias && typeof p.bias === 'object' && !Array.isArray(p.bias)) fix(p.bias, 'file');
    if (p?.connectivity && typeof p.connectivity === 'object') { fix(p.connectivity, 'file'); fix(p.connectivity, 'weightsFile'); }
  }
}

function checkOptions(req: RunRequest, scenario: unknown): void {
  if (!scenario) {
    // Options that shape a scenario's network mean nothing for a spec: refuse them rather than ignore them.
    const ignored = ([['--scale', req.scale], ['--background', req.background], ['--procedural', req.procedural || undefined]] as const).find(([, v]) => v !== undefined);
    if (ignored) throw new SpecError(ignored[0], `applies to scenarios only (${Object.keys(SCENARIOS).join(', ')}); a spec file sets its network itself`);
  }
  if (req.steps !== undefined) stepCount(req.steps, '--steps');
  if (req.dt !== undefined && !(req.dt > 0)) throw new SpecError('--dt', `must be > 0, got ${req.dt}`);
  if (req.batch !== undefined && (!Number.isInteger(req.batch) || req.batch < 1)) throw new SpecError('--batch', `must be an integer >= 1, got ${req.batch}`);
  if (req.seed !== undefined && (!Number.isInteger(req.seed) || req.seed < 0 || req.seed > 0xffffffff)) throw new SpecError('--seed', `must be an integer in [0, 2^32), got ${req.seed}`);
  if (req.checkpointEvery !== undefined) stepCount(req.checkpointEvery, '--checkpoint-every');
  resolveBackend({ backend: req.backend });
}

/** Resolves the target into what will run; every option is checked here, before the directory is touched. */
export function resolveJob(req: RunRequest): Job {
  const name = typeof req.target === 'string' ? req.target : undefined;
  const scenario = name !== undefined && Object.hasOwn(SCENARIOS, name) ? SCENARIOS[name] : undefined;
  if (!scenario && name !== undefined && !name.endsWith('.json')) {
    throw new SpecError('target', `"${name}" is neither a scenario (${Object.keys(SCENARIOS).join(', ')}) nor a .json spec file`);
  }
  checkOptions(req, scenario);
  if (scenario?.kind === 'protocol') {
    if (req.checkpointEvery !== undefined) throw new SpecError('--checkpoint-every', `${scenario.name} drives its simulations itself (a protocol scenario); checkpoints apply to networks run from a spec or a network scenario`);
    if (req.nwb) throw new SpecError('--nwb', `${scenario.name} drives its simulations itself (a protocol scenario) and records no network to export; --nwb applies to networks run from a spec or a network scenario`);
    return { kind: 'protocol', scenario };
  }
  if (scenario?.kind === 'spiking') return { kind: 'spiking', run: scenario.build(req), scenario };
  if (scenario) return { kind: 'rate', run: scenario.build(req), scenario };
  const raw = typeof req.target === 'string' ? loadSpecFile(req.target) : structuredClone(req.target);
  if (typeof req.target === 'string' && raw && typeof raw === 'object') resolveSpecPaths(raw, req.target);
  if (req.dt !== undefined && raw && typeof raw === 'object') raw.dt = req.dt;
  const params = { file: typeof req.target === 'string' ? req.target : '(spec object)' };
  if (isSpikingSpec(raw)) {
    const steps = req.steps ?? (raw.steps === undefined ? 1000 : stepCount(raw.steps, 'steps'));
    return { kind: 'spiking', run: { spec: raw, steps, batch: req.batch, params } };
  }
  const spec: NetworkSpec = validateSpec(raw);
  return { kind: 'rate', run: { spec, steps: req.steps ?? spec.steps ?? 1000, params } };
}

/** What meta.json says of every run: versions, the command and the request (which `lamina resume` re-reads). */
function baseMeta(req: RunRequest): Record<string, unknown> {
  const { signal: _s, progress: _p, out: _o, force: _f, ...request } = req;
  if (typeof request.target === 'string' && request.target.endsWith('.json')) request.target = resolve(request.target);
  return { lamina: VERSION, node: process.version, webgpu: webgpuVersion(), date: new Date().toISOString(), command: process.argv.slice(1).join(' '), target: request.target, request };
}

/** Where a run writes when no --out is given: results/NAME (the scenario's, or the spec file's without .json). */
export function defaultOut(target: RunRequest['target']): string {
  return `results/${typeof target === 'string' ? target.replace(/^.*\//, '').replace(/\.json$/, '') : 'spec'}`;
}

export async function runToDirectory(req: RunRequest): Promise<RunOutcome> {
  const job = resolveJob(req);
  const dir = OutputDir.open(req.out, { force: req.force });
  return execute(dir, job, req);
}

/** Runs a job into an opened directory (a new run, or a resumed one with its checkpoint); releases the lock. */
export async function execute(dir: OutputDir, job: Job, req: RunRequest, from?: Checkpoint): Promise<RunOutcome> {
  try {
    dir.note('report.html');
    if (!from) dir.writeMeta('running', baseMeta(req));
    const outcome = job.kind === 'protocol' ? await runProtocol(dir, job.scenario, req) : await runNetwork(dir, job, req, from);
    writeReport(dir.dir);
    return outcome;
  } catch (e) {
    try {
      dir.writeMeta('failed', { error: (e as Error).message });
      writeReport(dir.dir);
    } catch { /* the disk may be what failed */ }
    throw e;
  } finally {
    dir.release();
  }
}

async function runProtocol(dir: OutputDir, scenario: ProtocolScenario, req: RunRequest): Promise<RunOutcome> {
  const t0 = performance.now();
  const { result, meta } = await scenario.run({ ...req });
  dir.scenarioFiles(result);
  dir.json('summary.json', result.summary);
  dir.writeMeta('complete', { seed: req.seed, timings: { wall_s: (performance.now() - t0) / 1000 }, ...meta });
  return { summary: result.summary, pass: result.summary.checks.every((c) => c.pass), status: 'complete', steps: 0, stepsCompleted: 0 };
}

async function runNetwork(dir: OutputDir, job: Exclude<Job, { kind: 'protocol' }>, req: RunRequest, from?: Checkpoint): Promise<RunOutcome> {
  const log = req.progress ?? (() => undefined);
  const dev = { seed: req.seed, backend: req.backend, adapter: req.adapter, detectFaults: req.detectFaults };
  const { steps } = job.run;
  let sim: RateSimulation | SpikingSimulation, net;
  if (job.kind === 'spiking') {
    const spiking = await SpikingSimulation.create(job.run.spec, { ...dev, batch: job.run.batch, fused: req.fused });
    sim = spiking;
    net = spikingOutputs(dir, spiking, job.scenario && (job.run as SpikingScenarioRun), job.scenario, from?.positions as SpikingPositions | undefined);
    log(`lamina: ${describeSpiking(spiking, steps)}`);
  } else {
    const rate = await RateSimulation.create(job.run.spec, { ...dev, batch: job.scenario ? undefined : req.batch });
    sim = rate;
    net = rateOutputs(dir, rate, job.run, job.scenario, from?.positions as RatePositions | undefined);
    log(`lamina: ${job.scenario?.name ?? 'rate network'}: ${steps} steps of ${rate.plan.dt} ms, batch ${rate.plan.batch}, on ${rate.gpu.info.description || rate.gpu.info.device} (built in ${rate.buildSeconds.toFixed(2)} s)`);
  }
  try {
    if (from) {
      try {
        sim.loadState(from.state);
      } catch (e) {
        if (!(e instanceof SpecError)) throw e;
        throw new SpecError('resume', `the checkpoint in ${dir.dir} does not fit the network built now from ${typeof req.target === 'string' ? req.target : 'the spec'} (changed since the run started?): ${e.message}`);
      }
      log(`lamina: resuming at step ${sim.step} of ${steps}`);
    }
    const t = await drive(dir.dir, net, steps, { signal: req.signal, checkpointEvery: req.checkpointEvery, log });
    const complete = !t.interrupted;
    const fin = await net.finish(complete);
    const pass = fin.pass && complete;
    const status: RunStatus = complete ? 'complete' : 'interrupted';
    const summary = { status, steps, steps_completed: t.done, ...fin.summary };
    dir.json('summary.json', summary);
    const seconds = (t.done * sim.dt) / 1000;
    dir.writeMeta(status, {
      steps, steps_completed: t.done, seed: req.seed ?? (job.kind === 'rate' ? job.run.spec.seed ?? 0 : undefined),
      adapter: adapterReport(sim.gpu),
      timings: { build_s: sim.buildSeconds, run_wall_s: t.wallSeconds, steps_per_s: t.done / t.wallSeconds, realtime_factor: t.wallSeconds / seconds },
      dispatches: dispatchMeta(sim.dispatches, t.dispatches),
      // Fused (one dispatch per chunk) or multi-dispatch, and why (engine/plan/rate-path.ts, spiking-path.ts).
      path: sim.path,
      ...fin.meta, params: job.run.params, spec: sim.spec,
      ...(complete ? {} : { interrupted_at_step: t.done, resume: `lamina resume ${dir.dir}` }),
    });
    if (req.nwb && complete) for (const w of (await writeNwb(dir, status)).warnings) log(`lamina: NWB: ${w}`);
    return { summary, pass, status, steps, stepsCompleted: t.done };
  } finally {
    sim.destroy();
  }
}
