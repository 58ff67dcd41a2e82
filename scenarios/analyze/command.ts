/**
 * `lamina analyze DIR [--psth] [--xcov] [--jpca] [--glm] [options]` and its library form analyzeDirectory:
 * the seed's analysis tools on any run's recordings. Results go to DIR/analysis/ (.npy arrays and .svg
 * figures) and into summary.json under "analysis"; meta.json lists the files, so `lamina run --force`
 * into DIR removes them with the rest. Without a tool flag every tool that applies runs.
 */
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SpecError } from '../../engine/errors.ts';
import { acquireGpu } from '../../engine/gpu/device.ts';
import { encodeNpy } from '../../engine/util/npy.ts';
import { writeAtomic } from '../output-dir.ts';
import { listRecordings, parseEvents, readMeta, readSeries, readSpikes, trialsOf, type RunMeta } from './data.ts';
import { asymmetryFigure, glmFigure, jpcaFigure, psthFigure } from './figures.ts';
import { glmTool, jpcaTool } from './model-tools.ts';
import { psthTool, xcovTool, type ToolOutput } from './spike-tools.ts';

export type AnalysisTool = 'psth' | 'xcov' | 'jpca' | 'glm';

export interface AnalyzeOptions {
  /** Tools to run (default: all that apply to the recordings). */
  tools?: AnalysisTool[];
  /** Spike recordings to use (default: all). */
  spikes?: string[];
  /** Series recording for jPCA (default: the first with at least k units; else the first spike recording). */
  series?: string;
  /** Event times (ms): each event of each instance is a trial; default: each instance is a trial aligned at 0. */
  events?: number[];
  /** [start, end) relative to the event (ms); default [0, the run's duration) without events. */
  window?: [number, number];
  /** Bin width (ms) of the PSTH and the cross-covariance (default 5), of the GLM (default 1). */
  bin?: number;
  glmBin?: number;
  /** Gaussian smoothing of the PSTH (sd, ms; default none) and of spikes into rates for jPCA (default 20). */
  smooth?: number;
  jpcaSmooth?: number;
  bootstrap?: number;
  maxLag?: number;
  /** Most active units for the cross-covariance (default 200) and the GLM (default 10). */
  units?: number;
  glmUnits?: number;
  k?: number;
  softNorm?: number | null;
  /** GLM history span (ms, default 100), basis size (default 8), ridge (default 1e-3). */
  history?: number;
  basis?: number;
  ridge?: number;
  seed?: number;
  /** Where the cross-covariance runs: 'auto' (the GPU for large products, xcov's GPU_PRODUCTS), 'gpu' or 'cpu'. */
  xcovDevice?: 'auto' | 'gpu' | 'cpu';
  backend?: string;
  adapter?: string;
}

export interface AnalyzeResult {
  summary: Record<string, unknown>;
  files: string[];
}

