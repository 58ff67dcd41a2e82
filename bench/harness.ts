/**
 * What the benchmark programs share: order statistics of repeated measurements, the fields every result
 * JSON starts with, and the end of a run (result to --json, to stdout, then exit).
 */
import { writeFileSync } from 'node:fs';

/** Median, smallest and largest of repeated measurements (for an even count, the upper middle one). */
export function stats(xs: number[]): { median: number; min: number; max: number; n: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1], n: s.length };
}

/** Which benchmark, when, and the command line that ran it: enough to reproduce a row of RESULTS.md. */
export function header(bench: string): { bench: string; date: string; command: string } {
  return { bench, date: new Date().toISOString(), command: process.argv.slice(1).join(' ') };
}

/** The result as JSON into `file`, if one was given (--json). */
export function saveJson(file: string | undefined, result: object): void {
  if (file) writeFileSync(file, JSON.stringify(result, null, 1));
}

/**
 * Saves and prints the result, then exits: explicitly, because Dawn's GPU instance is kept for the whole
 * process (engine/gpu/device.ts) and would keep Node running.
 */
export function finish(file: string | undefined, result: object): never {
  saveJson(file, result);
  console.log(JSON.stringify(result, null, 1));
  process.exit(0);
}
