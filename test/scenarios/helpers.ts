/**
 * What the scenario tests share: a run into a fresh folder whose checks must all pass, the files it must
 * write, and a look inside its figures.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runToDirectory, type RunRequest } from '../../scenarios/run.ts';
import type { ScenarioOptions } from '../../scenarios/scenario.ts';

export interface Check { name: string; pass: boolean; detail: string }

/**
 * Runs into a new temporary folder (named from `prefix`). Every check must pass, each failure reported
 * with its name and detail, and so must the run as a whole.
 */
export async function runPassing(prefix: string, req: Omit<RunRequest, 'out'>): Promise<{ out: string; summary: Record<string, unknown>; checks: Check[] }> {
  const out = mkdtempSync(join(tmpdir(), prefix));
  const { summary, pass } = await runToDirectory({ ...req, out });
  const checks = summary.checks as Check[];
  for (const c of checks) expect(c.pass, `${c.name}: ${c.detail}`).toBe(true);
  expect(pass).toBe(true);
  return { out, summary, checks };
}

/** Each file must exist in `out` (a missing one is named). */
export function expectFiles(out: string, files: string[]): void {
  for (const f of files) expect(existsSync(join(out, f)), f).toBe(true);
}

/** How many `<element ` tags the figure `file` in `out` holds, after checking it is an SVG document. */
export function countInFigure(out: string, file: string, element: string): number {
  const svg = readFileSync(join(out, file), 'utf8');
  expect(svg.startsWith('<svg'), file).toBe(true);
  return (svg.match(new RegExp(`<${element} `, 'g')) ?? []).length;
}

/** Each option set makes `build` throw an error that matches (an error class, or a pattern such as the option's name). */
export function expectRejects(build: (o: ScenarioOptions) => unknown, cases: [ScenarioOptions, RegExp | (new (...a: any[]) => Error)][]): void {
  for (const [opts, error] of cases) expect(() => build(opts), JSON.stringify(opts)).toThrow(error);
}