/** Runs the tools on the recordings of the run in `dir` and writes their results there. */
export async function analyzeDirectory(dir: string, options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const meta = readMeta(dir);
  const recs = listRecordings(dir, meta);
  const spikeNames = options.spikes ?? recs.spikes;
  for (const s of spikeNames) if (!recs.spikes.includes(s)) throw new SpecError('--spikes', `no spike recording "${s}" in ${dir} (spike recordings: ${recs.spikes.join(', ') || 'none'})`);
  const duration = meta.steps * meta.dtMs;
  const window: [number, number] = options.window ?? (options.events ? (() => { throw new SpecError('--window', 'is required with --events'); })() : [0, duration]);
  if (!(window[1] > window[0])) throw new SpecError('--window', `expected START,END with END > START, got ${window.join(',')}`);
  const trials = trialsOf(meta, options.events);
  const bin = options.bin ?? 5, k = options.k ?? 6;
  const wanted = new Set(options.tools ?? ['psth', 'xcov', 'jpca', 'glm']);
  const explicit = options.tools !== undefined;
  const out: Record<string, unknown> = {};
  const figures: Record<string, string> = {};
  const arrays: ToolOutput['arrays'] = {};
  const skipped: string[] = [];
  const keep = (tool: string, name: string, o: ToolOutput, fig: string) => {
    ((out[tool] ??= {}) as Record<string, unknown>)[name] = o.summary;
    Object.assign(arrays, o.arrays);
    figures[`${tool}_${name}.svg`] = fig;
  };
  const spikes = spikeNames.map((s) => readSpikes(dir, meta, s));
  for (const rec of spikes) {
    if (wanted.has('psth')) {
      const bootstrap = options.bootstrap ?? 200;
      const p = psthTool(rec, trials, { window, bin, smooth: options.smooth, bootstrap, seed: options.seed ?? 1 });
      keep('psth', rec.name, p, psthFigure(rec.name, p, trials.length, bootstrap));
    }
    if (wanted.has('xcov')) {
      const x = await attempt('xcov', explicit, skipped, () => xcovTool(rec, trials, {
        window, bin, maxLag: options.maxLag ?? 50, units: options.units ?? 200, device: options.xcovDevice,
        gpu: () => acquireGpu({ backend: options.backend, adapter: options.adapter }),
      }));
      if (x) keep('xcov', rec.name, x, asymmetryFigure(rec.name, x.asymmetry, x.units, x.order));
    }
    if (wanted.has('glm')) {
      const g = await attempt('glm', explicit, skipped, () => glmTool(rec, trials, {
        window, bin: options.glmBin ?? Math.max(1, meta.dtMs), history: options.history ?? 100, basis: options.basis ?? 8,
        units: options.glmUnits ?? 10, ridge: options.ridge ?? 1e-3, smooth: options.smooth ?? 10,
      }));
      if (g) keep('glm', rec.name, g, glmFigure(rec.name, g.filters));
    }
  }
  if (wanted.has('jpca')) {
    const src = jpcaSource(dir, meta, recs, options, k, spikes);
    if (src) {
      const j = await attempt('jpca', explicit, skipped, () => jpcaTool(src, meta.batch, trials, {
        window, k, bin, smooth: options.jpcaSmooth ?? 20, softNorm: options.softNorm === undefined ? 5 : options.softNorm,
      }));
      if (j) {
        const s = j.summary as { r2_ratio: number; planes: { frequency_hz: number }[] };
        keep('jpca', src.name, j, jpcaFigure(src.name, j.projections, s.r2_ratio, s.planes[0].frequency_hz));
      }
    } else if (explicit) throw new SpecError('--jpca', `no recording in ${dir} with at least k = ${k} units`);
    else skipped.push(`jpca: no recording with at least ${k} units`);
  }
  if (skipped.length) out.skipped = skipped;
  out.options = { window_ms: window, events_ms: options.events ?? null, trials: trials.length, bin_ms: bin };
  return write(dir, meta, out, arrays, figures);
}

/** Runs a tool; without explicit tool flags a tool that does not apply (RangeError) is skipped and noted. */
async function attempt<T>(tool: string, explicit: boolean, skipped: string[], run: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    if (explicit) throw new SpecError(`--${tool}`, e.message);
    skipped.push(e.message);
    return undefined;
  }
}

function jpcaSource(dir: string, meta: RunMeta, recs: { spikes: string[]; series: string[] }, options: AnalyzeOptions, k: number, spikes: ReturnType<typeof readSpikes>[]) {
  if (options.series) {
    if (!recs.series.includes(options.series)) throw new SpecError('--series', `no series recording "${options.series}" in ${dir} (series: ${recs.series.join(', ') || 'none'})`);
    return readSeries(dir, meta, options.series);
  }
  for (const s of recs.series) {
    const r = readSeries(dir, meta, s);
    if (r.units >= k) return r;
  }
  return spikes.find((s) => s.neurons >= k);
}

function write(dir: string, meta: RunMeta, analysis: Record<string, unknown>, arrays: ToolOutput['arrays'], figures: Record<string, string>): AnalyzeResult {
  const sub = join(dir, 'analysis');
  mkdirSync(sub, { recursive: true });
  const files: string[] = [];
  for (const [name, a] of Object.entries(arrays)) { writeAtomic(join(sub, `${name}.npy`), encodeNpy(a.data, a.shape)); files.push(`analysis/${name}.npy`); }
  for (const [name, svg] of Object.entries(figures)) { writeAtomic(join(sub, name), svg); files.push(`analysis/${name}`); }
  const summaryPath = join(dir, 'summary.json');
  const summary = existsSync(summaryPath) ? JSON.parse(readFileSync(summaryPath, 'utf8')) as Record<string, unknown> : {};
  summary.analysis = analysis;
  writeAtomic(summaryPath, `${JSON.stringify(summary, null, 1)}\n`);
  const listed = new Set([...meta.files.filter((f) => !f.startsWith('analysis/')), ...files]);
  if (!meta.files.includes('summary.json')) listed.add('summary.json');
  writeAtomic(join(dir, 'meta.json'), `${JSON.stringify({ ...meta.raw, files: [...listed].sort() }, null, 1)}\n`);
  return { summary: analysis, files };
}

