/**
 * lamina command line: run a scenario or a spec file, print adapter information.
 * Exit codes: 0 success, 2 bad input (the message names the problem), 1 runtime failure.
 */
import { parseArgs } from 'node:util';
import { AdapterError, GpuError, SpecError } from '../engine/errors.ts';
import { acquireGpu, adapterReport } from '../engine/gpu/device.ts';
import { runToDirectory } from '../scenarios/run.ts';
import { VERSION } from '../engine/version.ts';
import { SCENARIOS } from '../scenarios/index.ts';
import { formatInspection, inspectTarget } from '../scenarios/inspect.ts';

const HELP = `lamina ${VERSION}: recurrent network simulation on WebGPU

Usage:
  lamina run <scenario | spec.json> [options]   simulate and write results to --out
  lamina inspect <scenario | spec.json> [options] [--json]
                                                dry run: sizes, memory against the limits, dispatches,
                                                recording volume, estimated wall time; exit 2 if run would refuse it
  lamina info [--json] [--backend B] [--adapter NAME]
  lamina --help | --version (-h | -v)

Run options:
  --steps N          number of time steps (default: the scenario's, or "steps" in the spec, or 1000)
  --dt MS            time step in milliseconds (overrides the scenario's or spec's)
  --batch B          independent instances run together (for ring-attractor: number of gamma values)
  --seed S           base random seed (32-bit)
  --out DIR          output directory (default: results/<name>)
  --backend B        vulkan | metal | d3d12 | opengles (default: LAMINA_BACKEND, else Dawn's choice)
  --adapter NAME     adapter name or a part of it, e.g. llvmpipe (an unknown name lists the adapters)
  --scale S          network scale (default 1 unless noted): microcircuit neurons and in-degrees,
                     0.05 to 1 (default 0.05); belief-state: units x S, up to 1; hippocampal-replay: track
                     length and cell counts x S, 0.25 to 4
  --background B     microcircuit: poisson (default) or dc
  --procedural       microcircuit: regenerate synapses at each spike instead of storing them
  --quiet            no progress on stderr

Scenarios:
${Object.values(SCENARIOS).map((s) => `  ${s.name.padEnd(18)} ${s.description}`).join('\n')}

Outputs in DIR: one .npy per recorder (numpy.load), meta.json (spec, seed, adapter, versions,
timings), summary.json (results and checks), and the scenario's figures (.svg).
Exit codes: 0 success, 2 bad input, 1 runtime failure (GPU error, failed scenario check).`;

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
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        steps: { type: 'string' }, dt: { type: 'string' }, batch: { type: 'string' }, seed: { type: 'string' },
        out: { type: 'string' }, backend: { type: 'string' }, adapter: { type: 'string' },
        scale: { type: 'string' }, background: { type: 'string' }, procedural: { type: 'boolean' },
        json: { type: 'boolean' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values: o, positionals } = parsed;
  if (o.version) { console.log(VERSION); return 0; }
  if (o.help || positionals.length === 0) { console.log(HELP); return o.help ? 0 : 2; }
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
  if (command === 'inspect') {
    if (!target) throw new UsageError('inspect: missing <scenario | spec.json>');
    if (extra.length) throw new UsageError(`inspect: unexpected arguments ${extra.join(' ')}`);
    const report = await inspectTarget({
      target, out: o.out, steps: num(o.steps, '--steps'), dt: num(o.dt, '--dt'), batch: num(o.batch, '--batch'), seed: num(o.seed, '--seed'),
      scale: num(o.scale, '--scale'), background: background(o.background), procedural: o.procedural, backend: o.backend, adapter: o.adapter,
    });
    console.log(o.json ? JSON.stringify(report, null, 1) : formatInspection(report));
    return report.refusals.length ? 2 : 0;
  }
  if (command !== 'run') throw new UsageError(`unknown command "${command}" (expected run, inspect or info; see --help)`);
  if (!target) throw new UsageError('run: missing <scenario | spec.json>');
  if (extra.length) throw new UsageError(`run: unexpected arguments ${extra.join(' ')}`);
  const name = target.replace(/^.*\//, '').replace(/\.json$/, '');
  const { summary, pass } = await runToDirectory({
    target, out: o.out ?? `results/${name}`,
    steps: num(o.steps, '--steps'), dt: num(o.dt, '--dt'), batch: num(o.batch, '--batch'), seed: num(o.seed, '--seed'),
    scale: num(o.scale, '--scale'), background: background(o.background), procedural: o.procedural,
    backend: o.backend, adapter: o.adapter,
    progress: o.quiet ? undefined : (m) => process.stderr.write(`${m}\n`),
  });
  const checks = (summary.checks ?? []) as { name: string; pass: boolean; detail: string }[];
  for (const c of checks) process.stderr.write(`${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}\n`);
  process.stderr.write(`lamina: results in ${o.out ?? `results/${name}`}\n`);
  return pass ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof SpecError) {
      process.stderr.write(`lamina: error: ${(e as Error).message}\n`);
      process.exit(2);
    }
    const sys = e as NodeJS.ErrnoException;
    if (e instanceof AdapterError || e instanceof GpuError) process.stderr.write(`lamina: ${e.name}: ${e.message}\n`);
    // A file-system fault during the run (a full disk, a directory removed): what failed, without a stack.
    else if (typeof sys?.code === 'string' && sys.syscall) process.stderr.write(`lamina: cannot ${sys.syscall}${sys.path ? ` ${sys.path}` : ''}: ${sys.code} (${sys.message})\n`);
    else process.stderr.write(`lamina: internal error: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
