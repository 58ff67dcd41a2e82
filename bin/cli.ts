/**
 * lamina command line: run a scenario or a spec file, resume an interrupted run, export a run as NWB, print
 * adapter information.
 * Exit codes: 0 success, 2 bad input (the message names the problem), 1 runtime failure, 3 a scenario
 * check failed, 130 / 143 when SIGINT / SIGTERM stopped the run (its rows so far and a checkpoint are saved).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AdapterError, GpuError, NumericalError, SpecError } from '../engine/errors.ts';
import type { FusedMode } from '../engine/plan/spiking-path.ts';
import { acquireGpu, adapterReport } from '../engine/gpu/device.ts';
import { exportDirectory } from '../scenarios/export.ts';
import { resumeDirectory } from '../scenarios/resume.ts';
import { defaultOut, runToDirectory, type RunOutcome } from '../scenarios/run.ts';
import { writeReport } from '../engine/node/report.ts';
import { VERSION } from '../engine/version.ts';
import { SCENARIOS } from '../scenarios/index.ts';
import { formatInspection, inspectTarget } from '../scenarios/inspect.ts';
import { sweepCommand } from '../scenarios/sweep/command.ts';
import { analyzeCommand } from '../scenarios/analyze/command.ts';

const HELP = `lamina ${VERSION}: recurrent network simulation on WebGPU

Usage:
  lamina run <scenario | spec.json> [options]   simulate and write results to --out
  lamina resume DIR [--checkpoint-every N]      continue an interrupted run from its checkpoint
  lamina export DIR --nwb                       write DIR/NAME.nwb (NWB 2.7) from a run's directory
  lamina inspect <scenario | spec.json> [options] [--json]
                                                dry run: sizes, memory against the limits, dispatches,
                                                recording volume, estimated wall time; exit 2 if run would refuse it
  lamina sweep SWEEP.json --out DIR [--max-batch N] [--progress json] [--shard i/n]
                                                run every point of a sweep file into DIR/sweep.sqlite
                                                (rerun to continue an interrupted sweep); --shard
                                                (default: the Slurm array task's) runs points k with
                                                k mod n = i; %a in --out becomes i
  lamina sweep SWEEP.json --out DIR --emit-sbatch FILE --tasks N [--time MIN] [--mem MB] [--cpus C]
        [--gpus G] [--partition P] [--account A]
                                                write a Slurm job-array script (task i: shard i/N
                                                into DIR/shard-i) instead of running
  lamina sweep merge --out DIR SHARD_DIR... [--partial]
                                                one table from the shard tables of one sweep
  lamina sweep export DIR --csv | --parquet     write DIR/points.csv or .parquet from the results table
  lamina info [--json] [--backend B] [--adapter NAME] [--adapter-index K]
  lamina report DIR                             (re)write DIR/report.html from a run's output directory
  lamina analyze DIR [--psth] [--xcov] [--jpca] [--glm] [options]
                                                PSTH, lagged cross-covariance, jPCA and spike-history
                                                GLM of a run's recordings into DIR/analysis and
                                                summary.json (README, "Analysis tools")
  lamina --help | --version (-h | -v)

Run options:
  --steps N          number of time steps (default: the scenario's, or "steps" in the spec, or 1000)
  --dt MS            time step in milliseconds (overrides the scenario's or spec's)
  --batch B          independent instances run together (for ring-attractor: number of gamma values)
  --seed S           base random seed (32-bit)
  --out DIR          output directory (default: results/<name>); it must be empty or new
  --force            replace the results of a previous run in --out (the files its meta.json lists)
  --nwb              when the run completes, also write DIR/NAME.nwb (as lamina export DIR --nwb)
  --checkpoint-every N  write the full state to DIR/checkpoint every N steps (SIGINT/SIGTERM always
                     write one), for \`lamina resume DIR\`
  --backend B        vulkan | metal | d3d12 | opengles (default: LAMINA_BACKEND, else Dawn's choice)
  --adapter NAME     adapter name or a part of it, e.g. llvmpipe (an unknown name lists the adapters)
  --adapter-index K  the K-th adapter Dawn offers, from 0 (of those matching --adapter, if given);
                     default LAMINA_ADAPTER_INDEX, else CUDA_VISIBLE_DEVICES among NVIDIA adapters
  --scale S          network scale (default 1 unless noted): microcircuit neurons and in-degrees,
                     0.05 to 1 (default 0.05); belief-state: units x S, up to 1; hippocampal-replay: track
                     length and cell counts x S, 0.25 to 4; brunel: N_E = 10000 S, C_E = 1000 S,
                     J = 0.1 / S mV, 0.05 to 1 (default 0.2)
  --background B     microcircuit: poisson (default) or dc
  --procedural       microcircuit: regenerate synapses at each spike instead of storing them
  --no-fault-check   do not stop at the first NaN or infinite state value (checked by default)
  --fused MODE       spiking networks: auto (default), on or off: one dispatch per chunk, one workgroup
                     per instance (README, "fused path"); meta.json records the path taken and why
  --quiet            no progress on stderr

Scenarios:
${Object.values(SCENARIOS).map((s) => `  ${s.name.padEnd(18)} ${s.description}`).join('\n')}

Outputs in DIR: one .npy per recorder (numpy.load; valid at every moment of the run), meta.json
(status, spec, seed, adapter, versions, timings, files), summary.json (results and checks), the
scenario's figures (.svg) and report.html (all of it on one self-contained page, with figures of every
recording). On SIGINT or SIGTERM the run finishes the chunk in flight, saves its rows and a checkpoint,
and writes meta.json with status "interrupted"; a second signal exits at once.
Exit codes: 0 success, 1 runtime failure (GPU error, numerical fault, disk full), 2 bad input, 3 a
scenario check failed, 130 interrupted by SIGINT, 143 interrupted by SIGTERM.`;

class UsageError extends Error {}

function background(v: string | undefined): 'poisson' | 'dc' | undefined {
  if (v === undefined || v === 'poisson' || v === 'dc') return v;
  throw new UsageError(`--background: expected poisson or dc, got "${v}"`);
}

function num(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new UsageError(`${flag}: expected a number, got "${v}"`);
  return x;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'analyze') return analyzeCommand(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        steps: { type: 'string' }, dt: { type: 'string' }, batch: { type: 'string' }, seed: { type: 'string' },
        out: { type: 'string' }, backend: { type: 'string' }, adapter: { type: 'string' }, 'adapter-index': { type: 'string' },
        scale: { type: 'string' }, background: { type: 'string' }, procedural: { type: 'boolean' }, 'no-fault-check': { type: 'boolean' }, fused: { type: 'string' },
        force: { type: 'boolean' }, 'checkpoint-every': { type: 'string' }, nwb: { type: 'boolean' },
        'max-batch': { type: 'string' }, progress: { type: 'string' }, csv: { type: 'boolean' }, parquet: { type: 'boolean' },
        shard: { type: 'string' }, 'emit-sbatch': { type: 'string' }, tasks: { type: 'string' }, time: { type: 'string' }, mem: { type: 'string' },
        cpus: { type: 'string' }, gpus: { type: 'string' }, partition: { type: 'string' }, account: { type: 'string' }, partial: { type: 'boolean' },
        json: { type: 'boolean' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values: o, positionals } = parsed;
  if (o.version) { console.log(VERSION); return 0; }
  if (o.help || positionals.length === 0) { console.log(HELP); return o.help ? 0 : 2; }
  // The flag is the variable: every GPU acquired in this process (and a sweep's emitted job script) reads it.
  if (o['adapter-index'] !== undefined) process.env.LAMINA_ADAPTER_INDEX = o['adapter-index'];
  const [command, target, ...extra] = positionals;
  if (command === 'info') {
    const gpu = await acquireGpu({ backend: o.backend, adapter: o.adapter });
    const r = adapterReport(gpu);
    if (o.json) console.log(JSON.stringify(r, null, 1));
    else {
      console.log(`adapter:      ${r.description || r.device}\nvendor:       ${r.vendor}\narchitecture: ${r.architecture}\ndevice:       ${r.device}\nbackend:      ${r.backend}`);
      console.log(`features:     ${r.features.join(', ')}`);
      console.log('limits:');
      for (const [k, v] of Object.entries(r.limits)) console.log(`  ${k.padEnd(42)} ${v}`);
    }
    return 0;
  }
  if (command === 'sweep') return sweepCommand(target, extra, o, interruptSignal, fileURLToPath(new URL('../bin/lamina.js', import.meta.url)));
  const sweepOnly = (['max-batch', 'progress', 'csv', 'parquet', 'shard', 'emit-sbatch', 'tasks', 'time', 'mem', 'cpus', 'gpus', 'partition', 'account', 'partial'] as const).find((k) => o[k] !== undefined);
  if (sweepOnly) throw new UsageError(`--${sweepOnly} applies to lamina sweep only`);
  if (command === 'export') return exportCommand(target, extra, o);
  if (command === 'report') {
    if (!target || extra.length) throw new UsageError('report: expected one output directory: lamina report DIR');
    console.log(writeReport(target));
    return 0;
  }
  if (command === 'inspect') {
    if (!target) throw new UsageError('inspect: missing <scenario | spec.json>');
    if (extra.length) throw new UsageError(`inspect: unexpected arguments ${extra.join(' ')}`);
    const report = await inspectTarget({
      target, out: o.out, steps: num(o.steps, '--steps'), dt: num(o.dt, '--dt'), batch: num(o.batch, '--batch'), seed: num(o.seed, '--seed'),
      scale: num(o.scale, '--scale'), background: background(o.background), procedural: o.procedural, backend: o.backend, adapter: o.adapter,
      ...(o.fused !== undefined ? { fused: o.fused as FusedMode } : {}),
    });
    console.log(o.json ? JSON.stringify(report, null, 1) : formatInspection(report));
    return report.refusals.length ? 2 : 0;
  }
  if (command !== 'run' && command !== 'resume') throw new UsageError(`unknown command "${command}" (expected run, resume, sweep, analyze, inspect, export, report or info; see --help)`);
  if (!target) throw new UsageError(command === 'run' ? 'run: missing <scenario | spec.json>' : 'resume: missing DIR');
  if (extra.length) throw new UsageError(`${command}: unexpected arguments ${extra.join(' ')}`);
  const signal = interruptSignal();
  const progress = o.quiet ? undefined : (m: string) => process.stderr.write(`${m}\n`);
  const checkpointEvery = num(o['checkpoint-every'], '--checkpoint-every');
  let out: string, outcome: RunOutcome;
  if (command === 'resume') {
    const given = Object.entries(o).filter(([k, v]) => v !== undefined && !['checkpoint-every', 'quiet', 'backend', 'adapter', 'adapter-index'].includes(k));
    if (given.length) throw new UsageError(`resume: --${given[0][0]} cannot change a run being resumed (its request is in meta.json)`);
    out = target;
    outcome = await resumeDirectory({ out, checkpointEvery, signal, progress });
  } else {
    out = o.out ?? defaultOut(target);
    outcome = await runToDirectory({
      target, out, force: o.force, checkpointEvery, signal, progress, nwb: o.nwb,
      steps: num(o.steps, '--steps'), dt: num(o.dt, '--dt'), batch: num(o.batch, '--batch'), seed: num(o.seed, '--seed'),
      scale: num(o.scale, '--scale'), background: background(o.background), procedural: o.procedural,
      backend: o.backend, adapter: o.adapter, ...(o['no-fault-check'] ? { detectFaults: false } : {}),
      ...(o.fused !== undefined ? { fused: o.fused as FusedMode } : {}),
    });
  }
  if (outcome.status === 'interrupted') {
    process.stderr.write(`lamina: interrupted at step ${outcome.stepsCompleted} of ${outcome.steps}; rows so far and a checkpoint are in ${out} (continue with: lamina resume ${out})\n`);
    return signal.reason === 'SIGTERM' ? 143 : 130;
  }
  const checks = (outcome.summary.checks ?? []) as { name: string; pass: boolean; detail: string }[];
  for (const c of checks) process.stderr.write(`${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}\n`);
  process.stderr.write(`lamina: results in ${out}\n`);
  return outcome.pass ? 0 : 3;
}

/** `lamina export DIR --nwb`: DIR/NAME.nwb from the run in DIR (scenarios/export.ts). */
async function exportCommand(dir: string | undefined, extra: string[], o: Record<string, unknown>): Promise<number> {
  if (!dir) throw new UsageError('export: missing DIR');
  if (extra.length) throw new UsageError(`export: unexpected arguments ${extra.join(' ')}`);
  const given = Object.entries(o).filter(([k, v]) => v !== undefined && !['nwb', 'quiet'].includes(k));
  if (given.length) throw new UsageError(`export: --${given[0][0]} does not apply (export reads DIR as the run left it)`);
  if (!o.nwb) throw new UsageError('export: name the format to write (--nwb)');
  const x = await exportDirectory(dir);
  for (const w of x.warnings) process.stderr.write(`lamina: NWB: ${w}\n`);
  if (!o.quiet) process.stderr.write(`lamina: wrote ${x.path}\n`);
  return 0;
}

/**
 * SIGINT and SIGTERM (what Slurm sends at a time limit) stop the run after the chunk in flight; the signal's
 * name is the abort reason. A second signal exits at once (the .npy files on disk stay loadable).
 */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (controller.signal.aborted) process.exit(sig === 'SIGINT' ? 130 : 143);
      process.stderr.write(`lamina: ${sig}: finishing the chunk in flight, then saving (send it again to stop at once)\n`);
      controller.abort(sig);
    });
  }
  return controller.signal;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof SpecError) {
      process.stderr.write(`lamina: error: ${(e as Error).message}\n`);
      process.exit(2);
    }
    const sys = e as NodeJS.ErrnoException;
    if (e instanceof AdapterError || e instanceof GpuError || e instanceof NumericalError) process.stderr.write(`lamina: ${e.name}: ${e.message}\n`);
    // A file-system fault during the run (a full disk, a directory removed): what failed, without a stack.
    else if (typeof sys?.code === 'string' && sys.syscall) process.stderr.write(`lamina: cannot ${sys.syscall}${sys.path ? ` ${sys.path}` : ''}: ${sys.code} (${sys.message})\n`);
    else process.stderr.write(`lamina: internal error: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