const FLAGS = {
  psth: { type: 'boolean' }, xcov: { type: 'boolean' }, jpca: { type: 'boolean' }, glm: { type: 'boolean' }, quiet: { type: 'boolean' },
  spikes: { type: 'string' }, series: { type: 'string' }, events: { type: 'string' }, window: { type: 'string' }, bin: { type: 'string' },
  'glm-bin': { type: 'string' }, smooth: { type: 'string' }, 'jpca-smooth': { type: 'string' }, bootstrap: { type: 'string' }, 'max-lag': { type: 'string' },
  units: { type: 'string' }, 'glm-units': { type: 'string' }, k: { type: 'string' }, 'soft-norm': { type: 'string' }, history: { type: 'string' },
  basis: { type: 'string' }, ridge: { type: 'string' }, seed: { type: 'string' }, 'xcov-on': { type: 'string' },
  backend: { type: 'string' }, adapter: { type: 'string' },
} as const;

/** `lamina analyze` from its arguments (after the word analyze); usage errors are SpecErrors (exit 2). */
export async function analyzeCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: FLAGS });
  } catch (e) {
    throw new SpecError('analyze', (e as Error).message);
  }
  const { values: o, positionals } = parsed;
  if (positionals.length !== 1) throw new SpecError('analyze', `expected one run directory: lamina analyze DIR [--psth --xcov --jpca --glm] (got ${positionals.length})`);
  const num = (flag: keyof typeof FLAGS, positive = true): number | undefined => {
    const v = o[flag] as string | undefined;
    if (v === undefined) return undefined;
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x) || (positive && !(x > 0))) throw new SpecError(`--${flag}`, `expected a ${positive ? 'positive ' : ''}number, got "${v}"`);
    return x;
  };
  const int = (flag: keyof typeof FLAGS) => {
    const x = num(flag);
    if (x !== undefined && !Number.isInteger(x)) throw new SpecError(`--${flag}`, `expected an integer, got "${o[flag]}"`);
    return x;
  };
  const tools = (['psth', 'xcov', 'jpca', 'glm'] as const).filter((t) => o[t]);
  let window: [number, number] | undefined;
  if (o.window !== undefined) {
    const w = o.window.split(',').map(Number);
    if (w.length !== 2 || w.some((x) => !Number.isFinite(x))) throw new SpecError('--window', `expected START,END in ms, got "${o.window}"`);
    window = [w[0], w[1]];
  }
  const softNorm = o['soft-norm'] === 'none' ? null : num('soft-norm', false);
  const device = o['xcov-on'];
  if (device !== undefined && device !== 'auto' && device !== 'gpu' && device !== 'cpu') throw new SpecError('--xcov-on', `expected auto, gpu or cpu, got "${device}"`);
  const result = await analyzeDirectory(positionals[0], {
    xcovDevice: device, backend: o.backend, adapter: o.adapter,
    ...(tools.length ? { tools } : {}), ...(o.spikes ? { spikes: o.spikes.split(',') } : {}), series: o.series, events: parseEvents(o.events), window,
    bin: num('bin'), glmBin: num('glm-bin'), smooth: num('smooth'), jpcaSmooth: num('jpca-smooth', false), bootstrap: o.bootstrap === '0' ? 0 : int('bootstrap'),
    maxLag: num('max-lag'), units: int('units'), glmUnits: int('glm-units'), k: int('k'), ...(softNorm !== undefined ? { softNorm } : {}),
    history: num('history'), basis: int('basis'), ridge: num('ridge', false), seed: int('seed'),
  });
  if (!o.quiet) {
    for (const line of describe(result.summary)) process.stderr.write(`${line}\n`);
    process.stderr.write(`lamina: analysis in ${join(positionals[0], 'analysis')} (${result.files.length} files) and summary.json\n`);
  }
  return 0;
}

/** One line per result, for the terminal. */
function describe(a: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const each = (tool: string) => Object.entries((a[tool] ?? {}) as Record<string, Record<string, unknown>>);
  for (const [n, s] of each('psth')) lines.push(`psth ${n}: ${s.trials} trials, mean ${(s.mean_rate_hz as number).toFixed(2)} Hz, peak ${(s.peak_rate_hz as number).toFixed(2)} Hz at ${(s.peak_time_ms as number).toFixed(1)} ms`);
  for (const [n, s] of each('xcov')) lines.push(`xcov ${n}: ${s.units} units, max |A| ${(s.max_abs_asymmetry as number).toPrecision(3)}, order begins ${(s.order as number[]).slice(0, 8).join(' ')}`);
  for (const [n, s] of each('jpca')) lines.push(`jpca ${n}: R^2 skew ${(s.r2_skew as number).toFixed(3)} / full ${(s.r2_full as number).toFixed(3)} = ${(s.r2_ratio as number).toFixed(3)}`);
  for (const [n, s] of each('glm')) lines.push(`glm ${n}: median ${s.median_bits_per_spike === null ? 'n/a' : (s.median_bits_per_spike as number).toFixed(3)} bits/spike over the PSTH (held-out trials)`);
  for (const s of (a.skipped ?? []) as string[]) lines.push(`skipped: ${s}`);
  return lines;
}
