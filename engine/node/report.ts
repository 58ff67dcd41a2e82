/**
 * report.html for a run, written from its output directory alone: meta.json, summary.json, the
 * recordings (.npy, streamed) and the scenario's own figures (.svg). It works the same for a run that
 * just finished, one that was interrupted (meta.json status, fewer rows: said at the top) and an old
 * directory (`lamina report DIR`). The page is self-contained: inline CSS and SVG, no script, no
 * external file or address, so it can be mailed or archived as one file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { SpecError } from '../errors.ts';
import type { ReportFigure } from './report-figure.ts';
import { reportHtml } from './report-html.ts';
import { runFacts, type RunFacts } from './report-recordings.ts';
import { seriesFigures, weightHistogram } from './report-series.ts';
import { spikeFigures } from './report-spikes.ts';

export interface ReportOptions {
  /** Directory whose git commit the report gives when meta.json has none (default: the working directory). */
  cwd?: string;
}

/** The commit checked out in `cwd` ("+ local changes" when tracked files differ), or "unknown" outside a git checkout or without git. */
export function gitCommit(cwd: string): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
  try {
    const head = git('rev-parse', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') ? `${head} + local changes` : head;
  } catch {
    return 'unknown';
  }
}

/** Parsed JSON of DIR/name, or undefined (a problem noted) when it is missing or unreadable. */
function readJson(dir: string, name: string, problems: string[]): Record<string, unknown> | undefined {
  const path = join(dir, name);
  if (!existsSync(path)) { problems.push(`${name} is missing.`); return undefined; }
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    problems.push(`${name} cannot be read: ${(e as Error).message}`);
    return undefined;
  }
}

/** Writes DIR/report.html (through a temporary file, renamed) and returns its path. */
export function writeReport(dir: string, opts: ReportOptions = {}): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new SpecError('report', `${dir} is not a directory`);
  const problems: string[] = [];
  const meta = readJson(dir, 'meta.json', problems), summary = readJson(dir, 'summary.json', problems);
  if (!meta && !summary) throw new SpecError('report', `${dir} holds neither meta.json nor summary.json: not the output directory of a run`);
  const facts = runFacts(meta ?? {});
  const names = readdirSync(dir).sort();
  const figures = recordingFigures(dir, facts, names, problems);
  const scenarioFigures: ReportFigure[] = names.filter((f) => f.endsWith('.svg')).map((f) => ({ kind: 'scenario', source: f, caption: f, svg: readFileSync(join(dir, f), 'utf8') }));
  const html = reportHtml({
    title: `Lamina run: ${String(meta?.target ?? basename(resolve(dir)))}`,
    status: statusLine(meta, facts),
    facts: factRows(meta ?? {}, facts, opts.cwd ?? process.cwd()),
    summary, figures, scenarioFigures, problems, meta,
    files: names.filter((f) => f !== 'report.html' && !f.startsWith('.')).map((f) => [f, statSync(join(dir, f)).size]),
  });
  const out = join(dir, 'report.html'), tmp = join(dir, `.report.html.${process.pid}.tmp`);
  writeFileSync(tmp, html);
  renameSync(tmp, out);
  return out;
}

/** The figures of every recorder meta.json's spec names, then of every plastic projection's final weights (weights_NAME.npy). */
function recordingFigures(dir: string, facts: RunFacts, names: string[], problems: string[]): ReportFigure[] {
  const figures: ReportFigure[] = [];
  const attempt = (what: string, draw: () => ReportFigure[]) => {
    try { figures.push(...draw()); } catch (e) { problems.push(`${what}: ${(e as Error).message}`); }
  };
  const spikes = facts.recordings.filter((r) => r.kind === 'spikes'), dt = facts.dt;
  if (spikes.length || facts.recordings.length) {
    if (dt === undefined) problems.push('Recordings: meta.json gives no time step (dt_ms).');
    else {
      if (spikes.length) attempt(`Spikes (${spikes.map((r) => `${r.name}.npy`).join(', ')})`, () => spikeFigures(dir, spikes, dt, facts.stepsCompleted));
      for (const r of facts.recordings.filter((q) => q.kind === 'series')) {
        attempt(`${r.name}.npy`, () => seriesFigures(dir, r, dt, facts.stepsPlanned === undefined ? undefined : Math.floor(facts.stepsPlanned / r.every)));
      }
    }
  }
  const recorded = new Set(facts.recordings.map((r) => `${r.name}.npy`));
  for (const f of names) {
    const m = /^weights_(.+)\.npy$/.exec(f);
    if (m && !recorded.has(f)) attempt(f, () => [weightHistogram(dir, f, m[1], facts.weightUnit(m[1]))]);
  }
  return figures;
}

/** A line at the top for a run that did not complete, or whose meta.json is missing. */
function statusLine(meta: Record<string, unknown> | undefined, facts: RunFacts): { status: string; text: string } | undefined {
  if (!meta) return { status: 'unknown', text: 'meta.json is missing: this run may not have finished; the figures show what its files hold.' };
  if (facts.status === undefined || facts.status === 'complete') return undefined;
  const done = facts.stepsCompleted ?? '?', planned = facts.stepsPlanned ?? '?';
  return { status: facts.status, text: `Run ${facts.status}: ${done} of ${planned} steps completed. The figures show the data written before it stopped.` };
}

/** Rows of the "Run" table: what was run, on what, by which versions, with which seed. */
function factRows(meta: Record<string, unknown>, facts: RunFacts, cwd: string): [string, string][] {
  const str = (v: unknown) => (v === undefined || v === null ? undefined : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const adapter = (meta.adapter ?? {}) as Record<string, unknown>;
  const params = (meta.params ?? {}) as Record<string, unknown>;
  const timings = (meta.timings ?? {}) as Record<string, unknown>;
  const steps = facts.stepsCompleted !== undefined && facts.stepsPlanned !== undefined && facts.stepsCompleted !== facts.stepsPlanned
    ? `${facts.stepsCompleted} of ${facts.stepsPlanned}` : str(facts.stepsCompleted ?? facts.stepsPlanned);
  const rows: [string, string | undefined][] = [
    ['target', str(meta.target)],
    ['status', facts.status ?? 'complete'],
    ['network', facts.kind === 'unknown' ? undefined : facts.kind],
    ['steps', steps],
    ['time step', facts.dt === undefined ? undefined : `${facts.dt} ms`],
    ['biological time', facts.dt !== undefined && facts.stepsCompleted !== undefined ? `${+(facts.dt * facts.stepsCompleted).toFixed(6)} ms` : undefined],
    ['instances (batch)', str(meta.batch)],
    ['seed', str(meta.seed ?? params.seed ?? (meta.spec as { seed?: unknown } | undefined)?.seed)],
    ['instance seeds', str(meta.instance_seeds)],
    ['lamina version', str(meta.lamina)],
    ['Node.js', str(meta.node)],
    ['webgpu (Dawn bindings)', str(meta.webgpu)],
    ['adapter', [adapter.description || adapter.device, adapter.vendor, adapter.architecture].filter(Boolean).join(', ') || undefined],
    ['backend', str(adapter.backend)],
    ['git commit', str(meta.git_commit) ?? `${gitCommit(cwd)} (working directory when the report was written)`],
    ['date', str(meta.date)],
    ['command', str(meta.command)],
    ['wall time', str(timings.run_wall_s ?? timings.wall_s) && `${(Number(timings.run_wall_s ?? timings.wall_s)).toFixed(3)} s`],
    ['report written', new Date().toISOString()],
  ];
  return rows.map(([k, v]) => [k, v ?? 'unknown']);
}
